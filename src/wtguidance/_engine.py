"""Stage 4, evaluate one edition: :class:`CompiledPack` × case facts → dated conclusions.

Forward chaining runs in the dependency order fixed at compile time: each deriving rule
fires once for every fact its trigger pattern matches (and its ``when`` condition
accepts), adding derived facts; once every deriving rule has run, the set of facts is at
its fixpoint and the concluding rules (obligations, case-holders, sign-offs) read it.
The result does not depend on rule, file or event order: facts are kept sorted by
(date, position in the case) and conclusions are keyed, never appended blindly.

Each conclusion carries an *anchor date* (its clock start, allocation date or trigger
date); :mod:`wtguidance._evaluate` uses it to keep only what the edition in force on
that date says.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ._compile import CompiledPack
from ._pack import (
    AllOf,
    AnyOf,
    AssertSpec,
    CaseHolderSpec,
    ChildIs,
    Condition,
    Exists,
    NotOf,
    ObligationSpec,
    Pattern,
    PersonSpec,
    Rule,
    SignOffSpec,
    Timescale,
)
from .calendar import WorkingCalendar, add_months
from .errors import EvaluationError
from .overlay import Overlay
from .results import (
    AllocationView,
    CaseHolderVerdict,
    CitationView,
    Clock,
    ObligationResult,
    ObligationStatus,
    PermittedHolder,
    PersonView,
    RequiredSigner,
    SignOffResult,
    SignOffStatus,
    TimescaleView,
)

__all__ = ["Fact", "PackRun", "base_facts", "run_pack"]

FactKey = tuple[str, str]


class Fact(NamedTuple):
    """A dated fact: a case event (``kind='event'``) or one derived from it.

    ``seq`` is the event's position in the date-sorted case, which keeps every ordering
    deterministic; ``label`` (``referral@2024-01-05``) is what the trace shows.
    """

    kind: str
    name: str
    date: dt.date
    seq: int
    event: Any
    label: str


def _label(name: str, day: dt.date) -> str:
    return f"{name}@{day.isoformat()}"


def base_facts(events: Sequence[Any]) -> dict[FactKey, list[Fact]]:
    """Index case events (already sorted by date, then input position) as facts."""
    facts: dict[FactKey, list[Fact]] = {}
    for seq, event in enumerate(events):
        facts.setdefault(("event", event.type), []).append(
            Fact("event", event.type, event.date, seq, event, _label(event.type, event.date))
        )
    return facts


@dataclass
class PackRun:
    """What one edition concluded, each item with its anchor date."""

    edition: str
    obligations: list[tuple[dt.date, ObligationResult, ObligationSpec]] = field(
        default_factory=list
    )
    case_holders: list[tuple[dt.date, CaseHolderVerdict]] = field(default_factory=list)
    sign_offs: list[tuple[dt.date, SignOffResult]] = field(default_factory=list)
    trace: list[tuple[dt.date, Rule, tuple[str, ...]]] = field(default_factory=list)


class _Run:
    def __init__(
        self,
        pack: CompiledPack,
        facts: Mapping[FactKey, list[Fact]],
        child: Any,
        as_of: dt.date,
        calendar: WorkingCalendar,
        overlay: Overlay | None,
        window: tuple[dt.date | None, dt.date | None] = (None, None),
    ) -> None:
        self.pack = pack
        self.window = window
        self.facts: dict[FactKey, list[Fact]] = {k: list(v) for k, v in facts.items()}
        self.child = child
        self.as_of = as_of
        self.calendar = calendar
        self.overlay = overlay if overlay is not None and overlay.edition == pack.edition else None
        self.out = PackRun(pack.edition)
        self.memo: dict[int, list[Fact]] = {}
        self.views: dict[Timescale, TimescaleView] = {}
        self.next_seq = 1 + max((f.seq for fs in facts.values() for f in fs), default=0)

    # -- matching ----------------------------------------------------------------
    def matching(self, pattern: Pattern) -> list[Fact]:
        # Safe to memoise: rules run in dependency order, so by the time a pattern over a
        # derived fact is read, every rule that asserts that fact has already run.
        key = id(pattern)
        found = self.memo.get(key)
        if found is None:
            candidates = self.facts.get((pattern.kind, pattern.name), [])
            if pattern.where:
                test = self.pack.matcher(pattern)
                candidates = [f for f in candidates if test(f.event)]
            found = self.memo[key] = candidates
        return found

    def holds(self, condition: Condition | None, trigger: Fact, until: dt.date | None) -> bool:
        """Evaluate ``condition`` relative to ``trigger``; ``until`` is the next trigger's date."""
        if condition is None:
            return True
        if isinstance(condition, AllOf):
            return all(self.holds(item, trigger, until) for item in condition.items)
        if isinstance(condition, AnyOf):
            return any(self.holds(item, trigger, until) for item in condition.items)
        if isinstance(condition, NotOf):
            return not self.holds(condition.item, trigger, until)
        if isinstance(condition, ChildIs):
            return bool(getattr(self.child, condition.field, None) == condition.value)
        assert isinstance(condition, Exists)
        day = trigger.date
        relation = condition.relative
        for fact in self.matching(condition.pattern):
            if fact is trigger:
                continue
            if (
                relation == "any_time"
                or (relation == "before" and fact.date < day)
                or (relation == "on_or_before" and fact.date <= day)
                or (relation == "on_or_after" and fact.date >= day)
                or (relation == "after" and fact.date > day)
                or (
                    relation == "until_next_trigger"
                    and fact.date >= day
                    and (until is None or fact.date < until)
                )
            ):
                return True
        return False

    def absent(self, pattern: Pattern) -> bool:
        """True when no fact of the pattern's kind and name exists (a cheap pre-check)."""
        return not self.facts.get((pattern.kind, pattern.name))

    def triggers(self, rule: Rule) -> list[Fact]:
        matches = self.matching(rule.match)
        if rule.when is None and rule.in_force_from is None and rule.in_force_until is None:
            return matches
        found = []
        for index, fact in enumerate(matches):
            if not rule.in_force_on(fact.date):
                continue
            until = next((m.date for m in matches[index + 1 :] if m.date > fact.date), None)
            if self.holds(rule.when, fact, until):
                found.append(fact)
        return found

    def citation(self, rule: Rule) -> CitationView:
        return self.pack.citations[rule.id]

    def traced(self, rule: Rule, anchor: dt.date, *facts: Fact | None) -> None:
        labels = tuple(f.label for f in facts if f is not None)
        self.out.trace.append((anchor, rule, labels))

    # -- forward chaining ------------------------------------------------------
    def derive(self) -> None:
        for rule in self.pack.derivations:
            assert isinstance(rule.then, AssertSpec)
            if self.absent(rule.match):
                continue
            new: list[Fact] = []
            for trigger in self.triggers(rule):
                fact = rule.then.fact
                new.append(
                    Fact(
                        "fact",
                        fact,
                        trigger.date,
                        trigger.seq,
                        trigger.event,
                        _label(fact, trigger.date),
                    )
                )
                self.traced(rule, trigger.date, trigger)
            if new:
                key = ("fact", rule.then.fact)
                merged = self.facts.get(key, []) + new
                merged.sort(key=lambda f: (f.date, f.seq))
                self.facts[key] = merged

    # -- obligations -------------------------------------------------------------
    def due_date(self, clock: dt.date, timescale: Timescale | None) -> dt.date | None:
        if timescale is None:
            return None
        if timescale.months is not None:
            return add_months(clock, timescale.months)
        assert timescale.working_days is not None
        trigger = self.overlay.trigger if self.overlay else "same_day"
        return self.calendar.add_working_days(clock, timescale.working_days, trigger=trigger)

    def obligations(self) -> None:
        produced: dict[tuple[str, int], tuple[Rule, dt.date, ObligationResult, ObligationSpec]] = {}
        for rule in self.pack.obligations:
            spec = rule.then
            assert isinstance(spec, ObligationSpec)
            if self.absent(rule.match):
                continue
            for clock, satisfier in self.instances(rule, spec):
                item = self.judge_obligation(rule, spec, clock, satisfier)
                if item is None:
                    continue
                self.keep(produced, (spec.id, clock.seq), (rule, clock.date, item, spec))
        for _rule, anchor, item, spec in produced.values():
            self.out.obligations.append((anchor, item, spec))

    def instances(self, rule: Rule, spec: ObligationSpec) -> list[tuple[Fact, Fact | None]]:
        """Open one obligation per clock event and give each its own satisfying event.

        A satisfying event answers one clock only (the earliest clock that can use it), so
        one notification cannot meet two incidents and one decision cannot answer two
        referrals. ``keep_first`` ignores a repeat of the clock while an earlier instance
        is still running; ``restart`` replaces that instance (and frees its satisfier).
        """
        satisfiers = self.matching(spec.satisfied_by)
        dates = [f.date for f in satisfiers]
        used: set[int] = set()
        opened: list[tuple[Fact, Fact | None]] = []
        for clock in self.triggers(rule):
            if opened and spec.on_repeat != "separate":
                last_clock, last_satisfier = opened[-1]
                closed = self.closed_on(spec, last_clock, last_satisfier)
                if closed is None or closed > clock.date:
                    if spec.on_repeat == "keep_first":
                        self.traced(rule, last_clock.date, clock)
                        continue
                    opened.pop()
                    if last_satisfier is not None:
                        used.discard(last_satisfier.seq)
            satisfier = self.first_unused(
                satisfiers, dates, clock.date, spec.window, used, self.first_ender(spec, clock)
            )
            if satisfier is not None and self.governs(clock.date):
                # a clock judged by another edition must not take this edition's satisfier
                used.add(satisfier.seq)
            opened.append((clock, satisfier))
        return opened

    def first_ender(self, spec: ObligationSpec, clock: Fact) -> dt.date | None:
        """The first withdrawing or ending event on or after the clock, if any."""
        found: dt.date | None = None
        for pattern in (*spec.withdrawn_by, *spec.ended_by):
            for ender in self.matching(pattern):
                if ender.date >= clock.date:
                    if found is None or ender.date < found:
                        found = ender.date
                    break
        return found

    @staticmethod
    def first_unused(
        satisfiers: list[Fact],
        dates: list[dt.date],
        day: dt.date,
        window: str,
        used: set[int],
        latest: dt.date | None,
    ) -> Fact | None:
        """The satisfier this clock takes: unused, in the window, not after an ender."""
        if window == "on_or_before":
            for index in range(bisect_right(dates, day) - 1, -1, -1):
                if satisfiers[index].seq not in used:
                    return satisfiers[index]
            return None
        start = (bisect_left if window == "on_or_after" else bisect_right)(dates, day)
        for index in range(start, len(satisfiers)):
            if latest is not None and satisfiers[index].date > latest:
                return None
            if satisfiers[index].seq not in used:
                return satisfiers[index]
        return None

    def governs(self, day: dt.date) -> bool:
        start, end = self.window
        return (start is None or day >= start) and (end is None or day < end)

    def closed_on(
        self, spec: ObligationSpec, clock: Fact, satisfier: Fact | None
    ) -> dt.date | None:
        """When an obligation instance stopped running: met, withdrawn or ended."""
        closed = satisfier.date if satisfier is not None else None
        for pattern in (*spec.withdrawn_by, *spec.ended_by):
            for ender in self.matching(pattern):
                if ender.date >= clock.date and (closed is None or ender.date < closed):
                    closed = ender.date
                    break
        return closed

    def judge_obligation(
        self, rule: Rule, spec: ObligationSpec, clock: Fact, satisfier: Fact | None
    ) -> ObligationResult | None:
        timescale = spec.timescale
        if self.overlay is not None and spec.id in self.overlay.timescales:
            timescale = self.overlay.timescales[spec.id]
        due = self.due_date(clock.date, timescale)
        limit = satisfier.date if satisfier is not None else None
        for patterns, before_due_only in ((spec.withdrawn_by, False), (spec.ended_by, True)):
            for pattern in patterns:
                for ender in self.matching(pattern):
                    if ender.date < clock.date or (limit is not None and ender.date >= limit):
                        continue
                    if before_due_only and due is not None and ender.date > due:
                        continue
                    self.traced(rule, clock.date, clock, ender)
                    return None
        status: ObligationStatus
        if due is None:
            status = "unscheduled"
        elif satisfier is not None:
            status = "met" if satisfier.date <= due else "met_late"
        else:
            status = "pending" if self.as_of <= due else "overdue"
        self.traced(rule, clock.date, clock, satisfier)
        return ObligationResult(
            id=spec.id,
            edition=rule.edition,
            rule=rule.id,
            summary=rule.summary,
            actor=spec.actor,
            modality=spec.modality,
            clock=Clock(event=clock.name, date=clock.date),
            timescale=self.timescale_view(timescale),
            due=due,
            status=status,
            satisfied_on=satisfier.date if satisfier is not None else None,
            citation=self.citation(rule),
        )

    def timescale_view(self, timescale: Timescale | None) -> TimescaleView | None:
        if timescale is None:
            return None
        view = self.views.get(timescale)
        if view is None:
            view = self.views[timescale] = TimescaleView(**timescale.as_dict())
        return view

    def keep(self, produced: dict[Any, Any], key: Any, entry: tuple[Any, ...]) -> None:
        """Record a conclusion, applying explicit precedence; refuse silent conflicts."""
        rule: Rule = entry[0]
        existing = produced.get(key)
        if existing is None:
            produced[key] = entry
            return
        other: Rule = existing[0]
        if rule.overrides == other.id:
            produced[key] = entry
        elif other.overrides == rule.id:
            return
        else:
            raise EvaluationError(
                f"rules {other.id} and {rule.id} both conclude about {key[0]!r} "
                "for the same event and neither overrides the other",
                code="conflicting-rules",
                location=rule.location,
                rule_id=rule.id,
                hint=f"add 'overrides: {other.id}' to one of them",
                related=(other.location,),
            )

    # -- case-holders ------------------------------------------------------------
    def case_holders(self) -> None:
        produced: dict[tuple[str, int], tuple[Rule, dt.date, CaseHolderVerdict]] = {}
        allocations = self.facts.get(("event", "allocation"), [])
        for rule in self.pack.case_holders:
            spec = rule.then
            assert isinstance(spec, CaseHolderSpec)
            permitted = self.permitted(spec)
            mine = [a for a in allocations if a.event.stage == spec.stage]
            for allocation in mine:
                if not rule.in_force_on(allocation.date):
                    continue
                compliant, reason = self.judge_allocation(spec, permitted, allocation.event)
                self.traced(rule, allocation.date, allocation)
                verdict = CaseHolderVerdict(
                    stage=spec.stage,
                    edition=rule.edition,
                    rule=rule.id,
                    permitted=permitted,
                    allocation=AllocationView(
                        date=allocation.date,
                        practitioner=_person(allocation.event.practitioner),
                        supervisor=_person(allocation.event.supervisor)
                        if allocation.event.supervisor is not None
                        else None,
                    ),
                    compliant=compliant,
                    reason=reason,
                    citation=self.citation(rule),
                )
                self.keep(produced, (spec.stage, allocation.seq), (rule, allocation.date, verdict))
            if mine:
                continue
            active = self.triggers(rule)
            if not active:
                continue
            start = active[0]
            self.traced(rule, start.date, start)
            verdict = CaseHolderVerdict(
                stage=spec.stage,
                edition=rule.edition,
                rule=rule.id,
                permitted=permitted,
                allocation=None,
                compliant=False,
                reason=f"stage {spec.stage} is active (since {start.date.isoformat()}, "
                f"{start.name}) but no allocation is recorded",
                citation=self.citation(rule),
            )
            self.keep(produced, (spec.stage, -1), (rule, start.date, verdict))
        for _rule, anchor, verdict in produced.values():
            self.out.case_holders.append((anchor, verdict))

    def permitted(self, spec: CaseHolderSpec) -> PermittedHolder:
        roles = spec.lead.roles
        if self.overlay is not None and spec.stage in self.overlay.lead_roles:
            local = set(self.overlay.lead_roles[spec.stage])
            roles = tuple(r for r in roles if r in local)
        oversight = spec.oversight
        return PermittedHolder(
            roles=roles,
            social_work_qualified=spec.lead.social_work_qualified,
            supervisor_required=oversight.required if oversight else "never",
            supervisor_roles=oversight.roles if oversight else (),
            supervisor_social_work_qualified=oversight.social_work_qualified if oversight else None,
        )

    @staticmethod
    def judge_allocation(
        spec: CaseHolderSpec, permitted: PermittedHolder, allocation: Any
    ) -> tuple[bool, str]:
        lead = allocation.practitioner
        if lead.role not in permitted.roles:
            return (
                False,
                f"lead role {lead.role} may not lead {spec.stage}; permitted: "
                + ", ".join(permitted.roles),
            )
        if permitted.social_work_qualified and not lead.social_work_qualified:
            return False, f"the lead for {spec.stage} must be social-work qualified"
        needs_supervisor = permitted.supervisor_required == "always" or (
            permitted.supervisor_required == "when_lead_not_social_work_qualified"
            and not lead.social_work_qualified
        )
        if not needs_supervisor:
            return True, f"lead role {lead.role} may lead {spec.stage}"
        supervisor = allocation.supervisor
        if supervisor is None:
            return False, (
                f"lead role {lead.role} may lead {spec.stage} only with a supervisor "
                f"({', '.join(permitted.supervisor_roles)}); none recorded"
            )
        if supervisor.role not in permitted.supervisor_roles:
            return False, (
                f"supervisor role {supervisor.role} cannot oversee {spec.stage}; permitted: "
                + ", ".join(permitted.supervisor_roles)
            )
        if permitted.supervisor_social_work_qualified and not supervisor.social_work_qualified:
            return False, f"the supervisor overseeing {spec.stage} must be social-work qualified"
        return True, (
            f"lead role {lead.role} may lead {spec.stage} under supervisor role {supervisor.role}"
            + (" who is social-work qualified" if supervisor.social_work_qualified else "")
        )

    # -- sign-offs ---------------------------------------------------------------
    def sign_offs(self) -> None:
        produced: dict[tuple[str, int], tuple[Rule, dt.date, SignOffResult]] = {}
        signatures = self.facts.get(("event", "sign_off"), [])
        for rule in self.pack.sign_offs:
            spec = rule.then
            assert isinstance(spec, SignOffSpec)
            if self.absent(rule.match):
                continue
            required = spec.required_from
            if self.overlay is not None and spec.id in self.overlay.sign_offs:
                required = self.overlay.sign_offs[spec.id]
            mine = [s for s in signatures if s.event.subject == spec.subject]
            givers = self.matching(spec.given_by) if spec.given_by is not None else []
            triggers = self.triggers(rule)
            previous_done: dt.date | None = None
            for index, trigger in enumerate(triggers):
                until = triggers[index + 1].date if index + 1 < len(triggers) else None
                done = self.done(spec, trigger, until)
                result = self.judge_sign_off(
                    rule, spec, required, trigger, done, until, mine, givers, previous_done
                )
                previous_done = done.date if done is not None else previous_done
                self.keep(produced, (spec.id, trigger.seq), (rule, trigger.date, result))
        for _rule, anchor, result in produced.values():
            self.out.sign_offs.append((anchor, result))

    def done(self, spec: SignOffSpec, trigger: Fact, until: dt.date | None) -> Fact | None:
        if spec.done_when is None:
            return trigger
        for fact in self.matching(spec.done_when):
            if fact.date >= trigger.date and (until is None or fact.date < until):
                return fact
        return None

    def judge_sign_off(
        self,
        rule: Rule,
        spec: SignOffSpec,
        required: PersonSpec,
        trigger: Fact,
        done: Fact | None,
        until: dt.date | None,
        signatures: Iterable[Fact],
        givers: Iterable[Fact],
        previous_done: dt.date | None,
    ) -> SignOffResult:
        given_on: dt.date | None = None
        status: SignOffStatus
        if done is None:
            status = "pending"
        else:
            in_window = [
                s for s in signatures if s.date >= done.date and (until is None or s.date < until)
            ]
            valid = [s for s in in_window if _permits(required, s.event.by)]
            by_event = [
                g
                for g in givers
                if g.date <= done.date and (previous_done is None or g.date > previous_done)
            ]
            dates = [s.date for s in valid] + [g.date for g in by_event]
            if dates:
                status, given_on = "given", min(dates)
            elif in_window:
                status = "invalid"
            else:
                status = "missing"
        self.traced(rule, trigger.date, trigger, done)
        return SignOffResult(
            id=spec.id,
            edition=rule.edition,
            rule=rule.id,
            subject=spec.subject,
            summary=rule.summary,
            subject_date=done.date if done is not None else None,
            required_from=RequiredSigner(
                roles=required.roles, social_work_qualified=required.social_work_qualified
            ),
            status=status,
            given_on=given_on,
            citation=self.citation(rule),
        )


def _permits(required: PersonSpec, person: Any) -> bool:
    if person.role not in required.roles:
        return False
    return not (required.social_work_qualified and not person.social_work_qualified)


def _person(person: Any) -> PersonView:
    return PersonView(role=person.role, social_work_qualified=person.social_work_qualified)


def run_pack(
    pack: CompiledPack,
    facts: Mapping[FactKey, list[Fact]],
    child: Any,
    *,
    as_of: dt.date,
    calendar: WorkingCalendar,
    overlay: Overlay | None = None,
    window: tuple[dt.date | None, dt.date | None] = (None, None),
) -> PackRun:
    """Evaluate one compiled edition over a case's facts.

    ``window`` is the span of anchor dates this edition governs (``edition: auto``);
    clocks outside it are still computed (they shape repeats) but are judged elsewhere.
    """
    run = _Run(pack, facts, child, as_of, calendar, overlay, window)
    run.derive()
    run.obligations()
    run.case_holders()
    run.sign_offs()
    return run.out
