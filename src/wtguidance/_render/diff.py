"""Render an :class:`EditionDiff` (and optionally a :class:`CaseDiff`) for people.

Four formats: terminal text (rich tables), Markdown (also the committed
``docs/changes`` pages), JSON (``model_dump(mode="json")``, with the case under
``"case"``) and one self-contained HTML page with side-by-side tables and linked
citations. Everything taken from packs or cases is escaped for the format it lands in.

Terminal text and JSON are here; Markdown is :mod:`wtguidance._render.diff_markdown`, HTML
:mod:`wtguidance._render.diff_html`, and the plain-text building blocks every format shares
:mod:`wtguidance._render.diff_parts`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from pydantic import JsonValue
from rich.console import RenderableType
from rich.text import Text

from wtguidance._render.diff_html import diff_html
from wtguidance._render.diff_markdown import diff_markdown
from wtguidance._render.diff_parts import (
    CASE_LEGEND,
    LEGEND,
    TITLES,
    UNCHANGED,
    Cell,
    case_rows,
    diff_heading,
    direction_note,
    evidence_words,
    field_change,
    item_details,
    plain_cell,
    short_cite,
    shown_fields,
)
from wtguidance._render.style import status_text
from wtguidance._render.text import PARAGRAPHS_NOT_VERIFIED, TextTable, one_line, render_rich
from wtguidance.diff import CaseDiff, EditionDiff

__all__ = ["diff_html", "diff_json", "diff_markdown", "diff_text"]

_case_rows = case_rows  # the names tests/diff/test_diff_case_rows.py reads
_plain = plain_cell

# --- JSON -------------------------------------------------------------------------------


def diff_json(diff: EditionDiff, case: CaseDiff | None = None) -> str:
    data: dict[str, JsonValue] = diff.model_dump(mode="json")
    if case is not None:
        data["case"] = case.model_dump(mode="json")
    return json.dumps(data, indent=2, ensure_ascii=False)


# --- text (rich) ------------------------------------------------------------------------


def _rich_cell(cell: Cell) -> Text:
    status, detail = cell
    text = status_text(status) if status else Text()
    if detail:
        text.append((" " if status else "") + one_line(detail))
    return text


def _t(value: object) -> Text:
    """A cell of one value or more, one per line: each line kept on its line (one_line)."""
    return Text("\n".join(one_line(line) for line in str(value).split("\n")))


def _text_parts(diff: EditionDiff, case: CaseDiff | None) -> Iterator[RenderableType | TextTable]:
    yield Text(one_line(diff_heading(diff)), style="bold")
    note = direction_note(diff)
    if note:
        yield Text(note, style="yellow")
    legend = [LEGEND] + ([CASE_LEGEND] if case is not None else [])
    yield Text("Legend: " + "; ".join(legend), style="dim")
    for key, section in diff.sections():
        title = TITLES[key]
        if section.empty:
            yield Text(f"{title}: no changes ({len(section.unchanged)} unchanged)")
            continue
        rows: list[tuple[Text, ...]] = []
        for item in section.removed:
            about = f"{item.summary}\n{item_details(item)}\n{short_cite(item.citation)}"
            rows.append((Text("−", style="red"), _t(item.id), Text("removed"), _t(about), _t("—")))
        for item in section.added:
            about = f"{item.summary}\n{item_details(item)}\n{short_cite(item.citation)}"
            rows.append((Text("+", style="green"), _t(item.id), Text("added"), _t("—"), _t(about)))
        for changed in section.changed:
            for field, (old, new) in shown_fields(changed):
                before, after, moved = field_change(old, new)
                rows.append(
                    (
                        Text("~", style="yellow"),
                        _t(changed.id),
                        _t(field),
                        _t(before),
                        _t(after + (f"\n({moved})" if moved else "")),
                    )
                )
            rows.append(
                (
                    Text(""),
                    _t(changed.id),
                    Text("citation"),
                    _t(short_cite(changed.from_citation)),
                    _t(short_cite(changed.to_citation)),
                )
            )
        yield TextTable(
            (("", True), ("id", True), ("field", True), (diff.from_, False), (diff.to, False)),
            tuple(rows),
            title=title,
            show_lines=True,
        )
        if section.unchanged:
            yield Text(
                f"{UNCHANGED}: "
                + ", ".join(
                    u.id + (f" ({evidence_words(u)})" if u.evidence else "")
                    for u in section.unchanged
                ),
                style="dim",
            )
    if case is not None:
        yield Text("")
        yield Text(
            f"Case {one_line(case.case_id)} as of {case.as_of}: {case.changed_count} item(s) "
            "judged differently",
            style="bold",
        )
        yield TextTable(
            (("", True), ("kind", True), ("item", False), (case.from_, False), (case.to, False)),
            tuple(
                (
                    Text("≠" if differs else "", style="yellow"),
                    Text(kind),
                    _t(label),
                    _rich_cell(left),
                    _rich_cell(right),
                )
                for kind, label, left, right, differs in case_rows(case)
            ),
        )


def diff_text(
    diff: EditionDiff, case: CaseDiff | None = None, *, color: bool = False, width: int = 120
) -> str:
    parts = [*_text_parts(diff, case), Text(PARAGRAPHS_NOT_VERIFIED, style="dim")]
    return render_rich(parts, width=width, color=color)
