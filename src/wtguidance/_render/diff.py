"""Render an :class:`EditionDiff` (and optionally a :class:`CaseDiff`) for people.

Four formats: terminal text (rich tables), Markdown (also the committed
``docs/changes`` pages), JSON (``model_dump(mode="json")``, with the case under
``"case"``) and one self-contained HTML page with side-by-side tables and linked
citations. Everything taken from packs or cases is escaped for the format it lands in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from pydantic import JsonValue
from rich.console import RenderableType
from rich.text import Text

from wtguidance._render.style import html_page, nowrap_dates, status_html, status_text
from wtguidance._render.text import (
    PARAGRAPHS_NOT_VERIFIED,
    TextTable,
    citation_line,
    html_text,
    md_code,
    md_link,
    md_text,
    one_line,
    plain_value,
    render_rich,
)
from wtguidance.diff import (
    AddedItem,
    CaseDiff,
    CaseHolderRow,
    CaseHolderSide,
    ChangedItem,
    EditionDiff,
    ObligationRow,
    ObligationSide,
    SectionDiff,
    SignOffRow,
    SignOffSide,
    UnchangedItem,
)
from wtguidance.results import CitationView, PersonView

__all__ = ["diff_html", "diff_json", "diff_markdown", "diff_text"]

_TITLES = {"obligations": "Obligations", "case_holders": "Case-holders", "sign_offs": "Sign-offs"}
_KEY_FIELDS = (
    "timescale",
    "clock",
    "actor",
    "modality",
    "roles",
    "lead_social_work_qualified",
    "oversight",
    "subject",
    "sign_off_roles",
    "social_work_qualified",
    "in_force_from",
)
_LEGEND = "+ added   − removed   ~ changed (each field, then the citation)"
_CASE_LEGEND = "≠ judged differently under the two editions"

# --- plain-text building blocks shared by every format ---------------------------------

_value = plain_value


def _change(old: JsonValue, new: JsonValue) -> tuple[str, str, str]:
    """(old, new, what moved) for one changed field.

    For a list of names the new side is what was kept and "what moved" says ``+ added;
    − removed``, so that no name is listed twice.
    """
    extra = ""
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and all(isinstance(v, str) for v in (*old, *new))
    ):
        plus = [str(v) for v in new if v not in old]
        minus = [str(v) for v in old if v not in new]
        extra = "; ".join(
            part
            for part in (
                f"+ {', '.join(plus)}" if plus else "",
                f"− {', '.join(minus)}" if minus else "",
            )
            if part
        )
        if extra:  # the new list as what was kept, then what moved: no role named twice
            kept = [str(v) for v in new if v in old]
            return _value(old), ", ".join(kept) if kept else "(none kept)", extra
    return _value(old), _value(new), extra


def _fields(item: ChangedItem) -> list[tuple[str, tuple[JsonValue, JsonValue]]]:
    """Changed fields to show; a moved citation is shown by the full "citation" row."""
    fields = [(k, v) for k, v in item.changes.items() if k != "citation"]
    return fields + [(f"{k} (evidence)", v) for k, v in item.evidence.items()]


def _evidence(item: UnchangedItem) -> str:
    """``confidence high → medium`` for an unchanged item whose evidence differs."""
    return "; ".join(
        f"{name} {_value(old)} → {_value(new)}" for name, (old, new) in item.evidence.items()
    )


UNCHANGED = "Unchanged (the same rule; only its citation or how sure we are may differ)"
"""What "unchanged" means in a diff: a change of citation or of our evidence is not a change
of the duty, and is said beside it."""


def _evidence_words(item: UnchangedItem) -> str:
    """``how sure we are: confidence high → medium``, for an unchanged item."""
    return f"how sure we are: {_evidence(item)}"


def _cite(view: CitationView) -> str:
    return citation_line(view, say_unverified=False)  # said once per output instead


def _details(item: AddedItem) -> str:
    return "; ".join(
        f"{name.replace('_', ' ')}: {_value(item.details[name])}"
        for name in _KEY_FIELDS
        if name in item.details and item.details[name] is not None
    )


def _heading(diff: EditionDiff) -> str:
    return f"Working Together {diff.from_} → {diff.to}"


def _direction_note(diff: EditionDiff) -> str | None:
    if diff.from_ > diff.to:
        return (
            f"{diff.from_} is the later edition: this diff runs backwards in time "
            f"(“added” means present in {diff.to} but not in {diff.from_})."
        )
    return None


# A case cell is (status, detail): the status is coloured where the format allows.
Cell = tuple[str, str]


def _obligation_cell(side: ObligationSide | None) -> Cell:
    if side is None:
        return "", "does not apply"
    limit = _value(dict(side.timescale)) if side.timescale else "no timescale"
    due = f", due {side.due}" if side.due else ""
    done = f", done {side.satisfied_on}" if side.satisfied_on else ""
    return side.status, f"({limit} from {side.clock_event}{due}{done})"


def _holder_cell(side: CaseHolderSide | None) -> Cell:
    if side is None:
        return "", "no rule"
    return ("compliant" if side.compliant else "not compliant"), f"({side.reason})"


def _person(person: PersonView) -> str:
    return person.role + (" (SW-qualified)" if person.social_work_qualified else "")


def _sign_off_cell(side: SignOffSide | None) -> Cell:
    if side is None:
        return "", "not required"
    parts = []
    if side.given_on:
        parts.append(f"on {side.given_on}")
    if side.signed_by is not None:
        parts.append(f"by {_person(side.signed_by)}")
    qualified = "; social-work qualified" if side.required_social_work_qualified else ""
    parts.append(f"(permitted: {', '.join(side.required_roles)}{qualified})")
    return side.status, " ".join(parts)


def _case_rows(case: CaseDiff) -> Iterator[tuple[str, str, Cell, Cell, bool]]:
    """(section, item, from cell, to cell, changed) for every lined-up row."""
    for o in case.obligations:
        label = f"{o.id} (clock {o.clock})"
        yield "obligation", label, _obligation_cell(o.from_), _obligation_cell(o.to), o.changed
    for h in case.case_holders:
        label = (
            f"{h.stage} allocated {h.allocation_date} to {h.practitioner_role}"
            if h.allocation_date
            else f"{h.stage} (no allocation)"
        )
        yield "case-holder", label, _holder_cell(h.from_), _holder_cell(h.to), h.changed
    for s in case.sign_offs:
        when = f" (subject done {s.subject_date})" if s.subject_date else ""
        yield "sign-off", f"{s.id}{when}", _sign_off_cell(s.from_), _sign_off_cell(s.to), s.changed


def _plain(cell: Cell) -> str:
    return " ".join(part for part in cell if part)


def _case_citations(case: CaseDiff) -> list[CitationView]:
    """Distinct citations behind the case rows, in order of first use."""
    seen: list[CitationView] = []
    rows: list[ObligationRow | CaseHolderRow | SignOffRow] = [
        *case.obligations,
        *case.case_holders,
        *case.sign_offs,
    ]
    for row in rows:
        for side in (row.from_, row.to):
            if side is not None and side.citation not in seen:
                seen.append(side.citation)
    return seen


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
    yield Text(one_line(_heading(diff)), style="bold")
    note = _direction_note(diff)
    if note:
        yield Text(note, style="yellow")
    legend = [_LEGEND] + ([_CASE_LEGEND] if case is not None else [])
    yield Text("Legend: " + "; ".join(legend), style="dim")
    for key, section in diff.sections():
        title = _TITLES[key]
        if section.empty:
            yield Text(f"{title}: no changes ({len(section.unchanged)} unchanged)")
            continue
        rows: list[tuple[Text, ...]] = []
        for item in section.removed:
            about = f"{item.summary}\n{_details(item)}\n{_cite(item.citation)}"
            rows.append((Text("−", style="red"), _t(item.id), Text("removed"), _t(about), _t("—")))
        for item in section.added:
            about = f"{item.summary}\n{_details(item)}\n{_cite(item.citation)}"
            rows.append((Text("+", style="green"), _t(item.id), Text("added"), _t("—"), _t(about)))
        for changed in section.changed:
            for field, (old, new) in _fields(changed):
                before, after, moved = _change(old, new)
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
                    _t(_cite(changed.from_citation)),
                    _t(_cite(changed.to_citation)),
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
                    u.id + (f" ({_evidence_words(u)})" if u.evidence else "")
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
                for kind, label, left, right, differs in _case_rows(case)
            ),
        )


def diff_text(
    diff: EditionDiff, case: CaseDiff | None = None, *, color: bool = False, width: int = 120
) -> str:
    parts = [*_text_parts(diff, case), Text(PARAGRAPHS_NOT_VERIFIED, style="dim")]
    return render_rich(parts, width=width, color=color)


# --- Markdown ---------------------------------------------------------------------------


def _md_link(view: CitationView) -> str:
    return md_link(_cite(view), view.url)


def _md_section(title: str, section: SectionDiff, a: str, b: str) -> list[str]:
    lines = [f"## {title}", ""]
    if section.empty:
        lines += ["No changes.", ""]
    if section.removed:
        lines += ["### Removed", ""]
        lines += [_md_item(item) for item in section.removed] + [""]
    if section.added:
        lines += ["### Added", ""]
        lines += [_md_item(item) for item in section.added] + [""]
    if section.changed:
        lines += [
            "### Changed",
            "",
            f"| id | field | {md_text(a)} | {md_text(b)} |",
            "|---|---|---|---|",
        ]
        for item in section.changed:
            lines += _md_changed(item)
        lines.append("")
        for noted in section.changed:
            if noted.note:
                lines += [f"- {md_code(noted.id)}: {md_text(noted.note)}."]
        if any(item.note for item in section.changed):
            lines.append("")
    if section.unchanged:
        lines += [f"{UNCHANGED}:", ""]
        urls: list[str] = []
        for u in section.unchanged:
            moved = ""
            if u.moved:  # the citation's text here; each address once, below the list
                moved = f"; now cited at {md_text(_cite(u.to_citation))}"
                if u.to_citation.url not in urls:
                    urls.append(u.to_citation.url)
            evidence = f"; {md_text(_evidence_words(u))}" if u.evidence else ""
            lines.append(f"- {md_code(u.id)}{moved}{evidence}")
        lines.append("")
        if urls:
            lines += ["The text cited: " + ", ".join(md_link(f"WT{b}", url) for url in urls), ""]
    return lines


def _md_item(item: AddedItem) -> str:
    details = _details(item)
    return (
        f"- **{md_code(item.id)}** — {md_text(item.summary)}"
        + (f" *{md_text(details)}.*" if details else "")
        + f" Cited: {_md_link(item.citation)}."
    )


def _md_changed(item: ChangedItem) -> list[str]:
    rows = []
    for field, (old, new) in _fields(item):
        before, after, moved = _change(old, new)
        after_cell = md_text(after) + (f" ({md_text(moved)})" if moved else "")
        rows.append(f"| {md_code(item.id)} | {md_text(field)} | {md_text(before)} | {after_cell} |")
    old_link, new_link = _md_link(item.from_citation), _md_link(item.to_citation)
    rows.append(f"| {md_code(item.id)} | citation | {old_link} | {new_link} |")
    return rows


def diff_markdown(
    diff: EditionDiff, case: CaseDiff | None = None, *, generated: bool = False
) -> str:
    lines = [f"# {md_text(_heading(diff))}", ""]
    if generated:
        lines += [
            "<!-- Generated by `make docs` (python -m wtguidance._generate); do not edit. -->",
            "",
        ]
    lines += [
        "Obligations are keyed by their stable id, case-holder rules by stage and sign-offs "
        "by id. A duty that only moved to a different chapter or section is listed as "
        "unchanged, with its new citation. Paragraph numbers are shown only where verified.",
        "",
    ]
    note = _direction_note(diff)
    if note:
        lines += [f"> {md_text(note)}", ""]
    for key, section in diff.sections():
        lines += _md_section(_TITLES[key], section, diff.from_, diff.to)
    if case is not None:
        lines += [
            f"## Case {md_text(case.case_id)} as of {case.as_of}",
            "",
            f"{case.changed_count} item(s) judged differently under {md_text(case.from_)} and "
            f"{md_text(case.to)}; {md_text(_CASE_LEGEND)}.",
            "",
            f"| | kind | item | {md_text(case.from_)} | {md_text(case.to)} |",
            "|---|---|---|---|---|",
        ]
        for kind, label, left, right, changed in _case_rows(case):
            mark = "≠" if changed else ""
            lines.append(
                f"| {mark} | {kind} | {md_text(label)} | {md_text(_plain(left))} "
                f"| {md_text(_plain(right))} |"
            )
        lines += ["", "Citations: " + "; ".join(_md_link(c) for c in _case_citations(case)), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# --- HTML -------------------------------------------------------------------------------

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
    label = _e(_cite(view))
    if view.url.startswith(("https://", "http://")):
        return f'<a href="{_e(view.url)}" rel="noreferrer">{label}</a>'
    return label


def _html_item(item: AddedItem) -> str:
    details = _details(item)
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
            for field, (old, new) in _fields(changed):
                before, after, moved = _change(old, new)
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
            + (f' <span class="meta">{_h(_evidence_words(u))}</span>' if u.evidence else "")
            + "</li>"
            for u in section.unchanged
        )
        out.append(f'<p>{_e(UNCHANGED)}:</p><ul class="unchanged">{items}</ul>')
    return out


def diff_html(diff: EditionDiff, case: CaseDiff | None = None) -> str:
    """One self-contained page (inline CSS, no scripts, no external resources)."""
    title = _heading(diff)
    out = [f"<h1>{_e(title)}</h1>"]
    note = _direction_note(diff)
    if note:
        out.append(f"<p><strong>{_e(note)}</strong></p>")
    out.append(f'<p class="meta">{_e(PARAGRAPHS_NOT_VERIFIED)}</p>')
    out += _html_legend(case)
    for key, section in diff.sections():
        out += _html_section(_TITLES[key], section, diff.from_, diff.to)
    if case is not None:
        out += [
            f"<h2>Case {_e(case.case_id)} as of {nowrap_dates(_e(case.as_of))}</h2>",
            f"<p>{case.changed_count} item(s) judged differently.</p>",
            '<table class="side-by-side case">',
            f"<thead><tr><th></th><th>kind</th><th>item</th><th>{_e(case.from_)}</th>"
            f"<th>{_e(case.to)}</th></tr></thead>",
            "<tbody>",
        ]
        for kind, label, left, right, changed in _case_rows(case):
            css = "differs" if changed else "same"
            out.append(
                f'<tr class="{css}"><td class="mark">{"≠" if changed else ""}</td>'
                f'<td class="key">{_e(kind)}</td><td>{nowrap_dates(_e(label))}</td>'
                f"<td>{_html_cell(left)}</td><td>{_html_cell(right)}</td></tr>"
            )
        out += ["</tbody>", "</table>", "<h3>Citations</h3>", "<ul>"]
        out += [f"<li>{_html_link(c)}</li>" for c in _case_citations(case)]
        out.append("</ul>")
    return html_page(title, out, _CSS)
