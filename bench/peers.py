"""Peers on comparable work: five duties of the 2023 edition over the same cases.

The duties: referral decision within 1 working day; assessment completed within 45
working days when the referral was taken on for assessment; ICPC within 15 working days
of the strategy discussion that began s47 enquiries; first review within 3 months of an
ICPC that agreed a plan; each later review within 6 months.

No peer has a working-day calendar, an event-pairing primitive or citations, so every
peer gets the validated case plus the same Python pre-pass (:func:`instances`): it pairs
each clock with its first satisfying event, drops events after as-of and works out each
due date with wtguidance's own calendar. The peer then decides met / met_late / pending /
overdue with its own rules. The pre-pass counts in each peer's time: a user of that
engine would have to write it. Peers that are not installed (the optional ``bench``
extra) are left out and named.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from wtguidance.calendar import add_months
from wtguidance.case import Case
from wtguidance.editions import Editions, shipped_editions
from wtguidance.evaluation import Evaluator, default_calendar

FIVE_DUTIES = (
    "wt2023.referral.decision",
    "wt2023.assessment.complete",
    "wt2023.icpc.hold",
    "wt2023.review_conference.first",
    "wt2023.review_conference.next",
)

Instance = dict[str, Any]
Peer = Callable[[Case], list[str]]


def mini_editions() -> Editions:
    """The 2023 edition cut down to the five duties (the same rules, verbatim)."""
    from wtguidance._pack.compile import compile_pack

    full = shipped_editions().get("2023").pack
    cut = msgspec.structs.replace(full, rules=tuple(r for r in full.rules if r.id in FIVE_DUTIES))
    return Editions((compile_pack(cut),))


def instances(case: Case, as_of: dt.date) -> list[Instance]:
    """Clock/satisfier pairing for the five duties, as plain dicts (the peers' input)."""
    calendar = default_calendar()
    by: defaultdict[str, list[Any]] = defaultdict(list)
    for event in case.sorted_events:
        if event.date <= as_of:
            by[event.type].append(event)
    out: list[Instance] = []

    def first(events: list[Any], day: dt.date, strict: bool = False) -> Any:
        for event in events:
            if event.date > day or (not strict and event.date >= day):
                return event
        return None

    def add(duty: str, clock: dt.date, sat: Any, wd: int | None = None, months: int = 0) -> None:
        due = calendar.add_working_days(clock, wd) if wd is not None else add_months(clock, months)
        out.append(
            {
                "ob": duty,
                "clock": clock.toordinal(),
                "has_sat": sat is not None,
                "sat_v": sat.date.toordinal() if sat is not None else 0,
                "due_v": due.toordinal(),
                "asof_v": as_of.toordinal(),
            }
        )

    referrals = by["referral"]
    for index, referral in enumerate(referrals):
        add("referral.decision", referral.date, first(by["referral_decision"], referral.date), 1)
        until = referrals[index + 1].date if index + 1 < len(referrals) else None

        def within(event: Any, start: dt.date = referral.date, end: Any = until) -> bool:
            return bool(event.date >= start and (end is None or event.date < end))

        if any(
            within(d) and d.response in ("assessment", "strategy_discussion")
            for d in by["referral_decision"]
        ) or any(within(a) and a.kind == "single" for a in by["assessment_started"]):
            single = [a for a in by["assessment_completed"] if a.kind == "single"]
            add("assessment.complete", referral.date, first(single, referral.date), 45)
    discussions = [s for s in by["strategy_discussion"] if s.initiates_s47]
    if discussions:
        add("icpc.hold", discussions[0].date, first(by["icpc"], discussions[0].date), 15)
    for icpc in by["icpc"]:
        if icpc.outcome == "cp_plan":
            sat = first(by["review_conference"], icpc.date, strict=True)
            add("review_conference.first", icpc.date, sat, months=3)
    for review in by["review_conference"]:
        if review.outcome == "continue":
            sat = first(by["review_conference"], review.date, strict=True)
            add("review_conference.next", review.date, sat, months=6)
    return out


def status(i: Instance) -> str:
    if i["has_sat"]:
        return "met" if i["sat_v"] <= i["due_v"] else "met_late"
    return "pending" if i["asof_v"] <= i["due_v"] else "overdue"


def peers(as_of: dt.date) -> tuple[list[tuple[str, Peer]], list[str]]:
    """(name, function) for each peer that imports, and the names of those that do not."""
    found: list[tuple[str, Peer]] = [
        ("hand-written Python (same 5 duties)", lambda c: [status(i) for i in instances(c, as_of)])
    ]
    missing: list[str] = []
    for name, make in (
        ("business-rules", _business_rules),
        ("rule-engine", _rule_engine),
        ("durable_rules", _durable_rules),
    ):
        try:
            found.append((name, make(as_of)))
        except ImportError as exc:
            missing.append(f"{name} ({exc})")
    return found, missing


def _rule_engine(as_of: dt.date) -> Peer:
    import rule_engine

    rules = [
        (s, rule_engine.Rule(text))
        for s, text in (
            ("met", "has_sat and sat_v <= due_v"),
            ("met_late", "has_sat and sat_v > due_v"),
            ("pending", "not has_sat and asof_v <= due_v"),
            ("overdue", "not has_sat and asof_v > due_v"),
        )
    ]

    def decide(case: Case) -> list[str]:
        return [next(s for s, r in rules if r.matches(i)) for i in instances(case, as_of)]

    return decide


def _business_rules(as_of: dt.date) -> Peer:
    from business_rules import run_all
    from business_rules.actions import BaseActions, rule_action
    from business_rules.fields import FIELD_TEXT
    from business_rules.variables import (
        BaseVariables,
        boolean_rule_variable,
        numeric_rule_variable,
    )

    class Variables(BaseVariables):  # type: ignore[misc]
        def __init__(self, i: Instance) -> None:
            self.i = i

        @boolean_rule_variable  # type: ignore[misc]
        def has_sat(self) -> bool:
            return bool(self.i["has_sat"])

        @numeric_rule_variable  # type: ignore[misc]
        def sat_minus_due(self) -> int:  # it cannot compare two variables
            return int(self.i["sat_v"] - self.i["due_v"])

        @numeric_rule_variable  # type: ignore[misc]
        def asof_minus_due(self) -> int:
            return int(self.i["asof_v"] - self.i["due_v"])

    class Actions(BaseActions):  # type: ignore[misc]
        def __init__(self, i: Instance) -> None:
            self.i = i

        @rule_action(params={"status": FIELD_TEXT})  # type: ignore[misc]
        def set_status(self, status: str) -> None:
            self.i["status"] = status

    def rule(flag: bool, variable: str, operator: str, result: str) -> dict[str, Any]:
        test = "is_true" if flag else "is_false"
        return {
            "conditions": {
                "all": [
                    {"name": "has_sat", "operator": test, "value": True},
                    {"name": variable, "operator": operator, "value": 0},
                ]
            },
            "actions": [{"name": "set_status", "params": {"status": result}}],
        }

    rules = [
        rule(True, "sat_minus_due", "less_than_or_equal_to", "met"),
        rule(True, "sat_minus_due", "greater_than", "met_late"),
        rule(False, "asof_minus_due", "less_than_or_equal_to", "pending"),
        rule(False, "asof_minus_due", "greater_than", "overdue"),
    ]

    def decide(case: Case) -> list[str]:
        out = []
        for i in instances(case, as_of):
            run_all(
                rule_list=rules,
                defined_variables=Variables(i),
                defined_actions=Actions(i),
                stop_on_first_trigger=True,
            )
            out.append(i["status"])
        return out

    return decide


def _durable_rules(as_of: dt.date) -> Peer:
    from durable.lang import m, post, ruleset, when_all

    decided: list[str] = []
    # durable_rules keeps rulesets process-wide: a name no other code uses
    with ruleset("wtguidance-bench-peer"):

        @when_all((m.has_sat == True) & (m.sat_v <= m.due_v))  # noqa: E712
        def met(c: Any) -> None:
            decided.append("met")

        @when_all((m.has_sat == True) & (m.sat_v > m.due_v))  # noqa: E712
        def met_late(c: Any) -> None:
            decided.append("met_late")

        @when_all((m.has_sat == False) & (m.asof_v <= m.due_v))  # noqa: E712
        def pending(c: Any) -> None:
            decided.append("pending")

        @when_all((m.has_sat == False) & (m.asof_v > m.due_v))  # noqa: E712
        def overdue(c: Any) -> None:
            decided.append("overdue")

    def decide(case: Case) -> list[str]:
        decided.clear()
        for i in instances(case, as_of):
            post("wtguidance-bench-peer", i)
        return list(decided)

    return decide


def agreement(cases: Sequence[Case], as_of: dt.date, found: list[tuple[str, Peer]]) -> list[str]:
    """One line per check: the pre-pass against wtguidance's mini pack, each peer against it."""
    mini = Evaluator.create(mini_editions())
    engine = [
        sorted(
            (o.id, o.clock.date.toordinal(), o.status)
            for o in mini.evaluate(c, as_of=as_of).obligations
        )
        for c in cases
    ]
    hand = [sorted((i["ob"], i["clock"], status(i)) for i in instances(c, as_of)) for c in cases]
    lines = [
        f"pre-pass + statuses vs wtguidance's 5-rule pack: "
        f"{sum(a == b for a, b in zip(engine, hand, strict=True))}/{len(cases)} cases identical"
    ]
    reference = [[status(i) for i in instances(c, as_of)] for c in cases]
    for name, decide in found[1:]:
        same = sum(decide(c) == r for c, r in zip(cases, reference, strict=True))
        lines.append(f"{name} vs hand-written statuses: {same}/{len(cases)} cases identical")
    return lines
