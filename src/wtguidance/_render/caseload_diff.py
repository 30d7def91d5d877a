"""A caseload diff (``diff A B --caseload FILE``) as text, CSV and one self-contained HTML page.

Every format reads the same :class:`~wtguidance.diff.caseload.CaseloadDiff` (JSON is its
own ``to_json``), states the records read with outcomes and rejected on each side, and
escapes text from the input for where it lands: control characters made visible on a
terminal, spreadsheet formulas defused in CSV, HTML escaped on the page (which has no
script and loads nothing: a Content-Security-Policy forbids every fetch).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
from collections.abc import Iterable, Sequence
from typing import IO

from wtguidance._render.caseload.html import PAGE_CSS
from wtguidance._render.text import visible
from wtguidance._version import __version__
from wtguidance.diff.caseload import (
    ABSENT,
    CHANGE_KINDS,
    CaseloadDiff,
    ItemChanges,
    OverdueChange,
)

__all__ = [
    "CSV_COLUMNS",
    "ROWS",
    "caseload_diff_document",
    "render_html",
    "render_text",
    "write_csv",
]

ROWS = 100
"""Rows shown per list in text and HTML (the totals are always given)."""

_KIND = {"obligation": "obligation", "sign_off": "sign-off", "case_holder": "case-holder"}
_CHANGE = {
    "appeared": "appear",
    "disappeared": "disappear",
    "due_earlier": "due earlier",
    "due_later": "due later",
    "due": "gain or lose a due date",
    "limit": "limit changes",
    "status": "status changes",
    "signer": "signer changes",
    "other": "other change",
}
_STATUS = {
    "met_late": "met late",
    "not_evidenced": "not evidenced",
    "not_compliant": "not compliant",
    "not_allocated": "not allocated",
    "unscheduled": "no timescale",
    ABSENT: "absent",
}


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _status(value: str) -> str:
    return _STATUS.get(value, value)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else "—"


def _source(diff: CaseloadDiff) -> str:
    kinds = {"cin": "CIN census", "annex-a": "Annex A", "jsonl": "JSON Lines"}
    name = diff.source or "input"
    return f"{name} ({kinds[diff.source_kind]})" if diff.source_kind in kinds else name


def _reconciliation(diff: CaseloadDiff) -> str:
    return (
        f"{diff.records} records read; on each side {diff.outcomes} outcomes + "
        f"{diff.rejected} rejected = {diff.outcomes + diff.rejected}"
    )


def _changed_items(diff: CaseloadDiff) -> list[ItemChanges]:
    return [i for i in diff.items if i.changed or i.appeared or i.disappeared]


def _moves(item: ItemChanges) -> str:
    return "; ".join(f"{_status(m.from_)} → {_status(m.to)} {m.count}" for m in item.moves)


def _counts(item: ItemChanges) -> str:
    shown = {k: n for k, n in item.changes.items() if k not in ("appeared", "disappeared")}
    return ", ".join(f"{_CHANGE[k]} {n}" for k, n in shown.items())


# --- text --------------------------------------------------------------------------------
def _columns(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return ["  " + line for line in lines]


def _overdue_rows(diff: CaseloadDiff, rows: Sequence[OverdueChange]) -> list[list[str]]:
    return [
        [
            visible(r.case_id),
            visible(r.child_id or "—"),
            r.obligation,
            r.clock.isoformat(),
            _date(r.from_due),
            _date(r.to_due),
            f"{_status(r.from_status)} → {_status(r.to_status)}",
        ]
        for r in rows[:ROWS]
    ]


def render_text(diff: CaseloadDiff) -> str:
    """The terminal report: headline, changes per id, the children affected, rejected."""
    a, b = diff.from_.short, diff.to.short
    out = [
        f"Caseload diff: {visible(diff.from_.label)} → {visible(diff.to.label)}",
        f"{visible(_source(diff))} · as of {diff.as_of}",
        _reconciliation(diff) + ".",
        f"{diff.cases_changed} of {diff.outcomes} cases change; "
        f"{_n(len(diff.becomes_overdue), 'duty becomes', 'duties become')} overdue, "
        f"{_n(len(diff.stops_overdue), 'stops', 'stop')} being overdue.",
    ]
    if not diff.complete:
        out.append("The file was not read to the end: see the last rejected record.")
    changed = _changed_items(diff)
    out += ["", f"What changes ({len(changed)} of {len(diff.items)} ids; instances {a} → {b})"]
    for item in changed:
        out.append(
            f"  {_KIND[item.kind]} {item.id}: {item.from_instances} → {item.to_instances} "
            f"instances, {item.unchanged} unchanged, {item.changed} changed, "
            f"{item.appeared} appear, {item.disappeared} disappear"
        )
        counts = _counts(item)
        if counts:
            out.append(f"      {counts}")
        if item.moves:
            out.append(f"      status: {_moves(item)}")
    if not changed:
        out.append("  Nothing changes for any case.")
    same = [i for i in diff.items if i not in changed]
    if same:
        out.append("  Unchanged: " + ", ".join(f"{i.id} ({i.unchanged})" for i in same))
    headers = ("case", "child", "obligation", "clock", f"due ({a})", f"due ({b})", "status")
    for title, rows in (
        ("Become overdue", diff.becomes_overdue),
        ("Stop being overdue", diff.stops_overdue),
    ):
        shown = f", the first {ROWS}" if len(rows) > ROWS else ""
        out += ["", f"{title} ({len(rows)}{shown})"]
        out += _columns(headers, _overdue_rows(diff, rows)) if rows else ["  None."]
    out += ["", f"Rejected ({diff.rejected})"]
    for r in diff.rejected_records[:ROWS]:
        out.append(f"  {visible(r.child_id or '—')}: {visible(r.reason)}")
    if not diff.rejected:
        out.append("  None: every record was judged under both sides.")
    return "\n".join(out) + "\n"


# --- CSV ---------------------------------------------------------------------------------
CSV_COLUMNS = (
    "record",
    "case_id",
    "child_id",
    "kind",
    "id",
    "date",
    "changes",
    "from_status",
    "to_status",
    "from_due",
    "to_due",
    "from_limit",
    "to_limit",
    "from_done_on",
    "to_done_on",
    "reason",
)


def _safe(text: str | None) -> str:
    """Input text a spreadsheet would run as a formula, prefixed with ``'``."""
    if not text:
        return ""
    return "'" + text if text[0] in "=+-@\t\r" else text


def write_csv(diff: CaseloadDiff, out: IO[str]) -> None:
    """One row per changed instance (``record`` = ``changed``), then one per rejected record."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in diff.changes:
        x, y = c.from_, c.to
        writer.writerow(
            [
                "changed",
                _safe(c.case_id),
                _safe(c.child_id),
                c.kind,
                c.id,
                c.date.isoformat() if c.date else "",
                ";".join(c.changes),
                x.status if x else ABSENT,
                y.status if y else ABSENT,
                x.due.isoformat() if x and x.due else "",
                y.due.isoformat() if y and y.due else "",
                x.limit or "" if x else "",
                y.limit or "" if y else "",
                x.done_on.isoformat() if x and x.done_on else "",
                y.done_on.isoformat() if y and y.done_on else "",
                "",
            ]
        )
    for r in diff.rejected_records:
        row = ["rejected", "", _safe(r.child_id)] + [""] * (len(CSV_COLUMNS) - 4)
        writer.writerow([*row, _safe(r.reason)])


# --- HTML --------------------------------------------------------------------------------
# the caseload report's page style, and the headline sentence of a diff
_CSS = (
    PAGE_CSS
    + ".lead{font-size:1.05rem;background:#fff;border-left:4px solid #0969da;padding:8px 16px}\n"
)

_WORSE = {"overdue", "met_late", "missing", "invalid", "not_compliant", "not_allocated"}


def _e(value: object) -> str:
    return html.escape(visible("" if value is None else str(value)), quote=True)


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: set[int]) -> str:
    def cell(tag: str, i: int, value: object) -> str:
        return (
            f'<{tag} class="n">{_e(value)}</{tag}>'
            if i in numeric
            else f"<{tag}>{_e(value)}</{tag}>"
        )

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _card(value: object, label: str, tone: str = "") -> str:
    return (
        f'<div class="card {tone}"><div class="n">{_e(value)}</div>'
        f'<div class="l">{_e(label)}</div></div>'
    )


def _headline(diff: CaseloadDiff) -> str:
    """The sentence a policy lead reads first."""
    worse = sum(
        m.count for i in diff.items for m in i.moves if m.to in _WORSE and m.from_ not in _WORSE
    )
    better = sum(
        m.count for i in diff.items for m in i.moves if m.from_ in _WORSE and m.to not in _WORSE
    )
    earlier = sum(i.changes.get("due_earlier", 0) for i in diff.items)
    later = sum(i.changes.get("due_later", 0) for i in diff.items)
    return (
        f"Judged under {diff.to.label} instead of {diff.from_.label}, {diff.cases_changed} of "
        f"{diff.outcomes} cases change: "
        f"{_n(len(diff.becomes_overdue), 'duty becomes', 'duties become')} overdue and "
        f"{_n(len(diff.stops_overdue), 'stops', 'stop')} being overdue; "
        f"{_n(worse, 'verdict gets', 'verdicts get')} worse and {better} better; "
        f"{_n(earlier, 'due date comes', 'due dates come')} earlier and {later} later."
    )


def _chart(diff: CaseloadDiff) -> tuple[str, str] | None:
    """Stacked bars: per id, its status moves (inline SVG from matplotlib, as the caseload
    report draws its charts)."""
    from wtguidance._render.caseload.charts import COLOURS, _figure, _style, _svg

    rows = [i for i in diff.items if i.moves][:20][::-1]
    if not rows:
        return None
    moves = sorted(
        {(m.from_, m.to) for i in rows for m in i.moves},
        key=lambda m: (m[1] not in _WORSE, m),
    )
    palette = [
        "#cf222e", "#d4a72c", "#8250df", "#bf3989", "#0969da", "#1a7f37", "#8c959f",
        "#57606a", "#fb8f44", "#54aeff",
    ]  # fmt: skip
    figure = _figure(9, 0.45 * len(rows) + 1.6)
    axes = figure.add_subplot()
    names = [f"{i.id} ({_KIND[i.kind]})" for i in rows]
    left = [0] * len(rows)
    for index, (was, now) in enumerate(moves):
        values = [
            next((m.count for m in i.moves if (m.from_, m.to) == (was, now)), 0) for i in rows
        ]
        colour = COLOURS.get(now) if now in _WORSE and index < 2 else palette[index % 10]
        axes.barh(
            names,
            values,
            left=left,
            color=colour,
            label=f"{_status(was)} → {_status(now)}",
            edgecolor="white",
            linewidth=0.5,
            height=0.6,
        )
        left = [x + y for x, y in zip(left, values, strict=True)]
    axes.set_xlabel("instances whose status changes", fontsize=9)
    axes.legend(fontsize=8, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3)
    _style(axes, integer_x=True)
    return (
        _svg(figure),
        f"Stacked bars: for each obligation, sign-off or case-holder stage, how many "
        f"instances move from one status under {diff.from_.label} to another under "
        f"{diff.to.label} (absent: the side has no such instance).",
    )


def render_html(diff: CaseloadDiff) -> str:
    """The page: headline, a chart of status moves, changes per id, the children affected."""
    a, b = diff.from_.short, diff.to.short
    due_moved = sum(i.changes.get(k, 0) for i in diff.items for k in ("due_earlier", "due_later"))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Caseload diff — {_e(a)} → {_e(b)} — {diff.as_of}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>What {_e(diff.to.label)} changes, against {_e(diff.from_.label)}</h1>",
        f'<p class="meta">{_e(_source(diff))} · as of {diff.as_of}</p>',
    ]
    if not diff.complete:
        parts.append(
            '<div class="alert" role="alert"><strong>The file was not read to the end.</strong> '
            "The figures cover the records read before it stopped; see Rejected.</div>"
        )
    parts.append(f'<p class="lead">{_e(_headline(diff))}</p>')
    parts.append('<section class="cards" aria-label="Headline figures">')
    parts += [
        _card(diff.records, "records read"),
        _card(
            diff.cases_changed,
            f"cases changed (of {diff.outcomes})",
            "warn" if diff.cases_changed else "good",
        ),
        _card(
            len(diff.becomes_overdue), "become overdue", "bad" if diff.becomes_overdue else "good"
        ),
        _card(len(diff.stops_overdue), "stop being overdue", "good" if diff.stops_overdue else ""),
        _card(due_moved, "due dates earlier or later", "warn" if due_moved else ""),
        _card(diff.rejected, "records rejected", "bad" if diff.rejected else ""),
    ]
    parts.append("</section>")
    chart = _chart(diff)
    parts.append("<h2>Status changes per obligation</h2>")
    if chart is not None:
        svg, caption = chart
        parts.append(
            '<figure class="chart" role="img" aria-label="Status changes per obligation">'
            f"{svg}<figcaption>{_e(caption)}</figcaption></figure>"
        )
    else:
        parts.append('<p class="note">No instance changes status.</p>')
    changed = _changed_items(diff)
    parts.append(f"<h2>What changes ({len(changed)} of {len(diff.items)})</h2>")
    if changed:
        parts.append(
            _table(
                (
                    "",
                    "id",
                    f"instances ({a})",
                    f"instances ({b})",
                    "unchanged",
                    "changed",
                    "appear",
                    "disappear",
                    "due earlier",
                    "due later",
                    "limit",
                    "status moves",
                ),
                (
                    (
                        _KIND[i.kind],
                        i.id,
                        i.from_instances,
                        i.to_instances,
                        i.unchanged,
                        i.changed,
                        i.appeared,
                        i.disappeared,
                        i.changes.get("due_earlier", 0),
                        i.changes.get("due_later", 0),
                        i.changes.get("limit", 0),
                        _moves(i) or "—",
                    )
                    for i in changed
                ),
                set(range(2, 11)),
            )
        )
    else:
        parts.append('<p class="note">Nothing changes for any case.</p>')
    headers = ("case", "child", "obligation", "clock", f"due ({a})", f"due ({b})", "status")
    for title, rows in (
        ("Children who become overdue", diff.becomes_overdue),
        ("Children who stop being overdue", diff.stops_overdue),
    ):
        parts.append(f"<h2>{title} ({len(rows)})</h2>")
        if rows:
            if len(rows) > ROWS:
                parts.append(f'<p class="note">The first {ROWS} of {len(rows)}.</p>')
            parts.append(_table(headers, _overdue_rows(diff, rows), set()))
        else:
            parts.append('<p class="note">None.</p>')
    parts.append(f"<h2>Rejected ({diff.rejected})</h2>")
    if diff.rejected:
        parts.append(
            _table(
                ("line", "child", "reason"),
                ((r.line, r.child_id, r.reason) for r in diff.rejected_records[:ROWS]),
                {0},
            )
        )
    else:
        parts.append('<p class="note">Every record was judged under both sides.</p>')
    kinds = ", ".join(f"{_CHANGE[k]}" for k in CHANGE_KINDS)
    parts.append(
        f"<footer>{_e(_reconciliation(diff))}. Each instance is paired across the two sides "
        f"by case, id and clock (or subject, or allocation) date; a change is one of: {_e(kinds)}. "
        f"Produced by wtguidance {_e(__version__)}; deadlines in working days exclude "
        "weekends and England and Wales bank holidays.</footer></body></html>"
    )
    return "\n".join(parts) + "\n"


def caseload_diff_document(diff: CaseloadDiff, fmt: str) -> str:
    """The caseload diff as ``fmt`` (``text``, ``json``, ``csv`` or ``html``), whole."""
    if fmt == "json":
        return diff.to_json()
    if fmt == "csv":
        import io

        buffer = io.StringIO()
        write_csv(diff, buffer)
        return buffer.getvalue()
    if fmt == "html":
        return render_html(diff)
    return render_text(diff)
