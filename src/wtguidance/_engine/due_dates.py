"""Due dates and lateness: from a clock's day 0 to the day a limit falls due (DESIGN §5),
and how late a later day is, in the limit's own unit; each answer remembered per plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from wtguidance._pack.model import Timescale
from wtguidance.calendar import (
    WIDE_FIRST_YEAR,
    WIDE_LAST_YEAR,
    Trigger,
    WorkingCalendar,
    add_days,
    add_months,
)
from wtguidance.results import TimescaleView

__all__ = [
    "DUE_DATES_KEPT",
    "DueDate",
    "Lateness",
    "due_date",
    "earlier",
    "lateness",
    "remembered",
]

DueDate = Callable[[dt.date], "dt.date | None"]
#: (due date, the later day: as of, or when it was met) → how late, in the limit's unit
Lateness = Callable[[dt.date, dt.date], TimescaleView]


def earlier(first: DueDate, second: DueDate) -> DueDate:
    def due(day: dt.date) -> dt.date | None:
        one, other = first(day), second(day)
        if one is None or other is None:
            return one if other is None else other
        return min(one, other)

    return due


#: how many (clock date → due date) answers each due-date function keeps
DUE_DATES_KEPT = 4096


def remembered(due: DueDate) -> DueDate:
    """``due``, answering a day it has counted from before without counting again.

    Clocks in a caseload start on a few hundred distinct days, and counting working days
    is the costliest step of judging an obligation; the answers depend only on the day
    (the plan's calendar and limit are fixed), so they are kept, up to
    :data:`DUE_DATES_KEPT` days (then forgotten at once and counted afresh). A day that
    cannot be counted raises each time and is never kept. Reads and writes of the dict are
    atomic, so threads sharing an evaluator at worst count a day twice.
    """
    kept: dict[dt.date, dt.date | None] = {}

    def remembered(day: dt.date) -> dt.date | None:
        found = kept.get(day, kept)
        if found is not kept:
            return found  # type: ignore[return-value]
        if len(kept) >= DUE_DATES_KEPT:
            kept.clear()
        answer = kept[day] = due(day)
        return answer

    return remembered


def lateness(timescale: Timescale | None, calendar: WorkingCalendar) -> Lateness:
    """How late a day is after a due date, in the unit a reader of the limit expects.

    Working days for limits in working days or months (on the calendar the limit is
    counted on); calendar days for limits in calendar days or hours (the due *moment* of
    an hours limit is compared separately: see the obligations judge).
    """
    unit = timescale.unit if timescale is not None else "working_days"
    if unit in ("calendar_days", "hours"):
        return lambda due, day: TimescaleView(calendar_days=(day - due).days)
    wide: list[WorkingCalendar] = []  # built only for a day outside the calendar's span

    def working_days(due: dt.date, day: dt.date) -> TimescaleView:
        if calendar.first <= due and day <= calendar.last:
            return TimescaleView(working_days=calendar.working_days_between(due, day))
        if not (due.year >= WIDE_FIRST_YEAR and day.year <= WIDE_LAST_YEAR):
            # beyond any bank-holiday table: say it in calendar days rather than guess
            return TimescaleView(calendar_days=(day - due).days)
        if not wide:
            wide.append(
                WorkingCalendar(
                    calendar.extra_non_working,
                    first_year=WIDE_FIRST_YEAR,
                    last_year=WIDE_LAST_YEAR,
                )
            )
        return TimescaleView(working_days=wide[0].working_days_between(due, day))

    kept: dict[tuple[dt.date, dt.date], TimescaleView] = {}

    def remembered(due: dt.date, day: dt.date) -> TimescaleView:
        # as _remembered: a caseload judged as of one day asks about a few hundred dues
        found = kept.get((due, day))
        if found is None:
            if len(kept) >= DUE_DATES_KEPT:
                kept.clear()
            found = kept[due, day] = working_days(due, day)
        return found

    return remembered


def due_date(timescale: Timescale | None, calendar: WorkingCalendar, trigger: Trigger) -> DueDate:
    """Day 0 → the due date (DESIGN §5), or None when no limit is set.

    ``working_days_before`` counts back from day 0; ``calendar_days`` counts every day;
    ``hours`` gives the day the hours run out on at the latest (the engine counts them to
    the minute where the events have times of day).
    """
    if timescale is None:
        return _no_limit
    months = timescale.months
    if months is not None:
        return lambda day: add_months(day, months)
    before = timescale.working_days_before
    if before is not None:
        subtract = calendar.subtract_working_days
        return lambda day: subtract(day, before)
    if timescale.calendar_days is not None:
        span = timescale.calendar_days
        return lambda day: add_days(day, span)
    if timescale.hours is not None:
        whole = -(-timescale.hours // 24)
        return lambda day: add_days(day, whole)
    days = timescale.working_days
    assert days is not None
    add = calendar.add_working_days
    return lambda day: add(day, days, trigger=trigger)


def _no_limit(_day: dt.date) -> None:
    return None
