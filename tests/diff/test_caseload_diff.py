"""Caseload diff (``diff A B --caseload FILE``, ``diff A --caseload FILE --protocol P``).

Every count is checked against per-case :func:`~wtguidance.diff.diff_case` results (the
``diff --case`` function, run case by case here), and the protocol census against due
dates worked out by hand; ``--jobs 2`` gives the same bytes as ``--jobs 1``; bad input is
handled as the caseload commands handle it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from _helpers import EXAMPLES, ROOT, run_cli
from cin_builder import assessment, census, child, episode, plan, s47
from wtguidance.case import Rejected
from wtguidance.diff import CaseloadDiff, diff_case, diff_caseload, diff_caseload_file
from wtguidance.editions import shipped_editions
from wtguidance.errors import UsageError
from wtguidance.protocol import protocol_overlay, validate_protocol
from wtguidance.sources.annex_a import read_annex_a
from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, read_cin_census
from wtguidance.sources.jsonl import read_jsonl
from wtguidance.sources.sourced import SourcedCase

PROTOCOL = EXAMPLES / "protocols" / "exampleshire-2023.yaml"
ANNEX_A = ROOT / "tests" / "annex_a" / "Annex_A_2024_Jan.xlsx"
AS_OF = dt.date(2024, 4, 5)


def protocol_census() -> bytes:
    """A held-out census for the Exampleshire protocol (assessment in 35 working days, not
    45): met in both, met → met late, pending → overdue, overdue in both, an ICPC whose
    limit the protocol keeps, a weekend referral, repeat episodes, and one bad record."""
    return census(
        child(episode("2024-01-08", assessment("2024-01-08", "2024-02-20")), child_id="P1"),
        child(episode("2024-01-08", assessment("2024-01-08", "2024-03-04")), child_id="P2"),
        child(episode("2024-02-05", assessment("2024-02-05")), child_id="P3"),
        child(episode("2024-01-02", assessment("2024-01-02")), child_id="P4"),
        child(
            episode(
                "2024-01-15",
                assessment("2024-01-15", "2024-02-12"),
                s47("2024-01-16", icpc="2024-02-05"),
                plan("2024-02-05", reviews=["2024-04-03"]),
            ),
            child_id="P5",
        ),
        child(episode("2024-01-06", assessment("2024-01-08", "2024-02-27")), child_id="P6"),
        child(
            episode("2023-11-01", assessment("2023-11-01", "2024-01-02"), closure="2024-01-05"),
            episode("2024-02-12", assessment("2024-02-12")),
            child_id="P7",
        ),
        child(episode("2024-02-30"), child_id="BAD"),
    )


@pytest.fixture(scope="module")
def census_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("caseload") / "return.xml"
    path.write_bytes(protocol_census())
    return path


@pytest.fixture(scope="module")
def overlay() -> Any:
    return protocol_overlay(validate_protocol(PROTOCOL))


# --- what diff_case says, case by case ---------------------------------------------------


def _status(side: Any) -> str:
    return "absent" if side is None else side.status


def expected(
    items: list[SourcedCase | Rejected],
    a: str,
    b: str,
    evidence: Any,
    overlay: Any = None,
    *,
    national_from: bool = False,
) -> dict[str, Any]:
    """The caseload diff's figures, added up from one ``diff_case`` per record."""
    editions = shipped_editions()
    counts: dict[tuple[str, str], Counter[str]] = {}
    moves: Counter[tuple[str, str, str, str]] = Counter()
    changed: Counter[tuple[str, str, str, dt.date | None]] = Counter()
    becomes: set[tuple[str, str, dt.date, dt.date | None, dt.date | None]] = set()
    stops: set[tuple[str, str, dt.date, dt.date | None, dt.date | None]] = set()
    due: Counter[tuple[str, str]] = Counter()
    records = rejected = 0
    for item in items:
        records += 1
        if isinstance(item, Rejected):
            rejected += 1
            continue
        d = diff_case(
            editions,
            a,
            b,
            item.case,
            AS_OF,
            overlay,
            evidence=item.evidence or evidence,
            national_from=national_from,
        )
        case_id = d.case_id
        rows: list[tuple[str, str, dt.date | None, Any]] = [
            *(("obligation", r.id, r.clock, r) for r in d.obligations),
            *(("sign_off", r.id, r.subject_date, r) for r in d.sign_offs),
            *(("case_holder", r.stage, r.allocation_date, r) for r in d.case_holders),
        ]
        for kind, item_id, date, row in rows:
            c = counts.setdefault((kind, item_id), Counter())
            c["from"] += row.from_ is not None
            c["to"] += row.to is not None
            if row.from_ is None:
                c["appeared"] += 1
            elif row.to is None:
                c["disappeared"] += 1
            elif row.changed:
                c["changed"] += 1
            else:
                c["unchanged"] += 1
            if row.changed:
                changed[(case_id, kind, item_id, date)] += 1
            if kind == "case_holder":
                continue
            was, now = _status(row.from_), _status(row.to)
            if was != now:
                moves[(kind, item_id, was, now)] += 1
            if kind != "obligation":
                continue
            x = row.from_.due if row.from_ is not None else None
            y = row.to.due if row.to is not None else None
            if x is not None and y is not None and x != y:
                due[(item_id, "due_earlier" if y < x else "due_later")] += 1
            if (was == "overdue") != (now == "overdue"):
                (becomes if now == "overdue" else stops).add((case_id, item_id, date, x, y))
    return {
        "records": records,
        "rejected": rejected,
        "counts": counts,
        "moves": moves,
        "changed": changed,
        "becomes": becomes,
        "stops": stops,
        "due": due,
    }


def check(result: CaseloadDiff, want: dict[str, Any]) -> None:
    """Every figure of ``result`` equals what the per-case diffs add up to."""
    assert result.reconciles
    assert result.records == want["records"]
    assert result.rejected == want["rejected"] == len(result.rejected_records)
    assert result.outcomes == want["records"] - want["rejected"]
    got_counts = {
        (i.kind, i.id): Counter(
            {
                k: v
                for k, v in {
                    "from": i.from_instances,
                    "to": i.to_instances,
                    "appeared": i.appeared,
                    "disappeared": i.disappeared,
                    "changed": i.changed,
                    "unchanged": i.unchanged,
                }.items()
                if v
            }
        )
        for i in result.items
    }
    assert got_counts == want["counts"]
    got_moves = Counter(
        {
            (i.kind, i.id, m.from_, m.to): m.count
            for i in result.items
            if i.kind != "case_holder"
            for m in i.moves
        }
    )
    assert got_moves == want["moves"]
    assert Counter((c.case_id, c.kind, c.id, c.date) for c in result.changes) == want["changed"]
    row = lambda o: (o.case_id, o.obligation, o.clock, o.from_due, o.to_due)  # noqa: E731
    assert {row(o) for o in result.becomes_overdue} == want["becomes"]
    assert {row(o) for o in result.stops_overdue} == want["stops"]
    got_due = Counter(
        {
            (i.id, k): i.changes[k]
            for i in result.items
            if i.kind == "obligation"
            for k in ("due_earlier", "due_later")
            if k in i.changes
        }
    )
    assert got_due == want["due"]
    assert result.cases_changed == len({c[0] for c in want["changed"]})


def census_items(path: Path) -> list[SourcedCase | Rejected]:
    return list(read_cin_census(path))


# --- the protocol against national rules ---------------------------------------------------


def test_protocol_census_matches_diff_case(census_file: Path, overlay: Any) -> None:
    result = diff_caseload_file(census_file, "2023", as_of=AS_OF, overlay=overlay)
    assert result.from_.protocol is None
    assert result.to.protocol is not None
    assert result.to.protocol.authority == "Exampleshire County Council"
    want = expected(
        census_items(census_file),
        "2023",
        "2023",
        CIN_CENSUS_EVIDENCE,
        overlay,
        national_from=True,
    )
    check(result, want)


def test_protocol_census_exact_due_dates_and_moves(census_file: Path, overlay: Any) -> None:
    """Worked by hand: 45 working days national, 35 under the protocol; Good Friday
    (29 March 2024) and Easter Monday (1 April 2024) are not working days."""
    result = diff_caseload_file(census_file, "2023", as_of=AS_OF, overlay=overlay)
    assert (result.records, result.outcomes, result.rejected) == (9, 8, 1)
    by_case = {
        c.case_id: c
        for c in result.changes
        if c.kind == "obligation" and c.id == "assessment.complete"
    }
    p1, p2 = (by_case[f"P{n}/2024-01-08"] for n in (1, 2))
    assert (p1.from_.due, p1.to.due) == (dt.date(2024, 3, 11), dt.date(2024, 2, 26))
    assert (p1.from_.status, p1.to.status) == ("met", "met")
    assert p1.changes == ("due_earlier", "limit")
    assert (p2.from_.status, p2.to.status) == ("met", "met_late")
    assert p2.changes == ("due_earlier", "limit", "status")
    p3 = by_case["P3/2024-02-05"]
    assert (p3.from_.due, p3.to.due) == (dt.date(2024, 4, 10), dt.date(2024, 3, 25))
    assert (p3.from_.status, p3.to.status) == ("pending", "overdue")
    p4 = by_case["P4/2024-01-02"]
    assert (p4.from_.due, p4.to.due) == (dt.date(2024, 3, 5), dt.date(2024, 2, 20))
    assert (p4.from_.status, p4.to.status) == ("overdue", "overdue")
    assert (p4.from_.limit, p4.to.limit) == ("45 working days", "35 working days")
    assessment_item = next(i for i in result.items if i.id == "assessment.complete")
    moves = {(m.from_, m.to): m.count for m in assessment_item.moves}
    assert moves[("met", "met_late")] >= 1
    assert moves[("pending", "overdue")] >= 1
    becomes = {(o.case_id, o.from_due, o.to_due) for o in result.becomes_overdue}
    assert ("P3/2024-02-05", dt.date(2024, 4, 10), dt.date(2024, 3, 25)) in becomes
    assert all(o.case_id != "P4/2024-01-02" for o in result.becomes_overdue)
    icpc = next(i for i in result.items if i.id == "icpc.hold")  # 15 working days in both
    assert icpc.changed == icpc.appeared == icpc.disappeared == 0
    assert icpc.unchanged == icpc.from_instances == 1
    assert result.rejected_records[0].child_id == "BAD"


# --- two editions ------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b"), [("2023", "2026"), ("2026", "2023"), ("2018", "2023")])
def test_census_under_two_editions_matches_diff_case(census_file: Path, a: str, b: str) -> None:
    result = diff_caseload_file(census_file, a, b, as_of=AS_OF)
    assert (result.from_.edition, result.to.edition) == (a, b)
    check(result, expected(census_items(census_file), a, b, CIN_CENSUS_EVIDENCE))
    if {a, b} == {"2023", "2026"}:  # 2026 replaces the s17 stage with family help
        stages = {i.id: i for i in result.items if i.kind == "case_holder"}
        gone, new = ("s17", "family_help") if a == "2023" else ("family_help", "s17")
        assert stages[gone].disappeared == stages[gone].from_instances > 0
        assert stages[new].appeared == stages[new].to_instances > 0


def test_protocol_on_both_sides_of_an_edition_diff(census_file: Path, overlay: Any) -> None:
    """``diff 2023 2026 --protocol P``: the protocol applies on its own edition's side, as
    ``diff --case --protocol`` applies it."""
    result = diff_caseload_file(census_file, "2023", "2026", as_of=AS_OF, overlay=overlay)
    assert result.from_.protocol is not None
    assert result.to.protocol is None
    check(result, expected(census_items(census_file), "2023", "2026", CIN_CENSUS_EVIDENCE, overlay))


def test_annex_a_under_the_protocol_matches_diff_case(overlay: Any) -> None:
    annex = read_annex_a(ANNEX_A)
    want = expected(
        list(annex.sourced()), "2023", "2023", annex.evidence, overlay, national_from=True
    )
    result = diff_caseload_file(ANNEX_A, "2023", as_of=AS_OF, overlay=overlay)
    assert result.source_kind == "annex-a"
    check(result, want)
    assert result.outcomes > 0


def test_jsonl_batch_with_bad_lines_matches_diff_case(tmp_path: Path) -> None:
    lines = (EXAMPLES / "batch" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    lines[1:1] = ["{not json", "", '{"case_id": "X", "events": 3}']
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with path.open(encoding="utf-8") as stream:
        items = list(read_jsonl(stream, name=str(path)))
    sourced = [i if isinstance(i, Rejected) else SourcedCase(i) for i in items]
    result = diff_caseload_file(path, "2018", "2023", as_of=AS_OF)
    assert result.rejected == sum(isinstance(i, Rejected) for i in items) >= 2
    assert {2, 4} <= {r.line for r in result.rejected_records}
    assert result.records == len(lines) - 1  # the blank line is not a record
    check(result, expected(sourced, "2018", "2023", None))


# --- jobs, isolation, reconciliation ------------------------------------------------------


def _cli(*argv: str) -> tuple[int, str, str]:
    return run_cli("diff", *argv)


@pytest.mark.parametrize("fmt", ["json", "csv", "text"])
def test_jobs_2_is_identical_to_jobs_1(census_file: Path, fmt: str) -> None:
    common = ("2023", "--caseload", str(census_file), "--protocol", str(PROTOCOL))
    common += ("--as-of", "2024-04-05", "--format", fmt)
    one = _cli(*common, "--jobs", "1")
    two = _cli(*common, "--jobs", "2")
    assert one[0] == two[0] == 0
    assert one[1] == two[1]
    assert one[1]


def test_api_jobs_2_equals_jobs_1(census_file: Path) -> None:
    one = diff_caseload_file(census_file, "2018", "2026", as_of=AS_OF, jobs=1)
    two = diff_caseload_file(census_file, "2018", "2026", as_of=AS_OF, jobs=2)
    assert one == two
    assert one.to_json() == two.to_json()


def test_a_record_either_side_cannot_judge_is_rejected_once(monkeypatch: Any) -> None:
    """Per-record isolation: an evaluation that fails for one case rejects that record (once,
    for both sides) and the run goes on."""
    from wtguidance.evaluation import Evaluator

    cases = [line for line in (EXAMPLES / "batch" / "cases.jsonl").read_text().splitlines() if line]
    victim = json.loads(cases[1])["case_id"]
    real = Evaluator.evaluate

    def flaky(self: Evaluator, case: Any, **kwargs: Any) -> Any:
        if case.case_id == victim and kwargs.get("edition") == "2023":
            raise OverflowError("date value out of range")
        return real(self, case, **kwargs)

    monkeypatch.setattr(Evaluator, "evaluate", flaky)
    import io

    result = diff_caseload(
        read_jsonl(io.StringIO("\n".join(cases)), name="b.jsonl"), "2018", "2023", as_of=AS_OF
    )
    before = diff_caseload(
        read_jsonl(io.StringIO("\n".join(cases)), name="b.jsonl"), "2018", "2026", as_of=AS_OF
    )
    assert result.records == before.records == len(cases)
    assert result.rejected == before.rejected + 1
    assert result.outcomes == before.outcomes - 1
    failed = [r for r in result.rejected_records if victim in r.reason]
    assert len(failed) == 1
    assert "OverflowError" in failed[0].reason
    assert failed[0].reason.startswith("record 2: ")
    assert result.reconciles
    assert all(c.case_id != victim for c in result.changes)


def test_json_output_reconciles_and_round_trips(census_file: Path) -> None:
    code, out, err = _cli(
        "2023", "--caseload", str(census_file), "--protocol", str(PROTOCOL),
        "--as-of", "2024-04-05", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    assert document["records"] == document["outcomes"] + document["rejected"] == 9
    assert "9 records: 8 outcomes, 1 rejected" in err
    for item in document["items"]:
        assert item["from_instances"] == item["unchanged"] + item["changed"] + item["disappeared"]
        assert item["to_instances"] == item["unchanged"] + item["changed"] + item["appeared"]
    import msgspec

    assert msgspec.json.decode(out.encode(), type=CaseloadDiff).to_json() == out


def test_csv_has_one_row_per_changed_instance(census_file: Path, overlay: Any) -> None:
    import csv
    import io

    code, out, _ = _cli(
        "2023", "--caseload", str(census_file), "--protocol", str(PROTOCOL),
        "--as-of", "2024-04-05", "--format", "csv",
    )  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    result = diff_caseload_file(census_file, "2023", as_of=AS_OF, overlay=overlay)
    changed = [r for r in rows if r["record"] == "changed"]
    assert len(changed) == len(result.changes)
    assert [r["record"] for r in rows].count("rejected") == result.rejected == 1
    p3 = next(r for r in changed if r["case_id"] == "P3/2024-02-05" and r["kind"] == "obligation"
              and r["id"] == "assessment.complete")  # fmt: skip
    assert (p3["from_status"], p3["to_status"]) == ("pending", "overdue")
    assert (p3["from_due"], p3["to_due"]) == ("2024-04-10", "2024-03-25")
    assert (p3["from_limit"], p3["to_limit"]) == ("45 working days", "35 working days")


def test_csv_defuses_formulas_from_the_input(tmp_path: Path) -> None:
    data = census(child(episode("2024-01-08", assessment("2024-01-08")), child_id="=HYPERLINK(1)"))
    path = tmp_path / "f.xml"
    path.write_bytes(data)
    code, out, _ = _cli(
        "2023", "--caseload", str(path), "--protocol", str(PROTOCOL), "--as-of", "2024-04-05",
        "--format", "csv",
    )  # fmt: skip
    assert code == 0
    assert "\n=" not in out
    assert ",=" not in out
    assert "'=HYPERLINK(1)" in out


def test_text_report_names_both_sides_and_the_counts(census_file: Path) -> None:
    code, out, _ = _cli(
        "2023", "--caseload", str(census_file), "--protocol", str(PROTOCOL),
        "--as-of", "2024-04-05",
    )  # fmt: skip
    assert code == 0
    assert "2023 → 2023 + Exampleshire County Council protocol" in out
    assert "9 records read; on each side 8 outcomes + 1 rejected = 9" in out
    assert "P3/2024-02-05" in out
    assert "pending → overdue" in out


def test_source_is_detected_by_content_and_named_by_flag(tmp_path: Path) -> None:
    from wtguidance.diff.caseload import detect_source

    xml, lines, book = tmp_path / "a.dat", tmp_path / "b.dat", tmp_path / "c.dat"
    xml.write_bytes(protocol_census())
    lines.write_text((EXAMPLES / "batch" / "cases.jsonl").read_text())
    book.write_bytes(ANNEX_A.read_bytes())
    assert [detect_source(p) for p in (xml, lines, book)] == ["cin", "jsonl", "annex-a"]
    assert detect_source(tmp_path) == "annex-a"
    code, out, err = _cli(
        "2023", "2026", "--caseload", str(lines), "--source", "jsonl", "--as-of", "2024-04-05",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["source_kind"] == "jsonl"
    weird = tmp_path / "d.dat"
    weird.write_bytes(b"hello")
    code, _, err = _cli("2023", "2026", "--caseload", str(weird))
    assert code == 2
    assert "--source" in err
    assert "Traceback" not in err


def test_standard_input_is_read_as_json_lines() -> None:
    text = (EXAMPLES / "batch" / "cases.jsonl").read_text()
    code, out, err = run_cli(
        "diff", "2018", "2023", "--caseload", "-", "--as-of", "2024-04-05", "--format", "json",
        stdin=text,
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["records"] == len([x for x in text.splitlines() if x.strip()])


# --- bad input -------------------------------------------------------------------------------


def test_invalid_protocol_is_refused_before_reading(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(PROTOCOL.read_text().replace("working_days: 35", "working_days: 60"))
    for caseload in (str(tmp_path / "missing.xml"), str(tmp_path)):
        code, out, err = _cli("2023", "--caseload", caseload, "--protocol", str(bad))
        assert code == 2
        assert out == ""
        assert "invalid-protocol" in err
        assert f"{bad}:" in err
        line, column = err.split(f"{bad}:")[1].split(":")[:2]
        assert line.isdigit()
        assert column.isdigit()
        assert "missing.xml" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("2023", "--caseload", "NOPE.xml", "--as-of", "2024-04-05"), "needs a second edition"),
        (("2023", "2026", "--caseload", "NOPE.xml"), "no such census file"),
        (("2023", "2026", "--caseload", "NOPE.jsonl"), "no such cases file"),
        (("2023", "2026", "--caseload", "NOPE.xlsx"), "no such workbook"),
        (("2023", "2026", "--caseload", "x.xml", "--case", "y.json"), "cannot be used together"),
        (("2023", "2026", "--caseload", "x.xml", "--format", "markdown"), "not markdown"),
        (("2023", "2026", "--format", "csv"), "needs --caseload"),
        (("2023", "2026", "--jobs", "2"), "needs --caseload"),
        (("2023", "2026", "--caseload", "x.xml", "--jobs", "0"), "--jobs"),
        (("2023", "2026", "--caseload", "x.xml", "--as-of", "2024-02-30"), "--as-of"),
        (("2023", "1999", "--caseload", "x.xml"), "1999"),
        (("2018", "--caseload", "x.xml", "--protocol", str(PROTOCOL)), "tightens edition 2023"),
    ],
)
def test_usage_errors_exit_2(argv: tuple[str, ...], message: str) -> None:
    code, out, err = _cli(*argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert out == ""


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    code, _, err = _cli("2023", "2026", "--caseload", str(tmp_path), "--source", "cin")
    assert code == 2
    assert "cannot read" in err
    binary = tmp_path / "b.jsonl"
    binary.write_bytes(b'{"case_id": "\xff\xfe"}\n')
    code, _, err = _cli("2023", "2026", "--caseload", str(binary))
    assert code == 2
    assert "not UTF-8" in err


def test_census_with_forbidden_entities_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "e.xml"
    path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "y">]><Message>&x;</Message>')
    code, _, err = _cli("2023", "2026", "--caseload", str(path))
    assert code == 2
    assert "Traceback" not in err


def test_truncated_census_reports_what_was_read_and_exits_2(tmp_path: Path) -> None:
    data = protocol_census()
    path = tmp_path / "cut.xml"
    path.write_bytes(data[: len(data) * 2 // 3])
    code, out, err = _cli(
        "2023", "2026", "--caseload", str(path), "--as-of", "2024-04-05", "--format", "json"
    )
    assert code == 2
    document = json.loads(out)
    assert document["complete"] is False
    assert document["records"] == document["outcomes"] + document["rejected"]
    assert "not well-formed" in document["rejected_records"][-1]["reason"]
    assert "xml-not-well-formed" in err


def test_out_writes_the_report_to_a_file(census_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, err = _cli(
        "2023", "2026", "--caseload", str(census_file), "--as-of", "2024-04-05",
        "--format", "json", "--out", str(target),
    )  # fmt: skip
    assert code == 0, err
    assert out == ""
    assert json.loads(target.read_text())["records"] == 9


def test_api_arguments_are_checked(census_file: Path, overlay: Any) -> None:
    with pytest.raises(UsageError, match=r"second edition|protocol"):
        diff_caseload([], "2023", as_of=AS_OF)
    with pytest.raises(UsageError, match="tightens edition 2023"):
        diff_caseload([], "2018", as_of=AS_OF, overlay=overlay)
    with pytest.raises(UsageError, match="jobs"):
        diff_caseload([], "2023", "2026", as_of=AS_OF, jobs=0)
    with pytest.raises(UsageError):
        diff_caseload([], "2023", "2026", as_of="2024-01-01")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="not one of"):
        diff_caseload_file(census_file, "2023", "2026", as_of=AS_OF, source="xml")  # type: ignore[arg-type]
    empty = diff_caseload([], "2023", "2026", as_of=AS_OF)
    assert (empty.records, empty.outcomes, empty.rejected, empty.items) == (0, 0, 0, ())


# --- auto, and one case against the protocol ---------------------------------------------------


def test_auto_without_and_with_the_protocol_matches_evaluate(
    census_file: Path, overlay: Any
) -> None:
    """``diff auto --protocol P``: the caseload as judged today (each conclusion under the
    edition in force on its anchor date), without and with the protocol."""
    from wtguidance.diff import diff_outcomes
    from wtguidance.evaluation import Evaluator

    national, local = Evaluator.create(), Evaluator.create(overlay=overlay)
    result = diff_caseload_file(census_file, "auto", as_of=AS_OF, overlay=overlay)
    assert (result.from_.edition, result.to.edition) == ("auto", "auto")
    assert result.to.protocol is not None
    changed: Counter[tuple[str, str, dt.date | None]] = Counter()
    for item in census_items(census_file):
        if isinstance(item, Rejected):
            continue
        kwargs = {"as_of": AS_OF, "evidence": CIN_CENSUS_EVIDENCE}
        d = diff_outcomes(
            national.evaluate(item.case, **kwargs), local.evaluate(item.case, **kwargs), "a", "b"
        )
        for row in d.obligations:
            if row.changed:
                changed[(d.case_id, row.id, row.clock)] += 1
    got = Counter((c.case_id, c.id, c.date) for c in result.changes if c.kind == "obligation")
    assert got == changed
    # P7's first episode began in November 2023, under the 2018 edition: no protocol there
    assert all(c.case_id != "P7/2023-11-01" for c in result.changes)
    assert result.reconciles


def test_one_case_against_the_protocol_on_the_command_line() -> None:
    from wtguidance.case import parse_case_json

    path = EXAMPLES / "cases" / "s17-met.json"
    code, out, err = run_cli(
        "diff", "2023", "--case", str(path), "--protocol", str(PROTOCOL),
        "--as-of", "2024-04-05", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    case = json.loads(out)["case"]
    record = parse_case_json(path.read_text(encoding="utf-8"), str(path))
    want = diff_case(
        shipped_editions(),
        "2023",
        "2023",
        record,
        AS_OF,
        protocol_overlay(validate_protocol(PROTOCOL)),
        national_from=True,
    )
    assert case["from_outcome"].get("protocol") is None
    assert case["to_outcome"]["protocol"]["authority"] == "Exampleshire County Council"
    assert [r["changed"] for r in case["obligations"]] == [r.changed for r in want.obligations]
    assert any(r.changed for r in want.obligations)
    code, _, err = run_cli("diff", "2018", "--case", str(path), "--protocol", str(PROTOCOL))
    assert code == 2
    assert "tightens edition 2023" in err


def test_annex_a_csv_folder_through_the_command_line(tmp_path: Path) -> None:
    from annex_a_helpers import HEADERS, csv_folder
    from annex_a_helpers import assessment as annex_assessment
    from annex_a_helpers import referral as annex_referral

    folder = csv_folder(
        tmp_path / "lists",
        {
            "list3.csv": [
                HEADERS[3],
                annex_referral("a1", "08/01/2024"),
                annex_referral("a2", "05/02/2024"),
                annex_referral("a3", "31/02/2024"),  # not a date: rejected, once
            ],
            "list4.csv": [
                HEADERS[4],
                annex_assessment("a1", "08/01/2024", "04/03/2024"),
                annex_assessment("a2", "05/02/2024"),
            ],
        },
    )
    code, out, err = _cli(
        "2023", "--caseload", str(folder), "--protocol", str(PROTOCOL), "--as-of", "2024-04-05",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    assert document["source_kind"] == "annex-a"
    assert document["records"] == document["outcomes"] + document["rejected"]
    assert document["rejected"] >= 1
    moves = {
        (m["from"], m["to"]): m["count"]
        for i in document["items"]
        if i["id"] == "assessment.complete"
        for m in i["moves"]
    }
    assert moves == {("met", "met_late"): 1, ("pending", "overdue"): 1}
    annex = read_annex_a(folder)
    want = expected(
        list(annex.sourced()), "2023", "2023", annex.evidence, protocol_overlay(
            validate_protocol(PROTOCOL)
        ), national_from=True,
    )  # fmt: skip
    check(diff_caseload_file(folder, "2023", as_of=AS_OF, overlay=protocol_overlay(
        validate_protocol(PROTOCOL))), want)  # fmt: skip
