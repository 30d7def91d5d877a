"""Caseloads: streaming evaluation, jobs, the summary, the target cross-check, JSON Lines."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from cin_builder import census, child, episode, plan, s47
from wtguidance.case import Case, Rejected
from wtguidance.caseload import (
    Evaluated,
    Settings,
    SummaryBuilder,
    evaluate_cases,
    evaluate_partition,
    evaluate_stream,
)
from wtguidance.caseload.summary import CaseloadSummary
from wtguidance.caseload.targets import classify
from wtguidance.errors import UsageError
from wtguidance.evaluation import default_calendar
from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, read_cin_census
from wtguidance.sources.jsonl import read_jsonl

DATA = Path(__file__).parents[1] / "data" / "cin"
ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2024, 3, 31)


def summarise(data: bytes | Path, as_of: dt.date = AS_OF, jobs: int = 1) -> CaseloadSummary:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    reader = read_cin_census(source)
    settings = Settings(as_of, evidence=CIN_CENSUS_EVIDENCE)
    builder = SummaryBuilder(as_of=as_of, calendar=default_calendar(), evidence=CIN_CENSUS_EVIDENCE)
    for _ in builder.add_all(evaluate_stream(reader, settings, jobs=jobs)):
        pass
    builder.add_file_notes(reader.notes, "file")
    builder.summary.complete = reader.complete
    return builder.summary


def dump(results: list[Evaluated | Rejected]) -> list[dict[str, Any]]:
    return [
        r.model_dump(mode="json")
        if isinstance(r, Rejected)
        else {"outcome": r.outcome.model_dump(mode="json"), "child": r.child_id}
        for r in results
    ]


# --- Order, jobs and accounting --------------------------------------------------------------


def test_jobs_two_gives_the_same_output_as_jobs_one() -> None:
    data = (
        (DATA / "fake_CIN_data.xml")
        .read_bytes()
        .replace(
            b"<CINreferralDate>2020-07-13</CINreferralDate>",
            b"<CINreferralDate>2020-02-30</CINreferralDate>",
        )
    )
    settings = Settings(dt.date(2022, 7, 21), evidence=CIN_CENSUS_EVIDENCE)
    one = list(evaluate_stream(read_cin_census(io.BytesIO(data)), settings, jobs=1))
    two = list(evaluate_stream(read_cin_census(io.BytesIO(data)), settings, jobs=2, chunk=7))
    assert sum(isinstance(r, Rejected) for r in one) == 1
    assert len(one) == 402
    assert dump(one) == dump(two)


def test_python_api_for_case_systems() -> None:
    cases = (
        Case.model_validate(
            {
                "case_id": f"S{n}",
                "child": {},
                "events": [{"type": "referral", "date": "2024-01-05"}],
            }
        )
        for n in range(5)
    )
    outcomes = list(evaluate_cases(cases, as_of=dt.date(2024, 3, 1)))
    assert [o.case_id for o in outcomes] == [f"S{n}" for n in range(5)]
    assert all(o.obligations for o in outcomes)


def test_jobs_must_be_positive() -> None:
    with pytest.raises(UsageError, match="jobs must be at least 1") as raised:
        evaluate_stream([], Settings(AS_OF), jobs=0)  # refused at the call, not on iteration
    assert raised.value.code == "bad-argument"


def test_counts_reconcile_with_rejections() -> None:
    data = census(
        child(episode("2024-01-08"), episode("2024-02-30"), child_id="A"),
        child(episode("2024-01-09"), child_id=None),
        child(episode("2024-01-10"), child_id="B"),
    )
    summary = summarise(data)
    assert summary.counts() == {"records": 4, "outcomes": 2, "rejected": 2}
    rows = list(summary.rejected_rows())
    assert [r.get("child_id") for r in rows] == ["A", None]
    assert all("line" in r for r in rows)


# --- What the census cannot show, and clocks that stop ---------------------------------------


def test_not_evidenced_is_never_overdue() -> None:
    summary = summarise(DATA / "fake_CIN_data.xml", as_of=dt.date(2022, 7, 21))
    statuses = summary.status_totals()
    assert statuses["not_evidenced"] > 0
    assert statuses["overdue"] == 0
    assert not any(r["obligation"] == "referral.decision" for r in summary.overdue())
    assert {s for (_i, _e, s) in summary.sign_offs} <= {"not_evidenced"}


def test_closed_episode_ends_clocks_instead_of_overdue() -> None:
    # the conference was due 15 WD after 2024-01-10 (2024-01-31); the episode closed first
    data = census(child(episode("2024-01-08", s47("2024-01-10"), closure="2024-01-20")))
    summary = summarise(data)
    assert summary.obligations[("icpc.hold", "2023", "ended")] == 1
    assert summary.store.count("overdue") == 0


def test_icpc_not_required_withdraws_the_conference() -> None:
    data = census(child(episode("2024-01-08", s47("2024-01-10", not_required="true"))))
    summary = summarise(data)
    assert not any(o == "icpc.hold" for (o, _e, _s) in summary.obligations)


def test_overdue_and_due_soon_lists() -> None:
    late = episode("2024-01-08", s47("2024-01-10"))  # ICPC due 2024-01-31, none held
    soon = episode("2024-03-25", s47("2024-03-25"))  # due 2024-04-17: 11 WD (Easter)
    near = episode("2024-03-20", s47("2024-03-20"))  # due 2024-04-12
    summary = summarise(
        census(child(late, child_id="L"), child(soon, child_id="S"), child(near, child_id="N"))
    )
    overdue = [r for r in summary.overdue() if r["obligation"] == "icpc.hold"]
    assert [(r["case_id"], r["due"], r["working_days_late"]) for r in overdue] == [
        ("L/2024-01-08", "2024-01-31", 41)
    ]
    due_soon = {r["case_id"]: r for r in summary.due_soon() if r["obligation"] == "icpc.hold"}
    assert due_soon["N/2024-03-20"]["working_days_left"] == 9  # Easter Monday skipped
    assert "S/2024-03-25" not in due_soon


def test_several_s47s_each_have_their_own_clock() -> None:
    data = census(
        child(
            episode(
                "2024-01-08",
                s47("2024-01-10", icpc="2024-01-24"),
                s47("2024-02-20", icpc="2024-03-25"),
            )
        )
    )
    reader = read_cin_census(io.BytesIO(data))
    (result,) = evaluate_stream(reader, Settings(AS_OF, evidence=CIN_CENSUS_EVIDENCE))
    assert isinstance(result, Evaluated)
    holds = [
        (o.clock.date.isoformat(), o.status)
        for o in result.outcome.obligations
        if o.id == "icpc.hold"
    ]
    assert holds == [("2024-01-10", "met"), ("2024-02-20", "met_late")]


def test_review_clocks_follow_each_plan() -> None:
    data = census(
        child(
            episode(
                "2023-01-09",
                s47("2023-01-10", icpc="2023-01-24"),
                plan("2023-01-24", None, ["2023-04-20", "2023-10-10"]),
            )
        )
    )
    reader = read_cin_census(io.BytesIO(data))
    (result,) = evaluate_stream(reader, Settings(AS_OF, evidence=CIN_CENSUS_EVIDENCE))
    assert isinstance(result, Evaluated)
    reviews = [
        (o.id, o.status) for o in result.outcome.obligations if o.id.startswith("review_conference")
    ]
    assert ("review_conference.first", "met") in reviews
    assert ("review_conference.next", "met") in reviews


def test_a_clock_before_the_earliest_edition_is_a_finding() -> None:
    summary = summarise(census(child(episode("2005-01-10", s47("2005-01-11")))))
    assert summary.outcomes == 1
    assert any(code == "before-earliest-edition" for (code, _s) in summary.findings)


def test_importer_findings_reach_the_outcome_and_summary() -> None:
    summary = summarise(DATA / "CIN_Census_2024.xml")
    codes = {code for (code, _severity) in summary.findings}
    assert {"mixed-content", "date-order", "event-after-as-of"} <= codes


# --- The InitialCPCtarget cross-check --------------------------------------------------------


def test_2021_sample_target_agrees_with_ours() -> None:
    summary = summarise(DATA / "CIN_Census_2021.xml", as_of=dt.date(1971, 3, 31))
    assert (summary.targets_agreed, summary.targets_compared) == (1, 1)
    (row,) = summary.target_rows()
    assert row["ours"] == row["census_target"] == "1970-06-23"


def test_2024_fixture_target_ignores_the_jubilee() -> None:
    summary = summarise(DATA / "CIN_Census_2024.xml")
    (row,) = summary.target_rows()
    assert (row["census_target"], row["ours"], row["cause"]) == (
        "2022-06-23",
        "2022-06-24",
        "bank_holidays_ignored",
    )


@pytest.mark.parametrize(
    ("clock", "target", "cause"),
    [
        ("2023-03-30", "2023-04-20", "bank_holidays_ignored"),  # Good Friday, Easter Monday
        ("2022-12-14", "2023-01-04", "bank_holidays_ignored"),  # Christmas substitute days
        ("2022-09-12", "2022-10-03", "bank_holidays_ignored"),  # the Queen's funeral
        ("2023-05-02", "2023-05-23", "bank_holidays_ignored"),  # the coronation
        ("2023-05-06", "2023-05-31", "rolled_start"),  # Saturday, then the coronation
        ("2024-01-06", "2024-01-29", "rolled_start"),  # a Saturday, counted from Monday
        ("2024-01-10", "2024-01-30", "day_one_convention"),
        ("2024-01-10", "2023-12-01", "different_base_date"),
        ("2024-01-10", "2024-04-30", "different_base_date"),
        ("2024-01-10", "2024-02-05", "unexplained"),
        ("2024-01-10", "2024-01-31", None),
        # calendar days: a weekend discussion plus three weeks is a weekend target
        ("2024-01-06", "2024-01-27", "calendar_days"),  # Saturday to Saturday
        ("2023-04-30", "2023-05-21", "calendar_days"),  # Sunday, holidays in the window
        ("2022-12-25", "2023-01-15", "calendar_days"),  # Christmas Day (a Sunday)
        ("2024-01-10", "2024-01-25", "calendar_days"),  # 15 calendar days from a Wednesday
        # from a weekday, plus 21 days is also 15 weekdays: holidays ignored comes first
        ("2023-12-20", "2024-01-10", "bank_holidays_ignored"),
    ],
)
def test_target_disagreements_are_classified(clock: str, target: str, cause: str | None) -> None:
    calendar = default_calendar()
    start = dt.date.fromisoformat(clock)
    due = calendar.add_working_days(start, 15)
    assert classify(start, dt.date.fromisoformat(target), due, calendar) == cause


def test_target_cross_check_over_a_file() -> None:
    data = census(
        child(episode("2024-01-08", s47("2024-01-10", target="2024-01-31")), child_id="A"),
        child(episode("2023-03-29", s47("2023-03-30", target="2023-04-20")), child_id="B"),
        child(episode("2024-01-08", s47("2024-01-10", target="2024-01-30")), child_id="C"),
    )
    summary = summarise(data)
    assert (summary.targets_agreed, summary.targets_compared) == (1, 3)
    assert summary.target_causes == {"bank_holidays_ignored": 1, "day_one_convention": 1}
    assert summary.agreement_rate == pytest.approx(1 / 3)


# --- JSON Lines and partitions ---------------------------------------------------------------

GOOD = json.dumps(
    {"case_id": "J1", "child": {}, "events": [{"type": "referral", "date": "2024-01-05"}]}
)


def test_jsonl_rejects_name_the_line() -> None:
    lines = [
        GOOD,
        "",
        '{"case_id": "J2", "child": {}, "events": [{"type": "referral", "date": "2024-02-30"}]}',
        "{not json",
        "   ",
        GOOD.replace("J1", "J3"),
    ]
    items = list(read_jsonl(io.StringIO("\n".join(lines) + "\n"), name="cases.jsonl"))
    assert [type(i).__name__ for i in items] == ["Case", "Rejected", "Rejected", "Case"]
    bad_date, bad_json = items[1], items[2]
    assert isinstance(bad_date, Rejected)
    assert isinstance(bad_json, Rejected)
    assert (bad_date.line, bad_date.child_id, bad_date.field) == (3, "J2", "/events/0/date")
    assert bad_date.reason.startswith("cases.jsonl:3:")
    assert (bad_json.line, bad_json.column) == (4, 2)


def test_jsonl_over_long_line_is_rejected_unread() -> None:
    text = GOOD + "\n" + "x" * 500 + "\n" + GOOD + "\n"
    items = list(read_jsonl(io.StringIO(text), max_line_chars=200))
    assert [type(i).__name__ for i in items] == ["Case", "Rejected", "Case"]
    assert items[1].line == 2  # type: ignore[union-attr]


def test_partition_function_matches_local_evaluation() -> None:
    records = [json.loads(GOOD), {"case_id": "bad"}]
    results = evaluate_partition(records, as_of="2024-03-01")
    assert [set(r) for r in results] == [{"outcome"}, {"rejected"}]
    (local,) = evaluate_cases([Case.model_validate(records[0])], as_of=dt.date(2024, 3, 1))
    assert results[0]["outcome"] == local.model_dump(mode="json")
    assert results[1]["rejected"]["child_id"] == "bad"
