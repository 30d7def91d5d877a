"""Render an :class:`Outcome` for people: a rich table or Markdown.

JSON output needs no renderer: it is ``Outcome.model_dump(mode="json")``.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from wtguidance.results import Outcome, TimescaleView

__all__ = ["outcome_markdown", "outcome_table"]

_STATUS_STYLE = {
    "met": "green",
    "met_late": "yellow",
    "pending": "cyan",
    "overdue": "bold red",
    "unscheduled": "dim",
    "given": "green",
    "missing": "bold red",
    "invalid": "bold red",
}


def _d(value: object) -> str:
    return "—" if value is None else str(value)


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


def outcome_table(outcome: Outcome, *, color: bool, width: int = 120) -> str:
    """The outcome as terminal tables (obligations, case-holders, sign-offs, findings)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False
    )
    console.print(
        f"[bold]Case {outcome.case_id}[/bold] as of {outcome.as_of} — "
        f"edition(s) {', '.join(outcome.editions) or 'none'}"
    )
    table = Table(title="Obligations", title_justify="left")
    table.add_column("obligation", no_wrap=True, min_width=26)
    for column in ("ed.", "clock", "timescale", "due", "status", "done", "citation"):
        table.add_column(column)
    for item in outcome.obligations:
        style = _STATUS_STYLE.get(item.status, "")
        cite = item.citation
        table.add_row(
            item.id,
            item.edition,
            f"{item.clock.event} {item.clock.date}",
            _timescale(item.timescale),
            _d(item.due),
            f"[{style}]{item.status}[/]" if style else item.status,
            _d(item.satisfied_on),
            f"ch.{cite.chapter} {cite.section}",
        )
    console.print(table)
    if outcome.case_holders:
        holders = Table(title="Case-holders", title_justify="left")
        for column in ("stage", "ed.", "allocated", "lead", "compliant", "reason"):
            holders.add_column(column)
        for verdict in outcome.case_holders:
            allocation = verdict.allocation
            holders.add_row(
                verdict.stage,
                verdict.edition,
                _d(allocation.date if allocation else None),
                allocation.practitioner.role if allocation else "—",
                "[green]yes[/]" if verdict.compliant else "[bold red]no[/]",
                verdict.reason,
            )
        console.print(holders)
    if outcome.sign_offs:
        sign_offs = Table(title="Sign-offs", title_justify="left")
        for column in ("sign-off", "ed.", "subject done", "required from", "status", "given"):
            sign_offs.add_column(column)
        for result in outcome.sign_offs:
            style = _STATUS_STYLE.get(result.status, "")
            sign_offs.add_row(
                result.id,
                result.edition,
                _d(result.subject_date),
                ", ".join(result.required_from.roles),
                f"[{style}]{result.status}[/]" if style else result.status,
                _d(result.given_on),
            )
        console.print(sign_offs)
    for finding in outcome.findings:
        console.print(f"[yellow]{finding.severity}[/] [{finding.code}] {finding.message}")
    return buffer.getvalue()


def _md_cell(text: object) -> str:
    return _d(text).replace("|", "\\|")


def _md_row(*cells: object) -> str:
    """One Markdown table row, every cell escaped."""
    return "| " + " | ".join(_md_cell(c) for c in cells) + " |"


def outcome_markdown(outcome: Outcome) -> str:
    """The outcome as GitHub-flavoured Markdown tables."""
    lines = [
        f"# Case {outcome.case_id}",
        "",
        f"As of {outcome.as_of}; edition(s): {', '.join(outcome.editions) or 'none'}.",
        "",
        "## Obligations",
        "",
        "| obligation | edition | clock | timescale | due | status | done | citation |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for item in outcome.obligations:
        cite = item.citation
        lines.append(
            _md_row(
                item.id,
                item.edition,
                f"{item.clock.event} {item.clock.date}",
                _timescale(item.timescale),
                item.due,
                item.status,
                item.satisfied_on,
                f"[ch.{cite.chapter} {cite.section}]({cite.url})",
            )
        )
    if outcome.case_holders:
        lines += [
            "",
            "## Case-holders",
            "",
            "| stage | edition | allocated | lead | compliant | reason |",
            "|---|---|---|---|---|---|",
        ]
        for verdict in outcome.case_holders:
            allocation = verdict.allocation
            lines.append(
                _md_row(
                    verdict.stage,
                    verdict.edition,
                    allocation.date if allocation else None,
                    allocation.practitioner.role if allocation else None,
                    "yes" if verdict.compliant else "no",
                    verdict.reason,
                )
            )
    if outcome.sign_offs:
        lines += [
            "",
            "## Sign-offs",
            "",
            "| sign-off | edition | subject done | required from | status | given |",
            "|---|---|---|---|---|---|",
        ]
        for result in outcome.sign_offs:
            lines.append(
                _md_row(
                    result.id,
                    result.edition,
                    result.subject_date,
                    ", ".join(result.required_from.roles),
                    result.status,
                    result.given_on,
                )
            )
    if outcome.findings:
        lines += ["", "## Findings", ""]
        lines += [f"- **{f.severity}** `{f.code}`: {f.message}" for f in outcome.findings]
    return "\n".join(lines) + "\n"
