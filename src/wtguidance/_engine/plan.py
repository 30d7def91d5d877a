"""An edition compiled for evaluation: one plan per rule.

Built once per :class:`~wtguidance.evaluation.Evaluator` and edition, never per case.
Every decision that does not depend on the case is taken here: which facts a pattern
reads and the test on each; each ``when`` condition as a closure
(:mod:`~wtguidance._engine.conditions`); each obligation's due-date function
(:mod:`~wtguidance._engine.due_dates`); the output objects that do not depend on the case
(each rule's result template, citation, timescale entry, who may lead, who must sign);
which rules each kind of fact can start (the dispatch table), and which rules share a
trigger slot. No source text is generated and nothing is ``eval``'d: plans are closures
over the validated pack.

An edition a local protocol has tightened (``pack.protocol``) is planned the same way:
its rules already hold the local limits and roles. The protocol's closure days and
counting policy apply to its own limits only: a local duty counts on the local calendar;
a national duty the protocol tightened is due on the earlier of its national count and
its local count; every other duty keeps its national count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from msgspec.structs import replace

from wtguidance._engine.conditions import (
    Reader,
    Selection,
    Test,
    compile_condition,
    condition_key,
    until_next_patterns,
)
from wtguidance._engine.due_dates import DueDate, Lateness, due_date, earlier, lateness, remembered
from wtguidance._engine.facts import FactKey
from wtguidance._pack.compile import CompiledPack
from wtguidance._pack.model import (
    AssertSpec,
    CaseHolderSpec,
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
from wtguidance.calendar import Trigger, WorkingCalendar
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
    #: how late a date is after the due date, in the limit's own unit (``due_dates.lateness``)
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
            condition_key(when, select) if when is not None else None,
            rule.commencement_pending,
            rule.in_force_from,
            rule.in_force_until,
        )
        return {
            "rule": rule,
            "match": match,
            "in_force": in_force,
            "when": compile_condition(when, select) if when is not None else None,
            "filtered": in_force is not None or when is not None,
            "deciding": tuple(select(p) for p in until_next_patterns(when)),
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
        due = due_date(timescale, counted_on, trigger if local else "same_day")
        if spec.national is not None:
            # a tightened national duty: never later than its national count
            due = earlier(due, due_date(spec.national, calendar, "same_day"))
        due = remembered(due)
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
                late=lateness(timescale, counted_on),
                national_view=template.national_timescale,
                timescale=timescale,
                repeat_due=remembered(due_date(repeat, counted_on, trigger)) if repeat else None,
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
