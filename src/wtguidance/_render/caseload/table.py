"""``--format table``: the caseload summary as terminal tables (rich).

Text from the input (case and child ids, messages) goes into :class:`rich.text.Text`
cells, never into markup, and loses its control characters, so a case id cannot restyle
or move the terminal.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict

from rich.console import Console
from rich.table import Table
from rich.text import Text

from wtguidance.case.source import rejected_where
from wtguidance.caseload.summary import CaseloadSummary
from wtguidance.caseload.targets import CAUSE_TEXT

__all__ = ["STATUS_ORDER", "clean", "render_table"]

STATUS_ORDER = (
    "met",
    "met_late",
    "overdue",
    "pending",
    "ended",
    "not_evidenced",
    "unscheduled",
)
_STYLE = {"met": "green", "met_late": "yellow", "overdue": "bold red", "pending": "cyan"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
ROWS = 20


def clean(text: object) -> str:
    """Input text with control characters (escape sequences, newlines) made visible."""
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", "" if text is None else str(text))


def _statuses(summary: CaseloadSummary) -> list[str]:
    seen = {status for (_o, _e, status) in summary.obligations}
    return [s for s in STATUS_ORDER if s in seen] + sorted(seen - set(STATUS_ORDER))


def render_table(summary: CaseloadSummary, *, color: bool, width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False
    )
    counts = summary.counts()
    head = Text(f"Caseload as of {summary.as_of} — ", style="bold")
    head.append(clean(summary.source or "input"))
    console.print(head)
    console.print(
        f"{counts['records']} records: {counts['outcomes']} outcomes, "
        f"{counts['rejected']} rejected"
        + ("" if summary.complete else " — the file was NOT read to the end")
    )
    statuses = _statuses(summary)
    table = Table(title="Obligations by status", title_justify="left")
    table.add_column("obligation", no_wrap=True)
    table.add_column("ed.")
    for status in statuses:
        table.add_column(status, justify="right", style=_STYLE.get(status, ""))
    rows: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for (obligation, edition, status), n in summary.obligations.items():
        rows[(obligation, edition)][status] = n
    for (obligation, edition), by_status in sorted(rows.items()):
        table.add_row(obligation, edition, *(str(by_status.get(s, "")) for s in statuses))
    console.print(table)
    if summary.evidence is not None:
        console.print(
            f"not_evidenced: the {summary.evidence.source} cannot record "
            + ", ".join(sorted(summary.evidence.absent_events))
            + " — never counted as overdue."
        )
    overdue_total = summary.store.count("overdue")
    if overdue_total:
        late = Table(
            title=f"Overdue ({overdue_total}; the {min(ROWS, overdue_total)} most late)",
            title_justify="left",
        )
        for column in ("case", "obligation", "ed.", "due", "working days late"):
            late.add_column(column)
        for row in summary.overdue(largest=ROWS):
            late.add_row(
                Text(clean(row["case_id"])),
                row["obligation"],
                row["edition"],
                row["due"],
                str(row["working_days_late"]),
            )
        console.print(late)
    soon_total = summary.store.count("due_soon")
    soon = Table(title=f"Due in the next 10 working days ({soon_total})", title_justify="left")
    for column in ("case", "obligation", "ed.", "due", "working days left"):
        soon.add_column(column)
    for index, row in enumerate(summary.due_soon()):
        if index == ROWS:
            break
        soon.add_row(
            Text(clean(row["case_id"])),
            row["obligation"],
            row["edition"],
            row["due"],
            str(row["working_days_left"]),
        )
    console.print(soon)
    check = summary.to_json(rows=False)["icpc_target_check"]
    rate = summary.agreement_rate
    console.print(
        f"InitialCPCtarget cross-check: {check['agree']} of {check['compared']} agree"
        + ("" if rate is None else f" ({rate:.0%})")
        + "".join(f"; {CAUSE_TEXT[c]}: {n}" for c, n in check["causes"].items() if n)
    )
    if summary.findings:
        findings = Table(title="Data-quality findings", title_justify="left")
        for column in ("code", "severity", "count", "example"):
            findings.add_column(column)
        for (code, severity), n in sorted(summary.findings.items()):
            example = summary.examples.get(code, [{}])[0]
            findings.add_row(
                code,
                severity,
                str(n),
                Text(clean(f"{example.get('case_id', '')}: {example.get('message', '')}")),
            )
        console.print(findings)
    if summary.rejected:
        rejected = Table(title=f"Rejected ({summary.rejected})", title_justify="left")
        for column in ("where", "child", "field", "reason"):
            rejected.add_column(column)
        for index, row in enumerate(summary.rejected_rows()):
            if index == ROWS:
                break
            rejected.add_row(
                Text(clean(rejected_where(row))),  # sheet and row, or line; column, field
                Text(clean(row.get("child_id"))),
                Text(clean(row.get("field"))),
                Text(clean(row.get("reason"))),
            )
        console.print(rejected)
    return buffer.getvalue()
