"""``--format csv``: one row per obligation instance, streamed.

A case with no obligation still gets one row (``record`` = ``no_obligation``) and every
rejected record gets one (``record`` = ``rejected``), so the rows account for every
record read. Text from the input that a spreadsheet would run as a formula (starting
``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from wtguidance.calendar import WorkingCalendar
from wtguidance.case import Rejected
from wtguidance.caseload.run import Evaluated

__all__ = ["COLUMNS", "write_csv"]

COLUMNS = (
    "record",
    "case_id",
    "child_id",
    "obligation",
    "edition",
    "rule",
    "clock_event",
    "clock_date",
    "timescale",
    "due",
    "status",
    "satisfied_on",
    "working_days_late",
    "reason",
)


def _safe(text: str | None) -> str:
    if not text:
        return ""
    return "'" + text if text[0] in "=+-@\t\r" else text


def write_csv(
    results: Iterable[Evaluated | Rejected], out: IO[str], *, calendar: WorkingCalendar
) -> tuple[int, int]:
    """Write every result; return (outcomes, rejected) counts."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    outcomes = rejected = 0
    for result in results:
        if isinstance(result, Rejected):
            rejected += 1
            place = result.where()  # sheet and row, or line, then column and field
            where = f"{place}: " if place else ""
            writer.writerow(
                [
                    "rejected",
                    "",
                    _safe(result.child_id),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    _safe(where + result.reason),
                ]
            )
            continue
        outcomes += 1
        o = result.outcome
        case_id, child_id = _safe(o.case_id), _safe(result.child_id)
        if not o.obligations:
            writer.writerow(["no_obligation", case_id, child_id] + [""] * (len(COLUMNS) - 3))
        for item in o.obligations:
            scale = item.timescale
            limit = ""
            if scale is not None and scale.working_days is not None:
                limit = f"{scale.working_days} working days"
            elif scale is not None and scale.months is not None:
                limit = f"{scale.months} months"
            late = ""
            if item.status == "overdue" and item.due is not None:
                late = str(calendar.working_days_between(item.due, o.as_of))
            writer.writerow(
                [
                    "obligation",
                    case_id,
                    child_id,
                    item.id,
                    item.edition,
                    item.rule,
                    item.clock.event,
                    item.clock.date.isoformat(),
                    limit,
                    item.due.isoformat() if item.due else "",
                    item.status,
                    item.satisfied_on.isoformat() if item.satisfied_on else "",
                    late,
                    _safe(getattr(item, "reason", None)),
                ]
            )
    return outcomes, rejected
