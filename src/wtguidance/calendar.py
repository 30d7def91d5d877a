"""Working days and calendar months: the one counting rule (DESIGN §5).

A *working day* is a Monday–Friday that is not an England and Wales bank holiday
(``holidays.country_holidays("GB", subdiv="ENG")``, which includes the one-off days and the
substitute days) and not one of the calendar's ``extra_non_working`` days (local closures).

"Within N working days of D" is due on the N-th working day strictly after D: D is day 0,
whatever day of the week it is. With the ``next_working_day`` trigger a non-working D is
first moved to the next working day, which then counts as day 0.

"Within N months of D" is due on D + N calendar months, clipped to the end of the month
(2023-11-30 + 3 months is 2024-02-29), with no working-day adjustment.

Nothing here loops day by day. At construction the calendar sorts the non-working
*weekdays* of its span (bank holidays and extra days that fall Monday–Friday) into a tuple of
proleptic ordinals; weekends are handled by arithmetic. Every date then has a working-day
index::

    W(d) = (weekdays up to and including d) - (non-working weekdays up to and including d)

found with one division and one :func:`bisect.bisect_right`. ``working_days_between`` is a
difference of two indexes; ``add_working_days`` inverts the index with arithmetic plus a
correction loop that runs once per holiday crossed (in practice one to three times).

A calendar is immutable after construction and safe to share between threads.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from wtguidance.errors import CalendarError

__all__ = [
    "EVERY_DAY",
    "WIDE_FIRST_YEAR",
    "WIDE_LAST_YEAR",
    "DateWindow",
    "Trigger",
    "WorkingCalendar",
    "add_days",
    "add_months",
]

Trigger = Literal["same_day", "next_working_day"]


class DateWindow(NamedTuple):
    """A span of days, ``start`` included and ``end`` excluded; ``None`` leaves a side open.

    The one answer to "does edition E govern this anchor date?": :meth:`Editions.window`
    returns an edition's window and everything that asks uses :meth:`contains`.
    """

    start: date | None = None
    end: date | None = None

    def contains(self, day: date) -> bool:
        """True when ``day`` falls in the window."""
        return (self.start is None or day >= self.start) and (self.end is None or day < self.end)


EVERY_DAY = DateWindow()
"""The window with both sides open (an edition pinned for the whole case)."""

_WEEKEND_NAMES = ("Saturday", "Sunday")
_LOCAL_REASON = "local non-working day"

# Supported years for the span. ``date`` itself stops at 9999; the holiday rules are only
# meaningful from the late nineteenth century on.
_MIN_YEAR = 1900
_MAX_YEAR = 9998


# The widest span the caseload report counts in (a source's own stated targets, such as the
# 1970 dates of the DfE's CIN sample): every year the ``holidays`` rules give bank holidays
# for. Deadlines the engine counts stay within the default calendar's 1990-2075.
WIDE_FIRST_YEAR = 1900
WIDE_LAST_YEAR = 2200


def _weekdays_through(ordinal: int) -> int:
    """Number of Monday–Friday days among ordinals 1..ordinal (ordinal 1 is Monday 0001-01-01)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + (rest if rest < 5 else 5)


def _kth_weekday(k: int) -> int:
    """The ordinal of the k-th Monday–Friday day counting from ordinal 1 (k >= 1)."""
    weeks, rest = divmod(k - 1, 5)
    return 7 * weeks + rest + 1


def _england_bank_holidays(first_year: int, last_year: int) -> dict[date, str]:
    """England and Wales bank holidays (with substitute and one-off days) for the years given.

    The years the package's generated table covers (1990–2075, built from ``holidays`` by
    ``make docs``) are read from it; only years outside it ask ``holidays`` itself, which
    costs ~70 ms to import and ~100 ms more on first use.
    """
    from wtguidance._bank_holidays import BANK_HOLIDAYS, FIRST_YEAR, LAST_YEAR

    low, high = max(first_year, FIRST_YEAR), min(last_year, LAST_YEAR)
    table = {
        date.fromisoformat(day): name for day, name in BANK_HOLIDAYS if low <= int(day[:4]) <= high
    }
    outside = [y for y in range(first_year, last_year + 1) if not low <= y <= high]
    if outside:
        table.update(_holidays_package(outside))
    return table


def _holidays_package(years: list[int]) -> dict[date, str]:
    """Bank holidays for ``years`` straight from the ``holidays`` package."""
    import holidays

    table = holidays.country_holidays("GB", subdiv="ENG", years=years, language="en_GB")
    return {day: str(name) for day, name in table.items()}


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}: {value!r}")


class WorkingCalendar:
    """Working days in England over a fixed span of years, plus optional local closure days.

    The bank holidays of 1990–2075 come from a table generated into the package, so the
    default calendar takes about a millisecond to build; a span reaching outside those
    years also asks ``holidays`` (a one-off ~150–180 ms to import it and load its country
    registry). :meth:`with_extra_non_working` (~0.2 ms) and unpickling reuse the table.
    """

    __slots__ = (
        "_bank",
        "_first_ord",
        "_last_ord",
        "_nonworking_ords",
        "_nonworking_set",
        "extra_non_working",
        "first",
        "last",
    )

    first: date
    last: date
    extra_non_working: frozenset[date]
    _bank: Mapping[date, str]
    _first_ord: int
    _last_ord: int
    _nonworking_ords: tuple[int, ...]
    _nonworking_set: frozenset[int]

    def __init__(
        self,
        extra_non_working: Iterable[date] = (),
        *,
        first_year: int = 1990,
        last_year: int = 2075,
    ) -> None:
        if not (_MIN_YEAR <= first_year <= last_year <= _MAX_YEAR):
            raise CalendarError(
                f"invalid calendar span {first_year}–{last_year}: need "
                f"{_MIN_YEAR} <= first_year <= last_year <= {_MAX_YEAR}"
            )
        self._setup(
            date(first_year, 1, 1),
            date(last_year, 12, 31),
            frozenset(_as_date(d) for d in extra_non_working),
            _england_bank_holidays(first_year, last_year),
        )

    def _setup(
        self, first: date, last: date, extra: frozenset[date], bank: Mapping[date, str]
    ) -> None:
        first_ord, last_ord = first.toordinal(), last.toordinal()
        nonworking = {
            o
            for d in (*bank, *extra)
            if d.weekday() < 5 and first_ord <= (o := d.toordinal()) <= last_ord
        }
        init = object.__setattr__
        init(self, "first", first)
        init(self, "last", last)
        init(self, "extra_non_working", extra)
        # Calendars derived by with_extra_non_working share the parent's read-only table.
        shared = bank if isinstance(bank, MappingProxyType) else MappingProxyType(dict(bank))
        init(self, "_bank", shared)
        init(self, "_first_ord", first_ord)
        init(self, "_last_ord", last_ord)
        init(self, "_nonworking_ords", tuple(sorted(nonworking)))
        init(self, "_nonworking_set", frozenset(nonworking))

    # -- immutability, equality, pickling ---------------------------------------------------

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return (self.first, self.last, self.extra_non_working) == (
            other.first,
            other.last,
            other.extra_non_working,
        )

    def __hash__(self) -> int:
        return hash((self.first, self.last, self.extra_non_working))

    def __repr__(self) -> str:
        extra = ", ".join(d.isoformat() for d in sorted(self.extra_non_working))
        return (
            f"WorkingCalendar(first={self.first.isoformat()}, last={self.last.isoformat()}, "
            f"extra_non_working=[{extra}])"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _restore,
            (self.first, self.last, tuple(sorted(self.extra_non_working)), dict(self._bank)),
        )

    # -- queries ----------------------------------------------------------------------------

    def _ordinal(self, d: date, what: str = "date") -> int:
        o = d.toordinal()
        if not (self._first_ord <= o <= self._last_ord):
            raise CalendarError(
                f"{what} {d.isoformat()} is outside the supported calendar span "
                f"{self.first.isoformat()} to {self.last.isoformat()}"
            )
        return o

    def _index(self, o: int) -> int:
        """Working-day index W(o): weekdays through o minus non-working weekdays through o."""
        return _weekdays_through(o) - bisect_right(self._nonworking_ords, o)

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a Monday–Friday that is neither a bank holiday nor a local closure."""
        o = self._ordinal(d)
        return (o - 1) % 7 < 5 and o not in self._nonworking_set

    def non_working_reason(self, d: date) -> str | None:
        """Why ``d`` is not a working day, or ``None`` if it is one.

        ``"Saturday"`` or ``"Sunday"`` for a weekend (even when a bank holiday such as Christmas
        Day falls on it: the substitute weekday is the bank holiday that matters), else the
        bank holiday's name, else ``"local non-working day"``.
        """
        o = self._ordinal(d)
        weekday = (o - 1) % 7
        if weekday >= 5:
            return _WEEKEND_NAMES[weekday - 5]
        if o not in self._nonworking_set:
            return None
        day = date.fromordinal(o)
        name = self._bank.get(day)
        return name if name is not None else _LOCAL_REASON

    def add_working_days(self, start: date, n: int, *, trigger: Trigger = "same_day") -> date:
        """The ``n``-th working day strictly after ``start`` (``start`` is day 0).

        ``n == 0`` returns ``start`` unchanged with the ``same_day`` trigger. With
        ``next_working_day``, a non-working ``start`` is first moved to the next working day,
        which becomes day 0.
        """
        if n < 0:
            raise CalendarError(
                f"cannot count a negative number of working days ({n}) from {start.isoformat()}"
            )
        o = self._ordinal(start, "start date")
        if trigger == "next_working_day":
            if (o - 1) % 7 >= 5 or o in self._nonworking_set:
                n += 1  # day 0 becomes the next working day, one further on
        elif trigger != "same_day":
            raise CalendarError(
                f"unknown counting trigger {trigger!r}: expected 'same_day' or 'next_working_day'"
            )
        if n == 0:
            return start
        ords = self._nonworking_ords
        target = self._index(o) + n
        # Smallest ordinal x with W(x) >= target. Each pass assumes the holidays counted so far
        # and places x on the matching weekday; it repeats only when x crossed another
        # non-working weekday, so it runs at most once per holiday crossed (see module doc).
        held = bisect_right(ords, o)
        while True:
            x = _kth_weekday(target + held)
            if x > self._last_ord:
                raise CalendarError(
                    f"{n} working days after {start.isoformat()} falls beyond the supported "
                    f"calendar span {self.first.isoformat()} to {self.last.isoformat()}"
                )
            now = bisect_right(ords, x, held)
            if now == held:
                return date.fromordinal(x)
            held = now

    def subtract_working_days(self, end: date, n: int) -> date:
        """The ``n``-th working day strictly before ``end`` (``end`` is day 0).

        The mirror of :meth:`add_working_days`, for limits that fall *before* an event
        ("at least 7 working days before publication"): the result is a working day ``w``
        with exactly ``n`` working days in ``w < d <= end`` counted from ``w``'s side, i.e.
        ``working_days_between(w, end) == n`` when ``end`` is a working day. ``n == 0``
        returns ``end``.
        """
        if n < 0:
            raise CalendarError(
                f"cannot count a negative number of working days ({n}) before {end.isoformat()}"
            )
        o = self._ordinal(end, "end date")
        while n > 0:
            o -= 1
            if o < self._first_ord:
                raise CalendarError(
                    f"{n} working days before {end.isoformat()} falls before the supported "
                    f"calendar span {self.first.isoformat()} to {self.last.isoformat()}"
                )
            if (o - 1) % 7 < 5 and o not in self._nonworking_set:
                n -= 1
        return date.fromordinal(o)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``w`` with ``start < w <= end``; the negated count if ``end < start``."""
        return self._index(self._ordinal(end, "end date")) - self._index(
            self._ordinal(start, "start date")
        )

    def with_extra_non_working(self, days: Iterable[date]) -> WorkingCalendar:
        """A new calendar with ``days`` added to the local non-working days; this one unchanged."""
        extra = self.extra_non_working | frozenset(_as_date(d) for d in days)
        new = object.__new__(WorkingCalendar)
        new._setup(self.first, self.last, extra, self._bank)
        return new


def _restore(
    first: date, last: date, extra: tuple[date, ...], bank: dict[date, str]
) -> WorkingCalendar:
    """Unpickle a :class:`WorkingCalendar` without rebuilding the ``holidays`` table."""
    cal = object.__new__(WorkingCalendar)
    cal._setup(first, last, frozenset(extra), bank)
    return cal


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def add_days(d: date, n: int) -> date:
    """``d`` plus ``n`` calendar days; a :class:`CalendarError` (never ``OverflowError``)
    when that is before 0001-01-01 or after 9999-12-31."""
    try:
        return d + timedelta(days=n)
    except OverflowError:
        raise CalendarError(
            f"{d.isoformat()} plus {n} days is outside the representable dates"
        ) from None


def add_months(d: date, n: int) -> date:
    """``d`` plus ``n`` calendar months, clipped to the month's end (2023-11-30 + 3 → 2024-02-29).

    The same result as ``d + dateutil.relativedelta.relativedelta(months=n)`` (a property
    test checks this), computed directly because this sits on the evaluation hot path.
    ``n`` may be negative.
    """
    year, month0 = divmod(d.year * 12 + d.month - 1 + n, 12)
    if not (1 <= year <= 9999):
        raise CalendarError(f"{d.isoformat()} plus {n} months is outside the representable dates")
    month = month0 + 1
    return date(year, month, min(d.day, _days_in_month(year, month)))
