"""Dates of the child that cannot be right are reported, never used silently (issue 13).

A death before the birth is refused (``invalid-case``). A birth long after the first event
(``born-after-events``) and the child seen after their death (``seen-after-death``) are
warnings: the case is still judged, and the reader is told which date to check.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from wtguidance import evaluate
from wtguidance.case import parse_case_obj
from wtguidance.errors import CaseError

REFERRAL = "2024-01-05"


def _codes(child: dict[str, Any], *events: dict[str, Any]) -> list[str]:
    case = parse_case_obj(
        {
            "case_id": "C",
            "child": child,
            "events": [{"type": "referral", "date": REFERRAL}, *events],
        }
    )
    return [f.code for f in evaluate(case, as_of=dt.date(2025, 6, 1)).findings]


@pytest.mark.parametrize(
    ("born", "reported"),
    [
        ("2010-03-01", False),  # born long before: ordinary
        ("2024-01-05", False),  # born the day of the referral
        ("2024-10-31", False),  # 300 days after: a pre-birth referral
        ("2024-11-01", True),  # 301 days after: not a pregnancy
        ("2099-01-01", True),  # a typo
    ],
)
def test_a_birth_long_after_the_first_event_is_reported(born: str, reported: bool) -> None:
    assert ("born-after-events" in _codes({"date_of_birth": born})) == reported


@pytest.mark.parametrize(
    ("seen", "reported"),
    [("2024-02-01", False), ("2024-03-01", False), ("2024-03-02", True), ("2025-01-01", True)],
)
def test_a_child_seen_after_death_is_reported(seen: str, reported: bool) -> None:
    child = {"date_of_birth": "2015-01-01", "date_of_death": "2024-03-01"}
    codes = _codes(child, {"type": "child_seen", "date": seen, "alone": True})
    assert ("seen-after-death" in codes) == reported


def test_duties_after_a_death_are_not_mistaken_for_impossible_dates() -> None:
    child = {"date_of_birth": "2015-01-01", "date_of_death": "2024-03-01"}
    codes = _codes(
        child,
        {"type": "serious_incident_known", "date": "2024-03-01", "kind": "death"},
        {"type": "serious_incident_notified", "date": "2024-03-04"},
    )
    assert "seen-after-death" not in codes


@pytest.mark.parametrize(
    ("born", "died"), [("2020-01-02", "2020-01-01"), ("2024-01-01", "1999-12-31")]
)
def test_a_death_before_the_birth_is_refused(born: str, died: str) -> None:
    with pytest.raises(CaseError) as caught:
        parse_case_obj(
            {"case_id": "C", "child": {"date_of_birth": born, "date_of_death": died}, "events": []}
        )
    assert caught.value.code == "invalid-case"
    assert caught.value.message.startswith("child.date_of_death: ")
    assert caught.value.location is not None
    assert caught.value.location.pointer == "/child/date_of_death"
