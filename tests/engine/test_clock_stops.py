"""Clocks stop (DESIGN §5) and sources that cannot evidence a duty (DESIGN §10)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from _helpers import ROOT
from wtguidance import evaluate
from wtguidance._engine.obligations import eighteenth_birthday
from wtguidance.case import Case, SourceEvidence
from wtguidance.results import ObligationResult, Outcome

AS_OF = dt.date(2025, 3, 3)


def example(name: str, **child: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "examples" / "cases" / name).read_text("utf-8"))
    data["child"] = {**data["child"], **child}
    return data


def with_events(data: dict[str, Any], *events: dict[str, Any]) -> Case:
    return Case.model_validate({**data, "events": [*data["events"], *events]})


def obligation(outcome: Outcome, obligation_id: str) -> ObligationResult:
    (found,) = [o for o in outcome.obligations if o.id == obligation_id]
    return found


def closed(day: str) -> dict[str, Any]:
    return {"type": "case_closed", "date": day, "reason": "family moved"}


# The s17-overdue example: referral 2024-12-17, assessment due 2025-02-21, never completed.


@pytest.mark.parametrize("day", ["2024-12-20", "2025-01-10", "2025-02-20"])
def test_closing_before_the_due_date_ends_the_clock(day: str) -> None:
    case = with_events(example("s17-overdue.json"), closed(day))
    found = obligation(evaluate(case, as_of=AS_OF), "assessment.complete")
    assert (found.status, found.due) == ("ended", dt.date(2025, 2, 21))
    assert found.reason == f"the case closed on {day} before it fell due"


@pytest.mark.parametrize("day", ["2025-02-21", "2025-02-24", "2025-03-03"])
def test_closing_on_or_after_the_due_date_leaves_the_breach_standing(day: str) -> None:
    case = with_events(example("s17-overdue.json"), closed(day))
    found = obligation(evaluate(case, as_of=AS_OF), "assessment.complete")
    assert (found.status, found.reason) == ("overdue", None)


def test_a_closure_before_the_clock_started_stops_nothing() -> None:
    case = with_events(example("s17-overdue.json"), closed("2024-12-01"))
    assert obligation(evaluate(case, as_of=AS_OF), "assessment.complete").status == "overdue"


def test_a_met_duty_stays_met_after_closure() -> None:
    case = with_events(example("s17-overdue.json"), closed("2025-01-10"))
    found = obligation(evaluate(case, as_of=AS_OF), "referral.decision")
    assert (found.status, found.reason) == ("met", None)


def test_an_unscheduled_duty_ends_at_closure() -> None:
    case = with_events(example("s17-overdue.json"), closed("2025-01-10"))
    found = obligation(evaluate(case, as_of=AS_OF), "child.seen")
    assert (found.status, found.due) == ("ended", None)


def test_a_stop_after_as_of_has_not_happened_yet() -> None:
    data = example("s17-overdue.json", date_of_death="2025-03-10")
    found = obligation(evaluate(Case.model_validate(data), as_of=AS_OF), "assessment.complete")
    assert found.status == "overdue"


def test_the_death_of_the_child_ends_duties_owed_to_a_living_child() -> None:
    data = example("s17-overdue.json", date_of_death="2025-02-03")
    found = obligation(evaluate(Case.model_validate(data), as_of=AS_OF), "assessment.complete")
    assert (found.status, found.reason) == (
        "ended",
        "the child died on 2025-02-03 before it fell due",
    )


@pytest.mark.parametrize(
    ("birth", "adult", "status"),
    [
        ("2007-01-10", "2025-01-10", "ended"),
        ("2007-02-21", "2025-02-21", "overdue"),  # 18 on the due date: the breach stands
        ("2007-03-02", "2025-03-02", "overdue"),  # 18 after the due date
    ],
)
def test_the_eighteenth_birthday_ends_duties_owed_to_children(
    birth: str, adult: str, status: str
) -> None:
    data = example("s17-overdue.json", date_of_birth=birth)
    found = obligation(evaluate(Case.model_validate(data), as_of=AS_OF), "assessment.complete")
    assert found.status == status
    if status == "ended":
        assert found.reason == f"the child turned 18 on {adult} before it fell due"


@pytest.mark.parametrize(
    ("birth", "adult"),
    [
        ("2008-02-29", "2026-03-01"),  # 2026 is not a leap year
        ("2004-02-29", "2022-03-01"),
        ("2006-02-28", "2024-02-28"),
        ("2010-12-31", "2028-12-31"),
    ],
)
def test_eighteenth_birthday(birth: str, adult: str) -> None:
    assert eighteenth_birthday(dt.date.fromisoformat(birth)) == dt.date.fromisoformat(adult)


def test_duties_about_a_death_are_not_stopped_by_it() -> None:
    data = example("serious-incident.json", date_of_death="2024-12-20")
    data["events"] = [e for e in data["events"] if e["type"] == "serious_incident_known"]
    data["events"].append(closed("2024-12-23"))
    outcome = evaluate(Case.model_validate(data), as_of=dt.date(2025, 1, 6))
    found = obligation(outcome, "serious_incident.notify")
    assert (found.status, found.due, found.reason) == ("overdue", dt.date(2024, 12, 31), None)


CENSUS = SourceEvidence.of("CIN census", ["child_seen", "referral_decision"])


def test_an_unrecordable_satisfier_is_not_evidenced_never_overdue() -> None:
    data = example("s17-overdue.json")
    data["events"] = [e for e in data["events"] if e["type"] != "referral_decision"]
    outcome = evaluate(Case.model_validate(data), as_of=AS_OF, evidence=CENSUS)
    decision = obligation(outcome, "referral.decision")
    assert (decision.status, decision.due) == ("not_evidenced", dt.date(2024, 12, 18))
    assert decision.reason == "the CIN census does not record referral_decision"
    assert obligation(outcome, "child.seen").status == "not_evidenced"
    # what the source does record is judged as usual
    assert obligation(outcome, "assessment.complete").status == "overdue"


def test_a_recorded_satisfier_is_judged_even_from_a_limited_source() -> None:
    outcome = evaluate(
        Case.model_validate(example("s17-overdue.json")), as_of=AS_OF, evidence=CENSUS
    )
    assert obligation(outcome, "referral.decision").status == "met"


def test_reason_is_in_json_only_when_there_is_one() -> None:
    case = with_events(example("s17-overdue.json"), closed("2025-01-10"))
    dumped = evaluate(case, as_of=AS_OF).model_dump(mode="json")
    by_id = {o["id"]: o for o in dumped["obligations"]}
    assert "reason" not in by_id["referral.decision"]
    assert by_id["assessment.complete"]["reason"].startswith("the case closed on 2025-01-10")
    assert Outcome.model_validate(dumped) == evaluate(case, as_of=AS_OF)


def test_icpc_not_required_withdraws_the_conference_clock_in_every_edition() -> None:
    events = [
        {"type": "strategy_discussion", "date": "2024-03-04", "initiates_s47": True},
        {"type": "s47_started", "date": "2024-03-04"},
    ]
    for edition in ("2010", "2013", "2015", "2018", "2023", "2026"):
        data = {"case_id": "c", "child": {}, "events": events}
        before = evaluate(Case.model_validate(data), edition=edition, as_of=AS_OF)
        assert [o.status for o in before.obligations if o.id == "icpc.hold"] == ["overdue"]
        data["events"] = [*events, {"type": "icpc_not_required", "date": "2024-03-12"}]
        after = evaluate(Case.model_validate(data), edition=edition, as_of=AS_OF)
        assert [o for o in after.obligations if o.id == "icpc.hold"] == [], edition


def test_a_source_that_does_not_name_an_event_type_never_records_it() -> None:
    from wtguidance.case import EVENT_TYPES
    from wtguidance.case.source import never_recorded
    from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, CIN_CENSUS_RECORDS

    assert never_recorded(["referral"]) == frozenset(EVENT_TYPES) - {"referral"}
    assert CIN_CENSUS_EVIDENCE.absent_events | CIN_CENSUS_RECORDS == frozenset(EVENT_TYPES)
    assert not CIN_CENSUS_EVIDENCE.absent_events & CIN_CENSUS_RECORDS
    with pytest.raises(ValueError, match="referal"):
        never_recorded(["referal"])
