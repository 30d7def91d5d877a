"""Sign-offs, and one sign-off for several allocations decided together."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from engine_cases import (
    DONE,
    MANAGER,
    STARTED,
    UNQUALIFIED_MANAGER,
    case,
    ev,
    run,
)

from wtguidance.evaluation import evaluate

# --- sign-offs --------------------------------------------------------------------------------

APPROVE = {
    "name": "approve",
    "match": {"event": "assessment_started", "where": {"kind": "single"}},
    "then": {
        "sign_off": {
            "id": "assessment.approve",
            "subject": "assessment",
            "done_when": {"event": "assessment_completed", "where": {"kind": "single"}},
            "required_from": {"roles": ["practice_supervisor"], "social_work_qualified": True},
        }
    },
}


@pytest.mark.parametrize(
    ("events", "status", "given_on"),
    [
        ([STARTED], "pending", None),
        ([STARTED, DONE], "missing", None),
        (
            [STARTED, DONE, ev("sign_off", "2024-02-02", subject="assessment", by=MANAGER)],
            "given",
            "2024-02-02",
        ),
        (
            [STARTED, DONE, ev("sign_off", "2024-01-31", subject="assessment", by=MANAGER)],
            "missing",
            None,
        ),
        (
            [
                STARTED,
                DONE,
                ev("sign_off", "2024-02-02", subject="assessment", by=UNQUALIFIED_MANAGER),
            ],
            "invalid",
            None,
        ),
        (
            [STARTED, DONE, ev("sign_off", "2024-02-02", subject="cin_plan", by=MANAGER)],
            "missing",
            None,
        ),
    ],
)
def test_sign_off(
    tmp_path: Path, events: list[dict[str, Any]], status: str, given_on: str | None
) -> None:
    (result,) = run(tmp_path, [dict(APPROVE)], events).sign_offs
    assert result.status == status
    assert result.given_on == (dt.date.fromisoformat(given_on) if given_on else None)


def test_sign_off_given_by_an_event(tmp_path: Path) -> None:
    rule = {
        "name": "end",
        "match": {"event": "cp_plan_ended"},
        "then": {
            "sign_off": {
                "id": "cp_plan.end",
                "subject": "cp_plan_end",
                "required_from": {"roles": ["conference_chair"]},
                "given_by": {"event": "review_conference", "where": {"outcome": "end_plan"}},
            }
        },
    }
    given = [
        ev("review_conference", "2024-05-01", outcome="end_plan"),
        ev("cp_plan_ended", "2024-05-01"),
    ]
    (result,) = run(tmp_path / "a", [dict(rule)], given).sign_offs
    assert (result.status, result.given_on) == ("given", dt.date(2024, 5, 1))
    continued = [
        ev("review_conference", "2024-05-01", outcome="continue"),
        ev("cp_plan_ended", "2024-05-02"),
    ]
    (result,) = run(tmp_path / "b", [dict(rule)], continued).sign_offs
    assert result.status == "missing"


# --- allocations: agreement, and one sign-off for several decided together --------------------

SW = {"role": "social_worker", "social_work_qualified": True}
PS = {"role": "practice_supervisor", "social_work_qualified": True}


@pytest.mark.parametrize(("agreed", "compliant"), [(True, True), (None, True), (False, False)])
def test_the_lead_practitioners_agreement_where_the_record_says(
    agreed: bool | None, compliant: bool
) -> None:
    allocation = ev("allocation", "2024-03-11", stage="s47", practitioner=SW)
    if agreed is not None:
        allocation["practitioner_agreed"] = agreed
    events = [ev("strategy_discussion", "2024-03-11", initiates_s47=True), allocation]
    outcome = evaluate(case(events), as_of=dt.date(2024, 4, 1))
    (holder,) = outcome.case_holders
    assert holder.compliant is compliant
    if not compliant:
        assert "did not agree" in holder.reason


def test_agreement_is_not_judged_before_2023() -> None:
    allocation = ev("allocation", "2019-03-11", stage="s47", practitioner=SW)
    allocation["practitioner_agreed"] = False
    events = [ev("strategy_discussion", "2019-03-11", initiates_s47=True), allocation]
    (holder,) = evaluate(case(events), as_of=dt.date(2019, 4, 1)).case_holders
    assert holder.compliant


@pytest.mark.parametrize("stage", ["s17", "s47", "cp_plan"])
def test_every_accepted_referral_allocation_needs_the_supervisors_decision(stage: str) -> None:
    events = [ev("allocation", "2024-03-11", stage=stage, practitioner=SW)]
    outcome = evaluate(case(events), as_of=dt.date(2024, 4, 1))
    assert [(s.id, s.status) for s in outcome.sign_offs] == [
        ("lead_practitioner.allocate", "missing")
    ]


def test_early_help_allocations_need_no_supervisors_decision() -> None:
    practitioner = {"role": "early_help_practitioner", "social_work_qualified": False}
    events = [ev("allocation", "2024-03-11", stage="early_help", practitioner=practitioner)]
    assert evaluate(case(events), as_of=dt.date(2024, 4, 1)).sign_offs == ()


def test_one_sign_off_gives_allocations_decided_together(tmp_path: Path) -> None:
    events = [
        ev("allocation", "2024-03-11", stage="s17", practitioner=SW),
        ev("allocation", "2024-03-11", stage="s47", practitioner=SW),
        ev("sign_off", "2024-03-11", subject="allocation", by=PS),
        ev("allocation", "2024-03-20", stage="cp_plan", practitioner=SW),
    ]
    outcome = evaluate(case(events), as_of=dt.date(2024, 4, 1))
    assert sorted((s.subject_date.isoformat(), s.status) for s in outcome.sign_offs) == [
        ("2024-03-11", "given"),
        ("2024-03-11", "given"),
        ("2024-03-20", "missing"),
    ]
