"""Render an :class:`~wtguidance.diff.EditionDiff` (and optionally a
:class:`~wtguidance.diff.CaseDiff`) as one self-contained HTML page: side-by-side tables
and linked citations, inline CSS, no scripts.

Everything taken from packs or cases is escaped for HTML.
"""

from __future__ import annotations

from wtguidance._render.diff_parts import (
    TITLES,
    UNCHANGED,
    Cell,
    case_citations,
    case_rows,
    diff_heading,
    direction_note,
    evidence_words,
    field_change,
    item_details,
    short_cite,
    shown_fields,
)
from wtguidance._render.style import html_page, nowrap_dates, status_html
from wtguidance._render.text import PARAGRAPHS_NOT_VERIFIED, html_text
from wtguidance.diff import AddedItem, CaseDiff, EditionDiff, SectionDiff
from wtguidance.results import CitationView

__all__ = ["diff_html"]


_CSS = """
tr.added td.new, tr.added td.mark { background: #e6f4ea; }
tr.removed td.old, tr.removed td.mark { background: #fdecea; }
tr.changed td.mark, tr.differs td.mark { background: #fff4d6; }
.summary { display: block; }
dl.legend { display: grid; grid-template-columns: auto 1fr; gap: 0 0.75rem; }
dl.legend dt { font-weight: bold; text-align: center; }
dl.legend dd { margin: 0; }
"""

_e = html_text


def _h(text: object) -> str:
    """Text for an HTML text node: escaped, with every date kept on one line."""
    return nowrap_dates(html_text(text))


def _html_link(view: CitationView) -> str:
    label = _e(short_cite(view))
    if view.url.startswith(("https://", "http://")):
        return f'<a href="{_e(view.url)}" rel="noreferrer">{label}</a>'
    return label


def _html_item(item: AddedItem) -> str:
    details = item_details(item)
    return (
        f'<span class="summary">{_h(item.summary)}</span>'
        + (f'<span class="meta">{_h(details)}</span><br>' if details else "")
        + _html_link(item.citation)
    )


def _html_cell(cell: Cell) -> str:
    status, detail = cell
    shown = status_html(status) + (" " if status and detail else "") if status else ""
    return shown + _h(detail)


def _html_legend(case: CaseDiff | None) -> list[str]:
    marks = [("+", "added"), ("−", "removed"), ("~", "changed: each field, then the citation")]
    if case is not None:
        marks.append(("≠", "judged differently under the two editions"))
    items = "".join(f"<dt>{_e(mark)}</dt><dd>{_e(meaning)}</dd>" for mark, meaning in marks)
    return [f'<dl class="legend">{items}</dl>']


def _html_section(title: str, section: SectionDiff, a: str, b: str) -> list[str]:
    out = [f"<h2>{_e(title)}</h2>"]
    if section.empty:
        out.append("<p>No changes.</p>")
    else:
        out += [
            '<table class="side-by-side">',
            f"<thead><tr><th></th><th>id</th><th>field</th><th>{_e(a)}</th><th>{_e(b)}</th>"
            "</tr></thead>",
            "<tbody>",
        ]
        for item in section.removed:
            out.append(
                f'<tr class="removed"><td class="mark">−</td><td><code>{_e(item.id)}</code></td>'
                f'<td>removed</td><td class="old">{_html_item(item)}</td><td class="new">—</td>'
                "</tr>"
            )
        for item in section.added:
            out.append(
                f'<tr class="added"><td class="mark">+</td><td><code>{_e(item.id)}</code></td>'
                f'<td>added</td><td class="old">—</td><td class="new">{_html_item(item)}</td>'
                "</tr>"
            )
        for changed in section.changed:
            for field, (old, new) in shown_fields(changed):
                before, after, moved = field_change(old, new)
                extra = f'<br><span class="meta">{_h(moved)}</span>' if moved else ""
                out.append(
                    f'<tr class="changed"><td class="mark">~</td>'
                    f"<td><code>{_e(changed.id)}</code></td><td>{_e(field)}</td>"
                    f'<td class="old">{_h(before)}</td><td class="new">{_h(after)}{extra}</td>'
                    "</tr>"
                )
            note = f'<br><span class="meta">{_h(changed.note)}</span>' if changed.note else ""
            out.append(
                f'<tr class="changed"><td class="mark"></td><td><code>{_e(changed.id)}</code>'
                f'</td><td>citation</td><td class="old">{_html_link(changed.from_citation)}</td>'
                f'<td class="new">{_html_link(changed.to_citation)}{note}</td></tr>'
            )
        out += ["</tbody>", "</table>"]
    if section.unchanged:  # one per line: a long run of them in a paragraph is hard to read
        items = "".join(
            f"<li><code>{_e(u.id)}</code>"
            + (f" (now cited at {_html_link(u.to_citation)})" if u.moved else "")
            + (f' <span class="meta">{_h(evidence_words(u))}</span>' if u.evidence else "")
            + "</li>"
            for u in section.unchanged
        )
        out.append(f'<p>{_e(UNCHANGED)}:</p><ul class="unchanged">{items}</ul>')
    return out


def diff_html(diff: EditionDiff, case: CaseDiff | None = None) -> str:
    """One self-contained page (inline CSS, no scripts, no external resources)."""
    title = diff_heading(diff)
    out = [f"<h1>{_e(title)}</h1>"]
    note = direction_note(diff)
    if note:
        out.append(f"<p><strong>{_e(note)}</strong></p>")
    out.append(f'<p class="meta">{_e(PARAGRAPHS_NOT_VERIFIED)}</p>')
    out += _html_legend(case)
    for key, section in diff.sections():
        out += _html_section(TITLES[key], section, diff.from_, diff.to)
    if case is not None:
        out += [
            f"<h2>Case {_e(case.case_id)} as of {nowrap_dates(_e(case.as_of))}</h2>",
            f"<p>{case.changed_count} item(s) judged differently.</p>",
            '<table class="side-by-side case">',
            f"<thead><tr><th></th><th>kind</th><th>item</th><th>{_e(case.from_)}</th>"
            f"<th>{_e(case.to)}</th></tr></thead>",
            "<tbody>",
        ]
        for kind, label, left, right, changed in case_rows(case):
            css = "differs" if changed else "same"
            out.append(
                f'<tr class="{css}"><td class="mark">{"≠" if changed else ""}</td>'
                f'<td class="key">{_e(kind)}</td><td>{nowrap_dates(_e(label))}</td>'
                f"<td>{_html_cell(left)}</td><td>{_html_cell(right)}</td></tr>"
            )
        out += ["</tbody>", "</table>", "<h3>Citations</h3>", "<ul>"]
        out += [f"<li>{_html_link(c)}</li>" for c in case_citations(case)]
        out.append("</ul>")
    return html_page(title, out, _CSS)
