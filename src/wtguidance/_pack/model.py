"""The validated rule-pack artefact (``RulePack``) and its parts.

These are plain frozen dataclasses: the output of :mod:`wtguidance._validate` and the
input of :mod:`wtguidance._compile`. Every part keeps the :class:`SourceLocation` it was
read from, so compile-time and evaluation-time errors can point back at the YAML.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from wtguidance.errors import SourceLocation

__all__ = [
    "CLOCK_STOPS",
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
    "NotOf",
    "ObligationSpec",
    "OversightSpec",
    "Pattern",
    "PersonSpec",
    "ProtocolExpectations",
    "Rule",
    "RulePack",
    "SignOffSpec",
    "Timescale",
    "WhereClause",
    "rule_patterns",
]

Scalar: TypeAlias = str | bool | int
Relative = Literal[
    "any_time", "before", "on_or_before", "on_or_after", "after", "until_next_trigger"
]
Window = Literal["on_or_after", "after", "on_or_before"]
OnRepeat = Literal["separate", "keep_first", "restart"]


@dataclass(frozen=True)
class Citation:
    """Where in an edition a rule comes from. ``paragraph`` is None unless verified."""

    edition: str
    chapter: str | None
    section: str
    paragraph: str | None
    url: str


@dataclass(frozen=True)
class Timescale:
    """A time limit: a number of working days or of calendar months (exactly one)."""

    working_days: int | None = None
    months: int | None = None

    def as_dict(self) -> dict[str, int]:
        if self.working_days is not None:
            return {"working_days": self.working_days}
        assert self.months is not None
        return {"months": self.months}

    def describe(self) -> str:
        if self.working_days is not None:
            return f"{self.working_days} working day{'s' if self.working_days != 1 else ''}"
        return f"{self.months} month{'s' if self.months != 1 else ''}"


@dataclass(frozen=True)
class WhereClause:
    """One field test inside a pattern: ``path`` is dotted (``practitioner.role``)."""

    path: tuple[str, ...]
    negate: bool
    values: frozenset[Scalar]


@dataclass(frozen=True)
class Pattern:
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


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class NotOf:
    item: Condition


@dataclass(frozen=True)
class Exists:
    """True when a fact matching ``pattern`` exists, dated relative to the trigger."""

    pattern: Pattern
    relative: Relative


@dataclass(frozen=True)
class ChildIs:
    field: str
    value: Scalar


Condition: TypeAlias = AllOf | AnyOf | NotOf | Exists | ChildIs


@dataclass(frozen=True)
class AssertSpec:
    fact: str


ClockStop = Literal["case_closed", "death", "eighteenth_birthday"]
CLOCK_STOPS: frozenset[ClockStop] = frozenset(("case_closed", "death", "eighteenth_birthday"))


@dataclass(frozen=True)
class ObligationSpec:
    id: str
    actor: str
    modality: Literal["must", "should"]
    timescale: Timescale | None
    timescale_source: Literal["statute", "guidance", "local"]
    on_repeat: OnRepeat
    satisfied_by: Pattern
    window: Window
    withdrawn_by: tuple[Pattern, ...]
    ended_by: tuple[Pattern, ...] = ()
    #: what stops the clock (DESIGN §5): ``case_closed``, ``death``, ``eighteenth_birthday``
    clock_stops: frozenset[ClockStop] = CLOCK_STOPS


@dataclass(frozen=True)
class PersonSpec:
    roles: tuple[str, ...]
    social_work_qualified: bool | None


@dataclass(frozen=True)
class OversightSpec:
    required: Literal["always", "when_lead_not_social_work_qualified"]
    roles: tuple[str, ...]
    social_work_qualified: bool | None


@dataclass(frozen=True)
class CaseHolderSpec:
    stage: str
    lead: PersonSpec
    oversight: OversightSpec | None


@dataclass(frozen=True)
class SignOffSpec:
    id: str
    subject: str
    done_when: Pattern | None
    required_from: PersonSpec
    given_by: Pattern | None


Then: TypeAlias = AssertSpec | ObligationSpec | CaseHolderSpec | SignOffSpec


@dataclass(frozen=True)
class Rule:
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
        if self.in_force_from is not None and day < self.in_force_from:
            return False
        return not (self.in_force_until is not None and day >= self.in_force_until)


@dataclass(frozen=True)
class ProtocolExpectations:
    """What an edition expects of a local assessment protocol (used by protocol checks)."""

    required_sections: tuple[str, ...] = ()
    required_sections_when_non_social_worker_leads: tuple[str, ...] = ()
    locally_set_timescales: tuple[str, ...] = ()
    citation: Citation | None = None


@dataclass(frozen=True)
class EditionMeta:
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


@dataclass(frozen=True)
class RulePack:
    """A validated edition: metadata, declared facts and rules, in file order."""

    meta: EditionMeta
    facts: Mapping[str, tuple[str, SourceLocation]]
    rules: tuple[Rule, ...]
    root: str

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
