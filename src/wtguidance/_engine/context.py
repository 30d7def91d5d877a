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
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import Generic, NamedTuple, TypeVar

from wtguidance._engine.case_run import CaseRun
from wtguidance._engine.facts import NO_FACTS, Fact, FactKey, fact_date, fact_order
from wtguidance._engine.plan import PackPlan, RulePlan, Selection
from wtguidance._pack.model import Rule
from wtguidance.calendar import EVERY_DAY
from wtguidance.errors import EvaluationError
from wtguidance.results import (
    CaseHolderVerdict,
    Finding,
    ObligationResult,
    SignOffResult,
    TimescaleEntry,
)

__all__ = ["Conclusion", "Conclusions", "PackRun", "RunContext"]

T = TypeVar("T")


class Conclusion(NamedTuple, Generic[T]):
    """One thing an edition concluded, the rule that did, and its anchor date.

    The anchor (clock start, allocation date or trigger date) decides which edition
    judges the conclusion under ``edition: auto``. An obligation's conclusion also carries
    its ``timescales`` entry (the plan's, made once). Built for every result of every
    case, so a tuple.
    """

    anchor: dt.date
    item: T
    rule: Rule
    entry: TimescaleEntry | None = None


class PackRun:
    """What one edition concluded (made once per edition and case: a plain slotted class)."""

    __slots__ = (
        "case_holders",
        "considered",
        "edition",
        "findings",
        "obligations",
        "sign_offs",
        "trace",
    )

    def __init__(self, edition: str) -> None:
        self.edition = edition
        self.obligations: list[Conclusion[ObligationResult]] = []
        self.case_holders: list[Conclusion[CaseHolderVerdict]] = []
        self.sign_offs: list[Conclusion[SignOffResult]] = []
        #: (anchor, rule, the facts it fired on); labelled only when the trace is read
        self.trace: list[tuple[dt.date, Rule, tuple[Fact, ...]]] = []
        #: every obligation instance this edition opened, judged or withdrawn:
        #: (id, anchor, clock); kept only when the edition governs part of the case (what
        #: falls between two editions is found from it)
        self.considered: list[tuple[str, dt.date, Fact]] = []
        #: findings the run made (a trigger joined to an earlier undecided one, a duty
        #: awaiting commencement, hours judged by date), each with the anchor date that
        #: decides which edition reports it
        self.findings: list[tuple[dt.date, Finding]] = []


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

    __slots__ = (
        "as_of",
        "child",
        "evidence",
        "facts",
        "fired",
        "memo",
        "out",
        "plan",
        "stops",
        "trace",
        "window",
    )

    def __init__(self, plan: PackPlan, run: CaseRun) -> None:
        self.plan = plan
        self.window = run.window
        # Lists are never mutated: deriving a fact replaces its list with a new one.
        self.facts: dict[FactKey, list[Fact]] = dict(run.facts)
        self.child = run.child
        self.as_of = run.as_of
        self.evidence = run.evidence
        self.out = PackRun(plan.edition)
        child = run.child
        #: can anything in this case stop a clock (a closure, a death, a birthday)?
        self.stops = (
            ("event", "case_closed") in run.facts
            or getattr(child, "date_of_death", None) is not None
            or getattr(child, "date_of_birth", None) is not None
        )
        self.trace = self.out.trace if run.trace else None
        self.memo: list[list[Fact] | None] = [None] * plan.slots
        #: per trigger slot: the trigger facts that fire, and the joined (earlier, later)
        self.fired: list[tuple[list[Fact], list[tuple[Fact, Fact]]] | None] = [
            None
        ] * plan.trigger_slots

    # -- matching ----------------------------------------------------------------
    def matching(self, selection: Selection) -> list[Fact]:
        """The facts a compiled pattern matches, in date order."""
        # Safe to memoise: rules run in dependency order, so by the time a pattern over a
        # derived fact is read, every rule that asserts that fact has already run.
        found = self.memo[selection.slot]
        if found is None:
            found = self.facts.get(selection.key, NO_FACTS)
            test = selection.test
            if test is not None and found:
                found = [f for f in found if test(f.event)]
            self.memo[selection.slot] = found
        return found

    def triggers(self, plan: RulePlan) -> list[Fact]:
        """The facts that fire a rule: its pattern matches, in force, ``when`` holds.

        ``until_next_trigger`` conditions look from a trigger up to the next trigger that
        arrives once this one is *decided* (a fact of a kind the condition reads has come:
        a referral decision, an assessment started). A trigger that arrives while an
        earlier one is still undecided joins the earlier one's episode: the earlier clock
        stands (a second referral does not restart the 45 days), the later trigger does
        not fire, and a ``joined-episode`` finding says so (nothing is dropped silently).
        ``since_previous_trigger`` conditions look back to the previous trigger.
        """
        matches = self.matching(plan.match)
        if not plan.filtered:
            return matches
        kept = self.fired[plan.trigger_slot]
        if kept is None:  # the first rule of its trigger slot this case: work it out
            kept = self.fired[plan.trigger_slot] = self._fire(plan, matches)
        found, joined = kept
        for first, later in joined:
            self._joined(plan, first, later)
        return found

    def _fire(
        self, plan: RulePlan, matches: list[Fact]
    ) -> tuple[list[Fact], list[tuple[Fact, Fact]]]:
        """The trigger facts that fire ``plan``, and the (earlier, later) triggers joined."""
        in_force, when, deciding = plan.in_force, plan.when, plan.deciding
        found = []
        joined_pairs: list[tuple[Fact, Fact]] = []
        count = len(matches)
        following = 0  # index of the first match dated after the current one
        since: dt.date | None = None  # the previous trigger's date (an earlier day)
        joined: set[int] = set()
        for index, fact in enumerate(matches):
            if index and matches[index - 1].date < fact.date:
                since = matches[index - 1].date
            if fact.seq in joined or (in_force is not None and not in_force(fact.date)):
                continue
            if when is not None:
                following = max(following, index + 1)
                while following < count and matches[following].date <= fact.date:
                    following += 1
                # the triggers that came while this one was undecided join it: those up to
                # the first one dated after the deciding fact (one bisection, not a scan)
                nxt = self._next_decided(plan, fact, matches, following) if deciding else following
                until = matches[nxt].date if nxt < count else None
                if not when(self, fact, until, since):
                    continue
                for other in matches[following:nxt]:
                    joined.add(other.seq)
                    joined_pairs.append((fact, other))
            found.append(fact)
        return found, joined_pairs

    def _next_decided(
        self, plan: RulePlan, trigger: Fact, matches: list[Fact], following: int
    ) -> int:
        """The index of the first match at or after ``following`` that came once ``trigger``
        was decided: dated after the first deciding fact on or after the trigger's date
        (``len(matches)`` when no deciding fact came)."""
        decided: dt.date | None = None
        for selection in plan.deciding:
            found = self.matching(selection)
            index = bisect_left(found, trigger.date, key=fact_date)
            if index < len(found) and (decided is None or found[index].date < decided):
                decided = found[index].date
        if decided is None:
            return len(matches)
        return bisect_right(matches, decided, lo=following, key=fact_date)

    def _joined(self, plan: RulePlan, first: Fact, later: Fact) -> None:
        self.out.findings.append(
            (
                first.date,
                Finding(
                    code="joined-episode",
                    severity="warning",
                    message=f"{later.label} arrived while {first.label} was still undecided; "
                    f"{plan.rule.id} runs from {first.label} and {later.label} does not "
                    "start a clock of its own",
                ),
            )
        )

    def traced(self, rule: Rule, anchor: dt.date, first: Fact, second: Fact | None = None) -> None:
        """Record that ``rule`` fired on ``first`` (and ``second``)."""
        if self.trace is not None:
            self.trace.append((anchor, rule, (first,) if second is None else (first, second)))

    def governs(self, day: dt.date) -> bool:
        """Does this edition judge conclusions anchored on ``day``?"""
        return self.window is EVERY_DAY or self.window.contains(day)

    # -- forward chaining ------------------------------------------------------
    def derive(self) -> None:
        """Run every deriving rule once, in dependency order, adding derived facts."""
        facts = self.facts
        trace = self.trace
        new_fact = tuple.__new__  # what Fact(...) does, without its Python-level frame
        for plan in self.plan.derivations:
            if not facts.get(plan.match.key):
                continue  # its trigger never occurred
            triggers = self.triggers(plan)
            if not triggers:
                continue
            name = plan.fact
            # the triggers are in (date, case) order, and so are the facts derived here
            new = [new_fact(Fact, ("fact", name, t.date, t.seq, t.event)) for t in triggers]
            if trace is not None:
                rule = plan.rule
                trace.extend([(t.date, rule, (t,)) for t in triggers])
            key = ("fact", name)
            existing = facts.get(key)
            if existing:
                new = existing + new
                new.sort(key=fact_order)
            facts[key] = new
