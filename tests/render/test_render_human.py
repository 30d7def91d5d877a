"""Human outputs tell the truth and read well (issue 13, U-points).

- case text is data, never markup: a case id is shown exactly, in every format, whatever
  terminal markup, Markdown, HTML, control or bidi-override characters it holds;
- terminal tables never cut an id or a date, at any width;
- every format opens with a one-line summary, and says so when nothing applies;
- statuses have the same colour on the terminal and in HTML; HTML dates never break;
- one name for the human format; JSON keeps non-ASCII names readable;
- ``explain`` prints values, not Python reprs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, get_args

import pytest
from markdown_it import MarkdownIt

from _helpers import EXAMPLES, ROOT, run_cli
from wtguidance import evaluate
from wtguidance._pack.describe import plain_value
from wtguidance._render.explain import explain_rule
from wtguidance._render.outcome import (
    NOTHING,
    outcome_html,
    outcome_markdown,
    outcome_summary,
    outcome_table,
)
from wtguidance._render.style import status_html, status_text
from wtguidance._render.text import md_text, visible
from wtguidance.case import parse_case_obj
from wtguidance.editions import shipped_editions
from wtguidance.results import ObligationStatus, Outcome, SignOffStatus

CASES = sorted((EXAMPLES / "cases").glob("*.json"))
AS_OF = dt.date(2025, 12, 15)
HOSTILE_IDS = [
    "[/]",
    "LA-123[red]X",
    "[bold]x[/bold]",
    "[link=https://evil.example]click[/link]",
    "<script>alert(1)</script>",
    "<b>bold</b> & <i>x</i>",
    "a|b|c",
    "*b* _i_ `code` ~~s~~",
    "[x](javascript:alert(1))",
    "![img](https://evil.example/x.png)",
    "# heading #",
    "\\*escaped\\*",
    "&amp; &#x3C;",
    "AB\u202eCD",
    "x\u2066y\u2069z",
    "\x1b[31mred\x1b[0m",
    "tab\there",
    "Zoë Łódź 中文",
]
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def _case(case_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "cases" / "s17-met.json").read_text("utf-8"))
    data["case_id"] = case_id
    return data


def _outcome(case_id: str) -> Outcome:
    return evaluate(parse_case_obj(_case(case_id)), as_of=dt.date(2024, 6, 1))


def _cli(fmt: str, case_id: str, tmp_path: Path) -> str:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(_case(case_id)), encoding="utf-8")
    code, out, err = run_cli("evaluate", str(path), "--as-of", "2024-06-01", "--format", fmt)
    assert (code, err) == (0, "")
    return out


class _Text(HTMLParser):
    """The text of each element of interest, and every tag seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._open.append(tag)
        self.texts.setdefault(tag, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            self._open.remove(tag)

    def handle_data(self, data: str) -> None:
        for tag in set(self._open):
            self.texts[tag][-1] += data


def _parse_html(page: str) -> _Text:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return parser


# --- case text is data ----------------------------------------------------------------------


@pytest.mark.parametrize("case_id", HOSTILE_IDS)
def test_terminal_shows_the_case_id_as_written(case_id: str, tmp_path: Path) -> None:
    out = _cli("text", case_id, tmp_path)
    first = out.splitlines()[0]
    assert first.startswith(f"Case {visible(case_id)} as of 2024-06-01")
    assert "\x1b" not in out  # nothing from the case can reach the terminal as a control
    assert not BIDI.search(out)


@pytest.mark.parametrize("case_id", HOSTILE_IDS)
def test_coloured_terminal_output_keeps_the_case_id_inert(case_id: str) -> None:
    out = outcome_table(_outcome(case_id), color=True)
    assert not BIDI.search(out)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # rich's own colour codes, and only those
    assert "\x1b" not in plain
    assert plain.splitlines()[0].startswith(f"Case {visible(case_id)} as of")


@pytest.mark.parametrize("case_id", HOSTILE_IDS)
def test_markdown_shows_the_case_id_as_written(case_id: str, tmp_path: Path) -> None:
    out = _cli("markdown", case_id, tmp_path)
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(out)
    page = _parse_html(html)
    (heading,) = page.texts["h1"]
    assert heading.startswith(f"Case {visible(case_id).replace(chr(9), ' ')} as of")
    for tag in ("script", "a", "img", "em", "strong", "code", "s", "b", "i", "h2"):
        assert page.texts.get(tag, [""])[0] != heading, tag
    assert "script" not in page.tags
    assert "img" not in page.tags
    rows = [line for line in out.splitlines() if line.startswith("| ") and "2023" in line]
    for row in rows:  # escaped pipes never add a cell
        assert row.replace("\\|", "").count("|") in {7, 8, 9}


@pytest.mark.parametrize("case_id", HOSTILE_IDS)
def test_html_shows_the_case_id_as_written(case_id: str, tmp_path: Path) -> None:
    out = _cli("html", case_id, tmp_path)
    page = _parse_html(out)
    assert page.texts["title"][0].startswith(f"Case {visible(case_id)} as of")
    assert page.texts["h1"][0].startswith(f"Case {visible(case_id)} as of")
    assert "script" not in page.tags
    assert "img" not in page.tags
    assert not BIDI.search(out)


@pytest.mark.parametrize("case_id", HOSTILE_IDS)
def test_json_keeps_the_case_id_and_readable_names(case_id: str, tmp_path: Path) -> None:
    out = _cli("json", case_id, tmp_path)
    assert json.loads(out)["case_id"] == case_id
    assert not BIDI.search(out)  # JSON's own \\u escapes: the same data, shown safely
    if case_id.startswith("Zoë"):
        assert "Zoë Łódź 中文" in out  # not \\u00eb


@pytest.mark.parametrize(
    "text", ["<x>", "a|b", "*x*", "_x_", "`x`", "[a](b)", "~~x~~", "&amp;", "x #", "a\nb", "\\"]
)
def test_md_text_round_trips_through_a_markdown_renderer(text: str) -> None:
    html = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(md_text(text))
    shown = _parse_html(html).texts["p"][0]
    assert shown == text.replace("\n", " ")


# --- tables: never cut an id or a date ---------------------------------------------------------


@pytest.mark.parametrize("width", [30, 60, 80, 100, 120, 200])
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_terminal_tables_never_cut_ids_or_dates(path: Path, width: int) -> None:
    outcome = evaluate(parse_case_obj(json.loads(path.read_text("utf-8"))), as_of=AS_OF)
    out = outcome_table(outcome, color=False, width=width)
    assert "…" not in out
    lines = out.splitlines()
    keys = [o.id for o in outcome.obligations] + [s.id for s in outcome.sign_offs]
    keys += [str(o.due) for o in outcome.obligations if o.due]
    keys += [str(v.allocation.date) for v in outcome.case_holders if v.allocation]
    for key in keys:
        assert any(key in line for line in lines), key
    widest = max(len(line) for line in lines)
    if width >= 200:
        assert widest <= width


def test_the_width_comes_from_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    case = str(EXAMPLES / "cases" / "cp-pathway.json")
    monkeypatch.setenv("COLUMNS", "200")
    _, wide, _ = run_cli("evaluate", case, "--as-of", "2025-12-15")
    monkeypatch.setenv("COLUMNS", "90")
    _, narrow, _ = run_cli("evaluate", case, "--as-of", "2025-12-15")
    assert max(map(len, wide.splitlines())) > max(map(len, narrow.splitlines()))
    assert len(wide.splitlines()) < len(narrow.splitlines())


# --- summaries, empty results, colours ---------------------------------------------------------


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_format_opens_with_the_same_summary(path: Path) -> None:
    outcome = evaluate(parse_case_obj(json.loads(path.read_text("utf-8"))), as_of=AS_OF)
    summary = outcome_summary(outcome)
    overdue = sum(1 for o in outcome.obligations if o.status == "overdue")
    missing = sum(1 for s in outcome.sign_offs if s.status == "missing")
    assert (f"{overdue} overdue" in summary) == bool(overdue)
    assert (f"{missing} missing" in summary) == bool(missing)
    assert summary in outcome_table(outcome, color=False, width=400).splitlines()[1]
    assert outcome_markdown(outcome).splitlines()[2] == md_text(summary)
    assert summary.split(";")[0] in outcome_html(outcome)


@pytest.mark.parametrize(
    "events",
    [[], [{"type": "child_seen", "date": "2024-01-05", "alone": True}]],
    ids=["no-events", "nothing-triggered"],
)
def test_an_empty_result_says_so(events: list[dict[str, Any]]) -> None:
    case = parse_case_obj({"case_id": "EMPTY", "child": {}, "events": events})
    outcome = evaluate(case, as_of=dt.date(2024, 6, 1))
    assert outcome_summary(outcome).startswith(NOTHING)
    table = outcome_table(outcome, color=False)
    assert NOTHING in table
    assert "Obligations" not in table  # no empty bordered table
    assert "no edition applied" in table.splitlines()[0]
    assert NOTHING in outcome_markdown(outcome)
    assert NOTHING.replace("'", "&#x27;") in outcome_html(outcome)


@pytest.mark.parametrize("status", [*get_args(ObligationStatus), *get_args(SignOffStatus)])
def test_statuses_have_one_colour_on_the_terminal_and_in_html(status: str) -> None:
    terminal = {
        "green": "good",
        "yellow": "late",
        "cyan": "open",
        "bold red": "bad",
        "dim": "quiet",
    }
    style = str(status_text(status).style)
    assert style in terminal, status
    assert f"tone-{terminal[style]}" in status_html(status)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_html_dates_never_break(path: Path) -> None:
    outcome = evaluate(parse_case_obj(json.loads(path.read_text("utf-8"))), as_of=AS_OF)
    page = outcome_html(outcome)
    body = page[page.index("<body>") :]
    unwrapped = re.sub(r'<span class="date">[0-9-]{10}</span>', "", body)
    text_only = re.sub(r"<[^>]+>", " ", unwrapped)
    assert not re.search(r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b", text_only)
    assert "white-space: nowrap" in page


def test_html_statuses_are_coloured() -> None:
    path = EXAMPLES / "cases" / "s17-overdue.json"
    outcome = evaluate(parse_case_obj(json.loads(path.read_text("utf-8"))), as_of=AS_OF)
    page = outcome_html(outcome)
    assert '<span class="status tone-bad">overdue</span>' in page
    assert '<span class="status tone-good">met</span>' in page


# --- one name for the human format, JSON readable -----------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", str(EXAMPLES / "cases" / "s17-met.json"), "--as-of", "2024-03-01"],
        ["diff", "2018", "2023"],
        ["validate-protocol", str(EXAMPLES / "protocols" / "exampleshire-2023.yaml")],
        ["editions"],
        ["explain", "icpc.hold"],
        ["lint-packs"],
    ],
    ids=lambda argv: argv[0],
)
def test_text_and_table_are_one_format(argv: list[str]) -> None:
    _, as_text, _ = run_cli(*argv, "--format", "text")
    _, as_table, _ = run_cli(*argv, "--format", "table")
    _, default, _ = run_cli(*argv)
    assert as_text == as_table == default


def test_json_keeps_non_ascii_readable_in_every_command(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(_case("Siôn Dafydd")), encoding="utf-8")
    _, out, _ = run_cli("evaluate", str(path), "--as-of", "2024-06-01", "--format", "json")
    assert '"Siôn Dafydd"' in out
    _, out, _ = run_cli("diff", "2018", "2023", "--case", str(path), "--format", "json")
    assert '"Siôn Dafydd"' in out
    _, out, _ = run_cli("explain", "icpc.hold", "--format", "json")
    assert "\\u201c" not in out
    assert "\\u2019" not in out


# --- explain prints values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", sorted((ROOT / "rules").glob("*/pack.yaml")), ids=lambda p: p.parent.name
)
def test_explain_prints_values_not_python_reprs(path: Path) -> None:
    editions = shipped_editions()
    pack = editions.get(path.parent.name)
    for rule in pack.pack.rules:
        text = explain_rule(editions, rule.id)
        for repr_mark in ("{'", "['", "': ", "None", "True", "False"):
            assert repr_mark not in text, (rule.id, repr_mark)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"working_days": 15}, "15 working days"),
        ({"working_days": 1}, "1 working day"),
        ({"months": 6}, "6 months"),
        (["a", "b"], "a, b"),
        (True, "yes"),
        (None, "none"),
        ({"required": "always", "roles": ["x"]}, "required: always; roles: x"),
    ],
)
def test_plain_value(value: Any, words: str) -> None:
    assert plain_value(value) == words


@pytest.mark.parametrize("fmt", ["json", "text", "markdown", "html"])
def test_a_terminal_that_cannot_show_a_name_gets_escapes_not_a_crash(
    fmt: str, tmp_path: Path
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(_case("Siôn→Łódź 😀")), encoding="utf-8")
    argv = ["evaluate", str(path), "--as-of", "2024-06-01", "--format", fmt]
    done = subprocess.run(
        [sys.executable, "-m", "wtguidance", *argv],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("ascii")  # nothing but ASCII reached the stream
    if fmt == "json":
        assert json.loads(out)["case_id"] == "Siôn→Łódź 😀"
    else:
        assert "Si\\u00f4n" in out
