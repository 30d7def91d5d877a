"""``diff --case`` tells the truth: a row is marked ≠ exactly when what it shows differs.

A row marked "judged differently" with identical text on both sides sends a reader looking
for a difference that is not there; a row whose text differs but is not marked hides one.
Sign-off cells name who actually signed and label the permitted roles as such.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest

from _helpers import EXAMPLES, run_cli
from wtguidance._render.diff import _case_rows, _plain, diff_html, diff_markdown, diff_text
from wtguidance.case import parse_case_obj
from wtguidance.diff import diff_case, diff_editions
from wtguidance.editions import shipped_editions

CASES = sorted((EXAMPLES / "cases").glob("*.json"))
EDITIONS = shipped_editions()
PAIRS = [*itertools.pairwise(EDITIONS.ids), ("2010", "2026"), ("2026", "2018")]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[0]}-{p[1]}")
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_a_row_is_marked_exactly_when_its_cells_differ(path: Path, pair: tuple[str, str]) -> None:
    case = parse_case_obj(json.loads(path.read_text(encoding="utf-8")))
    result = diff_case(EDITIONS, *pair, case, dt.date(2025, 12, 15))
    rows = list(_case_rows(result))
    assert rows
    for kind, label, left, right, changed in rows:
        assert changed == (_plain(left) != _plain(right)), (kind, label, left, right)
    assert result.changed_count == sum(1 for *_, changed in rows if changed)


def test_the_s17_verdict_that_only_widened_is_not_marked() -> None:
    case = parse_case_obj(json.loads((EXAMPLES / "cases" / "cp-pathway.json").read_text()))
    result = diff_case(EDITIONS, "2018", "2023", case, dt.date(2025, 6, 1))
    (s17,) = [row for row in result.case_holders if row.stage == "s17"]
    assert s17.from_ is not None
    assert s17.to is not None
    assert s17.from_.permitted_roles != s17.to.permitted_roles  # the edition changed...
    assert s17.from_.reason == s17.to.reason
    assert not s17.changed  # ...the verdict on this allocation did not


def test_sign_offs_name_the_signer_and_label_the_permitted_roles() -> None:
    case = parse_case_obj(json.loads((EXAMPLES / "cases" / "cp-pathway.json").read_text()))
    result = diff_case(EDITIONS, "2018", "2023", case, dt.date(2025, 6, 1))
    text = diff_text(diff_editions("2018", "2023"), result, width=300)
    case_part = text[text.index("Case EXS-24-0318 as of") :]
    line = next(line for line in case_part.splitlines() if "assessment.approve" in line)
    assert "given on 2024-04-29 by team_manager" in line
    assert "(permitted: " in line


@pytest.mark.parametrize("fmt", ["text", "html", "markdown"])
def test_the_markers_are_explained(fmt: str) -> None:
    case = str(EXAMPLES / "cases" / "s17-met.json")
    code, out, _ = run_cli(
        "diff", "2018", "2023", "--case", case, "--as-of", "2024-03-01", "--format", fmt
    )
    assert code == 0
    assert "judged differently under the two editions" in out
    if fmt != "markdown":  # Markdown uses headings (Added, Removed, Changed) for the packs
        for meaning in ("added", "removed", "changed"):
            assert meaning in out


def test_the_generated_change_pages_have_no_markers_to_explain() -> None:
    page = diff_markdown(diff_editions("2018", "2023"), generated=True)
    assert "≠" not in page
    assert "| + |" not in page


def test_html_case_rows_colour_statuses_and_keep_dates_whole() -> None:
    case = parse_case_obj(json.loads((EXAMPLES / "cases" / "s17-overdue.json").read_text()))
    result = diff_case(EDITIONS, "2018", "2023", case, dt.date(2025, 6, 1))
    page = diff_html(diff_editions("2018", "2023"), result)
    assert '<span class="status tone-bad">overdue</span>' in page
    assert '<span class="date">2025-02-21</span>' in page
