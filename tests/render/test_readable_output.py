"""Output people read: it fits the terminal, says things once, and leaves nothing empty.

- text tables fit ``COLUMNS`` (80 included) for every example case, the edition diff and the
  caseload reports, without cutting an id or a date;
- "paragraph not verified" is said once per output, not once per row;
- the caseload text report defines the statuses it shows, points to the events a source
  cannot record in one line instead of listing them, and draws no empty table;
- every HTML page carries the "not legal advice" line;
- the Annex A report has no census-only sections (the ``InitialCPCtarget`` cross-check).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from _helpers import EXAMPLES, run_cli
from wtguidance import evaluate
from wtguidance._render.outcome import outcome_html, outcome_markdown, outcome_table
from wtguidance._render.style import NOT_LEGAL_ADVICE
from wtguidance._render.text import PARAGRAPHS_NOT_VERIFIED
from wtguidance.case import parse_case_obj

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((EXAMPLES / "cases").glob("*.json"))
AS_OF = dt.date(2025, 12, 15)
CENSUS = ROOT / "examples" / "census" / "exampleshire-2025.xml"
ANNEX_A = ROOT / "examples" / "annex-a" / "exampleshire-2025.xlsx"
SMALL_CENSUS = ROOT / "tests" / "data" / "cin" / "CIN_Census_2024.xml"
WIDTHS = (60, 80, 100, 120)


def _widest(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def _outcome(path: Path) -> object:
    return evaluate(parse_case_obj(json.loads(path.read_text("utf-8"))), as_of=AS_OF)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_evaluate_text_fits_the_width(path: Path, width: int) -> None:
    out = outcome_table(_outcome(path), color=False, width=width)  # type: ignore[arg-type]
    assert _widest(out) <= width
    assert out.count("paragraph not verified") <= 1
    assert "(paragraph not verified)" not in out


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", "examples/cases/cp-pathway.json", "--as-of", "2025-12-15"],
        ["diff", "2018", "2023"],
        ["diff", "2018", "2023", "--case", "examples/cases/s17-met.json", "--as-of", "2024-03-01"],
        ["cin-census", str(CENSUS), "--as-of", "2025-03-31"],
        ["cin-census", str(SMALL_CENSUS), "--as-of", "2024-03-31"],
    ],
    ids=["evaluate", "diff", "diff-case", "census", "small-census"],
)
def test_cli_text_fits_columns(
    argv: list[str], width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = run_cli(*argv)
    assert code == 0, err
    assert _widest(out) <= width
    assert out.count(PARAGRAPHS_NOT_VERIFIED.split(":")[0]) <= 1


def test_annex_a_text_fits_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("openpyxl")
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run_cli("annex-a", str(ANNEX_A), "--as-of", "2025-03-31")
    assert code == 0, err
    assert _widest(out) <= 80


def test_paragraph_note_once_in_markdown_and_html() -> None:
    outcome = _outcome(EXAMPLES / "cases" / "cp-pathway.json")
    markdown = outcome_markdown(outcome)  # type: ignore[arg-type]
    page = outcome_html(outcome)  # type: ignore[arg-type]
    assert "(paragraph not verified)" not in markdown
    assert "(paragraph not verified)" not in page
    assert markdown.count("Paragraph not verified") == 1
    assert page.count("Paragraph not verified") == 1


def test_citations_are_numbered_once_each() -> None:
    out = outcome_table(
        _outcome(EXAMPLES / "cases" / "cp-pathway.json"),  # type: ignore[arg-type]
        color=False,
        width=120,
    )
    refs = re.findall(r"^\[(\d+)\] WT\d{4}", out, flags=re.MULTILINE)
    assert refs == [str(n) for n in range(1, len(refs) + 1)]
    assert len(refs) >= 3
    for number in refs:
        assert f"[{number}]" in out.split("\n[1] ")[0]  # each reference is used in the table


def test_census_text_defines_statuses_and_points_instead_of_listing() -> None:
    code, out, err = run_cli("cin-census", str(SMALL_CENSUS), "--as-of", "2024-03-31")
    assert code == 0, err
    assert "Statuses:" in out
    assert "met = done on or before the due date" in out
    assert "not_evidenced_by_source" in out  # the one-line pointer
    assert "practice_review_publication_withheld" not in out  # not the 27-name wall
    assert "┏" not in out.split("Nothing falls due")[0].rsplit("\n", 2)[-1]
    assert "Nothing falls due in the next 10 working days." in out
    assert "DfE CIN census validation rule" in out  # the bare (2885) is explained


def test_no_empty_boxed_table() -> None:
    code, out, err = run_cli("cin-census", str(SMALL_CENSUS), "--as-of", "2024-03-31")
    assert code == 0, err
    lines = out.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("━"):  # a header rule: a table's first row must follow
            assert index + 1 < len(lines)
            assert "│" in lines[index + 1]


@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", "examples/cases/cp-pathway.json", "--as-of", "2025-12-15", "--format", "html"],
        ["diff", "2018", "2023", "--format", "html"],
        ["cin-census", str(SMALL_CENSUS), "--as-of", "2024-03-31", "--format", "html"],
    ],
    ids=["evaluate", "diff", "census"],
)
def test_every_html_page_says_not_legal_advice(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if argv[0] == "cin-census":
        pytest.importorskip("matplotlib")
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(*argv)
    assert code == 0, err
    assert NOT_LEGAL_ADVICE.split(".")[0] in out


def test_annex_a_report_has_no_census_only_sections() -> None:
    pytest.importorskip("openpyxl")
    pytest.importorskip("matplotlib")
    for fmt in ("text", "html"):
        code, out, err = run_cli("annex-a", str(ANNEX_A), "--as-of", "2025-03-31", "--format", fmt)
        assert code == 0, err
        assert "InitialCPCtarget" not in out
    code, out, err = run_cli("cin-census", str(CENSUS), "--as-of", "2025-03-31", "--format", "html")
    assert code == 0, err
    assert "InitialCPCtarget agreement" in out


def test_months_axis_keeps_empty_months() -> None:
    from wtguidance._render.caseload.charts import _month_range

    assert _month_range("2020-10", "2021-02") == [
        "2020-10",
        "2020-11",
        "2020-12",
        "2021-01",
        "2021-02",
    ]
    assert _month_range("2021-05", "2021-05") == ["2021-05"]


def test_histogram_colour_is_no_status_colour() -> None:
    from wtguidance._render.caseload.charts import COLOURS, HISTOGRAM, LIMIT

    assert HISTOGRAM not in COLOURS.values()
    assert HISTOGRAM != LIMIT


@pytest.mark.parametrize("months", [1, 3, 6])
def test_a_months_limit_gets_a_band(months: int) -> None:
    from wtguidance._render.caseload.charts import _months_band

    band = _months_band(months, dt.date(2025, 3, 31))
    assert band is not None
    low, high = band
    assert 16 * months <= low < high <= 24 * months  # bank holidays and month lengths vary
    assert _months_band(months, dt.date(9999, 12, 31)) is None  # beyond the calendar: no band
