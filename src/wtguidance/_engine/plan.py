"""An edition compiled for evaluation: one plan per rule.

Built once per :class:`~wtguidance.evaluation.Evaluator` and edition, never per case.
Every decision that does not depend on the case is taken here: which facts a pattern
reads and the test on each; each ``when`` condition as a closure that answers in constant
or logarithmic time from date-sorted facts; each obligation's due-date function (months,
or working days on the national calendar); the output objects that do not depend on the
case (citation, timescale, who may lead, who must sign). No source text is generated and
nothing is ``eval``'d: plans are closures over the validated pack.

An edition a local protocol has tightened (``pack.protocol``) is planned the same way:
its rules already hold the local limits and roles. The protocol's closure days and
counting policy apply to its own limits only: a local duty counts on the local calendar;
a national duty the protocol tightened is due on the earlier of its national count and
its local count; every other duty keeps its national count.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from types import MappingProxyType
from typing import Any, Protocol

from msgspec.structs import replace

from wtguidance._engine.facts import Fact, FactKey, fact_date
from wtguidance._pack.compile import CompiledPack, Matcher
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
    TimescaleSource,
    Window,
)
from wtguidance._pack.views import timescale_view
from wtguidance.calendar import (
    WIDE_FIRST_YEAR,
    WIDE_LAST_YEAR,
    Trigger,
    WorkingCalendar,
    add_days,
    add_months,
)
from wtguidance.results import (
    CaseHolderVerdict,
    CitationView,
    Clock,
    Instance,
    ObligationResult,
    PermittedHolder,
    RequiredSigner,
    SignOffResult,
    TimescaleEntry,
    TimescaleView,
)

__all__ = [
    "CaseHolderPlan",
    "DerivationPlan",
    "ObligationPlan",
    "PackPlan",
    "Reader",
    "RulePlan",
    "Selection",
    "SignOffPlan",
    "plan_pack",
]


class Reader(Protocol):
    """What a condition reads while a rule runs (the run context)."""

    child: Any

    def matching(self, selection: Selection) -> list[Fact]: ...


#: a compiled ``when`` condition: (reader, trigger fact, next trigger's date, previous
#: trigger's date) → holds?
Test = Callable[[Reader, Fact, "dt.date | None", "dt.date | None"], bool]
DueDate = Callable[[dt.date], "dt.date | None"]
#: (due date, the later day: as of, or when it was met) → how late, in the limit's unit
Lateness = Callable[[dt.date, dt.date], TimescaleView]
Day = dt.date | None


@dataclass(frozen=True, slots=True)
class Selection:
    """A compiled pattern: the facts it reads (``key``), the test on each, its memo slot."""

    key: FactKey
    test: Matcher | None
    slot: int


@dataclass(frozen=True, slots=True)
class RulePlan:
    """What every rule has: the rule, its trigger, when it is in force, its condition."""

    rule: Rule
    match: Selection
    in_force: Callable[[dt.date], bool] | None
    when: Test | None
    #: True when some trigger facts may not fire the rule (dates or a condition)
    filtered: bool
    #: the facts whose arrival *decides* a trigger for its ``until_next_trigger``
    #: conditions (any referral decision, any assessment started); a later trigger that
    #: comes while an earlier one is undecided joins it (``joined-episode``)
    deciding: tuple[Selection, ...]
    #: rules with the same trigger pattern, dates in force and condition share one slot:
    #: which of their trigger facts fire is worked out once per case (two 2023 duties
    #: run from a referral taken on for assessment)
    trigger_slot: int


@dataclass(frozen=True, slots=True)
class DerivationPlan(RulePlan):
    fact: str


@dataclass(frozen=True, slots=True)
class ObligationPlan(RulePlan):
    spec: ObligationSpec
    satisfied_by: Selection
    window: Window
    withdrawn_by: tuple[Selection, ...]
    ended_by: tuple[Selection, ...]
    due: DueDate
    view: TimescaleView | None
    #: where the limit comes from, for the outcome's ``timescales`` (``local`` if tightened)
    source: TimescaleSource
    citation: CitationView
    #: how late a date is after the due date, in the limit's own unit (see ``_lateness``)
    late: Lateness
    #: the parts of every result this rule gives that do not depend on the case (id,
    #: rule, summary, limit, citation…): each result is this with its case's values put in
    template: ObligationResult
    #: the outcome's ``timescales`` entry for a first clock (None without a limit)
    entry: TimescaleEntry | None
    #: the edition's own limit, when a local protocol tightened it
    national_view: TimescaleView | None = None
    #: the limit itself (limits in hours are counted from the events' times of day)
    timescale: Timescale | None = None
    #: a repeating clock: the due date and view of each later interval
    repeat_due: DueDate | None = None
    repeat_view: TimescaleView | None = None
    #: the limit in hours, when it is one (counted to the minute where times are known)
    hours: int | None = None
    repeat_template: ObligationResult | None = None
    #: the outcome's ``timescales`` entry for a repeat interval
    repeat_entry: TimescaleEntry | None = None


@dataclass(frozen=True, slots=True)
class CaseHolderPlan(RulePlan):
    spec: CaseHolderSpec
    permitted: PermittedHolder
    citation: CitationView
    #: the case-independent parts of every verdict of this rule (see ObligationPlan)
    template: CaseHolderVerdict


@dataclass(frozen=True, slots=True)
class SignOffPlan(RulePlan):
    spec: SignOffSpec
    required: PersonSpec
    signer: RequiredSigner
    done_when: Selection | None
    given_by: Selection | None
    citation: CitationView
    #: the case-independent parts of every result of this rule (see ObligationPlan)
    template: SignOffResult


@dataclass(frozen=True, slots=True)
class PackPlan:
    """One edition ready to run over a case's facts."""

    pack: CompiledPack
    slots: int
    #: one pattern per memo slot, in slot order (what another engine matches instead)
    patterns: tuple[Pattern, ...]
    derivations: tuple[DerivationPlan, ...]
    obligations: tuple[ObligationPlan, ...]
    case_holders: tuple[CaseHolderPlan, ...]
    sign_offs: tuple[SignOffPlan, ...]
    #: obligation rule id → where its limit comes from (for the outcome's ``timescales``)
    sources: Mapping[str, TimescaleSource]
    #: rules awaiting commencement (``in_force_from: pending``): never applied, but a case
    #: they would apply to gets a ``not-commenced`` finding
    dormant: tuple[RulePlan, ...] = ()
    #: how many distinct trigger slots the rules use (see ``RulePlan.trigger_slot``)
    trigger_slots: int = 0
    #: the dispatch table: each kind of fact → the obligation rules it can trigger (their
    #: positions in ``obligations``), so a case's facts reach only the rules they start
    obligations_by_trigger: Mapping[FactKey, tuple[int, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    @property
    def edition(self) -> str:
        return self.pack.edition


def plan_pack(pack: CompiledPack, calendar: WorkingCalendar) -> PackPlan:
    """Compile ``pack`` into plans; ``calendar`` holds the national working days."""
    slots: dict[tuple[object, ...], Selection] = {}
    patterns: list[Pattern] = []

    def select(pattern: Pattern) -> Selection:
        # patterns equal but for where they were written share one memo slot
        key = (pattern.kind, pattern.name, pattern.where)
        found = slots.get(key)
        if found is None:
            test = pack.matcher(pattern) if pattern.where else None
            found = slots[key] = Selection((pattern.kind, pattern.name), test, len(slots))
            patterns.append(pattern)
        return found

    trigger_slots: dict[tuple[object, ...], int] = {}

    def base(rule: Rule) -> dict[str, Any]:
        in_force = _in_force(rule)
        match = select(rule.match)
        when = rule.when
        # what decides which trigger facts fire: equal keys, equal answers
        fires = (
            match.slot,
            _condition_key(when, select) if when is not None else None,
            rule.commencement_pending,
            rule.in_force_from,
            rule.in_force_until,
        )
        return {
            "rule": rule,
            "match": match,
            "in_force": in_force,
            "when": _condition(when, select) if when is not None else None,
            "filtered": in_force is not None or when is not None,
            "deciding": tuple(select(p) for p in _until_next_patterns(when)),
            "trigger_slot": trigger_slots.setdefault(fires, len(trigger_slots)),
        }

    policy = pack.pack.protocol
    local_calendar = calendar
    trigger: Trigger = "same_day"
    if policy is not None:
        trigger = policy.trigger
        if policy.non_working_days:
            local_calendar = calendar.with_extra_non_working(policy.non_working_days)
    derivations = tuple(
        DerivationPlan(**base(r), fact=_then(r, AssertSpec).fact) for r in pack.derivations
    )
    obligations = []
    for rule in pack.obligations:
        spec = _then(rule, ObligationSpec)
        timescale, view = spec.timescale, pack.timescales.get(rule.id)
        local = spec.timescale_source == "local"
        counted_on = local_calendar if local else calendar
        due = _due_date(timescale, counted_on, trigger if local else "same_day")
        if spec.national is not None:
            # a tightened national duty: never later than its national count
            due = _earlier(due, _due_date(spec.national, calendar, "same_day"))
        due = _remembered(due)
        repeat = spec.repeat_every
        repeat_view = timescale_view(repeat) if repeat else None
        template = _obligation_template(
            rule, spec, view, timescale_view(spec.national) if spec.national else None, pack
        )
        source = spec.timescale_source
        obligations.append(
            ObligationPlan(
                **base(rule),
                spec=spec,
                satisfied_by=select(spec.satisfied_by),
                window=spec.window,
                withdrawn_by=tuple(map(select, spec.withdrawn_by)),
                ended_by=tuple(map(select, spec.ended_by)),
                due=due,
                view=view,
                source=source,
                citation=template.citation,
                late=_lateness(timescale, counted_on),
                national_view=template.national_timescale,
                timescale=timescale,
                repeat_due=_remembered(_due_date(repeat, counted_on, trigger)) if repeat else None,
                repeat_view=repeat_view,
                hours=timescale.hours if timescale is not None else None,
                template=template,
                repeat_template=replace(template, timescale=repeat_view) if repeat else None,
                entry=_entry(spec.id, rule.edition, view, rule.match.name, source),
                repeat_entry=_entry(
                    spec.id, rule.edition, repeat_view, spec.satisfied_by.name, source
                ),
            )
        )
    holders = []
    for rule in pack.case_holders:
        spec_h = _then(rule, CaseHolderSpec)
        holders.append(
            CaseHolderPlan(
                **base(rule),
                spec=spec_h,
                permitted=pack.permitted[rule.id],
                citation=pack.citations[rule.id],
                template=CaseHolderVerdict(
                    stage=spec_h.stage,
                    edition=rule.edition,
                    rule=rule.id,
                    instance=_NO_INSTANCE,
                    permitted=pack.permitted[rule.id],
                    allocation=None,
                    compliant=None,
                    status="not_evidenced",
                    reason="",
                    citation=pack.citations[rule.id],
                ),
            )
        )
    sign_offs = []
    for rule in pack.sign_offs:
        spec_s = _then(rule, SignOffSpec)
        required, signer = spec_s.required_from, pack.signers[rule.id]
        sign_offs.append(
            SignOffPlan(
                **base(rule),
                spec=spec_s,
                required=required,
                signer=signer,
                done_when=select(spec_s.done_when) if spec_s.done_when is not None else None,
                given_by=select(spec_s.given_by) if spec_s.given_by is not None else None,
                citation=pack.citations[rule.id],
                template=SignOffResult(
                    id=spec_s.id,
                    edition=rule.edition,
                    rule=rule.id,
                    subject=spec_s.subject,
                    summary=rule.summary,
                    instance=_NO_INSTANCE,
                    subject_date=None,
                    required_from=signer,
                    status="pending",
                    reason=None,
                    given_on=None,
                    signed_by=None,
                    citation=pack.citations[rule.id],
                ),
            )
        )
    # before counting the slots: a dormant rule's patterns are matched too
    dormant = tuple(RulePlan(**base(r)) for r in pack.dormant)
    return PackPlan(
        pack=pack,
        slots=len(slots),
        patterns=tuple(patterns),
        derivations=derivations,
        obligations=tuple(obligations),
        case_holders=tuple(holders),
        sign_offs=tuple(sign_offs),
        sources=MappingProxyType({p.rule.id: p.source for p in obligations}),
        dormant=dormant,
        trigger_slots=len(trigger_slots),
        obligations_by_trigger=_dispatch(obligations),
    )


def _dispatch(plans: Sequence[RulePlan]) -> Mapping[FactKey, tuple[int, ...]]:
    """Each trigger key → the positions of the plans it triggers, in plan order."""
    table: dict[FactKey, list[int]] = {}
    for index, plan in enumerate(plans):
        table.setdefault(plan.match.key, []).append(index)
    return MappingProxyType({key: tuple(found) for key, found in table.items()})


#: what a template holds until a case's values are put in (always replaced)
_NO_INSTANCE = Instance("", dt.date.min)


def _obligation_template(
    rule: Rule,
    spec: ObligationSpec,
    view: TimescaleView | None,
    national: TimescaleView | None,
    pack: CompiledPack,
) -> ObligationResult:
    """The parts of every result of an obligation rule that do not depend on the case."""
    return ObligationResult(
        id=spec.id,
        edition=rule.edition,
        rule=rule.id,
        summary=rule.summary,
        actor=spec.actor,
        modality=spec.modality,
        clock=Clock(rule.match.name, dt.date.min),
        timescale=view,
        timescale_source=spec.timescale_source,
        national_timescale=national,
        due=None,
        status="unscheduled",
        late_by=None,
        satisfied_on=None,
        citation=pack.citations[rule.id],
        reason=None,
        due_at=None,
        satisfied_at=None,
    )


def _entry(
    obligation: str,
    edition: str,
    view: TimescaleView | None,
    clock: str,
    source: TimescaleSource,
) -> TimescaleEntry | None:
    """The ``timescales`` entry of a limit counted from ``clock`` (None without a limit)."""
    return None if view is None else TimescaleEntry(obligation, edition, view, clock, source)


def _then(rule: Rule, kind: type[Any]) -> Any:
    assert isinstance(rule.then, kind)
    return rule.then


def _in_force(rule: Rule) -> Callable[[dt.date], bool] | None:
    if rule.in_force_from is None and rule.in_force_until is None:
        return None
    return rule.in_force_on


def _earlier(first: DueDate, second: DueDate) -> DueDate:
    def due(day: dt.date) -> dt.date | None:
        one, other = first(day), second(day)
        if one is None or other is None:
            return one if other is None else other
        return min(one, other)

    return due


#: how many (clock date → due date) answers each due-date function keeps
DUE_DATES_KEPT = 4096


def _remembered(due: DueDate) -> DueDate:
    """``due``, answering a day it has counted from before without counting again.

    Clocks in a caseload start on a few hundred distinct days, and counting working days
    is the costliest step of judging an obligation; the answers depend only on the day
    (the plan's calendar and limit are fixed), so they are kept, up to
    :data:`DUE_DATES_KEPT` days (then forgotten at once and counted afresh). A day that
    cannot be counted raises each time and is never kept. Reads and writes of the dict are
    atomic, so threads sharing an evaluator at worst count a day twice.
    """
    kept: dict[dt.date, dt.date | None] = {}

    def remembered(day: dt.date) -> dt.date | None:
        found = kept.get(day, kept)
        if found is not kept:
            return found  # type: ignore[return-value]
        if len(kept) >= DUE_DATES_KEPT:
            kept.clear()
        answer = kept[day] = due(day)
        return answer

    return remembered


def _lateness(timescale: Timescale | None, calendar: WorkingCalendar) -> Lateness:
    """How late a day is after a due date, in the unit a reader of the limit expects.

    Working days for limits in working days or months (on the calendar the limit is
    counted on); calendar days for limits in calendar days or hours (the due *moment* of
    an hours limit is compared separately: see the obligations judge).
    """
    unit = timescale.unit if timescale is not None else "working_days"
    if unit in ("calendar_days", "hours"):
        return lambda due, day: TimescaleView(calendar_days=(day - due).days)
    wide: list[WorkingCalendar] = []  # built only for a day outside the calendar's span

    def working_days(due: dt.date, day: dt.date) -> TimescaleView:
        if calendar.first <= due and day <= calendar.last:
            return TimescaleView(working_days=calendar.working_days_between(due, day))
        if not (due.year >= WIDE_FIRST_YEAR and day.year <= WIDE_LAST_YEAR):
            # beyond any bank-holiday table: say it in calendar days rather than guess
            return TimescaleView(calendar_days=(day - due).days)
        if not wide:
            wide.append(
                WorkingCalendar(
                    calendar.extra_non_working,
                    first_year=WIDE_FIRST_YEAR,
                    last_year=WIDE_LAST_YEAR,
                )
            )
        return TimescaleView(working_days=wide[0].working_days_between(due, day))

    kept: dict[tuple[dt.date, dt.date], TimescaleView] = {}

    def remembered(due: dt.date, day: dt.date) -> TimescaleView:
        # as _remembered: a caseload judged as of one day asks about a few hundred dues
        found = kept.get((due, day))
        if found is None:
            if len(kept) >= DUE_DATES_KEPT:
                kept.clear()
            found = kept[due, day] = working_days(due, day)
        return found

    return remembered


def _due_date(timescale: Timescale | None, calendar: WorkingCalendar, trigger: Trigger) -> DueDate:
    """Day 0 → the due date (DESIGN §5), or None when no limit is set.

    ``working_days_before`` counts back from day 0; ``calendar_days`` counts every day;
    ``hours`` gives the day the hours run out on at the latest (the engine counts them to
    the minute where the events have times of day).
    """
    if timescale is None:
        return _no_limit
    months = timescale.months
    if months is not None:
        return lambda day: add_months(day, months)
    before = timescale.working_days_before
    if before is not None:
        subtract = calendar.subtract_working_days
        return lambda day: subtract(day, before)
    if timescale.calendar_days is not None:
        span = timescale.calendar_days
        return lambda day: add_days(day, span)
    if timescale.hours is not None:
        whole = -(-timescale.hours // 24)
        return lambda day: add_days(day, whole)
    days = timescale.working_days
    assert days is not None
    add = calendar.add_working_days
    return lambda day: add(day, days, trigger=trigger)


def _no_limit(_day: dt.date) -> None:
    return None


def _condition(condition: Condition, select: Callable[[Pattern], Selection]) -> Test:
    """A closure deciding ``condition`` for one trigger."""
    if isinstance(condition, Exists):
        return _exists(select(condition.pattern), condition.relative)
    if isinstance(condition, AllOf):
        return reduce(_both, (_condition(c, select) for c in condition.items))
    if isinstance(condition, AnyOf):
        return reduce(_either, (_condition(c, select) for c in condition.items))
    if isinstance(condition, NotOf):
        inner = _condition(condition.item, select)
        return lambda reader, fact, until, since: not inner(reader, fact, until, since)
    assert isinstance(condition, ChildIs)
    name, value = condition.field, condition.value
    return lambda reader, _fact, _until, _since: bool(getattr(reader.child, name, None) == value)


def _condition_key(
    condition: Condition, select: Callable[[Pattern], Selection]
) -> tuple[object, ...]:
    """``condition`` as a value: equal for conditions that read the same facts the same
    way, wherever they were written (a pattern by its memo slot)."""
    if isinstance(condition, Exists):
        return ("exists", select(condition.pattern).slot, condition.relative)
    if isinstance(condition, AllOf | AnyOf):
        kind = "all" if isinstance(condition, AllOf) else "any"
        return (kind, *(_condition_key(c, select) for c in condition.items))
    if isinstance(condition, NotOf):
        return ("not", _condition_key(condition.item, select))
    assert isinstance(condition, ChildIs)
    return ("child", condition.field, type(condition.value).__name__, condition.value)


def _both(first: Test, second: Test) -> Test:
    return lambda reader, fact, until, since: (
        first(reader, fact, until, since) and second(reader, fact, until, since)
    )


def _either(first: Test, second: Test) -> Test:
    return lambda reader, fact, until, since: (
        first(reader, fact, until, since) or second(reader, fact, until, since)
    )


def _until_next_patterns(condition: Condition | None) -> list[Pattern]:
    """The kinds of fact (any field values) an ``until_next_trigger`` condition reads."""
    found: dict[tuple[str, str], Pattern] = {}
    stack = [condition] if condition is not None else []
    while stack:
        item = stack.pop()
        if isinstance(item, (AllOf, AnyOf)):
            stack.extend(item.items)
        elif isinstance(item, NotOf):
            stack.append(item.item)
        elif isinstance(item, Exists) and item.relative == "until_next_trigger":
            pattern = item.pattern
            found.setdefault(
                (pattern.kind, pattern.name),
                Pattern(pattern.kind, pattern.name, (), pattern.location),
            )
    return [found[key] for key in sorted(found)]


def _exists(selection: Selection, relative: str) -> Test:
    """True when a fact other than the trigger matches, dated as ``relative`` asks.

    The facts are sorted by date, so each relation looks at most at two facts at one end
    of the list (or at a bisection point): the trigger itself is one fact at most.
    """
    if relative == "any_time":

        def any_time(reader: Reader, fact: Fact, _until: Day, _since: Day) -> bool:
            found = reader.matching(selection)
            return len(found) > 1 or (len(found) == 1 and found[0] is not fact)

        return any_time
    if relative in ("before", "on_or_before"):
        strict = relative == "before"

        def earlier(reader: Reader, fact: Fact, _until: Day, _since: Day) -> bool:
            found, day = reader.matching(selection), fact.date
            for other in found[:2]:
                if other.date > day or (strict and other.date == day):
                    return False
                if other is not fact:
                    return True
            return False

        return earlier
    if relative in ("after", "on_or_after"):
        strict = relative == "after"

        def later(reader: Reader, fact: Fact, _until: Day, _since: Day) -> bool:
            found, day = reader.matching(selection), fact.date
            for other in found[-1:-3:-1]:
                if other.date < day or (strict and other.date == day):
                    return False
                if other is not fact:
                    return True
            return False

        return later
    if relative == "since_previous_trigger":

        def since_previous(reader: Reader, fact: Fact, _until: Day, since: Day) -> bool:
            found, day = reader.matching(selection), fact.date
            # the latest facts on or before the trigger, back to the previous trigger
            end = bisect_right(found, day, key=fact_date)
            for other in found[max(0, end - 2) : end][::-1]:
                if since is not None and other.date <= since:
                    return False
                if other is not fact:
                    return True
            return False

        return since_previous
    assert relative == "until_next_trigger"

    def until_next(reader: Reader, fact: Fact, until: Day, _since: Day) -> bool:
        found, day = reader.matching(selection), fact.date
        start = bisect_left(found, day, key=fact_date)
        for other in found[start : start + 2]:
            if until is not None and other.date >= until:
                return False
            if other is not fact:
                return True
        return False

    return until_next
