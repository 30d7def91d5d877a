"""caseload.report.run_report: one place owns a caseload report's settings, summary,
file notes (once), counts and the stated-target check."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from _helpers import ROOT
from wtguidance.case import Rejected, parse_case_json
from wtguidance.caseload.report import ReportSource, run_report
from wtguidance.sources.annex_a import read_annex_a
from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, read_cin_census
from wtguidance.sources.sourced import SourcedCase, SourceNote, StatedTarget

TESTS = Path(__file__).resolve().parents[1]
CIN = TESTS / "data" / "cin"
AS_OF = dt.date(2024, 6, 1)


def _census_report(path: Path):  # type: ignore[no-untyped-def]
    census = read_cin_census(path)
    source = ReportSource(
        str(path),
        census,
        CIN_CENSUS_EVIDENCE,
        notes_after=lambda: census.notes,
        complete=lambda: census.complete,
    )
    return census, run_report(source, as_of=AS_OF)


@pytest.mark.parametrize("name", ["CIN_Census_2024.xml", "CIN_Census_2021.xml", "CIN2rows.xml"])
def test_file_notes_are_added_once_however_often_the_summary_is_read(name: str) -> None:
    census, report = _census_report(CIN / name)
    results = list(report.results)
    first = report.summary()
    findings = dict(first.findings)
    again = report.summary()
    assert again is first
    assert dict(again.findings) == findings
    file_codes = [note.code for note in census.notes]
    for code in set(file_codes):
        counted = sum(n for (c, _), n in findings.items() if c == code)
        assert counted >= file_codes.count(code)
    assert first.records == len(results) == first.outcomes + first.rejected
    assert report.counts_line() == (
        f"{first.records} records: {first.outcomes} outcomes, {first.rejected} rejected"
    )
    report.close()


def test_notes_before_and_after_are_each_counted_once() -> None:
    before = (SourceNote("header", "up front"),)
    after = [SourceNote("header", "found while streaming")]
    source = ReportSource("s", [], None, notes_before=before, notes_after=lambda: after)
    report = run_report(source, as_of=AS_OF)
    assert list(report.results) == []
    report.summary()
    report.summary()
    assert report.summary().findings[("header", "warning")] == 2
    assert report.summary().records == 0


def test_an_unread_end_marks_the_summary_incomplete() -> None:
    source = ReportSource("s", [], None, complete=lambda: False)
    assert run_report(source, as_of=AS_OF).summary().complete is False


def _case(name: str = "cp-pathway.json"):  # type: ignore[no-untyped-def]
    path = ROOT / "examples" / "cases" / name
    return parse_case_json(path.read_text(encoding="utf-8"), str(path))


def _strategy_day(case) -> dt.date:  # type: ignore[no-untyped-def]
    found = [e.date for e in case.events if e.type == "strategy_discussion"]
    assert found
    return min(found)


def test_the_target_check_runs_only_for_targets_the_source_states() -> None:
    case = _case()
    clock = _strategy_day(case)
    stated = StatedTarget("icpc.hold", clock, clock + dt.timedelta(days=21), "InitialCPCtarget")
    items = [SourcedCase(case, targets=(stated,)), SourcedCase(case.model_copy())]
    report = run_report(ReportSource("s", items), as_of=AS_OF)
    list(report.results)
    summary = report.summary()
    assert summary.targets_compared == 1
    [row] = list(summary.target_rows())
    assert row["ours_from"] == "icpc.hold"
    assert row["census_target"] == stated.target.isoformat()
    report.close()


def test_no_stated_target_means_no_census_card() -> None:
    items = [SourcedCase(_case(name)) for name in ("cp-pathway.json", "decision-late.json")]
    report = run_report(ReportSource("s", items), as_of=AS_OF)
    list(report.results)
    assert report.summary().targets_compared == 0
    assert list(report.summary().target_rows()) == []


def test_an_annex_a_report_shows_no_census_card() -> None:
    from wtguidance._render.caseload import render_html, render_table

    annex = read_annex_a(TESTS / "annex_a" / "Annex_A_2024_Jan.xlsx")
    source = ReportSource("annex", annex.sourced(), annex.evidence, notes_before=annex.findings)
    report = run_report(source, as_of=AS_OF)
    results = list(report.results)
    summary = report.summary()
    assert summary.records == len(results) > 0
    assert summary.targets_compared == 0
    assert "InitialCPCtarget" not in render_html(summary)
    assert "InitialCPCtarget" not in render_table(summary, color=False, width=120)
    assert json.loads(json.dumps(summary.to_json()))["icpc_target_check"]["compared"] == 0
    report.close()


def test_a_refused_first_record_fails_before_run_report_returns(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "y">]><Message>&x;</Message>')
    census = read_cin_census(bad)
    source = ReportSource(str(bad), census, CIN_CENSUS_EVIDENCE, complete=lambda: census.complete)
    with pytest.raises(Exception) as caught:  # noqa: PT011 - whichever the reader raises
        run_report(source, as_of=AS_OF)
    assert "entit" in str(caught.value).lower() or "forbidden" in str(caught.value).lower()


def test_rejected_entries_pass_through_and_count() -> None:
    rejected = Rejected(child_id="x", reason="unreadable")
    report = run_report(ReportSource("s", [rejected, SourcedCase(_case())]), as_of=AS_OF)
    kinds = [type(r).__name__ for r in report.results]
    assert kinds == ["Rejected", "Evaluated"]
    assert (report.summary().rejected, report.summary().outcomes) == (1, 1)
