"""``wtguidance cin-census`` and ``wtguidance batch``: formats, counts, exits, escaping."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from cin_builder import census, child, episode, s47
from wtguidance.cli import main

DATA = Path(__file__).parents[1] / "data" / "cin"
FAKE = str(DATA / "fake_CIN_data.xml")
FORMATS = ("table", "json", "csv", "html")


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=io.StringIO(stdin))
    return code, out.getvalue(), err.getvalue()


def counts_in(fmt: str, text: str) -> tuple[int, int]:
    """(outcomes, rejected) as each format states them."""
    if fmt == "json":
        data = json.loads(text)
        summary = data["summary"]["counts"]
        assert summary["outcomes"] == len(data["outcomes"])
        assert summary["rejected"] == len(data["rejected"])
        return summary["outcomes"], summary["rejected"]
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        cases = {r["case_id"] for r in rows if r["record"] != "rejected"}
        return len(cases), sum(r["record"] == "rejected" for r in rows)
    match = re.search(r"(\d+) outcomes, (\d+) rejected", text)
    assert match, text[:500]
    return int(match[1]), int(match[2])


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> str:
    data = census(
        child(episode("2024-01-08", s47("2024-01-10", target="2024-01-31")), child_id="A"),
        child(episode("2024-02-30"), child_id="B"),
        child(episode("2024-01-08"), child_id=None),
        child(episode("2024-03-20", s47("2024-03-20")), child_id="C"),
    )
    path = tmp_path_factory.mktemp("cin") / "messy.xml"
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_states_counts_that_reconcile(fmt: str, messy: str) -> None:
    code, out, err = run("cin-census", messy, "--as-of", "2024-03-31", "--format", fmt)
    assert code == 0, err
    assert counts_in(fmt, out) == (2, 2)
    if fmt != "table":
        assert "4 records: 2 outcomes, 2 rejected" in err


@pytest.mark.parametrize("fmt", FORMATS)
def test_fake_file_in_every_format(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"report.{fmt}"
    code, out, err = run(
        "cin-census", FAKE, "--as-of", "2022-07-21", "--format", fmt, "--out", str(target)
    )
    assert code == 0, err
    assert out == ""
    assert counts_in(fmt, target.read_text(encoding="utf-8")) == (402, 0)
    assert "402 records: 402 outcomes, 0 rejected" in err
    assert not list(tmp_path.glob("*.partial"))


def test_out_to_a_device_or_pipe_writes_in_place(tmp_path: Path, messy: str) -> None:
    import os
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _out, err = run(
        "cin-census", messy, "--as-of", "2024-03-31", "--format", "csv", "--out", str(fifo)
    )
    reader.join(timeout=30)
    assert code == 0, err
    assert b"record,case_id" in received[0]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a pipe, never replaced by a file
    assert not list(tmp_path.glob("*.partial"))


def test_jobs_two_prints_the_same_json(messy: str) -> None:
    one = run("cin-census", FAKE, "--as-of", "2022-07-21", "--format", "json")
    two = run("cin-census", FAKE, "--as-of", "2022-07-21", "--format", "json", "--jobs", "2")
    assert one[0] == two[0] == 0
    assert one[1] == two[1]


def test_truncated_file_reports_what_was_read_and_exits_2(tmp_path: Path) -> None:
    data = (DATA / "fake_CIN_data.xml").read_bytes()
    path = tmp_path / "cut.xml"
    path.write_bytes(data[: len(data) // 2])
    code, out, err = run("cin-census", str(path), "--as-of", "2022-07-21", "--format", "json")
    assert code == 2
    report = json.loads(out)
    (last,) = report["rejected"]
    assert "not well-formed" in last["reason"]
    assert last["line"] > 1
    assert report["summary"]["complete"] is False
    assert 150 < len(report["outcomes"]) < 250
    (line,) = err.strip().splitlines()[-1:]
    assert "error[xml-not-well-formed]" in line
    assert "Traceback" not in err


def test_refused_file_exits_2_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    prolog = '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY a "aaaa">]>'
    path.write_bytes(census(child(episode()), prolog=prolog))
    code, out, err = run("cin-census", str(path), "--as-of", "2024-03-31", "--format", "json")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "error[xml-forbidden]" in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["cin-census", "missing.xml", "--as-of", "2024-03-31"], "missing.xml"),
        (["cin-census", FAKE, "--as-of", "2024-02-30"], "--as-of"),
        (["cin-census", FAKE], "--as-of"),
        (["cin-census", FAKE, "--as-of", "2024-03-31", "--jobs", "0"], "--jobs"),
        (["cin-census", FAKE, "--as-of", "2024-03-31", "--jobs", "two"], "--jobs"),
        (["cin-census", FAKE, "--as-of", "2024-03-31", "--edition", "1999"], "1999"),
        (["batch", "missing.jsonl"], "missing.jsonl"),
    ],
)
def test_bad_input_exits_2_with_one_line(argv: list[str], needle: str) -> None:
    code, _out, err = run(*argv)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert needle in err
    assert "Traceback" not in err


HOSTILE = '<script>alert(1)</script>[bold red]x[/]\x1b[31m=cmd|"/c calc"'


def test_input_text_is_escaped_in_every_format(tmp_path: Path) -> None:
    child_id = HOSTILE.replace("<", "&lt;").replace(">", "&gt;").replace("\x1b", "")
    path = tmp_path / "hostile.xml"
    path.write_bytes(census(child(episode("2024-01-08", s47("2024-01-10")), child_id=child_id)))
    html = run("cin-census", str(path), "--as-of", "2024-03-31", "--format", "html")[1]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    table = run("cin-census", str(path), "--as-of", "2024-03-31")[1]
    assert "[bold red]x[/]" in table  # shown literally, not applied as markup
    rows = list(
        csv.reader(
            io.StringIO(run("cin-census", str(path), "--as-of", "2024-03-31", "--format", "csv")[1])
        )
    )
    assert all(not cell.startswith(("=", "+", "@")) for row in rows[1:] for cell in row)


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "case_id": "E\x1b[2J1",
                "child": {},
                "events": [{"type": "referral", "date": "2024-01-05"}],
            }
        )
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from wtguidance._render.text import one_line as clean

    assert "\x1b" not in clean("E\x1b[2J1")


def test_batch_round_trip(tmp_path: Path) -> None:
    good = {"case_id": "B1", "child": {}, "events": [{"type": "referral", "date": "2024-01-05"}]}
    lines = [json.dumps(good), "", "{oops", json.dumps({**good, "case_id": "B2"})]
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = tmp_path / "results.jsonl"
    code, out, err = run(
        "batch", str(source), "--out", str(results), "--as-of", "2024-03-01", "--jobs", "2"
    )
    assert code == 0, err
    assert out == ""
    rows = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert [r.get("case_id") or r["rejected"]["line"] for r in rows] == ["B1", 3, "B2"]
    assert "3 records: 2 outcomes, 1 rejected" in err
    code, out, err = run("batch", "-", "--as-of", "2024-03-01", stdin="\n".join(lines))
    assert code == 0
    assert [json.loads(line).get("case_id") for line in out.splitlines()] == ["B1", None, "B2"]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(messy: str) -> None:
    quiet_err = io.StringIO()
    assert (
        main(["cin-census", FAKE, "--as-of", "2022-07-21"], stdout=io.StringIO(), stderr=quiet_err)
        == 0
    )
    assert quiet_err.getvalue() == ""
    tty_err, out = _Tty(), io.StringIO()
    assert main(["cin-census", FAKE, "--as-of", "2022-07-21"], stdout=out, stderr=tty_err) == 0
    assert "evaluating" in tty_err.getvalue()
    assert "402 records: 402 outcomes, 0 rejected" in out.getvalue()


def test_pinned_edition(messy: str) -> None:
    code, out, err = run(
        "cin-census", messy, "--as-of", "2024-03-31", "--edition", "2018", "--format", "json"
    )
    assert code == 0, err
    editions = {o["edition"] for c in json.loads(out)["outcomes"] for o in c["obligations"]}
    assert editions == {"2018"}
