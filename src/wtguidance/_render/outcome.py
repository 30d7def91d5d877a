"""Render an :class:`Outcome` for people: terminal tables, Markdown or one HTML page.

JSON output needs no renderer: it is ``Outcome.model_dump(mode="json")``. Each format opens
with the same one-line summary ("2 overdue, 1 met; 1 sign-off missing"), says so plainly when
nothing applied, and treats everything from the case as text, never as markup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from rich.console import RenderableType
from rich.text import Text

from wtguidance._pack.model import describe_limit
from wtguidance._render.style import html_page, nowrap_dates, status_html, status_text
from wtguidance._render.text import (
    PARAGRAPHS_NOT_VERIFIED,
    TextTable,
    any_unverified,
    citation_line,
    dash,
    html_text,
    md_link,
    md_row,
    md_text,
    render_rich,
)
from wtguidance.results import (
    CaseHolderVerdict,
    CitationView,
    ObligationResult,
    Outcome,
    PersonView,
    SignOffResult,
    TimescaleView,
)

__all__ = ["outcome_html", "outcome_markdown", "outcome_summary", "outcome_table"]

_OBLIGATION_ORDER = (
    "overdue",
    "met_late",
    "pending",
    "met",
    "unscheduled",
    "ended",
    "not_evidenced",
)
_SIGN_OFF_ORDER = ("missing", "invalid", "pending", "given")
_WORDS = {
    "met_late": "met late",
    "unscheduled": "with no deadline set",
    "ended": "ended before due (clock stopped)",
    "not_evidenced": "not evidenced by the source",
    "invalid": "signed by someone not permitted",
}
NOTHING = "Nothing applies: no rule of any edition is triggered by this case's events."
JSON_HAS_MORE = "The timescales that applied and the trace of rules fired: --format json."


# --- words shared by every format ------------------------------------------------------------
def outcome_summary(outcome: Outcome) -> str:
    """One line: what is overdue, missing or not compliant, then the rest."""
    if not (outcome.obligations or outcome.case_holders or outcome.sign_offs):
        n = len(outcome.findings)
        return NOTHING + (f" {n} finding{'' if n == 1 else 's'} below." if n else "")
    parts: list[str] = []
    statuses = Counter[str](o.status for o in outcome.obligations)
    if statuses:
        parts.append(
            ", ".join(
                f"{statuses[s]} {_WORDS.get(s, s)}" for s in _ordered(statuses, _OBLIGATION_ORDER)
            )
        )
    signed = Counter[str](s.status for s in outcome.sign_offs)
    if signed:
        plural = "" if len(outcome.sign_offs) == 1 else "s"
        parts.append(
            f"sign-off{plural}: "
            + ", ".join(
                f"{signed[s]} {_WORDS.get(s, s)}" for s in _ordered(signed, _SIGN_OFF_ORDER)
            )
        )
    if outcome.case_holders:
        wrong = sum(1 for v in outcome.case_holders if not v.compliant)
        total = len(outcome.case_holders)
        parts.append(
            f"case-holders: {wrong} of {total} not compliant"
            if wrong
            else "case-holders: compliant"
        )
    return "; ".join(parts) + _findings_note(outcome)


def _ordered(counts: Counter[str], order: tuple[str, ...]) -> list[str]:
    """The statuses present, most urgent first; any status not listed comes last."""
    return [s for s in order if counts[s]] + sorted(s for s in counts if s not in order)


def _findings_note(outcome: Outcome) -> str:
    n = len(outcome.findings)
    return f"; {n} finding{'' if n == 1 else 's'} below" if n else ""


def _heading(outcome: Outcome) -> str:
    editions = ", ".join(outcome.editions)
    judged = f"judged under edition {editions}" if editions else "no edition applied"
    if len(outcome.editions) > 1:
        judged = f"judged under editions {editions}"
    if outcome.protocol is not None:
        judged += f" with the local protocol of {outcome.protocol.authority}"
    return f"Case {outcome.case_id} as of {outcome.as_of} — {judged}"


_SHORT = {
    "working_days": "WD",
    "working_days_before": "WD before",
    "months": "months",
    "calendar_days": "days",
    "hours": "hours",
}


def _timescale(view: TimescaleView | None) -> str:
    if view is None:
        return "none set"
    for unit, amount in view.model_dump().items():
        return f"{amount} {_SHORT[unit]}"
    return "none set"


def _limit(item: ObligationResult) -> str:
    """The limit that applied: ``35 WD (local; national 45 WD)`` when a protocol tightened it."""
    shown = _timescale(item.timescale)
    if item.national_timescale is not None:
        return f"{shown} (local; national {_timescale(item.national_timescale)})"
    if item.timescale_source == "local" and item.timescale is not None:
        return f"{shown} (local)"
    return shown


def _what(item: ObligationResult) -> str:
    """The duty in words; when a protocol changed its limit, the summary says so, so it never
    contradicts the limit shown beside it."""
    if item.national_timescale is not None and item.timescale is not None:
        return (
            f"{item.summary} [the local protocol sets {_words(item.timescale)} instead of the "
            f"national {_words(item.national_timescale)}]"
        )
    return item.summary


def _words(view: TimescaleView) -> str:
    for unit, amount in view.model_dump().items():
        if amount is not None:
            return describe_limit(unit, amount)
    return "none set"


def _for(result: SignOffResult) -> str:
    """The instance a sign-off belongs to (``allocation 2024-03-04 (s47)``), so repeated
    ones can be told apart."""
    where = result.instance
    stage = f" ({where.stage})" if where.stage else ""
    return f"{where.event.replace('_', ' ')} {where.date}{stage}"


def _instance(result: SignOffResult) -> str:
    """A sign-off with the instance it belongs to, in one cell."""
    return f"{result.id}: {_for(result)}"


def _compliant(verdict: CaseHolderVerdict) -> str:
    return {"compliant": "yes", "not_evidenced": "not evidenced"}.get(verdict.status, "no")


def _person(person: PersonView | None) -> str | None:
    if person is None:
        return None
    return person.role + (" (SW-qualified)" if person.social_work_qualified else "")


def _permitted(result: SignOffResult) -> str:
    roles = ", ".join(result.required_from.roles)
    return roles + (
        " (social-work qualified)" if result.required_from.social_work_qualified else ""
    )


def _given(result: SignOffResult) -> str | None:
    if result.given_on is None and result.signed_by is None:
        return None
    when = f"{result.given_on}" if result.given_on else ""
    who = _person(result.signed_by)
    return " by ".join(part for part in (when, who) if part)


def _supervisor(verdict: CaseHolderVerdict) -> str | None:
    allocation = verdict.allocation
    return _person(allocation.supervisor) if allocation else None


# --- terminal --------------------------------------------------------------------------------
def outcome_table(outcome: Outcome, *, color: bool, width: int = 120) -> str:
    """The outcome as terminal tables (obligations, case-holders, sign-offs, findings)."""
    return render_rich(_terminal_parts(outcome, width), width=width, color=color)


def _cell(value: object) -> Text:
    return Text(dash(value))


def _obligations_table(
    outcome: Outcome, refs: dict[str, int], *, several: bool, separate_done: bool
) -> TextTable:
    """The obligations; the done date has its own column, or sits under the status."""
    columns: list[tuple[str, bool]] = [("obligation", True)]
    columns += [("ed.", True)] if several else []
    columns += [("due", True)]
    columns += [("status", True), ("done", True)] if separate_done else [("status\n(done)", True)]
    columns += [("clock", False), ("limit", False), ("cite", True)]

    def status(item: ObligationResult) -> tuple[Text, ...]:
        if separate_done:
            return (status_text(item.status), _cell(item.satisfied_on))
        cell = status_text(item.status)
        if item.satisfied_on is not None:
            cell.append(f"\n{item.satisfied_on}", style="")
        return (cell,)

    return TextTable(
        tuple(columns),
        tuple(
            (
                _cell(item.id),
                *([_cell(item.edition)] if several else []),
                _cell(item.due),
                *status(item),
                _cell(f"{item.clock.event.replace('_', ' ')} {item.clock.date}"),
                _cell(_limit(item)),
                Text(f"[{refs[citation_line(item.citation, say_unverified=False)]}]"),
            )
            for item in outcome.obligations
        ),
        title="Obligations",
    )


def _terminal_parts(outcome: Outcome, width: int) -> Iterator[RenderableType | TextTable]:
    yield Text(dash(_heading(outcome)), style="bold")
    yield Text(outcome_summary(outcome))
    several = len(outcome.editions) > 1
    refs: dict[str, int] = {}
    for item in outcome.obligations:
        refs.setdefault(citation_line(item.citation, say_unverified=False), len(refs) + 1)
    if outcome.obligations:
        table = _obligations_table(outcome, refs, several=several, separate_done=True)
        if not table.fits(width):
            merged = _obligations_table(outcome, refs, several=several, separate_done=False)
            table = merged if merged.fits(width) else table  # else a list, one item a row
        yield table
        for cited, number in refs.items():
            yield Text(f"[{number}] {dash(cited)}")
        if any_unverified(item.citation for item in outcome.obligations):
            yield Text(PARAGRAPHS_NOT_VERIFIED, style="dim")
    if outcome.case_holders:
        yield TextTable(
            (
                ("stage", True),
                *([("ed.", True)] if several else []),
                ("allocated", True),
                ("lead", False),
                ("supervisor", False),
                ("compliant", True),
                ("reason", False),
            ),
            tuple(
                (
                    _cell(verdict.stage),
                    *([_cell(verdict.edition)] if several else []),
                    _cell(verdict.allocation.date if verdict.allocation else None),
                    _cell(_person(verdict.allocation.practitioner) if verdict.allocation else None),
                    _cell(_supervisor(verdict)),
                    status_text(_compliant(verdict)),
                    _cell(verdict.reason),
                )
                for verdict in outcome.case_holders
            ),
            title="Case-holders",
        )
    if outcome.sign_offs:
        yield TextTable(
            (
                ("sign-off", True),
                *([("ed.", True)] if several else []),
                ("for", False),
                ("subject done", True),
                ("status", True),
                ("given", False),
                ("permitted signers", False),
            ),
            tuple(
                (
                    _cell(result.id),
                    *([_cell(result.edition)] if several else []),
                    _cell(_for(result)),
                    _cell(result.subject_date),
                    status_text(result.status),
                    _cell(_given(result)),
                    _cell(_permitted(result)),
                )
                for result in outcome.sign_offs
            ),
            title="Sign-offs",
        )
    for finding in outcome.findings:
        line = Text(finding.severity, style="yellow")
        line.append(f" [{finding.code}] {dash(finding.message)}")
        yield line
    yield Text(JSON_HAS_MORE, style="dim")


# --- Markdown --------------------------------------------------------------------------------
def _md_cite(citation: CitationView) -> str:
    return md_link(citation_line(citation, say_unverified=False), citation.url)


def _citations(outcome: Outcome) -> list[CitationView]:
    return [
        *(o.citation for o in outcome.obligations),
        *(v.citation for v in outcome.case_holders),
        *(s.citation for s in outcome.sign_offs),
    ]


def outcome_markdown(outcome: Outcome) -> str:
    """The outcome as GitHub-flavoured Markdown tables."""
    lines = [f"# {md_text(_heading(outcome))}", "", md_text(outcome_summary(outcome)), ""]
    if outcome.obligations:
        lines += [
            "## Obligations",
            "",
            "| obligation | edition | due | status | done | clock | limit | citation |",
            "|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            md_row(
                md_text(o.id),
                md_text(o.edition),
                md_text(o.due),
                md_text(o.status),
                md_text(o.satisfied_on),
                md_text(f"{o.clock.event} {o.clock.date}"),
                md_text(_limit(o)),
                _md_cite(o.citation),
            )
            for o in outcome.obligations
        ]
    if outcome.case_holders:
        lines += [
            "",
            "## Case-holders",
            "",
            "| stage | edition | allocated | lead | supervisor | compliant | reason |",
            "|---|---|---|---|---|---|---|",
        ]
        for verdict in outcome.case_holders:
            allocation = verdict.allocation
            lines.append(
                md_row(
                    md_text(verdict.stage),
                    md_text(verdict.edition),
                    md_text(allocation.date if allocation else None),
                    md_text(_person(allocation.practitioner) if allocation else None),
                    md_text(_supervisor(verdict)),
                    _compliant(verdict),
                    md_text(verdict.reason),
                )
            )
    if outcome.sign_offs:
        lines += [
            "",
            "## Sign-offs",
            "",
            "| sign-off | edition | subject done | status | given | permitted signers |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            md_row(
                md_text(_instance(s)),
                md_text(s.edition),
                md_text(s.subject_date),
                md_text(s.status),
                md_text(_given(s)),
                md_text(_permitted(s)),
            )
            for s in outcome.sign_offs
        ]
    if any_unverified(_citations(outcome)):
        lines += ["", f"*{md_text(PARAGRAPHS_NOT_VERIFIED)}*"]
    if outcome.findings:
        lines += ["", "## Findings", ""]
        lines += [
            f"- **{md_text(f.severity)}** {md_text(f'[{f.code}]')}: {md_text(f.message)}"
            for f in outcome.findings
        ]
    return "\n".join(lines) + "\n"


# --- HTML ------------------------------------------------------------------------------------
def _td(value: object, css: str = "") -> str:
    attr = f' class="{css}"' if css else ""
    return f"<td{attr}>{nowrap_dates(html_text(value))}</td>"


def _html_cite(citation: CitationView) -> str:
    label = html_text(citation_line(citation, say_unverified=False))
    if citation.url.startswith(("https://", "http://")):
        return f'<a href="{html_text(citation.url)}" rel="noreferrer">{label}</a>'
    return label


def _html_table(headers: tuple[str, ...], rows: list[str]) -> list[str]:
    head = "".join(f"<th>{html_text(h)}</th>" for h in headers)
    return ["<table>", f"<thead><tr>{head}</tr></thead>", "<tbody>", *rows, "</tbody>", "</table>"]


def _obligation_row(o: ObligationResult) -> str:
    return (
        f'<tr><td class="key"><code>{html_text(o.id)}</code></td>{_td(o.edition)}{_td(o.due)}'
        f"<td>{status_html(o.status)}</td>{_td(o.satisfied_on)}"
        f"{_td(f'{o.clock.event} {o.clock.date}')}{_td(_limit(o), 'key')}"
        f'<td><span class="meta">{html_text(_what(o))}</span><br>{_html_cite(o.citation)}</td>'
        "</tr>"
    )


def outcome_html(outcome: Outcome) -> str:
    """The outcome as one self-contained HTML page (no scripts, no external resources)."""
    body = [
        f"<h1>{nowrap_dates(html_text(_heading(outcome)))}</h1>",
        f'<p class="summary-line">{nowrap_dates(html_text(outcome_summary(outcome)))}</p>',
    ]
    if outcome.obligations:
        body.append("<h2>Obligations</h2>")
        body += _html_table(
            ("obligation", "edition", "due", "status", "done", "clock", "limit", "what and where"),
            [_obligation_row(o) for o in outcome.obligations],
        )
    if outcome.case_holders:
        rows = []
        for v in outcome.case_holders:
            allocation = v.allocation
            rows.append(
                f'<tr><td class="key"><code>{html_text(v.stage)}</code></td>{_td(v.edition)}'
                f"{_td(allocation.date if allocation else None)}"
                f"{_td(_person(allocation.practitioner) if allocation else None)}"
                f"{_td(_supervisor(v))}<td>{status_html(_compliant(v))}</td>"
                f"<td>{html_text(v.reason)}<br>{_html_cite(v.citation)}</td></tr>"
            )
        body.append("<h2>Case-holders</h2>")
        body += _html_table(
            ("stage", "edition", "allocated", "lead", "supervisor", "compliant", "reason"), rows
        )
    if outcome.sign_offs:
        rows = [
            f'<tr><td class="key"><code>{nowrap_dates(html_text(_instance(s)))}</code></td>'
            f"{_td(s.edition)}"
            f"{_td(s.subject_date)}<td>{status_html(s.status)}</td>{_td(_given(s))}"
            f"<td>{html_text(_permitted(s))}<br>{_html_cite(s.citation)}</td></tr>"
            for s in outcome.sign_offs
        ]
        body.append("<h2>Sign-offs</h2>")
        body += _html_table(
            ("sign-off", "edition", "subject done", "status", "given", "permitted signers"), rows
        )
    if any_unverified(_citations(outcome)):
        body.append(f'<p class="meta">{html_text(PARAGRAPHS_NOT_VERIFIED)}</p>')
    if outcome.findings:
        body += ["<h2>Findings</h2>", "<ul>"]
        body += [
            f"<li><strong>{html_text(f.severity)}</strong> <code>{html_text(f.code)}</code>: "
            f"{nowrap_dates(html_text(f.message))}</li>"
            for f in outcome.findings
        ]
        body.append("</ul>")
    return html_page(_heading(outcome), body)
