"""``--format text``: the caseload summary as terminal tables that fit the terminal.

Every piece of input text (case and child ids, file names, messages) goes through the one
text-safety path, :func:`wtguidance._render.text.one_line`: it lands in
:class:`rich.text.Text` cells, never in markup, with control characters, line feeds and
bidirectional overrides shown as ``\\uXXXX``, so a case id can neither restyle the terminal,
reorder a line nor start a fake row. Tables are :class:`~wtguidance._render.text.TextTable`
s, so they fit the width given (80 columns included) and a table with no rows is a sentence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from rich.console import RenderableType
from rich.text import Text

from wtguidance._render.style import rich_style
from wtguidance._render.text import TextTable, one_line, render_rich
from wtguidance.case.source import rejected_where
from wtguidance.caseload.summary import DUE_SOON_WORKING_DAYS, CaseloadSummary, late_text
from wtguidance.caseload.targets import CAUSE_TEXT, ICPC_WORKING_DAYS

__all__ = ["STATUS_MEANING", "STATUS_ORDER", "render_table"]

STATUS_ORDER = (
    "met",
    "met_late",
    "overdue",
    "pending",
    "ended",
    "not_evidenced",
    "unscheduled",
)
STATUS_MEANING = {
    "met": "done on or before the due date",
    "met_late": "done, but after the due date",
    "overdue": "not done, and the due date has passed",
    "pending": "not done yet, and the due date has not passed",
    "ended": "the clock stopped before the due date (episode closed, child died or "
    "turned 18): nothing is owed",
    "not_evidenced": "only an event the source never records could meet it; never counted "
    "as overdue",
    "unscheduled": "the guidance sets no time limit",
}
ROWS = 20


def _statuses(summary: CaseloadSummary) -> list[str]:
    seen = {status for (_o, _e, status) in summary.obligations}
    return [s for s in STATUS_ORDER if s in seen] + sorted(seen - set(STATUS_ORDER))


def _t(value: object) -> Text:
    return Text(one_line(value))


def render_table(summary: CaseloadSummary, *, color: bool, width: int = 120) -> str:
    """The summary as text within ``width`` columns."""
    return render_rich(_parts(summary), width=width, color=color)


def _parts(summary: CaseloadSummary) -> Iterator[RenderableType | TextTable]:
    counts = summary.counts()
    head = Text(f"Caseload as of {summary.as_of} — ", style="bold")
    head.append(one_line(summary.source or "input"))
    yield head
    yield Text(
        f"{counts['records']} records: {counts['outcomes']} outcomes, "
        f"{counts['rejected']} rejected"
        + ("" if summary.complete else " — the file was NOT read to the end")
    )
    protocol = summary.protocol_line()
    if protocol is not None:
        yield Text(one_line(f"Judged under {protocol}."))
    yield from _by_status(summary)
    yield from _limits(summary)
    yield from _overdue(summary)
    yield from _due_soon(summary)
    yield from _targets(summary)
    yield from _findings(summary)
    yield from _rejected(summary)


def _by_status(summary: CaseloadSummary) -> Iterator[RenderableType | TextTable]:
    statuses = _statuses(summary)
    if not statuses:
        yield Text("No obligation applied to any case.")
        return
    editions = {edition for (_o, edition, _s) in summary.obligations}
    several = len(editions) > 1
    rows: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for (obligation, edition, status), n in summary.obligations.items():
        rows[(obligation, edition)][status] = n
    columns: list[tuple[str, bool]] = [("obligation", True)]
    columns += [("ed.", True)] if several else []
    columns += [(status.replace("_", " "), False) for status in statuses]
    first = 2 if several else 1
    title = "Obligations by status" + ("" if several else f" (edition {next(iter(editions))})")
    yield TextTable(
        tuple(columns),
        tuple(
            (
                _t(obligation),
                *([_t(edition)] if several else []),
                *(Text(str(by_status.get(s, "")), style=rich_style(s)) for s in statuses),
            )
            for (obligation, edition), by_status in sorted(rows.items())
        ),
        title=title,
        right=frozenset(range(first, first + len(statuses))),
    )
    meaning = "; ".join(
        f"{s.replace('_', ' ')} = {STATUS_MEANING[s]}" for s in statuses if s in STATUS_MEANING
    )
    yield Text(f"Statuses: {meaning}.", style="dim")
    if summary.evidence is not None and "not_evidenced" in statuses:
        n = len(summary.evidence.absent_events)
        yield Text(
            f"Not evidenced: the {one_line(summary.evidence.source)} cannot record {n} kinds of "
            "event; they are listed under not_evidenced_by_source in --format json."
        )


def _limits(summary: CaseloadSummary) -> Iterator[TextTable]:
    """Each limit the local protocol set, beside the national one."""
    limits = summary.limit_rows()
    if not limits:
        return
    yield TextTable(
        (("obligation", True), ("ed.", True), ("local limit", True), ("national limit", True)),
        tuple(
            (_t(obligation), _t(edition), _t(limit), _t(national))
            for obligation, edition, limit, _source, national in limits
        ),
        title="Limits set by the local protocol",
    )


def _overdue(summary: CaseloadSummary) -> Iterator[RenderableType | TextTable]:
    total = summary.store.count("overdue")
    if not total:
        yield Text("Nothing is overdue.")
        return
    yield TextTable(
        (
            ("case", True),
            ("obligation", True),
            ("ed.", True),
            ("due", True),
            ("late by", False),
        ),
        tuple(
            (
                _t(row["case_id"]),
                _t(row["obligation"]),
                _t(row["edition"]),
                _t(row["due"]),
                _t(late_text(row)),
            )
            for row in summary.overdue(largest=ROWS)
        ),
        title=f"Overdue ({total}; the {min(ROWS, total)} most late)",
        right=frozenset({4}),
    )


def _due_soon(summary: CaseloadSummary) -> Iterator[RenderableType | TextTable]:
    total = summary.store.count("due_soon")
    if not total:
        yield Text(f"Nothing falls due in the next {DUE_SOON_WORKING_DAYS} working days.")
        return
    rows = []
    for index, row in enumerate(summary.due_soon()):
        if index == ROWS:
            break
        rows.append(
            (
                _t(row["case_id"]),
                _t(row["obligation"]),
                _t(row["edition"]),
                _t(row["due"]),
                _t(row["working_days_left"]),
            )
        )
    shown = "" if total <= ROWS else f"; the first {ROWS}"
    yield TextTable(
        (
            ("case", True),
            ("obligation", True),
            ("ed.", True),
            ("due", True),
            ("working days left", False),
        ),
        tuple(rows),
        title=f"Due in the next {DUE_SOON_WORKING_DAYS} working days ({total}{shown})",
        right=frozenset({4}),
    )


def _targets(summary: CaseloadSummary) -> Iterator[RenderableType]:
    """The InitialCPCtarget cross-check, only when the source states targets."""
    if not summary.targets_compared:
        return
    rate = summary.agreement_rate
    causes = "".join(
        f"; {n} {CAUSE_TEXT.get(c, c)}" for c, n in summary.target_causes.most_common() if n
    )
    yield Text(
        f"InitialCPCtarget cross-check: the census states a target date for "
        f"{summary.targets_compared} initial child protection conference(s); "
        f"{summary.targets_agreed} agree with our due date ({ICPC_WORKING_DAYS} working days "
        "after the strategy discussion, day 0)"
        + ("" if rate is None else f", {rate:.0%}")
        + (f". Likely causes of disagreement{causes.replace('; ', ': ', 1)}." if causes else ".")
    )


def _findings(summary: CaseloadSummary) -> Iterator[RenderableType | TextTable]:
    if not summary.findings:
        yield Text("No data-quality findings.")
        return
    rows = []
    for (code, severity), n in sorted(summary.findings.items()):
        example = summary.examples.get(code, [{}])[0]
        rows.append(
            (
                _t(code),
                _t(severity),
                Text(str(n)),
                _t(f"{example.get('case_id', '')}: {example.get('message', '')}"),
            )
        )
    yield TextTable(
        (("code", True), ("severity", True), ("count", True), ("example", False)),
        tuple(rows),
        title=f"Data-quality findings ({sum(summary.findings.values())})",
        right=frozenset({2}),
    )
    if summary.evidence is not None and summary.evidence.source == "CIN census":
        yield Text(
            "A number in brackets ending a message, such as (2885), is the DfE CIN census "
            "validation rule it corresponds to.",
            style="dim",
        )


def _rejected(summary: CaseloadSummary) -> Iterator[RenderableType | TextTable]:
    if not summary.rejected:
        return
    rows = []
    for index, row in enumerate(summary.rejected_rows()):
        if index == ROWS:
            break
        rows.append(
            (
                _t(rejected_where(row)),  # sheet and row, or line; column and field
                _t(row.get("child_id")),
                _t(row.get("field")),
                _t(row.get("reason")),
            )
        )
    yield TextTable(
        (("where", False), ("child", True), ("field", True), ("reason", False)),
        tuple(rows),
        title=f"Rejected ({summary.rejected})",
    )
