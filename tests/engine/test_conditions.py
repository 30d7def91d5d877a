"""Conditions: ``when``, derived facts and overrides between rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from engine_cases import (
    REFERRAL,
    SD,
    ev,
    run,
    statuses,
)

from _helpers import obligation

# --- overrides --------------------------------------------------------------------------------


def test_overrides_keeps_the_overriding_rule_whatever_the_order(tmp_path: Path) -> None:
    base = obligation("decide", REFERRAL, {"event": "referral_decision"})
    strict = obligation(
        "decide_strict",
        REFERRAL,
        {"event": "referral_decision"},
        overrides="wt2023.decide",
        timescale={"working_days": 1},
    )
    for index, rules in enumerate(([base, strict], [strict, base])):
        fresh = [dict(r) for r in rules]
        outcome = run(tmp_path / str(index), fresh, [ev("referral", "2024-01-05")])
        assert [o.rule for o in outcome.obligations] == ["wt2023.decide_strict"]
        assert outcome.obligations[0].due == dt.date(2024, 1, 8)


# --- when -------------------------------------------------------------------------------------

DECISION = {"event": "referral_decision", "where": {"response": "assessment"}}


@pytest.mark.parametrize(
    ("relative", "decision_date", "fires"),
    [
        ("any_time", "2024-01-01", True),
        ("before", "2024-01-04", True),
        ("before", "2024-01-05", False),
        ("on_or_before", "2024-01-05", True),
        ("on_or_before", "2024-01-06", False),
        ("on_or_after", "2024-01-05", True),
        ("on_or_after", "2024-01-04", False),
        ("after", "2024-01-06", True),
        ("after", "2024-01-05", False),
    ],
)
def test_exists_relative(tmp_path: Path, relative: str, decision_date: str, fires: bool) -> None:
    rule = obligation(
        "assess",
        REFERRAL,
        {"event": "assessment_completed"},
        id_="assessment.complete",
        when={"exists": DECISION, "relative": relative},
    )
    events = [
        ev("referral", "2024-01-05"),
        ev("referral_decision", decision_date, response="assessment"),
    ]
    outcome = run(tmp_path, [rule], events)
    assert [
        (o.id, o.rule, o.clock.event, o.clock.date.isoformat(), o.status)
        for o in outcome.obligations
    ] == (
        [("assessment.complete", "wt2023.assess", "referral", "2024-01-05", "overdue")]
        if fires
        else []
    )


@pytest.mark.parametrize(
    ("when", "fires"),
    [
        ({"all": [{"exists": DECISION}, {"child": {"field": "disabled", "is": True}}]}, True),
        ({"all": [{"exists": DECISION}, {"child": {"field": "disabled", "is": False}}]}, False),
        ({"any": [{"exists": {"event": "icpc"}}, {"exists": DECISION}]}, True),
        ({"any": [{"exists": {"event": "icpc"}}, {"exists": {"event": "s47_started"}}]}, False),
        ({"not": {"exists": {"event": "icpc"}}}, True),
        ({"not": {"exists": DECISION}}, False),
        ({"all": [{"not": {"any": [{"exists": {"event": "icpc"}}]}}, {"exists": DECISION}]}, True),
    ],
)
def test_when_combinators(tmp_path: Path, when: dict[str, Any], fires: bool) -> None:
    rule = obligation(
        "assess", REFERRAL, {"event": "assessment_completed"}, id_="assessment.complete", when=when
    )
    events = [
        ev("referral", "2024-01-05"),
        ev("referral_decision", "2024-01-05", response="assessment"),
    ]
    outcome = run(tmp_path, [rule], events, child={"disabled": True})
    assert [
        (o.id, o.rule, o.clock.event, o.clock.date.isoformat(), o.status)
        for o in outcome.obligations
    ] == (
        [("assessment.complete", "wt2023.assess", "referral", "2024-01-05", "overdue")]
        if fires
        else []
    )


def test_exists_does_not_match_its_own_trigger(tmp_path: Path) -> None:
    rule = obligation(
        "decide",
        REFERRAL,
        {"event": "referral_decision"},
        when={"exists": {"event": "referral"}, "relative": "any_time"},
    )
    assert run(tmp_path / "a", [rule], [ev("referral", "2024-01-05")]).obligations == ()
    two = [ev("referral", "2024-01-05"), ev("referral", "2024-02-05")]
    assert len(run(tmp_path / "b", [dict(rule)], two).obligations) == 2


# --- derived facts ----------------------------------------------------------------------------


def test_derived_fact_chain(tmp_path: Path) -> None:
    rules = [
        {"name": "stage.b", "match": {"fact": "stage.a"}, "then": {"assert": {"fact": "stage.b"}}},
        obligation("icpc", {"fact": "stage.b"}, {"event": "icpc"}, id_="icpc.hold"),
        {"name": "stage.a", "match": SD, "then": {"assert": {"fact": "stage.a"}}},
    ]
    events = [ev("strategy_discussion", "2024-03-04", initiates_s47=True)]
    outcome = run(tmp_path, rules, events, facts=("stage.a", "stage.b"), as_of="2024-03-05")
    ((clock, status, _),) = statuses(outcome)
    assert (clock, status) == ("2024-03-04", "pending")
    assert outcome.obligations[0].clock.event == "stage.b"
    fired = [t.rule for t in outcome.trace]
    assert fired.index("wt2023.stage.a") < fired.index("wt2023.stage.b")
