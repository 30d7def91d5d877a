"""The checks that need the edition: limits, roles, oversight, sign-offs, sections."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from wtguidance import _ids
from wtguidance._pack.compile import CompiledPack
from wtguidance._pack.model import (
    CaseHolderSpec,
    Citation,
    ObligationSpec,
    PersonSpec,
    Rule,
    SignOffSpec,
    Timescale,
)
from wtguidance._pack.vocabulary import Vocabulary, case_vocabulary
from wtguidance._yaml_document import pointer_join
from wtguidance.calendar import WorkingCalendar
from wtguidance.protocol.model import LocalLead, LocalPattern, LocalProtocol
from wtguidance.protocol.report import FindingsCollector

__all__ = ["EditionChecks", "compare_limits"]

SOCIAL_WORKER = "social_worker"
_STAGE_FIELDS = ("competence", "oversight")


class EditionChecks:
    """The checks that need the edition: limits, roles, oversight, sections."""

    def __init__(
        self,
        findings: FindingsCollector,
        protocol: LocalProtocol,
        pack: CompiledPack,
        roles: Collection[str],
    ) -> None:
        self.c = findings
        self.known_roles = roles
        self.vocabulary: Vocabulary = case_vocabulary()
        #: the protocol's sign-offs with the edition's qualification requirement kept
        self.accepted_sign_offs: dict[str, PersonSpec] = {}
        self.p = protocol
        self.pack = pack
        self.edition = pack.edition
        expectations = pack.pack.meta.local_protocol
        self.expect = expectations
        self.section_citation = expectations.citation
        self.obligations: dict[str, Rule] = {}
        for rule in pack.obligations:
            self.obligations.setdefault(rule.output_id, rule)
        self.holders: dict[str, Rule] = {}
        for rule in pack.case_holders:
            self.holders.setdefault(rule.output_id, rule)
        self.sign_off_rules: dict[str, Rule] = {}
        for rule in pack.sign_offs:
            self.sign_off_rules.setdefault(rule.output_id, rule)

    def run(self) -> None:
        self.published()
        self.timescales()
        non_sw_stages = self.leads()
        self.sign_offs()
        self.sections(non_sw_stages)
        self.non_working_days()
        self.local_obligations()

    def published(self) -> None:
        meta = self.pack.pack.meta
        if self.p.published is not None and self.p.published < meta.in_force_from:
            self.c.add(
                "published-before-edition",
                f"published {self.p.published.isoformat()}, before edition {self.edition} "
                f"came into force ({meta.in_force_from.isoformat()})",
                "/published",
                citation=self.section_citation,
                hint="review the protocol against this edition and update 'published'",
            )

    # timescales
    def timescales(self) -> None:
        local = self.p.timescales or {}
        for obligation, limit in local.items():
            pointer = pointer_join("/timescales", obligation)
            rule = self.obligations.get(obligation)
            if rule is None:
                known = set(self.obligations) | set(_ids.OBLIGATION_IDS)
                where = (
                    f"edition {self.edition} has no obligation {obligation!r}"
                    if obligation in _ids.OBLIGATION_IDS
                    else f"unknown obligation {obligation!r}"
                )
                self.c.add(
                    "unknown-obligation",
                    where,
                    pointer,
                    hint=_ids.did_you_mean(obligation, self.obligations)
                    or (
                        None
                        if obligation in _ids.OBLIGATION_IDS
                        else _ids.did_you_mean(obligation, known)
                    ),
                )
                continue
            spec = rule.then
            assert isinstance(spec, ObligationSpec)
            self.compare(obligation, limit.as_timescale(), spec.timescale, rule, pointer)
        for obligation in self.expect.locally_set_timescales:
            if obligation not in local:
                rule = self.obligations.get(obligation)
                self.c.add(
                    "missing-timescale",
                    f"no local limit for {obligation!r}, which edition {self.edition} leaves "
                    "to the local protocol",
                    "/timescales" if self.p.timescales is not None else "",
                    citation=rule.citation if rule else self.section_citation,
                    hint=f"add e.g. 'timescales: {{{obligation}: {{working_days: 5}}}}'",
                )

    def compare(
        self,
        obligation: str,
        local: Timescale,
        statute: Timescale | None,
        rule: Rule,
        pointer: str,
    ) -> None:
        if statute is None:
            return  # a limit the edition leaves to local decision: any value tightens it
        verdict = compare_limits(local, statute)
        if verdict == "unknown":
            self.c.add(
                "timescale-unit-mismatch",
                f"{obligation}: a local limit of {local.describe()} cannot be shown to be no "
                f"longer than the edition's {statute.describe()}",
                pointer,
                citation=rule.citation,
                hint=f"state the local limit in {statute.unit.replace('_', ' ')}",
            )
        elif verdict == "looser":
            self.c.add(
                "timescale-looser-than-statute",
                f"{obligation}: local limit of {local.describe()} is longer than the "
                f"{statute.describe()} edition {self.edition} allows",
                pointer,
                citation=rule.citation,
                hint=f"a local limit may be {statute.describe()} or less",
            )

    # leads
    def leads(self) -> list[str]:
        """Check lead practitioners; return stages where a non-social worker may lead."""
        non_sw: list[str] = []
        for stage, lead in (self.p.lead_practitioners or {}).items():
            pointer = pointer_join("/lead_practitioners", stage)
            rule = self.holders.get(stage)
            if rule is None:
                self.c.add(
                    "unknown-stage",
                    f"edition {self.edition} has no case-holding stage {stage!r}; "
                    f"its stages: {', '.join(self.holders)}",
                    pointer,
                    hint=_ids.did_you_mean(stage, self.holders),
                )
                continue
            spec = rule.then
            assert isinstance(spec, CaseHolderSpec)
            self.roles(
                lead.roles,
                f"{pointer}/roles",
                spec.lead.roles,
                f"lead {stage}",
                rule.citation,
            )
            if any(role != SOCIAL_WORKER and role in spec.lead.roles for role in lead.roles):
                non_sw.append(stage)
                self.oversight(stage, lead, spec, rule, pointer)
        return non_sw

    def roles(
        self,
        roles: Collection[str],
        pointer: str,
        allowed: Sequence[str],
        what: str,
        citation: Citation,
    ) -> None:
        for index, role in enumerate(roles):
            here = pointer_join(pointer, index)
            if role not in self.known_roles:
                self.c.add(
                    "unknown-role",
                    f"unknown role {role!r}",
                    here,
                    hint=_ids.did_you_mean(role, self.known_roles),
                )
            elif role not in allowed:
                self.c.add(
                    "role-not-permitted",
                    f"edition {self.edition} does not allow a {role} to {what}; "
                    f"permitted: {', '.join(allowed)}",
                    here,
                    citation=citation,
                )

    def oversight(
        self, stage: str, lead: LocalLead, spec: CaseHolderSpec, rule: Rule, pointer: str
    ) -> None:
        needed = spec.oversight
        if needed is None:
            return
        if lead.oversight is None:
            self.c.add(
                "oversight-required",
                f"{stage}: non-social workers may lead, but no oversight is set; edition "
                f"{self.edition} requires oversight by "
                + ("a social-work-qualified " if needed.social_work_qualified else "a ")
                + " or ".join(needed.roles),
                pointer,
                citation=rule.citation,
                hint="add 'oversight: {roles: [practice_supervisor], social_work_qualified: true}'",
            )
            return
        self.roles(
            lead.oversight.roles,
            f"{pointer}/oversight/roles",
            needed.roles,
            f"oversee {stage}",
            rule.citation,
        )
        if needed.social_work_qualified and lead.oversight.social_work_qualified is not True:
            self.c.add(
                "oversight-required",
                f"{stage}: oversight of non-social-worker leads must be by someone "
                "social-work qualified",
                f"{pointer}/oversight",
                citation=rule.citation,
                hint="set 'social_work_qualified: true' under oversight",
            )

    # sign-offs
    def sign_offs(self) -> None:
        for sign_off, person in (self.p.sign_offs or {}).items():
            pointer = pointer_join("/sign_offs", sign_off)
            rule = self.sign_off_rules.get(sign_off)
            if rule is None:
                self.c.add(
                    "unknown-sign-off",
                    f"edition {self.edition} has no sign-off {sign_off!r}",
                    pointer,
                    hint=_ids.did_you_mean(sign_off, set(self.sign_off_rules) | _ids.SIGN_OFF_IDS),
                )
                continue
            spec = rule.then
            assert isinstance(spec, SignOffSpec)
            qualified = person.social_work_qualified
            if qualified is None:
                qualified = spec.required_from.social_work_qualified
            self.accepted_sign_offs[sign_off] = PersonSpec(tuple(person.roles), qualified)
            self.roles(
                person.roles,
                f"{pointer}/roles",
                spec.required_from.roles,
                f"sign off {sign_off}",
                rule.citation,
            )
            if spec.required_from.social_work_qualified and person.social_work_qualified is False:
                self.c.add(
                    "qualification-weaker",
                    f"{sign_off}: edition {self.edition} requires a social-work-qualified "
                    "signatory; the protocol drops that requirement",
                    f"{pointer}/social_work_qualified",
                    citation=rule.citation,
                    hint="remove 'social_work_qualified: false' or set it to true",
                )

    # sections
    def sections(self, non_sw_stages: list[str]) -> None:
        present = {
            name for name, value in self.p.model_dump().items() if value not in (None, "", [], {})
        }
        for section in self.expect.required_sections:
            if section not in present:
                self.c.add(
                    "missing-section",
                    f"edition {self.edition} requires the {section!r} section",
                    "",
                    citation=self.section_citation,
                )
        if not non_sw_stages:
            return
        conditional = self.expect.required_sections_when_non_social_worker_leads
        for section in conditional:
            if section in _STAGE_FIELDS or section in present:
                continue
            self.c.add(
                "missing-section",
                f"the {section!r} section is required because non-social workers may lead "
                f"{', '.join(non_sw_stages)}",
                "",
                citation=self.section_citation,
            )
        if not conditional:
            return
        for stage in non_sw_stages:
            lead = (self.p.lead_practitioners or {})[stage]
            if lead.competence is None:
                rule = self.holders[stage]
                self.c.add(
                    "missing-section",
                    f"{stage}: say how the competence of non-social-worker leads is assured "
                    "and monitored ('competence')",
                    pointer_join("/lead_practitioners", stage),
                    citation=rule.citation,
                )

    # local obligations (v1.1)
    def local_obligations(self) -> None:
        """Check each local obligation: known events, fields and values; never looser
        than a national obligation it refines (named in ``tightens``, or with the same
        trigger and satisfying events)."""
        for local_id, duty in (self.p.local_obligations or {}).items():
            pointer = pointer_join("/local_obligations", local_id)
            self.local_pattern(duty.trigger, f"{pointer}/trigger")
            self.local_pattern(duty.satisfied_by, f"{pointer}/satisfied_by")
            if duty.repeat is not None:
                for index, until in enumerate(duty.repeat.until):
                    self.local_pattern(until, f"{pointer}/repeat/until/{index}")
            refined: dict[str, Rule] = {}
            if duty.tightens is not None:
                rule = self.obligations.get(duty.tightens)
                if rule is None:
                    self.c.add(
                        "unknown-obligation",
                        f"{local_id}: edition {self.edition} has no obligation "
                        f"{duty.tightens!r} to tighten",
                        f"{pointer}/tightens",
                        hint=_ids.did_you_mean(duty.tightens, self.obligations),
                    )
                else:
                    refined[duty.tightens] = rule
            for rule in self.pack.obligations:
                spec = rule.then
                assert isinstance(spec, ObligationSpec)
                if (
                    rule.match.name == duty.trigger.event
                    and spec.satisfied_by.name == duty.satisfied_by.event
                ):
                    refined.setdefault(spec.id, rule)
            local = duty.timescale.as_timescale()
            for national, rule in sorted(refined.items()):
                spec = rule.then
                assert isinstance(spec, ObligationSpec)
                self.compare(
                    f"{local_id} (refining {national})",
                    local,
                    spec.timescale,
                    rule,
                    f"{pointer}/timescale",
                )

    def local_pattern(self, pattern: LocalPattern, pointer: str) -> None:
        """Unknown event types, fields and values, each with a did-you-mean."""
        events = self.vocabulary.events
        if pattern.event not in events:
            self.c.add(
                "unknown-event",
                f"unknown event type {pattern.event!r}",
                f"{pointer}/event",
                hint=_ids.did_you_mean(pattern.event, events)
                or "event types are listed in docs/reference/case-record.md (the case record)",
            )
            return
        fields = self.vocabulary.fields_of(pattern.event)
        for name, value in (pattern.where or {}).items():
            here = pointer_join(f"{pointer}/where", name)
            if name not in fields:
                self.c.add(
                    "unknown-field",
                    f"event {pattern.event!r} has no field {name!r}",
                    here,
                    hint=_ids.did_you_mean(name, fields)
                    or (f"fields: {', '.join(sorted(fields))}" if fields else "it has no fields"),
                )
                continue
            allowed = fields[name]
            for item in value if isinstance(value, list) else [value]:
                if allowed is not None and item not in allowed:
                    self.c.add(
                        "unknown-value",
                        f"{pattern.event}.{name} can never be {item!r}",
                        here,
                        hint=(
                            f"{_ids.did_you_mean(str(item), map(str, allowed)) or ''} allowed: "
                            f"{', '.join(sorted(map(str, allowed)))}"
                        ).strip(),
                    )

    def non_working_days(self) -> None:
        seen: set[dt.date] = set()
        for index, day in enumerate(self.p.non_working_days):
            if day in seen:
                self.c.add(
                    "duplicate-non-working-day",
                    f"{day.isoformat()} is listed more than once",
                    f"/non_working_days/{index}",
                )
            seen.add(day)
        # Closure days lengthen only the protocol's own limits (a national deadline is
        # never moved), but many of them still quietly loosen every local duty.
        calendar = default_calendar_for(seen)
        removed: dict[int, int] = {}
        for day in seen:
            if calendar.is_working_day(day):
                removed[day.year] = removed.get(day.year, 0) + 1
        for year, count in sorted(removed.items()):
            if count > MAX_CLOSURE_DAYS_PER_YEAR:
                self.c.add(
                    "too-many-non-working-days",
                    f"the protocol closes {count} working days of {year} (more than "
                    f"{MAX_CLOSURE_DAYS_PER_YEAR}); they lengthen every local limit by as "
                    "much, although national deadlines stay as the edition sets them",
                    "/non_working_days",
                )


#: working days a protocol may close in one calendar year before the validator warns
MAX_CLOSURE_DAYS_PER_YEAR = 10


def default_calendar_for(days: set[dt.date]) -> WorkingCalendar:
    """A national calendar covering ``days`` (the shipped span, widened if need be)."""
    years = [d.year for d in days] or [2000]
    first, last = min(min(years), 1990), max(max(years), 2075)
    if (first, last) == (1990, 2075):
        return WorkingCalendar()
    return WorkingCalendar(first_year=max(first, 1900), last_year=min(last, 9998))


# -- comparing limits in different units -----------------------------------------------

_DAY = 24


def _span_hours(limit: Timescale) -> tuple[float, float]:
    """The shortest and longest time, in hours, a limit can allow.

    Working days never pass faster than calendar days, and at most a fortnight of
    weekends and bank holidays fits in a short run of them; a month is 28 to 31 days.
    ``working_days_before`` counts the other way and has no span here.
    """
    if limit.hours is not None:
        return float(limit.hours), float(limit.hours)
    if limit.calendar_days is not None:
        return float(limit.calendar_days * _DAY), float(limit.calendar_days * _DAY)
    if limit.working_days is not None:
        n = limit.working_days
        return float(n * _DAY), float((2 * n + 14) * _DAY)
    if limit.months is not None:
        return float(limit.months * 28 * _DAY), float(limit.months * 31 * _DAY)
    return float("nan"), float("nan")


def compare_limits(local: Timescale, national: Timescale) -> str:
    """``tighter`` (no longer in any case), ``looser`` (longer in every case) or
    ``unknown`` (it depends on the calendar: state the limit in the national unit).

    The same unit compares by number. Unlike units compare by the span each can cover:
    24 hours is never longer than 1 working day, 3 calendar days never longer than 3
    working days, but 1 month against 20 working days depends on the month.
    """
    if local.unit == national.unit:
        return "tighter" if local.amount <= national.amount else "looser"
    if "working_days_before" in (local.unit, national.unit):
        return "unknown"
    local_low, local_high = _span_hours(local)
    national_low, national_high = _span_hours(national)
    if local_high <= national_low:
        return "tighter"
    if local_low > national_high:
        return "looser"
    return "unknown"
