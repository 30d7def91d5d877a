"""Ofsted Annex A import: recognising lists, reading cells, joining episodes, accounting.

The shared workbook (tests/annex_a/, credited in its README) and small workbooks and CSV
folders built at test time, one per edge case.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from _helpers import ROOT
from annex_a_helpers import (
    HEADERS,
    D,
    assessment,
    cache_formula_values,
    cin,
    csv_folder,
    enquiry,
    lists,
    plan,
    referral,
    workbook,
)
from wtguidance.case import Rejected
from wtguidance.caseload import Evaluated, Settings, evaluate_stream
from wtguidance.cli import main
from wtguidance.sources.annex_a import AnnexAEpisode, AnnexAError, AnnexAImport, read_annex_a
from wtguidance.sources.annex_a._cells import CellError, as_date
from wtguidance.sources.annex_a._codes import gender, referral_nfa, yes_no

SHARED = ROOT / "tests" / "annex_a" / "Annex_A_2024_Jan.xlsx"


def _episode(annex: AnnexAImport, case_id: str) -> AnnexAEpisode:
    return next(e for e in annex.episodes if e.case.case_id == case_id)


def _events(episode: AnnexAEpisode) -> list[tuple[str, str]]:
    return [(e.type, e.date.isoformat()) for e in episode.case.events]


def _judged(annex: AnnexAImport, as_of: dt.date) -> dict[str, dict[str, str]]:
    """Each episode's obligations by id, judged through the caseload runner."""
    results = evaluate_stream(annex.sourced(), Settings(as_of, "auto", annex.evidence))
    return {
        r.outcome.case_id: {o.id: o.status for o in r.outcome.obligations}
        for r in results
        if isinstance(r, Evaluated)
    }


def _accounted(annex: AnnexAImport) -> None:
    assert annex.reconciles
    for count in annex.counts:
        if count.list_no >= 3:
            assert count.rows == count.in_episodes + count.rejected, count


# -- the shared workbook ----------------------------------------------------------------


def test_shared_workbook_every_row_accounted_for() -> None:
    annex = read_annex_a(SHARED)
    rows = {c.list_no: c.rows for c in annex.counts}
    assert rows == {1: 5, 2: 5, 3: 6, 4: 5, 5: 5, 6: 5, 7: 7}
    _accounted(annex)
    placed = sorted((ref.sheet, ref.row) for e in annex.episodes for ref in e.rows)
    rejected = sorted((r.sheet, r.row) for r in annex.rejected)
    assert len(placed) + len(rejected) == 28 == len(set(placed) | set(rejected))
    assert {i.name for i in annex.ignored} == {"List 8", "List 9", "List 10", "List 11"}


def test_shared_workbook_joins_the_referral_with_its_enquiry() -> None:
    annex = read_annex_a(SHARED)
    episode = _episode(annex, "6537810/2020-09-16")
    assert _events(episode) == [
        ("referral", "2020-09-16"),
        ("strategy_discussion", "2020-09-16"),
        ("s47_started", "2020-09-16"),
        ("icpc", "2020-10-05"),
    ]
    assert [(a.stage, a.worker) for a in episode.allocations] == [
        ("referral", "Dustin Hazlett"),  # the non-breaking space is tidied
        ("s47", "Reagan Mor"),
    ]
    # the conference made a plan that list 7 does not hold: its reviews are not evidenced
    assert "review_conference" in episode.evidence.absent_events


def test_shared_workbook_na_worker_is_not_recorded() -> None:
    annex = read_annex_a(SHARED)
    episode = _episode(annex, "12598894/cin-2010-06-09")
    assert episode.allocations == ()
    assert any("#N/A" in n.message for n in episode.findings)


def test_shared_workbook_judged_with_snapshot_rules() -> None:
    annex = read_annex_a(SHARED)
    judged = _judged(annex, dt.date(2021, 3, 31))
    assert len(judged) == len(annex.episodes) == 27
    # referral decisions, acknowledgements and core groups are never in Annex A: not
    # evidenced, never overdue
    assert judged["4653765/2020-09-16"] == {
        "referral.decision": "not_evidenced",
        "referral.acknowledge": "not_evidenced",
    }
    # latest review 2021-01-04 is after the first review's due date: cannot tell
    assert judged["16036763/cp-plan-2020-04-27"]["review_conference.first"] == "not_evidenced"
    # latest review in time: the first review was in time too
    assert judged["10721552/cp-plan-2020-11-23"]["review_conference.first"] == "met"
    # an enquiry whose conference was deemed unnecessary has no conference deadline
    assert "icpc.hold" not in judged["4073694/s47-2020-09-16"]
    assert "overdue" not in {s for obligations in judged.values() for s in obligations.values()}


# -- recognising lists and columns ------------------------------------------------------

VARIANTS = {
    "child_id": ["Child Unique ID", "LA Child ID", "ChildID", "Unique ID of child"],
    "referral_date": ["Date of Referral", "Referral Date", "Date of referral (dd/mm/yyyy)"],
    "nfa": ["Referral NFA?", "NFA", "Referral - No Further Action"],
}


@pytest.mark.parametrize(
    ("child_id", "referral_date", "nfa"),
    [
        (VARIANTS["child_id"][i], VARIANTS["referral_date"][i % 3], VARIANTS["nfa"][i % 3])
        for i in range(4)
    ],
)
def test_header_variants_are_recognised(
    tmp_path: Path, child_id: str, referral_date: str, nfa: str
) -> None:
    headers = [child_id, "Sex", "Date of Birth", referral_date, nfa, "Allocated Worker"]
    path = workbook(
        tmp_path / "a.xlsx", {"Referrals": [headers, ["c1", "F", None, D(2024, 1, 5), "N", "W"]]}
    )
    annex = read_annex_a(path)
    assert [e.case.case_id for e in annex.episodes] == ["c1/2024-01-05"]
    assert annex.episodes[0].allocations[0].worker == "W"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("S47 Start Date", "strategy"),
        ("Section 47 enquiry start date", "strategy"),
        ("Date of strategy discussion", "strategy"),
        ("ICPC date", "icpc"),
        ("Date of ICPC", "icpc"),
        ("Date of initial CP conference", "icpc"),
    ],
)
def test_enquiry_header_variants(tmp_path: Path, header: str, field: str) -> None:
    headers = list(HEADERS[5])
    index = 6 if field == "strategy" else 8
    headers[index] = header
    row = enquiry("c1", D(2024, 1, 5), icpc=D(2024, 1, 19), plan="b) No")
    annex = read_annex_a(workbook(tmp_path / "a.xlsx", {"List 5": [headers, row]}))
    assert _events(annex.episodes[0])[-1] == ("icpc", "2024-01-19")


def test_title_row_and_merged_group_headers(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "List 3"
    sheet.append(["List 3: Referrals in the last six months"])
    sheet.merge_cells("A1:F1")
    sheet.append(["Child Unique ID", "Date of Referral", "Referral NFA?", "Allocated", None, None])
    sheet.merge_cells("D2:E2")
    sheet.append([None, None, None, "Team", "Worker", "Notes"])
    sheet.append(["c1", D(2024, 1, 5), "No", "Team A", "W1", "x"])
    sheet.append(["c2", D(2024, 1, 8), "Yes", "Team B", "W2", "y"])
    path = tmp_path / "merged.xlsx"
    book.save(path)
    annex = read_annex_a(path)
    assert [(a.team, a.worker) for e in annex.episodes for a in e.allocations] == [
        ("Team A", "W1"),
        ("Team B", "W2"),
    ]
    _accounted(annex)


def test_vertically_merged_header_cells(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "List 3"
    sheet.append(["Child Unique ID", "Date of Referral", "Referral NFA?", "Allocated", None])
    sheet.append([None, None, None, "Team", "Worker"])
    for column in "ABC":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("D1:E1")
    sheet.append(["c1", D(2024, 1, 5), "No", "Team A", "W1"])
    path = tmp_path / "vertical.xlsx"
    book.save(path)
    annex = read_annex_a(path)
    assert annex.episodes[0].case.case_id == "c1/2024-01-05"
    assert annex.episodes[0].allocations[0].team == "Team A"


def test_sheet_named_as_a_list_without_its_columns_is_refused(tmp_path: Path) -> None:
    headers = [h for h in HEADERS[7] if h != "Date of latest review conference"]
    path = workbook(tmp_path / "a.xlsx", {"List 7": [headers]})
    with pytest.raises(AnnexAError) as caught:
        read_annex_a(path)
    assert caught.value.code == "unrecognised-list"
    assert "'List 7'" in caught.value.message
    assert "'Date of latest review conference'" in caught.value.message


def test_workbook_with_no_list_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"Cover": [["Annex A return"], ["Council", "X"]]})
    with pytest.raises(AnnexAError) as caught:
        read_annex_a(path)
    assert caught.value.code == "unrecognised-list"
    assert "'Cover'" in caught.value.message


def test_two_columns_for_one_field_are_refused(tmp_path: Path) -> None:
    headers = [*HEADERS[3][:5], "Date of Referral", "Date of referral (original)", *HEADERS[3][6:]]
    with pytest.raises(AnnexAError) as caught:
        read_annex_a(workbook(tmp_path / "a.xlsx", {"List 3": [headers]}))
    assert caught.value.code == "ambiguous-column"


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_text("not a zip")
    with pytest.raises(AnnexAError) as caught:
        read_annex_a(path)
    assert caught.value.code == "unreadable-workbook"


def test_size_limit(tmp_path: Path) -> None:
    path = lists(tmp_path / "a.xlsx", {3: [referral("c1", D(2024, 1, 5))]})
    with pytest.raises(AnnexAError) as caught:
        read_annex_a(path, max_bytes=100)
    assert caught.value.code == "input-too-large"


# -- cells: codes and dates -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a) Yes", "yes"),
        ("Y", "yes"),
        ("1", "yes"),
        (1, "yes"),
        (True, "yes"),
        ("1 - Yes", "yes"),
        (" yes ", "yes"),
        ("TRUE", "yes"),
        ("b) No", "no"),
        ("N", "no"),
        (0, "no"),
        (False, "no"),
        ("0 - No", "no"),
        ("c) Unknown", "unknown"),
        ("NOBT", "unknown"),
        (None, None),
        ("  ", None),
    ],
)
def test_yes_no_spellings(value: object, expected: str | None) -> None:
    assert yes_no(value) == expected


@pytest.mark.parametrize("value", ["maybe", "Yess", "2"])
def test_unknown_yes_no_is_refused(value: str) -> None:
    with pytest.raises(CellError):
        yes_no(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a) Male", "male"),
        ("M", "male"),
        ("1", "male"),
        (1, "male"),
        ("Male", "male"),
        ("b) Female", "female"),
        ("F", "female"),
        ("2", "female"),
        ("U", "not stated/recorded"),
    ],
)
def test_gender_spellings(value: object, expected: str) -> None:
    assert gender(value) == expected


def test_nfa_spellings() -> None:
    assert referral_nfa("NFA") == "yes"
    assert referral_nfa("Further action") == "no"
    assert referral_nfa("U") == "unknown"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(2020, 9, 16), "2020-09-16"),
        (D(2020, 9, 16, 13, 45), "2020-09-16"),
        (dt.date(2020, 9, 16), "2020-09-16"),
        (44090, "2020-09-16"),
        (44090.75, "2020-09-16"),
        ("44090", "2020-09-16"),
        ("16/09/2020", "2020-09-16"),
        ("6/9/2020", "2020-09-06"),
        ("16-09-2020", "2020-09-16"),
        ("16.09.2020", "2020-09-16"),
        ("2020-09-16", "2020-09-16"),
        ("2020-09-16T00:00:00", "2020-09-16"),
        ("16/09/2020 00:00:00", "2020-09-16"),
        ("16 Sep 2020", "2020-09-16"),
        ("16-Sep-2020", "2020-09-16"),
        ("16 September 2020", "2020-09-16"),
        ("2024-02-29", "2024-02-29"),
    ],
)
def test_dates_as_serials_datetimes_or_text(value: object, expected: str) -> None:
    assert as_date(value) == dt.date.fromisoformat(expected)


def test_1904_date_system() -> None:
    assert as_date(42628, date1904=True) == dt.date(2020, 9, 16)


@pytest.mark.parametrize(
    "value",
    [
        "30/02/2024",
        "2023-02-29",
        "16/09/20",
        "09/16/2020",
        "2020",
        "soon",
        "#N/A",
        True,
        60,
        dt.time(9, 30),
        "01/01/1850",
    ],
)
def test_impossible_or_ambiguous_dates_are_refused(value: object) -> None:
    with pytest.raises(CellError):
        as_date(value)


def test_text_dates_in_a_workbook(tmp_path: Path) -> None:
    path = lists(
        tmp_path / "a.xlsx",
        {3: [referral("c1", "05/01/2024"), referral("c2", 45296), referral("c3", "2024-01-05")]},
    )
    annex = read_annex_a(path)
    assert sorted(e.case.case_id for e in annex.episodes) == [
        "c1/2024-01-05",
        "c2/2024-01-05",
        "c3/2024-01-05",
    ]


# -- formulas, #N/A, blank rows ---------------------------------------------------------


def test_formulas_use_cached_values_and_uncalculated_ones_are_rejected(tmp_path: Path) -> None:
    path = lists(
        tmp_path / "a.xlsx",
        {
            7: [
                plan("c1", D(2024, 1, 5), review="=G2+30"),
                plan("c2", D(2024, 1, 5), review="=G3+30"),
            ]
        },
    )
    cache_formula_values(path, {"L2": "45326"})  # 2024-02-04; L3 never calculated
    annex = read_annex_a(path)
    ok = annex.episodes[0]
    assert ("review_conference", "2024-02-04") in _events(ok)
    [rejected] = annex.rejected
    assert (rejected.sheet, rejected.row, rejected.column) == ("List 7", 3, 12)
    assert "never calculated" in rejected.reason
    _accounted(annex)


def test_na_in_a_date_column_rejects_the_row_and_its_episode(tmp_path: Path) -> None:
    path = lists(
        tmp_path / "a.xlsx",
        {
            3: [referral("c1", D(2024, 1, 5))],
            5: [enquiry("c1", D(2024, 1, 8), icpc="#N/A", plan="b) No")],
        },
    )
    annex = read_annex_a(path)
    assert annex.episodes == ()
    by_sheet = {r.sheet: r for r in annex.rejected}
    assert by_sheet["List 5"].value == "#N/A"
    assert by_sheet["List 5"].field == "Date of Initial Child Protection Conference"
    assert "List 5 row 2" in by_sheet["List 3"].reason
    _accounted(annex)


def test_blank_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    path = lists(
        tmp_path / "a.xlsx",
        {
            3: [
                referral("c1", D(2024, 1, 5)),
                [None] * 11,
                ["", " ", "\u00a0"],
                referral("c2", D(2024, 1, 8)),
            ]
        },
    )
    annex = read_annex_a(path)
    [count] = [c for c in annex.counts if c.list_no == 3]
    assert (count.rows, count.blank_rows, count.in_episodes, count.rejected) == (2, 2, 2, 0)


# -- joining episodes -------------------------------------------------------------------


def _chain(tmp_path: Path) -> AnnexAImport:
    return read_annex_a(
        lists(
            tmp_path / "a.xlsx",
            {
                3: [referral("c1", D(2024, 1, 5)), referral("c1", D(2024, 6, 3), nfa="a) Yes")],
                4: [
                    assessment("c1", D(2024, 1, 8), authorised=D(2024, 2, 20)),
                    assessment("c1", D(2024, 6, 10)),
                ],
                5: [enquiry("c1", D(2024, 1, 9), icpc=D(2024, 1, 26), plan="a) Yes")],
                6: [cin("c1", D(2024, 1, 5), closed=D(2024, 9, 1), reason="RC7")],
                7: [plan("c1", D(2024, 1, 26), review=D(2024, 4, 20), visit=D(2024, 5, 1))],
            },
        )
    )


def test_referral_assessment_enquiry_plan_join_into_one_episode(tmp_path: Path) -> None:
    annex = _chain(tmp_path)
    first = _episode(annex, "c1/2024-01-05")
    assert _events(first) == [
        ("referral", "2024-01-05"),
        ("assessment_started", "2024-01-08"),
        ("assessment_completed", "2024-02-20"),
        ("strategy_discussion", "2024-01-09"),
        ("s47_started", "2024-01-09"),
        ("icpc", "2024-01-26"),
        ("cp_plan_started", "2024-01-26"),
        ("review_conference", "2024-04-20"),
        ("case_closed", "2024-09-01"),
    ]
    icpc = next(e for e in first.case.events if e.type == "icpc")
    assert icpc.outcome == "cp_plan"  # type: ignore[union-attr]
    assert [(f.what, f.date.isoformat()) for f in first.latest] == [
        ("latest review conference", "2024-04-20"),
        ("last statutory visit", "2024-05-01"),
    ]
    _accounted(annex)


def test_activity_after_an_nfa_referral_is_an_episode_of_its_own(tmp_path: Path) -> None:
    annex = _chain(tmp_path)
    assert _events(_episode(annex, "c1/2024-06-03")) == [("referral", "2024-06-03")]
    own = _episode(annex, "c1/assessment-2024-06-10")
    assert _events(own) == [("assessment_started", "2024-06-10")]
    assert own.findings[0].code == "annex-a-after-nfa-referral"


def test_plan_without_its_conference_infers_it_and_says_so(tmp_path: Path) -> None:
    annex = read_annex_a(lists(tmp_path / "a.xlsx", {7: [plan("c9", D(2023, 3, 1))]}))
    [episode] = annex.episodes
    assert episode.case.case_id == "c9/cp-plan-2023-03-01"
    assert _events(episode)[:2] == [("icpc", "2023-03-01"), ("cp_plan_started", "2023-03-01")]
    assert "annex-a-conference-inferred" in [n.code for n in episode.findings]
    # no review recorded at all: the first review is overdue, which Annex A does evidence
    assert _judged(annex, dt.date(2023, 9, 1))[episode.case.case_id] == {
        "core_group.first_meeting": "not_evidenced",
        "review_conference.first": "overdue",
    }


def test_latest_review_judges_the_next_review(tmp_path: Path) -> None:
    annex = read_annex_a(
        lists(tmp_path / "a.xlsx", {7: [plan("c9", D(2023, 3, 1), review=D(2023, 8, 1))]})
    )
    judged = _judged(annex, dt.date(2024, 3, 1))["c9/cp-plan-2023-03-01"]
    assert judged["review_conference.first"] == "not_evidenced"  # only the latest is known
    assert judged["review_conference.next"] == "overdue"  # none since 2023-08-01


def test_rows_that_cannot_be_placed_reject_the_child(tmp_path: Path) -> None:
    path = lists(
        tmp_path / "a.xlsx",
        {
            3: [
                referral("c1", D(2024, 1, 5)),
                referral(None, D(2024, 1, 5)),
                referral("c2", D(2024, 1, 5)),
            ],
            7: [plan("c1", "30/02/2024")],
        },
    )
    annex = read_annex_a(path)
    assert [e.case.case_id for e in annex.episodes] == ["c2/2024-01-05"]
    reasons = {(r.sheet, r.row): r for r in annex.rejected}
    assert reasons[("List 7", 2)].value == "30/02/2024"
    assert reasons[("List 7", 2)].child_id == "c1"
    assert "cannot be placed" in reasons[("List 3", 2)].reason
    assert reasons[("List 3", 3)].child_id is None
    _accounted(annex)


def test_unknown_answer_in_a_needed_column_rejects(tmp_path: Path) -> None:
    annex = read_annex_a(
        lists(tmp_path / "a.xlsx", {3: [referral("c1", D(2024, 1, 5), nfa="maybe")]})
    )
    [rejected] = annex.rejected
    assert (rejected.field, rejected.value) == ("Referral NFA?", "maybe")


def test_duplicate_episodes_are_numbered(tmp_path: Path) -> None:
    annex = read_annex_a(
        lists(
            tmp_path / "a.xlsx", {3: [referral("c1", D(2024, 1, 5)), referral("c1", D(2024, 1, 5))]}
        )
    )
    assert [e.case.case_id for e in annex.episodes] == ["c1/2024-01-05", "c1/2024-01-05#2"]


def test_unanswered_conference_need_is_not_evidenced(tmp_path: Path) -> None:
    annex = read_annex_a(
        lists(tmp_path / "a.xlsx", {5: [enquiry("c1", D(2024, 1, 8), unnecessary=None)]})
    )
    assert _judged(annex, dt.date(2024, 6, 1))["c1/s47-2024-01-08"] == {
        "icpc.hold": "not_evidenced"
    }
    no = read_annex_a(
        lists(tmp_path / "b.xlsx", {5: [enquiry("c1", D(2024, 1, 8), unnecessary="b) No")]})
    )
    assert _judged(no, dt.date(2024, 6, 1))["c1/s47-2024-01-08"] == {"icpc.hold": "overdue"}


# -- CSV folders ------------------------------------------------------------------------


def test_csv_folder_reads_like_the_workbook(tmp_path: Path) -> None:
    folder = csv_folder(
        tmp_path / "csv",
        {
            "List_3_referrals.csv": [HEADERS[3], referral("c1", "05/01/2024")],
            "list 7.csv": [HEADERS[7], plan("c1", "2024-02-01", review="01/05/2024")],
            "notes.txt": [["not a list"]],
        },
        delimiter=";",
    )
    annex = read_annex_a(folder)
    assert sorted(e.case.case_id for e in annex.episodes) == [
        "c1/2024-01-05",
        "c1/cp-plan-2024-02-01",
    ]
    assert "notes.txt" in {i.name for i in annex.ignored}
    _accounted(annex)


def test_csv_folder_in_windows_1252(tmp_path: Path) -> None:
    row = referral("c1", "05/01/2024", worker="Zoë Smith")
    folder = csv_folder(tmp_path / "csv", {"list3.csv": [HEADERS[3], row]}, encoding="cp1252")
    annex = read_annex_a(folder)
    assert annex.episodes[0].allocations[0].worker == "Zoë Smith"
    assert any("Windows-1252" in n.message for n in annex.findings)


def test_single_csv_file_or_empty_folder_is_refused(tmp_path: Path) -> None:
    folder = csv_folder(tmp_path / "csv", {"list3.csv": [HEADERS[3]]})
    with pytest.raises(AnnexAError):
        read_annex_a(folder / "list3.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(AnnexAError):
        read_annex_a(tmp_path / "empty")


# -- the command ------------------------------------------------------------------------


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_command_json_accounts_for_every_record() -> None:
    code, out, err = _run("annex-a", str(SHARED), "--as-of", "2021-03-31", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["counts"] == {"records": 27, "outcomes": 27, "rejected": 0}
    assert len(data["outcomes"]) == 27
    assert "27 records: 27 outcomes, 0 rejected" in err
    holders = {row["status"] for row in data["summary"]["case_holders"]}
    assert holders == {"not_evidenced"}  # Annex A names workers, never their role


def test_command_jobs_2_gives_the_same_output() -> None:
    one = _run("annex-a", str(SHARED), "--as-of", "2021-03-31", "--format", "csv")
    two = _run("annex-a", str(SHARED), "--as-of", "2021-03-31", "--format", "csv", "--jobs", "2")
    assert one[0] == two[0] == 0
    assert one[1] == two[1]


def test_command_refuses_an_unrecognisable_workbook_in_one_line(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", {"List 3": [["Child Unique ID", "Date of Referral"]]})
    code, out, err = _run("annex-a", str(path), "--as-of", "2024-03-01")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "error[unrecognised-list]" in err
    assert "'Referral NFA?'" in err
    code, _, err = _run("annex-a", str(tmp_path / "missing.xlsx"), "--as-of", "2024-03-01")
    assert code == 2
    assert "missing-file" in err


def test_rejected_rows_reach_the_report(tmp_path: Path) -> None:
    path = lists(
        tmp_path / "a.xlsx", {3: [referral("c1", "2024-13-01"), referral("c2", D(2024, 1, 5))]}
    )
    code, out, err = _run("annex-a", str(path), "--as-of", "2024-03-01", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["counts"] == {"records": 2, "outcomes": 1, "rejected": 1}
    [rejected] = data["rejected"]
    assert (rejected["sheet"], rejected["row"], rejected["column"]) == ("List 3", 2, 6)
    assert isinstance(Rejected.model_validate(rejected), Rejected)
