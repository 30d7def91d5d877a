"""The validated rule-pack artefact (``RulePack``) and its parts.

These are frozen :class:`msgspec.Struct` classes, built in C when the module is imported
(a dataclass has its methods compiled from source at every start: about 8% of a cold
``evaluate``'s instructions, docs/performance.md); ``msgspec.structs.replace`` makes an
altered copy. They are the output of :mod:`wtguidance._pack.validate` and the input of
:mod:`wtguidance._pack.compile`. Every part keeps the :class:`SourceLocation` it was read
from, so compile-time and evaluation-time errors can point back at the YAML.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Literal, TypeAlias

from msgspec import Struct, field

from wtguidance.errors import SourceLocation

__all__ = [
    "CLOCK_STOPS",
    "TIMESCALE_UNITS",
    "AllOf",
    "AnyOf",
    "AssertSpec",
    "CaseHolderSpec",
    "ChildIs",
    "Citation",
    "ClockStop",
    "Condition",
    "EditionMeta",
    "Exists",
    "LocalPolicy",
    "NotOf",
    "ObligationSpec",
    "OversightSpec",
    "Pattern",
    "PersonSpec",
    "ProtocolExpectations",
    "ProtocolSource",
    "Rule",
    "RulePack",
    "SignOffSpec",
    "Timescale",
    "TimescaleSource",
    "TimescaleUnit",
    "WhereClause",
    "describe_limit",
    "rule_patterns",
]

Scalar: TypeAlias = str | bool | int
Relative = Literal[
    "any_time",
    "before",
    "on_or_before",
    "on_or_after",
    "after",
    "until_next_trigger",
    "since_previous_trigger",
]
Window = Literal["on_or_after", "after", "on_or_before"]
OnRepeat = Literal["separate", "keep_first", "restart"]
TimescaleUnit = Literal["working_days", "months", "working_days_before", "calendar_days", "hours"]
TIMESCALE_UNITS: tuple[TimescaleUnit, ...] = (
    "working_days",
    "months",
    "working_days_before",
    "calendar_days",
    "hours",
)
_UNIT_WORDS: dict[str, tuple[str, str]] = {
    "working_days": ("working day", ""),
    "months": ("month", ""),
    "working_days_before": ("working day", " before"),
    "calendar_days": ("calendar day", ""),
    "hours": ("hour", ""),
}


def describe_limit(unit: str, amount: int) -> str:
    """``45 working days``, ``3 months``, ``7 working days before``, ``24 hours``."""
    word, suffix = _UNIT_WORDS[unit]
    return f"{amount} {word}{'' if amount == 1 else 's'}{suffix}"


TimescaleSource = Literal["statute", "guidance", "panel_guidance", "local"]
"""Where a time limit's number comes from: an Act or regulations, the edition's own text,
the Child Safeguarding Practice Review Panel's guidance, or a local protocol."""


class Citation(Struct, frozen=True):
    """Where in an edition a rule comes from. ``paragraph`` is None unless verified."""

    edition: str
    chapter: str | None
    section: str
    paragraph: str | None
    url: str
    #: set for a local protocol's own duties: they are cited to the protocol, not the edition
    protocol: ProtocolSource | None = None


class ProtocolSource(Struct, frozen=True):
    """The local protocol that tightened an edition: who published it, when, where."""

    authority: str
    edition: str
    published: dt.date | None = None
    url: str | None = None


class LocalPolicy(Struct, frozen=True):
    """What a local protocol changes about counting, beyond its limits and roles.

    Held by the tightened edition (:attr:`RulePack.protocol`): its closure days lengthen
    only the protocol's own limits (a national duty stays due on its national count), and
    its counting policy applies to those same limits.
    """

    source: ProtocolSource
    non_working_days: frozenset[dt.date] = frozenset()
    trigger: Literal["same_day", "next_working_day"] = "same_day"


class Timescale(Struct, frozen=True):
    """A time limit: a number of one unit (exactly one field is set).

    ``working_days`` and ``months`` run forwards from the clock; ``working_days_before``
    falls that many working days *before* the clock (a copy due ahead of publication);
    ``calendar_days`` and ``hours`` are the units local protocols use.
    """

    working_days: int | None = None
    months: int | None = None
    working_days_before: int | None = None
    calendar_days: int | None = None
    hours: int | None = None

    @property
    def unit(self) -> TimescaleUnit:
        for name in TIMESCALE_UNITS:
            if getattr(self, name) is not None:
                return name
        raise ValueError("a timescale needs exactly one unit")

    @property
    def amount(self) -> int:
        value: int = getattr(self, self.unit)
        return value

    def as_dict(self) -> dict[str, int]:
        return {self.unit: self.amount}

    def describe(self) -> str:
        return describe_limit(self.unit, self.amount)


class WhereClause(Struct, frozen=True):
    """One field test inside a pattern: ``path`` is dotted (``practitioner.role``)."""

    path: tuple[str, ...]
    negate: bool
    values: frozenset[Scalar]


class Pattern(Struct, frozen=True):
    """Matches case events (``kind='event'``) or derived facts (``kind='fact'``)."""

    kind: Literal["event", "fact"]
    name: str
    where: tuple[WhereClause, ...]
    location: SourceLocation

    def describe(self) -> str:
        tests = ", ".join(
            f"{'.'.join(w.path)} {'not in' if w.negate else 'in'} "
            f"[{', '.join(sorted(json.dumps(v) for v in w.values))}]"
            for w in self.where
        )
        return f"{self.kind} {self.name}" + (f" where {tests}" if tests else "")


class AllOf(Struct, frozen=True):
    items: tuple[Condition, ...]


class AnyOf(Struct, frozen=True):
    items: tuple[Condition, ...]


class NotOf(Struct, frozen=True):
    item: Condition


class Exists(Struct, frozen=True):
    """True when a fact matching ``pattern`` exists, dated relative to the trigger."""

    pattern: Pattern
    relative: Relative


class ChildIs(Struct, frozen=True):
    field: str
    value: Scalar


Condition: TypeAlias = AllOf | AnyOf | NotOf | Exists | ChildIs


class AssertSpec(Struct, frozen=True):
    fact: str


ClockStop = Literal["case_closed", "death", "eighteenth_birthday"]
CLOCK_STOPS: frozenset[ClockStop] = frozenset(("case_closed", "death", "eighteenth_birthday"))


class ObligationSpec(Struct, frozen=True):
    id: str
    actor: str
    modality: Literal["must", "should"]
    timescale: Timescale | None
    timescale_source: TimescaleSource
    on_repeat: OnRepeat
    satisfied_by: Pattern
    window: Window
    withdrawn_by: tuple[Pattern, ...]
    ended_by: tuple[Pattern, ...] = ()
    #: a repeating clock: each satisfying event starts the next interval of this length
    #: (statutory visits every N working days while a plan lasts), until an ``ended_by``
    #: event; the first interval runs from the trigger with ``timescale``
    repeat_every: Timescale | None = None
    #: what stops the clock (DESIGN §5): ``case_closed``, ``death``, ``eighteenth_birthday``
    clock_stops: frozenset[ClockStop] = CLOCK_STOPS
    #: when a local protocol tightened ``timescale``: the edition's own limit and its source
    #: (the duty is then due on the earlier of the national and the local count)
    national: Timescale | None = None
    national_source: TimescaleSource | None = None


class PersonSpec(Struct, frozen=True):
    roles: tuple[str, ...]
    social_work_qualified: bool | None


class OversightSpec(Struct, frozen=True):
    required: Literal["always", "when_lead_not_social_work_qualified"]
    roles: tuple[str, ...]
    social_work_qualified: bool | None


class CaseHolderSpec(Struct, frozen=True):
    stage: str
    lead: PersonSpec
    oversight: OversightSpec | None
    #: the allocation is made with the lead practitioner's agreement: an allocation that
    #: records ``practitioner_agreed: false`` does not comply (not recorded: not judged)
    agreement_required: bool = False


class SignOffSpec(Struct, frozen=True):
    id: str
    subject: str
    done_when: Pattern | None
    required_from: PersonSpec
    given_by: Pattern | None


Then: TypeAlias = AssertSpec | ObligationSpec | CaseHolderSpec | SignOffSpec


class Rule(Struct, frozen=True):
    """One cited rule: a trigger pattern, an optional condition and one conclusion."""

    id: str
    edition: str
    summary: str
    citation: Citation
    match: Pattern
    when: Condition | None
    then: Then
    location: SourceLocation
    confidence: Literal["high", "medium", "low"] | None = None
    provisional: str | None = None
    notes: str | None = None
    in_force_from: dt.date | None = None
    in_force_until: dt.date | None = None
    overrides: str | None = None
    #: ``in_force_from: pending``: a duty enacted but not yet commenced (no date is known);
    #: it is documented, diffed and explained but never applied to a case.
    commencement_pending: bool = False

    @property
    def kind(self) -> Literal["assert", "obligation", "case_holder", "sign_off"]:
        if isinstance(self.then, AssertSpec):
            return "assert"
        if isinstance(self.then, ObligationSpec):
            return "obligation"
        if isinstance(self.then, CaseHolderSpec):
            return "case_holder"
        return "sign_off"

    @property
    def output_id(self) -> str:
        """The stable id this rule concludes about (obligation, stage, sign-off or fact)."""
        then = self.then
        if isinstance(then, AssertSpec):
            return then.fact
        if isinstance(then, CaseHolderSpec):
            return then.stage
        return then.id

    def in_force_on(self, day: dt.date) -> bool:
        if self.commencement_pending:
            return False
        if self.in_force_from is not None and day < self.in_force_from:
            return False
        return not (self.in_force_until is not None and day >= self.in_force_until)


class ProtocolExpectations(Struct, frozen=True):
    """What an edition expects of a local assessment protocol (used by protocol checks)."""

    required_sections: tuple[str, ...] = ()
    required_sections_when_non_social_worker_leads: tuple[str, ...] = ()
    locally_set_timescales: tuple[str, ...] = ()
    citation: Citation | None = None


class EditionMeta(Struct, frozen=True):
    """Edition metadata from ``pack.yaml``."""

    edition: str
    title: str
    published: dt.date
    in_force_from: dt.date
    status: Literal["verified", "provisional"]
    sources: tuple[tuple[str, str], ...]
    amendments: tuple[tuple[str, str], ...] = ()  # (YYYY-MM[-DD], summary)
    status_notes: str | None = None
    reference: str | None = None
    in_force_from_confidence: str | None = None
    chapters: Mapping[str, str] = field(default_factory=dict)
    local_protocol: ProtocolExpectations = field(default_factory=ProtocolExpectations)
    location: SourceLocation | None = None


class RulePack(Struct, frozen=True):
    """A validated edition: metadata, declared facts and rules, in file order."""

    meta: EditionMeta
    facts: Mapping[str, tuple[str, SourceLocation]]
    rules: tuple[Rule, ...]
    root: str
    #: set when a local protocol has tightened this edition (see ``Editions.tightened_by``)
    protocol: LocalPolicy | None = None

    @property
    def edition(self) -> str:
        return self.meta.edition

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def rule_patterns(rule: Rule) -> Iterator[Pattern]:
    """Every pattern a rule reads: trigger, conditions, satisfiers, enders, sign-off events."""
    yield rule.match
    stack: list[Condition] = [rule.when] if rule.when is not None else []
    while stack:
        condition = stack.pop()
        if isinstance(condition, (AllOf, AnyOf)):
            stack.extend(condition.items)
        elif isinstance(condition, NotOf):
            stack.append(condition.item)
        elif isinstance(condition, Exists):
            yield condition.pattern
    then = rule.then
    if isinstance(then, ObligationSpec):
        yield then.satisfied_by
        yield from then.withdrawn_by
        yield from then.ended_by
    elif isinstance(then, SignOffSpec):
        if then.done_when is not None:
            yield then.done_when
        if then.given_by is not None:
            yield then.given_by
