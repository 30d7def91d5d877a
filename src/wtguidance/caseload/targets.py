"""The ``InitialCPCtarget`` cross-check: the census's target date against our due date.

A council's case system supplies ``InitialCPCtarget``; DfE does not compute it. We compare
it with our ``icpc.hold`` due date (15 working days after the strategy discussion that
began the enquiry, that day being day 0, England and Wales bank holidays excluded:
DESIGN §5) and give each disagreement the first likely cause that explains it
(shared/guidance/cin-census.md §3.4):

1. ``bank_holidays_ignored`` — the target is what counting weekdays only would give;
2. ``rolled_start`` — the strategy discussion fell on a weekend or bank holiday and the
   target counts from the next working day (numpy/pandas business-day offsets do this);
3. ``day_one_convention`` — the target counts the discussion itself as day 1;
4. ``calendar_days`` — the target is the discussion plus 21 calendar days (15 working days
   taken as three weeks, as the Bristol census toolkit does) or plus 15 calendar days. From
   a weekday, plus 21 days is also 15 weekdays, so cause 1 names it first; this cause
   explains what cause 1 cannot: a weekend discussion, which gives a weekend target;
5. ``different_base_date`` — the target is before the discussion or more than 30 working
   days away, so it was worked out from another date (or is a data error);
6. ``unexplained`` — none of these.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from wtguidance.calendar import WorkingCalendar

__all__ = ["CAUSES", "CAUSE_TEXT", "ICPC_WORKING_DAYS", "Cause", "classify"]

Cause = Literal[
    "bank_holidays_ignored",
    "rolled_start",
    "day_one_convention",
    "calendar_days",
    "different_base_date",
    "unexplained",
]
CAUSES: tuple[Cause, ...] = (
    "bank_holidays_ignored",
    "rolled_start",
    "day_one_convention",
    "calendar_days",
    "different_base_date",
    "unexplained",
)
CAUSE_TEXT: dict[str, str] = {
    "bank_holidays_ignored": "bank holidays ignored",
    "rolled_start": "weekend or holiday start rolled to the next working day",
    "day_one_convention": "the discussion counted as day 1",
    "calendar_days": "counted in calendar days (21 or 15)",
    "different_base_date": "a different base date (or a data error)",
    "unexplained": "unexplained",
}

ICPC_WORKING_DAYS = 15
"""The ICPC limit the target is checked against (every edition since 2010)."""

CALENDAR_DAY_READINGS = (21, 15)
"""Calendar days a system may have used for 15 working days: three weeks, or 15 days."""


def _add_weekdays(start: dt.date, n: int) -> dt.date:
    """``start`` + n Monday–Friday days, ignoring bank holidays (start is day 0)."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _next_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def classify(
    clock: dt.date, target: dt.date, due: dt.date, calendar: WorkingCalendar
) -> Cause | None:
    """``None`` when the target agrees with ``due``; otherwise its first likely cause."""
    if target == due:
        return None
    n = ICPC_WORKING_DAYS
    if target == _add_weekdays(clock, n):
        return "bank_holidays_ignored"
    if not calendar.is_working_day(clock) and target in (
        calendar.add_working_days(clock, n, trigger="next_working_day"),
        _add_weekdays(_next_weekday(clock), n),  # rolled, and bank holidays ignored too
    ):
        return "rolled_start"
    if target == calendar.add_working_days(clock, n - 1):
        return "day_one_convention"
    if (target - clock).days in CALENDAR_DAY_READINGS:
        return "calendar_days"
    if target < clock or calendar.working_days_between(clock, target) > 2 * n:
        return "different_base_date"
    return "unexplained"
