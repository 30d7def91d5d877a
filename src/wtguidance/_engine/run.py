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

from wtguidance._pack.compile import CompiledPack, permitted_holder, required_signer, timescale_view
from wtguidance._pack.model import (
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
from wtguidance.calendar import WorkingCalendar, add_months
from wtguidance.errors import EvaluationError
from wtguidance.overlay import Overlay
from wtguidance.results import (
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
        name, day = event.type, event.date
        fact = Fact("event", name, day, seq, event, f"{name}@{day.isoformat()}")
        found = facts.get(("event", name))
        if found is None:
            facts[("event", name)] = [fact]
        else:
            found.append(fact)
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
    # every obligation instance this edition opened, judged or withdrawn: (id, anchor, clock)
    considered: list[tuple[str, dt.date, str]] = field(default_factory=list)


_NO_FACTS: list[Fact] = []  # never mutated: stands in for a fact key with no facts


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
        # Lists are never mutated: deriving a fact replaces its list with a new one.
        self.facts: dict[FactKey, list[Fact]] = dict(facts)
        self.child = child
        self.as_of = as_of
        self.calendar = calendar
        self.overlay = overlay if overlay is not None and overlay.edition == pack.edition else None
        self.out = PackRun(pack.edition)
        self.trace = self.out.trace
        self.memo: dict[int, list[Fact]] = {}
        self.views: dict[Timescale, TimescaleView] = {}

    # -- matching ----------------------------------------------------------------
    def matching(self, pattern: Pattern) -> list[Fact]:
        # Safe to memoise: rules run in dependency order, so by the time a pattern over a
        # derived fact is read, every rule that asserts that fact has already run.
        key = id(pattern)
        found = self.memo.get(key)
        if found is None:
            found = self.facts.get((pattern.kind, pattern.name), _NO_FACTS)
            if pattern.where:
                test = self.pack.matchers[key]
                found = [f for f in found if test(f.event)]
            self.memo[key] = found
        return found

    def holds(self, condition: Condition | None, trigger: Fact, until: dt.date | None) -> bool:
        """Evaluate ``condition`` relative to ``trigger``; ``until`` is the next trigger's date."""
        if condition is None:
            return True
        if isinstance(condition, Exists):
            return self.exists(condition, trigger, until)
        if isinstance(condition, AllOf):
            return all(self.holds(item, trigger, until) for item in condition.items)
        if isinstance(condition, AnyOf):
            return any(self.holds(item, trigger, until) for item in condition.items)
        if isinstance(condition, NotOf):
            return not self.holds(condition.item, trigger, until)
        assert isinstance(condition, ChildIs)
        return bool(getattr(self.child, condition.field, None) == condition.value)

    def exists(self, condition: Exists, trigger: Fact, until: dt.date | None) -> bool:
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

    def traced(self, rule: Rule, anchor: dt.date, first: Fact, second: Fact | None = None) -> None:
        labels = (first.label,) if second is None else (first.label, second.label)
        self.trace.append((anchor, rule, labels))

    def governs(self, day: dt.date) -> bool:
        start, end = self.window
        return (start is None or day >= start) and (end is None or day < end)

    # -- forward chaining ------------------------------------------------------
    def derive(self) -> None:
        facts = self.facts
        for rule in self.pack.derivations:
            assert isinstance(rule.then, AssertSpec)
            if self.absent(rule.match):
                continue
            name = rule.then.fact
            new: list[Fact] = []
            for trigger in self.triggers(rule):
                day = trigger.date
                new.append(Fact("fact", name, day, trigger.seq, trigger.event, _label(name, day)))
                self.trace.append((day, rule, (trigger.label,)))
            if new:
                key = ("fact", name)
                merged = facts.get(key, _NO_FACTS) + new
                merged.sort(key=_fact_order)
                facts[key] = merged

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
            # the facts that withdraw or end an instance (each list sorted by date)
            withdrawn = [m for m in map(self.matching, spec.withdrawn_by) if m]
            ended = [m for m in map(self.matching, spec.ended_by) if m]
            for clock, satisfier, anchor in self.instances(rule, spec, withdrawn + ended):
                self.out.considered.append((spec.id, anchor, clock.label))
                if not self.governs(anchor):
                    continue  # another edition judges this episode
                item = self.judge_obligation(rule, spec, clock, satisfier, withdrawn, ended, anchor)
                if item is None:
                    continue
                self.keep(produced, (spec.id, clock.seq), (rule, anchor, item, spec))
        for _rule, anchor, item, spec in produced.values():
            self.out.obligations.append((anchor, item, spec))

    def instances(
        self, rule: Rule, spec: ObligationSpec, enders: list[list[Fact]]
    ) -> list[tuple[Fact, Fact | None, dt.date]]:
        """Open one obligation per clock event and give each its own satisfying event.

        A satisfying event answers one clock only (the earliest clock that can use it), so
        one notification cannot meet two incidents and one decision cannot answer two
        referrals. ``keep_first`` ignores a repeat of the clock while an earlier instance
        is still running; ``restart`` replaces that instance (and frees its satisfier).

        Each instance also carries its *anchor*: the date of the clock event that began
        its episode. It decides which edition judges the instance, so an episode begun
        under one edition is judged by it even when ``restart`` moves the clock to a date
        the next edition governs (otherwise neither edition would judge it).
        """
        satisfiers = self.matching(spec.satisfied_by)
        dates = [f.date for f in satisfiers]
        used: set[int] = set()
        opened: list[tuple[Fact, Fact | None, dt.date]] = []
        # when each opened instance stopped running (met, withdrawn or ended), if it did
        closes: list[dt.date | None] = []
        for clock in self.triggers(rule):
            if opened and spec.on_repeat != "separate":
                closed = closes[-1]
                if closed is None or closed > clock.date:
                    if spec.on_repeat == "keep_first":
                        self.traced(rule, opened[-1][2], clock)
                        continue
                    _last_clock, last_satisfier, anchor = opened.pop()
                    closes.pop()
                    if last_satisfier is not None:
                        used.discard(last_satisfier.seq)
                else:
                    anchor = clock.date
            else:
                anchor = clock.date
            ender = _first_ender(enders, clock.date) if enders else None
            satisfier = self.first_unused(satisfiers, dates, clock.date, spec.window, used, ender)
            if satisfier is not None and self.governs(anchor):
                # a clock judged by another edition must not take this edition's satisfier
                used.add(satisfier.seq)
            opened.append((clock, satisfier, anchor))
            if satisfier is not None and (ender is None or satisfier.date < ender):
                closes.append(satisfier.date)
            else:
                closes.append(ender)
        return opened

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

    def judge_obligation(
        self,
        rule: Rule,
        spec: ObligationSpec,
        clock: Fact,
        satisfier: Fact | None,
        withdrawn: list[list[Fact]],
        ended: list[list[Fact]],
        anchor: dt.date,
    ) -> ObligationResult | None:
        timescale = spec.timescale
        view = self.pack.timescales.get(rule.id)
        if self.overlay is not None and spec.id in self.overlay.timescales:
            timescale = self.overlay.timescales[spec.id]
            view = self.timescale_view(timescale)
        due = self.due_date(clock.date, timescale)
        limit = satisfier.date if satisfier is not None else None
        for enders, before_due_only in ((withdrawn, False), (ended, True)):
            for facts in enders:
                for ender in facts:
                    if ender.date < clock.date or (limit is not None and ender.date >= limit):
                        continue
                    if before_due_only and due is not None and ender.date > due:
                        continue
                    self.traced(rule, anchor, clock, ender)
                    return None
        status: ObligationStatus
        if due is None:
            status = "unscheduled"
        elif satisfier is not None:
            status = "met" if satisfier.date <= due else "met_late"
        else:
            status = "pending" if self.as_of <= due else "overdue"
        self.traced(rule, anchor, clock, satisfier)
        return ObligationResult(
            id=spec.id,
            edition=rule.edition,
            rule=rule.id,
            summary=rule.summary,
            actor=spec.actor,
            modality=spec.modality,
            clock=Clock(event=clock.name, date=clock.date),
            timescale=view,
            due=due,
            status=status,
            satisfied_on=limit,
            citation=self.pack.citations[rule.id],
        )

    def timescale_view(self, timescale: Timescale) -> TimescaleView:
        view = self.views.get(timescale)
        if view is None:
            view = self.views[timescale] = timescale_view(timescale)
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
        allocations = self.facts.get(("event", "allocation"), _NO_FACTS)
        for rule in self.pack.case_holders:
            spec = rule.then
            assert isinstance(spec, CaseHolderSpec)
            mine = [a for a in allocations if a.event.stage == spec.stage]
            if not mine and self.absent(rule.match):
                continue
            permitted = self.permitted(rule, spec)
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
                    citation=self.pack.citations[rule.id],
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

    def permitted(self, rule: Rule, spec: CaseHolderSpec) -> PermittedHolder:
        if self.overlay is not None and spec.stage in self.overlay.lead_roles:
            local = set(self.overlay.lead_roles[spec.stage])
            return permitted_holder(spec, tuple(r for r in spec.lead.roles if r in local))
        return self.pack.permitted[rule.id]

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
        signatures = self.facts.get(("event", "sign_off"), _NO_FACTS)
        for rule in self.pack.sign_offs:
            spec = rule.then
            assert isinstance(spec, SignOffSpec)
            if self.absent(rule.match):
                continue
            required = spec.required_from
            signer = self.pack.signers[rule.id]
            if self.overlay is not None and spec.id in self.overlay.sign_offs:
                required = self.overlay.sign_offs[spec.id]
                signer = required_signer(required)
            mine = [s for s in signatures if s.event.subject == spec.subject]
            givers = self.matching(spec.given_by) if spec.given_by is not None else _NO_FACTS
            triggers = self.triggers(rule)
            previous_done: dt.date | None = None
            for index, trigger in enumerate(triggers):
                until = triggers[index + 1].date if index + 1 < len(triggers) else None
                done = self.done(spec, trigger, until)
                result = self.judge_sign_off(
                    rule, spec, required, signer, trigger, done, until, mine, givers, previous_done
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
        signer: RequiredSigner,
        trigger: Fact,
        done: Fact | None,
        until: dt.date | None,
        signatures: Iterable[Fact],
        givers: Iterable[Fact],
        previous_done: dt.date | None,
    ) -> SignOffResult:
        given_on: dt.date | None = None
        signed_by: PersonView | None = None
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
                # who signed: the first permitted signature that day (none when an event,
                # such as a conference's decision, gave the sign-off)
                first = min((s for s in valid if s.date == given_on), key=_fact_order, default=None)
                signed_by = _person(first.event.by) if first is not None else None
            elif in_window:
                status = "invalid"
                signed_by = _person(min(in_window, key=_fact_order).event.by)
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
            required_from=signer,
            status=status,
            given_on=given_on,
            signed_by=signed_by,
            citation=self.citation(rule),
        )


def _fact_order(fact: Fact) -> tuple[dt.date, int]:
    return fact.date, fact.seq


def _first_ender(enders: list[list[Fact]], day: dt.date) -> dt.date | None:
    """The earliest date on or after ``day`` in any of the date-sorted ``enders``."""
    found: dt.date | None = None
    for facts in enders:
        for ender in facts:
            if ender.date >= day:
                if found is None or ender.date < found:
                    found = ender.date
                break
    return found


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
