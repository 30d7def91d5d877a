"""One bad record never stops a run; no date makes the engine raise (issue 19 item 1).

Classes, each tried with several fields, values and positions, from every way in:

- **a date the working-day calendar cannot count** (an event before 1990 or a deadline
  after 2075, both ends of ``date`` included): the engine raises one ``calendar-range``
  error located at ``/events/<i>/date``; ``evaluate`` exits 2 with ``file:line:col``; the
  service answers 422; a caseload run rejects that record (field, value, line or
  sheet/row) and evaluates the others;
- **a date of birth or death anywhere in ``date``** (the ``9999-12-31`` sentinel,
  ``0001-01-01``, leap days): evaluated, with the data-quality findings, never an error;
- **a record the model refuses** (a CIN death before the birth): rejected with its line;
- **a stated target out of span** (``InitialCPCtarget`` in 2301): that record rejected;
- **an undecodable line** in a JSON Lines batch: that line rejected with its column.

Outcomes plus rejected entries always add up to the records read.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import minimal_event, run_cli
from cin_builder import assessment, census, child, episode, s47
from wtguidance.case import Case, Rejected, parse_case_obj
from wtguidance.case.events import EVENT_TYPES
from wtguidance.caseload import (
    Evaluated,
    Settings,
    evaluate_cases,
    evaluate_partition,
    evaluate_stream,
)
from wtguidance.errors import CalendarError
from wtguidance.evaluation import Evaluator
from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, read_cin_census
from wtguidance.sources.jsonl import read_jsonl

D = dt.date
EXTREMES = [
    D(1, 1, 1),
    D(1, 1, 2),
    D(1899, 12, 31),
    D(1989, 12, 29),
    D(1989, 12, 31),
    D(2075, 11, 3),
    D(2075, 12, 31),
    D(2076, 1, 1),
    D(2301, 1, 1),
    D(9999, 12, 30),
    D(9999, 12, 31),
]
GOOD = {"case_id": "G", "child": {"date_of_birth": "2015-01-01"}}


@cache
def _evaluator() -> Evaluator:
    """One evaluator for the module (immutable, so safe to share; its plans built once)."""
    return Evaluator.create()


def _record(case_id: str, events: list[dict[str, Any]], **child: str) -> dict[str, Any]:
    return {"case_id": case_id, "child": child or {"date_of_birth": "2015-01-01"}, "events": events}


def _event(kind: str, day: str) -> dict[str, Any]:
    """An event; ``decision`` is a referral decision for an assessment (starting one)."""
    if kind == "decision":
        return {"type": "referral_decision", "date": day, "response": "assessment"}
    return minimal_event(kind, D.fromisoformat(day))


def _good(case_id: str = "G") -> dict[str, Any]:
    return _record(case_id, [{"type": "referral", "date": "2024-01-05"}])


def _out_of_span(case_id: str = "B", day: str = "1985-01-07") -> dict[str, Any]:
    """A case whose referral clock the calendar cannot count (pinned to 2023)."""
    return _record(
        case_id, [{"type": "referral", "date": "2024-01-05"}, {"type": "referral", "date": day}]
    )


# --- the engine: every date either evaluates or is one located calendar-range error --------


def _judge_or_locate(case: Case, **options: Any) -> None:
    try:
        _evaluator().evaluate(case, **options)
    except CalendarError as raised:
        _check_located(case, raised)


def _check_located(case: Case, error: CalendarError) -> None:
    pointer = error.location.pointer if error.location is not None else None
    assert pointer is not None, str(error)
    assert pointer.startswith("/events/"), str(error)
    index = int(pointer.split("/")[2])
    day = case.events[index].date
    assert day.isoformat() in error.message
    assert f"events[{index}].date" in error.message
    assert error.code == "calendar-range"
    assert "\n" not in error.one_line()


@pytest.mark.parametrize("day", EXTREMES, ids=str)
@pytest.mark.parametrize("kind", EVENT_TYPES)
def test_every_event_type_on_every_extreme_date(kind: str, day: dt.date) -> None:
    events = [minimal_event("referral", D(2024, 1, 5)), minimal_event(kind, day)]
    case = parse_case_obj(_record("x", events))
    for options in ({}, {"edition": "2023"}, {"edition": "2010"}):
        _judge_or_locate(case, as_of=D(9999, 12, 31), **options)
        _judge_or_locate(case, as_of=max(day, D(2024, 3, 1)), **options)


_ANY_DAY = st.one_of(
    st.sampled_from(EXTREMES),
    st.dates(),
    st.dates(min_value=D(2023, 6, 1), max_value=D(2024, 6, 1)),
)
_EVENT = st.builds(
    lambda kind, day, timed: minimal_event(kind, day) | ({"time": "23:59"} if timed else {}),
    st.sampled_from(EVENT_TYPES),
    _ANY_DAY,
    st.booleans(),
)


@given(
    events=st.lists(_EVENT, min_size=1, max_size=8),
    birth=st.none() | _ANY_DAY,
    as_of=_ANY_DAY,
    edition=st.sampled_from(["auto", "2010", "2013", "2015", "2018", "2023", "2026"]),
)
def test_any_dates_evaluate_or_give_one_located_error(
    events: list[dict[str, Any]], birth: dt.date | None, as_of: dt.date, edition: str
) -> None:
    child = {"date_of_birth": birth.isoformat()} if birth is not None else {}
    case = parse_case_obj({"case_id": "h", "child": child, "events": events})
    _judge_or_locate(case, as_of=as_of, edition=edition)


@pytest.mark.parametrize(
    ("events", "edition", "as_of", "index"),
    [
        ([("referral", "2024-01-05"), ("referral", "1985-01-07")], "2023", "2024-03-01", 1),
        ([("referral", "1989-12-29")], "2018", "2024-03-01", 0),
        ([("strategy_discussion", "1970-06-02")], "2023", "2024-03-01", 0),
        (
            [("referral", "2075-12-01"), ("decision", "2075-12-02")],
            "auto",
            "2199-01-01",
            0,
        ),
        ([("strategy_discussion", "2075-12-20")], "auto", "9999-12-31", 0),
        ([("serious_incident_known", "2075-12-30")], "auto", "2080-01-01", 0),
    ],
)
def test_an_uncountable_deadline_is_located_at_its_event(
    events: list[tuple[str, str]], edition: str, as_of: str, index: int
) -> None:
    case = parse_case_obj(_record("x", [_event(k, d) for k, d in events]))
    with pytest.raises(CalendarError) as raised:
        _evaluator().evaluate(case, edition=edition, as_of=D.fromisoformat(as_of))
    error = raised.value
    assert error.location is not None
    assert error.location.pointer == f"/events/{index}/date"
    assert events[index][1] in error.message
    assert "1990-01-01 to 2075-12-31" in error.message


@pytest.mark.parametrize(
    "child",
    [
        {"date_of_birth": "9999-12-31"},
        {"date_of_birth": "9982-01-01"},
        {"date_of_birth": "9981-12-31"},
        {"date_of_birth": "9996-02-29"},
        {"date_of_birth": "0001-01-01"},
        {"date_of_birth": "0001-01-01", "date_of_death": "0001-01-02"},
        {"date_of_birth": "2015-01-01", "date_of_death": "9999-12-31"},
        {"date_of_birth": "9999-12-30", "date_of_death": "9999-12-31"},
        {"date_of_birth": "2008-02-29"},
    ],
    ids=lambda c: "+".join(c.values()),
)
@pytest.mark.parametrize("as_of", [D(2024, 3, 1), D(9999, 12, 31), D(1, 1, 1)], ids=str)
def test_dates_of_birth_and_death_anywhere_evaluate(child: dict[str, str], as_of: dt.date) -> None:
    events = [
        minimal_event(kind, D(2024, 1, 5))
        for kind in ("referral", "strategy_discussion", "s47_started", "cp_plan_started")
    ]
    outcome = _evaluator().evaluate(parse_case_obj(_record("x", events, **child)), as_of=as_of)
    assert outcome.case_id == "x"


def test_a_sentinel_birth_date_is_a_finding_not_an_error() -> None:
    outcome = _evaluator().evaluate(
        parse_case_obj(
            _record("x", [minimal_event("referral", D(2024, 1, 5))], date_of_birth="9999-12-31")
        ),
        as_of=D(2024, 3, 1),
    )
    assert "born-after-events" in {f.code for f in outcome.findings}


# --- evaluate on the command line: one line, exit 2, file:line:col --------------------------


@pytest.mark.parametrize(
    ("events", "flags", "index"),
    [
        ([("referral", "2024-01-05"), ("referral", "1985-01-07")], ["--edition", "2023"], 1),
        ([("strategy_discussion", "1980-03-03")], ["--edition", "2018"], 0),
        ([("referral", "2075-12-01"), ("decision", "2075-12-02")], [], 0),
    ],
)
@pytest.mark.parametrize("command", ["evaluate", "diff"])
def test_evaluate_names_the_file_line_and_field(
    tmp_path: Path, events: list[tuple[str, str]], flags: list[str], index: int, command: str
) -> None:
    record = _record("x", [_event(k, d) for k, d in events])
    path = tmp_path / "case.json"
    path.write_text(json.dumps(record, indent=1), encoding="utf-8")
    if command == "evaluate":
        code, out, err = run_cli("evaluate", str(path), "--as-of", "2199-01-01", *flags)
    else:  # the diff judges the case under 2018 and 2023 itself
        code, out, err = run_cli(
            "diff", "2018", "2023", "--case", str(path), "--as-of", "2199-01-01"
        )
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert f"{path}:" in err
    assert "error[calendar-range]" in err
    assert f"events[{index}].date" in err
    assert events[index][1] in err
    text = json.dumps(record, indent=1).splitlines()
    date_line = f'"date": "{events[index][1]}"'
    line = next(n for n, t in enumerate(text, 1) if t.strip().startswith(date_line))
    assert f"{path}:{line}:" in err


def test_evaluate_a_sentinel_birth_date_gives_an_outcome(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    record = _record("x", [minimal_event("referral", D(2024, 1, 5))], date_of_birth="9999-12-31")
    path.write_text(json.dumps(record), encoding="utf-8")
    code, out, _err = run_cli("evaluate", str(path), "--as-of", "2024-03-01", "--format", "json")
    assert code == 0
    assert "born-after-events" in out


# --- batch: the bad record is rejected at its line, the others evaluated -------------------


def _lines(records: list[Any]) -> bytes:
    return b"".join(r if isinstance(r, bytes) else json.dumps(r).encode() + b"\n" for r in records)


BAD_BYTES = [
    b'{"case_id": "\xff"}\n',
    b'{"case_id": "caf\xc3"}\n',  # a character cut short
    b'{"case_id": "\xed\xa0\x80"}\n',  # an encoded surrogate
    b'\x80{"case_id": "x"}\n',
    b'{"case_id": "ok", "child": {}, "events": [{"type": "referral", "note": "\xfe\xfe", '
    b'"date": "2024-01-05"}]}\n',
]


@pytest.mark.parametrize("bad", BAD_BYTES, ids=range(len(BAD_BYTES)))
@pytest.mark.parametrize("position", [0, 3, 7])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_rejects_an_undecodable_line_and_reads_the_rest(
    tmp_path: Path, bad: bytes, position: int, jobs: str
) -> None:
    records: list[Any] = [_good(f"G{i}") for i in range(8)]
    records[position] = bad
    path = tmp_path / "cases.jsonl"
    path.write_bytes(_lines(records))
    out = tmp_path / "out.jsonl"
    code, _out, err = run_cli(
        "batch", str(path), "--as-of", "2024-03-01", "--out", str(out), "--jobs", jobs
    )
    assert code == 0, err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 8
    rejected = [r["rejected"] for r in rows if "rejected" in r]
    assert [r["line"] for r in rejected] == [position + 1]
    assert rejected[0]["column"] >= 1
    assert "not UTF-8" in rejected[0]["reason"]
    assert f"cases.jsonl:{position + 1}:" in rejected[0]["reason"]
    assert [r["case_id"] for r in rows if "case_id" in r] == [
        f"G{i}" for i in range(8) if i != position
    ]
    assert "8 records: 7 outcomes, 1 rejected" in err


@pytest.mark.parametrize(
    ("bad", "field", "value"),
    [
        (_out_of_span("B", "1985-01-07"), "events[1].date", "1985-01-07"),
        (_out_of_span("B", "0001-01-02"), "events[1].date", "0001-01-02"),
        (
            _record(
                "B", [{"type": "strategy_discussion", "date": "1899-12-29", "initiates_s47": True}]
            ),
            "events[0].date",
            "1899-12-29",
        ),
    ],
)
@pytest.mark.parametrize("position", [0, 4, 9])
def test_batch_rejects_an_uncountable_record_with_field_and_value(
    tmp_path: Path, bad: dict[str, Any], field: str, value: str, position: int
) -> None:
    records: list[Any] = [_good(f"G{i}") for i in range(10)]
    records[position] = bad
    path = tmp_path / "cases.jsonl"
    path.write_bytes(_lines(records))
    code, out, err = run_cli("batch", str(path), "--as-of", "2024-03-01", "--edition", "2023")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    (rejected,) = [r["rejected"] for r in rows if "rejected" in r]
    assert rejected == {
        "child_id": "B",
        "reason": rejected["reason"],
        "line": position + 1,
        "field": field,
        "value": value,
    }
    assert rejected["reason"].startswith(f"{path}:{position + 1}: error[calendar-range]")
    assert "10 records: 9 outcomes, 1 rejected" in err


def test_batch_keeps_a_sentinel_birth_date_as_an_outcome(tmp_path: Path) -> None:
    records = [
        _good("G0"),
        _record("S", [{"type": "referral", "date": "2024-01-05"}], date_of_birth="9999-12-31"),
        _good("G2"),
    ]
    path = tmp_path / "cases.jsonl"
    path.write_bytes(_lines(records))
    code, out, _err = run_cli("batch", str(path), "--as-of", "2024-03-01")
    assert code == 0
    assert [json.loads(line)["case_id"] for line in out.splitlines()] == ["G0", "S", "G2"]


# --- the CIN census: each bad child rejected with its line, the report written -----------------


def _census_children(bad: list[str]) -> bytes:
    good = [
        child(episode("2023-10-02", assessment("2023-10-03", "2023-11-01")), child_id=f"G{i}")
        for i in range(4)
    ]
    return census(*good[:2], *bad, *good[2:])


CIN_BAD = {
    "death-before-birth": (
        child(
            episode("2023-10-02"),
            child_id="X",
            birth="2015-03-27",
            extra="<PersonDeathDate>2014-01-01</PersonDeathDate>",
        ),
        "ChildIdentifiers/PersonDeathDate",
        "2014-01-01",
    ),
    "death-day-before-birth": (
        child(
            episode("2023-10-02"),
            episode("2023-12-01"),
            child_id="X",
            birth="2020-06-02",
            extra="<PersonDeathDate>2020-06-01</PersonDeathDate>",
        ),
        "ChildIdentifiers/PersonDeathDate",
        "2020-06-01",
    ),
    "target-2301": (
        child(episode("2023-10-02", s47("2023-10-03", target="2301-01-01")), child_id="X"),
        "InitialCPCtarget",
        "2301-01-01",
    ),
    "target-1899": (
        child(episode("2023-10-02", s47("2023-10-03", target="1899-12-29")), child_id="X"),
        "InitialCPCtarget",
        "1899-12-29",
    ),
    "target-9999": (
        child(episode("2023-10-02", s47("2023-10-03", target="9999-12-31")), child_id="X"),
        "InitialCPCtarget",
        "9999-12-31",
    ),
}


@pytest.mark.parametrize("name", sorted(CIN_BAD))
@pytest.mark.parametrize("fmt", ["json", "csv", "table", "html"])
def test_cin_census_rejects_the_bad_child_and_reports_the_rest(
    tmp_path: Path, name: str, fmt: str
) -> None:
    if fmt == "html":
        pytest.importorskip("matplotlib")
    bad, field, value = CIN_BAD[name]
    path = tmp_path / "census.xml"
    path.write_bytes(_census_children([bad]))
    episodes = bad.count("<CINdetails>")
    out = tmp_path / f"report.{fmt}"
    code, _out, err = run_cli(
        "cin-census", str(path), "--as-of", "2024-03-31", "--format", fmt, "--out", str(out)
    )
    assert code == 0, err
    assert "Traceback" not in err
    assert f"{4 + episodes} records: 4 outcomes, {episodes} rejected" in err
    assert out.exists()
    assert out.stat().st_size > 0
    if fmt == "json":
        report = json.loads(out.read_text(encoding="utf-8"))
        assert len(report["outcomes"]) == 4
        for rejected in report["rejected"]:
            assert (rejected["child_id"], rejected["field"], rejected["value"]) == (
                "X",
                field,
                value,
            )
            assert rejected["line"] >= 1


@pytest.mark.parametrize("day", ["1985-01-07", "0001-01-02", "1899-12-31"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_cin_census_rejects_an_uncountable_enquiry_date(day: str, jobs: int) -> None:
    data = _census_children([child(episode("2023-10-02", s47(day)), child_id="X")])
    settings = Settings(D(2024, 3, 31), "2023", CIN_CENSUS_EVIDENCE)
    results = list(
        evaluate_stream(
            read_cin_census(__import__("io").BytesIO(data)), settings, jobs=jobs, chunk=2
        )
    )
    rejected = [r for r in results if isinstance(r, Rejected)]
    assert len(results) == 5
    assert len(rejected) == 1
    (entry,) = rejected
    assert entry.reason.startswith(f"<stream>:{entry.line}: error[calendar-range] events[")
    assert entry.child_id == "X"
    assert entry.value == day
    assert entry.line is not None
    assert entry.field is not None
    assert entry.field.startswith("events[")


# --- Annex A: rejected with sheet and row ----------------------------------------------------


@pytest.mark.parametrize("year", [1950, 1901])
def test_annex_a_rejects_an_uncountable_episode_with_sheet_and_row(
    tmp_path: Path, year: int
) -> None:
    pytest.importorskip("openpyxl")
    from annex_a_helpers import D as DT
    from annex_a_helpers import lists, referral

    book = lists(
        tmp_path / "annex.xlsx",
        {
            3: [
                referral("C1", DT(2023, 9, 4)),
                referral("C2", DT(year, 9, 4)),
                referral("C3", DT(2023, 9, 5)),
            ]
        },
    )
    out = tmp_path / "report.json"
    code, _o, err = run_cli(
        "annex-a",
        str(book),
        "--as-of",
        "2024-03-31",
        "--edition",
        "2023",
        "--format",
        "json",
        "--out",
        str(out),
    )
    assert code == 0, err
    report = json.loads(out.read_text(encoding="utf-8"))
    assert len(report["outcomes"]) == 2
    (rejected,) = report["rejected"]
    assert (rejected["child_id"], rejected["sheet"], rejected["row"]) == ("C2", "List 3", 3)
    assert rejected["reason"].startswith("List 3 row 3: error[calendar-range] events[")
    assert rejected["value"].startswith(str(year))


# --- the Python API --------------------------------------------------------------------------


def test_evaluate_cases_yields_a_rejected_entry_in_place() -> None:
    cases = [parse_case_obj(r) for r in (_good("A"), _out_of_span("B"), _good("C"))]
    items = list(evaluate_cases(cases, as_of=D(2024, 3, 1), edition="2023"))
    assert [type(i).__name__ for i in items] == ["Outcome", "Rejected", "Outcome"]
    rejected = items[1]
    assert isinstance(rejected, Rejected)
    assert (rejected.child_id, rejected.field, rejected.value) == (
        "B",
        "events[1].date",
        "1985-01-07",
    )


@pytest.mark.parametrize("jobs", [1, 2])
def test_evaluate_stream_isolates_records_in_a_pool(jobs: int) -> None:
    cases = [
        parse_case_obj(_out_of_span(f"B{i}") if i % 3 == 1 else _good(f"G{i}")) for i in range(9)
    ]
    results = list(evaluate_stream(cases, Settings(D(2024, 3, 1), "2023"), jobs=jobs, chunk=2))
    kinds = ["R" if isinstance(r, Rejected) else "E" for r in results]
    assert kinds == ["E", "R", "E"] * 3
    assert all(isinstance(r, Evaluated | Rejected) for r in results)


def test_evaluate_partition_rejects_and_goes_on() -> None:
    records = [_good("A"), _out_of_span("B"), {"case_id": "C"}, _good("D")]
    results = evaluate_partition(records, as_of="2024-03-01", edition="2023")
    assert [next(iter(r)) for r in results] == ["outcome", "rejected", "rejected", "outcome"]
    assert results[1]["rejected"]["value"] == "1985-01-07"
    assert results[1]["rejected"]["row"] == 1


def test_read_jsonl_names_lines_when_sourced() -> None:
    text = "\n".join(json.dumps(r) for r in (_good("A"), _out_of_span("B"))) + "\n"
    items = list(read_jsonl(io.StringIO(text), name="c.jsonl", sourced=True))
    assert [getattr(i, "line", None) for i in items] == [1, 2]
    results = list(evaluate_stream(items, Settings(D(2024, 3, 1), "2023")))
    assert isinstance(results[1], Rejected)
    assert results[1].reason.startswith("c.jsonl:2: ")


# --- the HTTP service: a finding (200) or a 422 naming the field, never a 500 ----------------


@pytest.fixture(scope="module")
def client() -> Any:
    pytest.importorskip("fastapi", reason="the HTTP service needs the 'server' extra")
    httpx = pytest.importorskip("httpx", reason="the service tests need httpx (dev extra)")
    from _server import running_server

    with running_server() as url, httpx.Client(base_url=url, timeout=60.0) as session:
        yield session


@pytest.mark.parametrize("birth", ["9999-12-31", "9982-06-30", "0001-01-01"])
@pytest.mark.parametrize("path", ["/v1/evaluate", "/v1/diff/2018/2023"])
def test_service_evaluates_any_birth_date(client: Any, birth: str, path: str) -> None:
    case = _record("x", [{"type": "referral", "date": "2024-01-05"}], date_of_birth=birth)
    response = client.post(path, json={"case": case, "as_of": "2024-03-01"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("record", "body"),
    [
        (_out_of_span("B", "1985-01-07"), {"edition": "2023", "as_of": "2024-03-01"}),
        (_out_of_span("B", "0001-01-02"), {"edition": "2018", "as_of": "2024-03-01"}),
        (
            _record("B", [_event("referral", "2075-12-01"), _event("decision", "2075-12-02")]),
            {"as_of": "2199-01-01"},
        ),
    ],
)
@pytest.mark.parametrize("path", ["/v1/evaluate", "/v1/diff/2018/2023"])
def test_service_answers_an_uncountable_date_with_a_422(
    client: Any, record: dict[str, Any], body: dict[str, Any], path: str
) -> None:
    request = {"case": record, **body}
    if path != "/v1/evaluate":
        request.pop("edition", None)
    response = client.post(path, json=request)  # the diff pins 2018 and 2023 itself
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "calendar-range"
    assert error["location"]["pointer"].startswith("/case/events/")
    assert error["location"]["pointer"].endswith("/date")
    assert "events[" in error["message"]
    assert "\n" not in error["message"]


@pytest.mark.parametrize("as_of", ["2250-03-31", "1850-03-31", "9999-12-31"])
@pytest.mark.parametrize("command", ["cin-census", "annex-a"])
def test_a_report_date_outside_the_counting_span_is_one_line(
    tmp_path: Path, as_of: str, command: str
) -> None:
    if command == "cin-census":
        path = tmp_path / "census.xml"
        path.write_bytes(_census_children([]))
    else:
        pytest.importorskip("openpyxl")
        from annex_a_helpers import D as DT
        from annex_a_helpers import lists, referral

        path = lists(tmp_path / "annex.xlsx", {3: [referral("C1", DT(2023, 9, 4))]})
    code, _out, err = run_cli(command, str(path), "--as-of", as_of, "--format", "json")
    assert code == 2
    assert err.count("\n") == 1
    assert f"error[calendar-range] as of {as_of}" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("as_of", ["2250-03-31", "9999-12-31"])
def test_batch_takes_any_report_date(tmp_path: Path, as_of: str) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_bytes(_lines([_good("A"), _good("B")]))
    code, out, err = run_cli("batch", str(path), "--as-of", as_of)
    assert code == 0, err
    assert [json.loads(line)["case_id"] for line in out.splitlines()] == ["A", "B"]


@pytest.mark.parametrize("birth", ["9999-12-31", "9990-01-01", "0001-01-01", "1900-02-28"])
@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_cin_census_evaluates_a_child_with_any_birth_date(
    tmp_path: Path, birth: str, fmt: str
) -> None:
    bad = child(episode("2023-10-02", s47("2023-10-03")), child_id="X", birth=birth)
    path = tmp_path / "census.xml"
    path.write_bytes(_census_children([bad]))
    code, out, err = run_cli("cin-census", str(path), "--as-of", "2024-03-31", "--format", fmt)
    assert code == 0, err
    assert "5 records: 5 outcomes, 0 rejected" in err + out
    if fmt == "json":
        (outcome,) = [o for o in json.loads(out)["outcomes"] if o["case_id"].startswith("X/")]
        codes = {f["code"] for f in outcome["findings"]}
        assert codes & {"born-after-events", "implausible-date-of-birth"}


@pytest.mark.parametrize("day", ["0001-01-02", "1899-12-31", "9999-12-30", "2301-01-01"])
def test_an_event_no_deadline_is_counted_from_is_a_finding(day: str) -> None:
    # auto: before the earliest edition nothing judges it; after as_of it is not used
    data = _census_children([child(episode("2023-10-02", s47(day)), child_id="X")])
    settings = Settings(D(2024, 3, 31), "auto", CIN_CENSUS_EVIDENCE)
    results = list(evaluate_stream(read_cin_census(io.BytesIO(data)), settings))
    assert not [r for r in results if isinstance(r, Rejected)]
    (mine,) = [r for r in results if isinstance(r, Evaluated) and r.child_id == "X"]
    codes = {f.code for f in mine.outcome.findings}
    assert codes & {"before-earliest-edition", "event-after-as-of"}


def test_batch_output_with_rejections_is_the_same_on_two_processes(tmp_path: Path) -> None:
    records: list[Any] = [_good(f"G{i}") for i in range(40)]
    records[3] = BAD_BYTES[0]
    records[17] = _out_of_span("B17")
    records[30] = _out_of_span("B30", "0001-01-02")
    path = tmp_path / "cases.jsonl"
    path.write_bytes(_lines(records))
    outputs = []
    for jobs in ("1", "2"):
        code, out, err = run_cli(
            "batch", str(path), "--as-of", "2024-03-01", "--edition", "2023", "--jobs", jobs
        )
        assert code == 0, err
        assert "40 records: 37 outcomes, 3 rejected" in err
        outputs.append(out)
    assert outputs[0] == outputs[1]
