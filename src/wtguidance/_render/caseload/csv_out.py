"""``--format csv``: one row per obligation instance, streamed.

A case with no obligation still gets one row (``record`` = ``no_obligation``) and every
rejected record gets one (``record`` = ``rejected``), so the rows account for every
record read. How late an obligation is comes from the outcome (``late_by``), never
recomputed here; ``timescale_source`` says where the limit comes from and
``national_timescale`` gives the edition's own limit when a local protocol tightened it.
Text from the input that a spreadsheet would run as a formula (starting ``=``, ``+``,
``-``, ``@``, tab or carriage return) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from wtguidance._pack.model import describe_limit
from wtguidance.case import Rejected
from wtguidance.caseload.run import Evaluated
from wtguidance.results import TimescaleView

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
    "timescale_source",
    "national_timescale",
    "due",
    "status",
    "satisfied_on",
    "working_days_late",
    "late_by",
    "reason",
)


def _safe(text: str | None) -> str:
    if not text:
        return ""
    return "'" + text if text[0] in "=+-@\t\r" else text


def _limit(view: TimescaleView | None) -> str:
    """A limit in words (``45 working days``), empty when there is none."""
    if view is None:
        return ""
    for unit, amount in view.model_dump().items():
        if amount is not None:
            return describe_limit(unit, amount)
    return ""


def write_csv(results: Iterable[Evaluated | Rejected], out: IO[str]) -> tuple[int, int]:
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
            late_by = item.late_by
            late = ""
            if late_by is not None and late_by.working_days is not None:
                late = str(late_by.working_days)
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
                    _limit(item.timescale),
                    item.timescale_source,
                    _limit(item.national_timescale),
                    item.due.isoformat() if item.due else "",
                    item.status,
                    item.satisfied_on.isoformat() if item.satisfied_on else "",
                    late,
                    _limit(late_by),
                    _safe(getattr(item, "reason", None)),
                ]
            )
    return outcomes, rejected
