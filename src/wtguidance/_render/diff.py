"""Render an :class:`EditionDiff` (and optionally a :class:`CaseDiff`) for people.

Four formats: terminal text (rich tables), Markdown (also the committed
``docs/changes`` pages), JSON (``model_dump(mode="json")``, with the case under
``"case"``) and one self-contained HTML page with side-by-side tables and linked
citations. Everything taken from packs or cases is escaped for the format it lands in.
"""

from __future__ import annotations

import html
import io
import json
from collections.abc import Iterator
from urllib.parse import quote

from pydantic import JsonValue
from rich.console import Console
from rich.table import Table
from rich.text import Text

from wtguidance._pack.describe import cite
from wtguidance._pack.model import Citation
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
from wtguidance.results import CitationView

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


# --- plain-text building blocks shared by every format ---------------------------------


def _value(value: JsonValue) -> str:
    """A field value in words: timescales, role lists, oversight, variants."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        if set(value) == {"working_days"}:
            n = value["working_days"]
            return f"{n} working day{'' if n == 1 else 's'}"
        if set(value) == {"months"}:
            n = value["months"]
            return f"{n} month{'' if n == 1 else 's'}"
        if set(value) == {"chapter", "section", "paragraph"}:
            chapter = f"ch.{value['chapter']} " if value["chapter"] else ""
            para = f" para {value['paragraph']}" if value["paragraph"] else ""
            return f"{chapter}“{value['section']}”{para}"
        return "; ".join(f"{k.replace('_', ' ')}: {_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return ", ".join(str(v) for v in value) if value else "(none)"
        return " | ".join(_value(v) for v in value)
    return str(value)


def _change(old: JsonValue, new: JsonValue) -> tuple[str, str, str]:
    """(old, new, what moved) for one changed field; role lists also say +/−."""
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


def _cite(view: CitationView) -> str:
    return cite(Citation(**view.model_dump()))


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


def _obligation_cell(side: ObligationSide | None) -> str:
    if side is None:
        return "does not apply"
    limit = _value(dict(side.timescale)) if side.timescale else "no timescale"
    due = f", due {side.due}" if side.due else ""
    done = f", done {side.satisfied_on}" if side.satisfied_on else ""
    return f"{side.status} ({limit} from {side.clock_event}{due}{done})"


def _holder_cell(side: CaseHolderSide | None) -> str:
    if side is None:
        return "no rule"
    return ("compliant" if side.compliant else "not compliant") + f": {side.reason}"


def _sign_off_cell(side: SignOffSide | None) -> str:
    if side is None:
        return "not required"
    given = f" on {side.given_on}" if side.given_on else ""
    return f"{side.status}{given} (by {', '.join(side.required_roles)})"


def _case_rows(case: CaseDiff) -> Iterator[tuple[str, str, str, str, bool]]:
    """(section, item, from cell, to cell, changed) for every lined-up row."""
    for o in case.obligations:
        yield "obligation", f"{o.id} (clock {o.clock})", *_cells_o(o.from_, o.to), o.changed
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


def _cells_o(a: ObligationSide | None, b: ObligationSide | None) -> tuple[str, str]:
    return _obligation_cell(a), _obligation_cell(b)


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


def diff_text(
    diff: EditionDiff, case: CaseDiff | None = None, *, color: bool = False, width: int = 120
) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False
    )
    console.print(Text(_heading(diff), style="bold"))
    note = _direction_note(diff)
    if note:
        console.print(Text(note, style="yellow"))
    for key, section in diff.sections():
        title = _TITLES[key]
        if section.empty:
            console.print(Text(f"{title}: no changes ({len(section.unchanged)} unchanged)"))
            continue
        table = Table(title=title, title_justify="left", show_lines=True)
        for column in ("", "id", "field", diff.from_, diff.to):
            table.add_column(column)
        for item in section.removed:
            table.add_row(
                Text("−", style="red"),
                Text(item.id),
                Text("removed"),
                Text(f"{item.summary}\n{_details(item)}\n{_cite(item.citation)}"),
                Text("—"),
            )
        for item in section.added:
            table.add_row(
                Text("+", style="green"),
                Text(item.id),
                Text("added"),
                Text("—"),
                Text(f"{item.summary}\n{_details(item)}\n{_cite(item.citation)}"),
            )
        for changed in section.changed:
            for field, (old, new) in _fields(changed):
                before, after, moved = _change(old, new)
                table.add_row(
                    Text("~", style="yellow"),
                    Text(changed.id),
                    Text(field),
                    Text(before),
                    Text(after + (f"\n({moved})" if moved else "")),
                )
            table.add_row(
                Text(""),
                Text(changed.id),
                Text("citation"),
                Text(_cite(changed.from_citation)),
                Text(_cite(changed.to_citation)),
            )
        console.print(table)
        if section.unchanged:
            console.print(
                Text(
                    "Unchanged: "
                    + ", ".join(
                        u.id + (f" [evidence: {_evidence(u)}]" if u.evidence else "")
                        for u in section.unchanged
                    ),
                    style="dim",
                )
            )
    if case is not None:
        console.print()
        console.print(
            Text(
                f"Case {case.case_id} as of {case.as_of}: {case.changed_count} item(s) judged "
                "differently",
                style="bold",
            )
        )
        table = Table(show_lines=False)
        for column in ("", "kind", "item", case.from_, case.to):
            table.add_column(column)
        for kind, label, left, right, differs in _case_rows(case):
            table.add_row(
                Text("≠" if differs else "", style="yellow"),
                Text(kind),
                Text(label),
                Text(left),
                Text(right),
            )
        console.print(table)
    return buffer.getvalue()


# --- Markdown ---------------------------------------------------------------------------


def _md(text: object) -> str:
    """Escape for a Markdown table cell or inline text (no HTML, no table breaks)."""
    value = str(text)
    for char in ("\\", "|", "*", "_", "`", "[", "]", "<", ">"):
        value = value.replace(char, "\\" + char)
    return value.replace("\n", " ")


_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def _md_link(view: CitationView) -> str:
    label = _md(_cite(view))
    url = view.url
    if url.startswith(("https://", "http://")):
        return f"[{label}](<{quote(url, safe=_URL_SAFE)}>)"
    return label


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
        lines += ["### Changed", "", f"| id | field | {_md(a)} | {_md(b)} |", "|---|---|---|---|"]
        for item in section.changed:
            lines += _md_changed(item)
        lines.append("")
        for noted in section.changed:
            if noted.note:
                lines += [f"- `{noted.id}`: {_md(noted.note)}."]
        if any(item.note for item in section.changed):
            lines.append("")
    if section.unchanged:
        parts = []
        for u in section.unchanged:
            moved = f" (now cited at {_md_link(u.to_citation)})" if u.moved else ""
            evidence = f" [evidence: {_md(_evidence(u))}]" if u.evidence else ""
            parts.append(f"`{u.id}`{moved}{evidence}")
        lines += ["Unchanged: " + ", ".join(parts) + ".", ""]
    return lines


def _md_item(item: AddedItem) -> str:
    details = _details(item)
    return (
        f"- **`{item.id}`** — {_md(item.summary)}"
        + (f" *{_md(details)}.*" if details else "")
        + f" Cited: {_md_link(item.citation)}."
    )


def _md_changed(item: ChangedItem) -> list[str]:
    rows = []
    for field, (old, new) in _fields(item):
        before, after, moved = _change(old, new)
        after_cell = _md(after) + (f" ({_md(moved)})" if moved else "")
        rows.append(f"| `{item.id}` | {_md(field)} | {_md(before)} | {after_cell} |")
    old_link, new_link = _md_link(item.from_citation), _md_link(item.to_citation)
    rows.append(f"| `{item.id}` | citation | {old_link} | {new_link} |")
    return rows


def diff_markdown(
    diff: EditionDiff, case: CaseDiff | None = None, *, generated: bool = False
) -> str:
    lines = [f"# {_md(_heading(diff))}", ""]
    if generated:
        lines += [
            "<!-- Generated by `python -m wtguidance.diff --write-docs docs/changes`; "
            "do not edit. -->",
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
        lines += [f"> {_md(note)}", ""]
    for key, section in diff.sections():
        lines += _md_section(_TITLES[key], section, diff.from_, diff.to)
    if case is not None:
        lines += [
            f"## Case {_md(case.case_id)} as of {case.as_of}",
            "",
            f"{case.changed_count} item(s) judged differently under {case.from_} and {case.to}.",
            "",
            f"| | kind | item | {_md(case.from_)} | {_md(case.to)} |",
            "|---|---|---|---|---|",
        ]
        for kind, label, left, right, changed in _case_rows(case):
            mark = "≠" if changed else ""
            lines.append(f"| {mark} | {kind} | {_md(label)} | {_md(left)} | {_md(right)} |")
        lines += ["", "Citations: " + "; ".join(_md_link(c) for c in _case_citations(case)), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# --- HTML -------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #b1b4b6; padding: 0.35rem 0.5rem; vertical-align: top; }
th, td { text-align: left; }
th { background: #f3f2f1; }
tr.added td.new, tr.added td.mark { background: #e6f4ea; }
tr.removed td.old, tr.removed td.mark { background: #fdecea; }
tr.changed td.mark, tr.differs td.mark { background: #fff4d6; }
.summary { display: block; }
.meta { color: #505a5f; font-size: 0.9em; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html_link(view: CitationView) -> str:
    label = _e(_cite(view))
    if view.url.startswith(("https://", "http://")):
        return f'<a href="{_e(view.url)}" rel="noreferrer">{label}</a>'
    return label


def _html_item(item: AddedItem) -> str:
    details = _details(item)
    return (
        f'<span class="summary">{_e(item.summary)}</span>'
        + (f'<span class="meta">{_e(details)}</span><br>' if details else "")
        + _html_link(item.citation)
    )


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
                extra = f'<br><span class="meta">{_e(moved)}</span>' if moved else ""
                out.append(
                    f'<tr class="changed"><td class="mark">~</td>'
                    f"<td><code>{_e(changed.id)}</code></td><td>{_e(field)}</td>"
                    f'<td class="old">{_e(before)}</td><td class="new">{_e(after)}{extra}</td>'
                    "</tr>"
                )
            note = f'<br><span class="meta">{_e(changed.note)}</span>' if changed.note else ""
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
            + (f' <span class="meta">evidence: {_e(_evidence(u))}</span>' if u.evidence else "")
            + "</li>"
            for u in section.unchanged
        )
        out.append(f'<p>Unchanged:</p><ul class="unchanged">{items}</ul>')
    return out


def diff_html(diff: EditionDiff, case: CaseDiff | None = None) -> str:
    """One self-contained page (inline CSS, no scripts, no external resources)."""
    title = _heading(diff)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
    ]
    note = _direction_note(diff)
    if note:
        out.append(f"<p><strong>{_e(note)}</strong></p>")
    for key, section in diff.sections():
        out += _html_section(_TITLES[key], section, diff.from_, diff.to)
    if case is not None:
        out += [
            f"<h2>Case {_e(case.case_id)} as of {_e(case.as_of)}</h2>",
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
                f"<td>{_e(kind)}</td><td>{_e(label)}</td><td>{_e(left)}</td>"
                f"<td>{_e(right)}</td></tr>"
            )
        out += ["</tbody>", "</table>", "<h3>Citations</h3>", "<ul>"]
        out += [f"<li>{_html_link(c)}</li>" for c in _case_citations(case)]
        out.append("</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
