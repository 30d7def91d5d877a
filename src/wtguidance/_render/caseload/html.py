"""``--format html``: one self-contained page a performance manager reads.

Headline figures, charts (inline SVG from :mod:`.charts`), the overdue list, what falls due
next, the ``InitialCPCtarget`` cross-check, data-quality findings and rejected records. The
page has no script and loads nothing: a Content-Security-Policy forbids every fetch, so
it renders the same offline. Every text from the input is HTML-escaped.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Sequence

from wtguidance._render.caseload.charts import COLOURS, LABELS, charts
from wtguidance._render.caseload.table import STATUS_MEANING, STATUS_ORDER
from wtguidance._render.style import NOT_LEGAL_ADVICE
from wtguidance._render.text import one_line
from wtguidance._version import __version__
from wtguidance.case.source import rejected_where
from wtguidance.caseload.summary import DUE_SOON_WORKING_DAYS, CaseloadSummary, late_text
from wtguidance.caseload.targets import CAUSE_TEXT

__all__ = ["PAGE_CSS", "render_html"]

ROWS = 100

PAGE_CSS = """
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;
background:#f6f8fa}
body{margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.2rem;margin:32px 0 8px}
.meta{color:#59636e;margin:0 0 20px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.card{background:#fff;border:1px solid #d1d9e0;border-radius:8px;padding:12px 16px}
.card .n{font-size:1.8rem;font-weight:600}.card .l{color:#59636e;font-size:.85rem}
.card.bad .n{color:#cf222e}.card.warn .n{color:#9a6700}.card.good .n{color:#1a7f37}
.alert{background:#ffebe9;border:1px solid #cf222e;border-radius:8px;padding:12px 16px;
margin:16px 0}
figure{background:#fff;border:1px solid #d1d9e0;border-radius:8px;margin:12px 0;padding:12px}
figure svg{width:100%;height:auto}figcaption{color:#59636e;font-size:.85rem}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
th,td{border-bottom:1px solid #d1d9e0;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eff2f5}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#59636e;font-size:.85rem}.swatch{display:inline-block;width:10px;height:10px;
border-radius:2px;margin-right:4px}
footer{color:#59636e;font-size:.8rem;margin-top:40px}
dl.statuses{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-size:.85rem;
color:#59636e}dl.statuses dt{font-weight:600}dl.statuses dd{margin:0}
"""


def _e(value: object) -> str:
    """Input text for HTML: the one text-safety path (controls, line feeds and bidirectional
    overrides shown as ``\\uXXXX``), then escaped."""
    return html.escape(one_line(value), quote=True)


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: set[int]) -> str:
    head = "".join(
        f'<th class="n">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{_e(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _card(value: object, label: str, tone: str = "") -> str:
    return (
        f'<div class="card {tone}"><div class="n">{_e(value)}</div>'
        f'<div class="l">{_e(label)}</div></div>'
    )


def render_html(summary: CaseloadSummary) -> str:
    s = summary
    overdue = s.store.count("overdue")
    soon = s.store.count("due_soon")
    rate = s.agreement_rate
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Caseload report — {_e(s.source or 'input')} — {s.as_of}</title>",
        f"<style>{PAGE_CSS}</style></head><body>",
        f'<h1>Caseload report</h1><p class="meta">{_e(s.source or "input")} · as of '
        f"{s.as_of} · edition {_e(s.edition)}"
        + (f" · judged under {_e(s.protocol_line())}" if s.protocol is not None else "")
        + "</p>",
    ]
    if not s.complete:
        parts.append(
            '<div class="alert" role="alert"><strong>The file was not read to the end.</strong> '
            "The figures cover the records read before the XML stopped being well-formed; "
            "see Rejected.</div>"
        )
    parts.append('<section class="cards" aria-label="Headline figures">')
    parts += [
        _card(s.records, "records read"),
        _card(s.outcomes, "cases evaluated", "good" if s.outcomes else ""),
        _card(s.rejected, "records rejected", "bad" if s.rejected else ""),
        _card(overdue, "obligations overdue", "bad" if overdue else "good"),
        _card(
            soon, f"due in the next {DUE_SOON_WORKING_DAYS} working days", "warn" if soon else ""
        ),
    ]
    if s.targets_compared:  # only a source that states target dates (the CIN census)
        parts.append(
            _card(
                "—" if rate is None else f"{rate:.0%}",
                f"InitialCPCtarget agreement ({s.targets_agreed} of {s.targets_compared})",
            )
        )
    parts.append("</section>")
    for title, svg, description in charts(s):
        parts.append(
            f'<h2>{_e(title)}</h2><figure class="chart" role="img" aria-label="{_e(title)}">'
            f"{svg}<figcaption>{_e(description)}</figcaption></figure>"
        )
    limits = s.limit_rows()
    if limits:
        parts.append("<h2>Limits set by the local protocol</h2>")
        parts.append(
            _table(
                ("obligation", "edition", "local limit", "national limit"),
                ((o, e, limit, national) for o, e, limit, _source, national in limits),
                set(),
            )
        )
    parts.append(f"<h2>Overdue ({overdue})</h2>")
    if overdue:
        shown = min(ROWS, overdue)
        parts.append(f'<p class="note">The {shown} most late, by working days late.</p>')
        parts.append(
            _table(
                ("case", "child", "obligation", "edition", "clock", "due", "late by"),
                (
                    (
                        r["case_id"],
                        r["child_id"],
                        r["obligation"],
                        r["edition"],
                        r["clock"],
                        r["due"],
                        late_text(r),
                    )
                    for r in s.overdue(largest=ROWS)
                ),
                {6},
            )
        )
    else:
        parts.append('<p class="note">Nothing is overdue.</p>')
    parts.append(f"<h2>Due in the next {DUE_SOON_WORKING_DAYS} working days ({soon})</h2>")
    if soon:
        rows = []
        for index, r in enumerate(s.due_soon()):
            if index == ROWS:
                break
            rows.append(
                (
                    r["case_id"],
                    r["child_id"],
                    r["obligation"],
                    r["edition"],
                    r["due"],
                    r["working_days_left"],
                )
            )
        parts.append(
            _table(
                ("case", "child", "obligation", "edition", "due", "working days left"), rows, {5}
            )
        )
    else:
        parts.append('<p class="note">Nothing falls due in that window.</p>')
    parts.append("<h2>Obligations by status</h2>")
    parts.append(_status_table(s))
    parts.append(_status_meanings(s))
    if s.evidence is not None and any(k[2] == "not_evidenced" for k in s.obligations):
        parts.append(
            f'<p class="note"><span class="swatch" style="background:{COLOURS["not_evidenced"]}">'
            f"</span>Not evidenced: the {_e(s.evidence.source)} cannot record "
            f"{_e(', '.join(sorted(s.evidence.absent_events)))}. Duties only those events "
            "could meet are reported apart and never counted as overdue.</p>"
        )
    if s.targets_compared:
        parts.append(_target_section(s))
    parts.append(f"<h2>Data-quality findings ({sum(s.findings.values())})</h2>")
    if s.findings:
        parts.append(
            _table(
                ("code", "severity", "count", "example"),
                (
                    (
                        code,
                        severity,
                        n,
                        "; ".join(
                            f"{x['case_id']}: {x['message']}" for x in s.examples.get(code, [])[:2]
                        ),
                    )
                    for (code, severity), n in sorted(s.findings.items(), key=lambda i: -i[1])
                ),
                {2},
            )
        )
    parts.append(f"<h2>Rejected ({s.rejected})</h2>")
    if s.rejected:
        rejected_rows: list[tuple[object, ...]] = []
        for index, r in enumerate(s.rejected_rows()):
            if index == ROWS:
                break
            rejected_rows.append(
                (
                    rejected_where(r),  # sheet and row, or line; column and field
                    r.get("child_id"),
                    r.get("field"),
                    r.get("value"),
                    r.get("reason"),
                )
            )
        headers = ("where", "child", "field", "value", "reason")
        parts.append(_table(headers, rejected_rows, set()))
    else:
        parts.append('<p class="note">Every record was evaluated.</p>')
    parts.append(
        f"<footer><p>{s.records} records: {s.outcomes} outcomes, {s.rejected} rejected. "
        f"Produced by wtguidance {_e(__version__)}; deadlines in working days exclude weekends "
        "and England and Wales bank holidays.</p>"
        f"<p>{_e(NOT_LEGAL_ADVICE)}</p></footer></body></html>"
    )
    return "\n".join(parts) + "\n"


def _status_table(s: CaseloadSummary) -> str:
    seen = {status for (_o, _e, status) in s.obligations}
    statuses = [x for x in STATUS_ORDER if x in seen] + sorted(seen - set(STATUS_ORDER))
    grouped: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for (obligation, edition, status), n in s.obligations.items():
        grouped[(obligation, edition)][status] = n
    return _table(
        ("obligation", "edition", *(LABELS.get(x, x) for x in statuses)),
        ((o, ed, *(by.get(x, "") for x in statuses)) for (o, ed), by in sorted(grouped.items())),
        set(range(2, 2 + len(statuses))),
    )


def _status_meanings(s: CaseloadSummary) -> str:
    seen = {status for (_o, _e, status) in s.obligations}
    items = "".join(
        f"<dt>{_e(LABELS.get(x, x))}</dt><dd>{_e(meaning)}</dd>"
        for x, meaning in STATUS_MEANING.items()
        if x in seen
    )
    return f'<dl class="statuses">{items}</dl>' if items else ""


def _target_section(s: CaseloadSummary) -> str:
    rate = s.agreement_rate
    text = (
        f"<h2>InitialCPCtarget cross-check</h2><p>{s.targets_agreed} of {s.targets_compared} "
        "census targets agree with our ICPC due date (15 working days after the strategy "
        "discussion that began the enquiry, that day being day 0)"
        + ("" if rate is None else f": {rate:.0%}")
        + ".</p>"
    )
    causes = [(CAUSE_TEXT[c], n) for c, n in s.target_causes.most_common()]
    if causes:
        text += _table(("likely cause of disagreement", "count"), causes, {1})
        rows: list[tuple[object, ...]] = []
        for r in s.target_rows():
            if r.get("agree") is False and len(rows) < ROWS:
                rows.append(
                    (
                        r["case_id"],
                        r["s47"],
                        r["census_target"],
                        r["ours"],
                        CAUSE_TEXT.get(r["cause"], r["cause"]),
                    )
                )
        text += _table(("case", "S47 start", "census target", "ours", "likely cause"), rows, set())
    return text
