"""Input text reaches every human-facing renderer through the one text-safety path.

``_render/text.py`` (:func:`one_line`) shows control characters, line feeds and bidirectional
overrides as ``\\uXXXX``. These tests put such characters into ids, file names and messages
and check every renderer: ``evaluate`` (text, Markdown, HTML), the caseload reports of
``cin-census`` and ``annex-a`` (text and HTML), and ``validate-protocol`` (text and GitHub
workflow commands, escaped as GitHub documents).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests import cin_builder as cb

from _helpers import run_cli
from wtguidance import evaluate
from wtguidance._render.outcome import outcome_html, outcome_markdown, outcome_table
from wtguidance._render.protocol import render_reports
from wtguidance._render.text import TextTable, one_line, render_rich, visible
from wtguidance.case import parse_case_obj
from wtguidance.protocol import validate_protocol

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = ROOT / "examples" / "protocols" / "exampleshire-2023.yaml"
INVALID = ROOT / "examples" / "protocols" / "invalid" / "missing-timescale.yaml"

#: characters that must never reach a terminal or page as themselves (XML can carry these)
HOSTILE = {
    "rlo": "\u202e",
    "lri": "\u2066",
    "rlm": "\u200f",
    "alm": "\u061c",
    "line-separator": "\u2028",
    "paragraph-separator": "\u2029",
    "nel": "\x85",
    "csi": "\x9b",
    "lf": "\n",
    "cr": "\r",
}
#: and these only JSON or a file name can carry
HOSTILE_JSON = {**HOSTILE, "esc": "\x1b", "nul": "\x00", "bel": "\x07", "del": "\x7f"}


def _escaped(char: str) -> str:
    return f"\\u{ord(char):04x}"


@pytest.mark.parametrize("char", HOSTILE_JSON.values(), ids=HOSTILE_JSON.keys())
def test_one_line_shows_the_character(char: str) -> None:
    assert one_line(f"A{char}B") == f"A{_escaped(char)}B"
    assert "\n" not in one_line(f"A{char}B")


def test_visible_keeps_line_feeds_for_whole_outputs() -> None:
    assert visible("a\nb\u202e") == "a\nb\\u202e"


# -- evaluate ---------------------------------------------------------------------------------
def _outcome(case_id: str) -> Any:
    data = json.loads((ROOT / "examples" / "cases" / "s17-overdue.json").read_text("utf-8"))
    data["case_id"] = case_id
    return evaluate(parse_case_obj(data), as_of=dt.date(2025, 3, 1))


@pytest.mark.parametrize("char", HOSTILE_JSON.values(), ids=HOSTILE_JSON.keys())
@pytest.mark.parametrize("width", [40, 80, 160])
def test_evaluate_text_keeps_a_hostile_case_id_on_its_line(char: str, width: int) -> None:
    out = outcome_table(_outcome(f"A{char}fake line"), color=False, width=width)
    assert char not in out.replace("\n", "") if char == "\n" else char not in out
    first = out.splitlines()[0]
    assert first.startswith(f"Case A{_escaped(char)}fake")
    assert not any(line.startswith("fake line") for line in out.splitlines())


@pytest.mark.parametrize("char", HOSTILE_JSON.values(), ids=HOSTILE_JSON.keys())
def test_evaluate_markdown_and_html_show_the_character(char: str) -> None:
    outcome = _outcome(f"A{char}B")
    markdown = outcome_markdown(outcome)  # a Markdown backslash is itself escaped
    if char == "\n":  # Markdown has no line breaks inside a value: the line feed is a space
        assert "# Case A B as of" in markdown
    else:
        assert f"A\\{_escaped(char)}B" in markdown
        assert char not in markdown
    page = outcome_html(outcome)
    assert f"A{_escaped(char)}B" in page
    if char != "\n":
        assert char not in page


def test_a_newline_in_a_table_cell_never_starts_a_row() -> None:
    from rich.text import Text

    from wtguidance._render.text import dash

    for width in (30, 60, 120):
        table = TextTable(
            (("id", True), ("note", False)),
            ((Text(dash("C1\nC2 │ fake")), Text("real note")),),
        )
        out = render_rich([table], width=width, color=False)
        rows = [line for line in out.splitlines() if "C1" in line]
        assert (len(rows) == 1 and "real" in rows[0]) or "note: real" in out
        assert not any(line.lstrip().startswith("C2") for line in out.splitlines())


# -- caseloads: the CIN census ----------------------------------------------------------------
def _census(tmp_path: Path, child_id: str) -> Path:
    xml_id = child_id.replace("\n", "&#10;").replace("\r", "&#13;")
    overdue = cb.child(
        cb.episode("2024-01-08", cb.assessment("2024-01-09")), child_id=xml_id
    )  # an assessment never completed: overdue at 2024-03-31
    soon = cb.child(cb.episode("2024-03-20", cb.assessment("2024-03-21")), child_id="C2")
    path = tmp_path / "census.xml"
    path.write_bytes(cb.census(overdue, soon))
    return path


@pytest.mark.parametrize("char", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_cin_census_reports_show_a_hostile_child_id(char: str, fmt: str, tmp_path: Path) -> None:
    path = _census(tmp_path, f"A{char}B")
    code, out, err = run_cli("cin-census", str(path), "--as-of", "2024-03-31", "--format", fmt)
    assert code == 0, err
    assert f"A{_escaped(char)}B" in out
    if char != "\n":
        assert char not in out
    if fmt == "text":  # the escaped id and its due date are on one row
        (row,) = [line for line in out.splitlines() if f"A{_escaped(char)}B" in line]
        assert re.search(r"\d{4}-\d{2}-\d{2}", row)


# -- caseloads: Annex A -----------------------------------------------------------------------
NOT_CR = {k: c for k, c in HOSTILE.items() if k != "cr"}  # openpyxl writes CR as a line end


@pytest.mark.parametrize("char", NOT_CR.values(), ids=NOT_CR.keys())
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_annex_a_reports_show_a_hostile_child_id(char: str, fmt: str, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    from tests import annex_a_helpers as ah

    path = ah.lists(
        tmp_path / "annex.xlsx",
        {
            3: [ah.referral(f"A{char}B", dt.datetime(2021, 1, 4))],
            4: [ah.assessment(f"A{char}B", dt.datetime(2021, 1, 5))],
        },
    )
    code, out, err = run_cli("annex-a", str(path), "--as-of", "2021-03-31", "--format", fmt)
    assert code == 0, err
    # the importer folds white space in a cell (line feed, U+2028/2029, NEL) to one space
    assert f"A{_escaped(char)}B" in out or (char.isspace() and "A B/2021-01-04" in out)
    if char != "\n":
        assert char not in out
    assert not any(line.startswith("B/2021") for line in out.splitlines())


# -- validate-protocol ------------------------------------------------------------------------
NAMES = {
    "newline-command": "ok\n::error file=README.md,line=1::INJECTED\n.yaml",
    "cr-command": "ok\r::error::INJECTED.yaml",
    "leading-command": "::error file=README.md::INJECTED.yaml",
    "spaced-command": " ::warning::INJECTED.yaml",
    "percent": "100%0A::error::x.yaml",
    "colon-comma": "a:b,c=d.yaml",
    "bidi": "evil\u202elmy.yaml",
    "esc": "red\x1b[31m.yaml",
}


def _report(tmp_path: Path, name: str, source: Path) -> Any:
    path = tmp_path / name
    path.write_bytes(source.read_bytes())
    return validate_protocol(path)


def _github_unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
@pytest.mark.parametrize("source", [PROTOCOL, INVALID], ids=["valid", "findings"])
def test_github_output_cannot_be_given_commands(name: str, source: Path, tmp_path: Path) -> None:
    report = _report(tmp_path, name, source)
    out = render_reports([report], "github")
    lines = out.split("\n")
    commands = [line for line in lines if line.lstrip().startswith("::")]
    assert len(commands) == len(report.findings)  # one per finding, none injected
    for line in lines:
        for char in ("\r", "\x1b", "\u202e"):
            assert char not in line
    for line in commands:
        properties, _, message = line.partition("::")[2].partition("::")
        file_value = properties.split(" ", 1)[1].split(",")[0].removeprefix("file=")
        # the property is escaped exactly as GitHub documents: % first, then CR, LF, : and ,
        expected = (
            visible(str(tmp_path / name))
            .replace("%", "%25")
            .replace(":", "%3A")
            .replace(",", "%2C")
        )
        if "\n" in name or "\r" in name:
            assert "%0A" in file_value or "%0D" in file_value
        else:
            assert file_value == expected
        assert "\n" not in message
        assert "\r" not in message


@pytest.mark.parametrize(
    ("message", "escaped"),
    [
        ("50% done", "50%25 done"),
        ("a\r\nb", "a%0D%0Ab"),
        ("a%0Ab", "a%250Ab"),
        ("keep: colons, commas", "keep: colons, commas"),  # only properties escape : and ,
    ],
)
def test_github_message_escapes(message: str, escaped: str) -> None:
    from wtguidance._render.protocol import _escape_data, _escape_property

    assert _escape_data(message) == escaped
    assert _escape_property("a:b,c%") == "a%3Ab%2Cc%25"


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_protocol_text_keeps_a_file_name_on_one_line(name: str, tmp_path: Path) -> None:
    report = _report(tmp_path, name, INVALID)
    out = render_reports([report], "text")
    for char in ("\r", "\x1b", "\u202e"):
        assert char not in out
    first = out.splitlines()[0]
    assert first.startswith(one_line(str(tmp_path / name)) + ":")


@pytest.mark.parametrize("char", HOSTILE_JSON.values(), ids=HOSTILE_JSON.keys())
def test_diff_with_a_case_keeps_a_hostile_case_id_on_its_line(char: str) -> None:
    from wtguidance import load_editions
    from wtguidance._render.diff import diff_html, diff_markdown, diff_text
    from wtguidance.diff import diff_case, diff_editions

    data = json.loads((ROOT / "examples" / "cases" / "s17-met.json").read_text("utf-8"))
    data["case_id"] = f"A{char}fake"
    case = diff_case(
        load_editions(), "2018", "2023", parse_case_obj(data), as_of=dt.date(2024, 3, 1)
    )
    editions = diff_editions("2018", "2023")
    text = diff_text(editions, case, width=100)
    (line,) = [x for x in text.splitlines() if x.startswith("Case A")]
    assert f"A{_escaped(char)}fake" in line
    assert not any(x.startswith("fake") for x in text.splitlines())
    for out in (text, diff_html(editions, case), diff_markdown(editions, case)):
        if char != "\n":
            assert char not in out
