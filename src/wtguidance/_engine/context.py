"""The run context for one edition: matching facts, conditions, triggers and chaining.

Forward chaining runs in the dependency order fixed at compile time: each deriving rule
fires once for every fact its trigger pattern matches (and its ``when`` condition
accepts), adding derived facts; once every deriving rule has run, the set of facts is at
its fixpoint and the concluding rules (obligations, case-holders, sign-offs) read it.
The result does not depend on rule, file or event order: facts are kept sorted by
(date, position in the case) and conclusions are keyed, never appended blindly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from wtguidance._engine.facts import NO_FACTS, Fact, FactKey, fact_order, label
from wtguidance._pack.compile import CompiledPack
from wtguidance._pack.model import (
    AllOf,
    AnyOf,
    AssertSpec,
    ChildIs,
    Condition,
    Exists,
    NotOf,
    Pattern,
    Rule,
    Timescale,
)
from wtguidance._pack.views import timescale_view
from wtguidance.calendar import DateWindow, WorkingCalendar, add_months
from wtguidance.case import SourceEvidence
from wtguidance.errors import EvaluationError
from wtguidance.overlay import Overlay
from wtguidance.results import (
    CaseHolderVerdict,
    CitationView,
    ObligationResult,
    SignOffResult,
    TimescaleView,
)

__all__ = ["Conclusion", "Conclusions", "PackRun", "RunContext"]

T = TypeVar("T")


@dataclass(frozen=True)
class Conclusion(Generic[T]):
    """One thing an edition concluded, the rule that did, and its anchor date.

    The anchor (clock start, allocation date or trigger date) decides which edition
    judges the conclusion under ``edition: auto``.
    """

    anchor: dt.date
    item: T
    rule: Rule


@dataclass
class PackRun:
    """What one edition concluded."""

    edition: str
    obligations: list[Conclusion[ObligationResult]] = field(default_factory=list)
    case_holders: list[Conclusion[CaseHolderVerdict]] = field(default_factory=list)
    sign_offs: list[Conclusion[SignOffResult]] = field(default_factory=list)
    trace: list[tuple[dt.date, Rule, tuple[str, ...]]] = field(default_factory=list)
    #: every obligation instance this edition opened, judged or withdrawn: (id, anchor, clock)
    considered: list[tuple[str, dt.date, str]] = field(default_factory=list)


class Conclusions(Generic[T]):
    """Conclusions keyed by what they are about, with explicit precedence between rules.

    Two rules concluding about the same key must say which wins (``overrides``);
    otherwise the pack is inconsistent and evaluation refuses with ``conflicting-rules``.
    """

    def __init__(self) -> None:
        self._kept: dict[tuple[str, int], Conclusion[T]] = {}

    def keep(self, key: tuple[str, int], conclusion: Conclusion[T]) -> None:
        """Record ``conclusion`` under ``key`` unless a rule it yields to is there already."""
        existing = self._kept.get(key)
        if existing is None:
            self._kept[key] = conclusion
            return
        rule, other = conclusion.rule, existing.rule
        if rule.overrides == other.id:
            self._kept[key] = conclusion
        elif other.overrides != rule.id:
            raise EvaluationError(
                f"rules {other.id} and {rule.id} both conclude about {key[0]!r} "
                "for the same event and neither overrides the other",
                code="conflicting-rules",
                location=rule.location,
                rule_id=rule.id,
                hint=f"add 'overrides: {other.id}' to one of them",
                related=(other.location,),
            )

    def __iter__(self) -> Iterator[Conclusion[T]]:
        return iter(self._kept.values())


class RunContext:
    """One edition evaluated over one case's facts: the state every conclusion kind reads."""

    def __init__(
        self,
        pack: CompiledPack,
        facts: Mapping[FactKey, list[Fact]],
        child: Any,
        as_of: dt.date,
        calendar: WorkingCalendar,
        overlay: Overlay | None,
        window: DateWindow,
        evidence: SourceEvidence | None = None,
    ) -> None:
        self.pack = pack
        self.window = window
        # Lists are never mutated: deriving a fact replaces its list with a new one.
        self.facts: dict[FactKey, list[Fact]] = dict(facts)
        self.child = child
        self.as_of = as_of
        self.calendar = calendar
        self.overlay = overlay if overlay is not None and overlay.edition == pack.edition else None
        self.evidence = evidence
        self.out = PackRun(pack.edition)
        self.trace = self.out.trace
        self.memo: dict[int, list[Fact]] = {}
        self.views: dict[Timescale, TimescaleView] = {}

    # -- matching ----------------------------------------------------------------
    def matching(self, pattern: Pattern) -> list[Fact]:
        """The facts ``pattern`` matches, in date order."""
        # Safe to memoise: rules run in dependency order, so by the time a pattern over a
        # derived fact is read, every rule that asserts that fact has already run.
        key = id(pattern)
        found = self.memo.get(key)
        if found is None:
            found = self.facts.get((pattern.kind, pattern.name), NO_FACTS)
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
        """True when a fact other than ``trigger`` matches, dated as the condition asks."""
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
        """The facts that fire ``rule``: its pattern matches, in force, ``when`` holds."""
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
        """Record that ``rule`` fired on ``first`` (and ``second``)."""
        labels = (first.label,) if second is None else (first.label, second.label)
        self.trace.append((anchor, rule, labels))

    def governs(self, day: dt.date) -> bool:
        """Does this edition judge conclusions anchored on ``day``?"""
        return self.window.contains(day)

    # -- forward chaining ------------------------------------------------------
    def derive(self) -> None:
        """Run every deriving rule once, in dependency order, adding derived facts."""
        facts = self.facts
        for rule in self.pack.derivations:
            assert isinstance(rule.then, AssertSpec)
            if self.absent(rule.match):
                continue
            name = rule.then.fact
            new: list[Fact] = []
            for trigger in self.triggers(rule):
                day = trigger.date
                new.append(Fact("fact", name, day, trigger.seq, trigger.event, label(name, day)))
                self.trace.append((day, rule, (trigger.label,)))
            if new:
                key = ("fact", name)
                merged = facts.get(key, NO_FACTS) + new
                merged.sort(key=fact_order)
                facts[key] = merged

    # -- dates -------------------------------------------------------------------
    def due_date(self, clock: dt.date, timescale: Timescale | None) -> dt.date | None:
        """The due date of a clock started on ``clock`` (DESIGN §5), or None if unset."""
        if timescale is None:
            return None
        if timescale.months is not None:
            return add_months(clock, timescale.months)
        assert timescale.working_days is not None
        trigger = self.overlay.trigger if self.overlay else "same_day"
        return self.calendar.add_working_days(clock, timescale.working_days, trigger=trigger)

    def timescale_view(self, timescale: Timescale) -> TimescaleView:
        """The output view of a (local) timescale, built once per run."""
        view = self.views.get(timescale)
        if view is None:
            view = self.views[timescale] = timescale_view(timescale)
        return view
