"""Tests for wtguidance.calendar: the counting rule of DESIGN §5."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from datetime import date, timedelta

import holidays
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from wtguidance.calendar import Trigger, WorkingCalendar, add_months
from wtguidance.errors import CalendarError

CAL = WorkingCalendar()

# Independent data for the reference implementation: the holidays table straight from the
# library, not the calendar's precomputed index.
_REF_BANK = holidays.country_holidays("GB", subdiv="ENG", years=range(1990, 2076))


def iso(text: str) -> date:
    return date.fromisoformat(text)


# -- reference implementation (test only: day-by-day loops) -----------------------------------


def ref_is_working(d: date, extra: frozenset[date] = frozenset()) -> bool:
    return d.weekday() < 5 and d not in _REF_BANK and d not in extra


def ref_add(
    d: date, n: int, extra: frozenset[date] = frozenset(), trigger: Trigger = "same_day"
) -> date:
    if trigger == "next_working_day":
        while not ref_is_working(d, extra):
            d += timedelta(days=1)
    while n > 0:
        d += timedelta(days=1)
        if ref_is_working(d, extra):
            n -= 1
    return d


def ref_between(start: date, end: date, extra: frozenset[date] = frozenset()) -> int:
    if end < start:
        return -ref_between(end, start, extra)
    count = 0
    d = start + timedelta(days=1)
    while d <= end:
        count += ref_is_working(d, extra)
        d += timedelta(days=1)
    return count


# -- DESIGN §5 vectors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2023-04-28", 45, "2023-07-05"),  # Fri; crosses May Day, coronation, spring BH
        ("2022-12-23", 15, "2023-01-18"),  # Fri; crosses 26/27 Dec and 2 Jan substitutes
        ("2023-05-06", 1, "2023-05-09"),  # Sat is day 0; Mon 8 May is the coronation
        ("2024-01-05", 1, "2024-01-08"),  # Fri + 1 = Mon
    ],
)
def test_design_vectors(start: str, n: int, due: str) -> None:
    assert CAL.add_working_days(iso(start), n) == iso(due)
    assert CAL.working_days_between(iso(start), iso(due)) == n


def test_design_month_vector() -> None:
    assert add_months(iso("2023-11-30"), 3) == iso("2024-02-29")


def test_first_vector_by_hand() -> None:
    # Fri 2023-04-28 + 45, counted week by week: Mon 1 May is May Day, so 2-5 May gives 4;
    # Mon 8 May is the coronation, 9-12 May gives 8; 15-19 -> 13; 22-26 -> 18; Mon 29 May is
    # the spring bank holiday, 30 May-2 Jun -> 22; then five full weeks of June -> 42;
    # Mon 3, Tue 4, Wed 5 July -> 45.
    assert CAL.add_working_days(iso("2023-04-28"), 44) == iso("2023-07-04")
    assert CAL.add_working_days(iso("2023-04-28"), 45) == iso("2023-07-05")


def test_zero_days_returns_start_unchanged() -> None:
    for text in ("2023-05-06", "2023-05-08", "2023-05-09"):  # Sat, coronation, ordinary Tue
        assert CAL.add_working_days(iso(text), 0) == iso(text)


# -- one-off and moved bank holidays ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("1995-05-08", "May Day"),  # moved from Mon 1 May for the VE Day 50th anniversary
        ("1999-12-31", "Millennium Celebrations"),
        ("2002-06-03", "Golden Jubilee of Elizabeth II"),
        ("2002-06-04", "Spring Bank Holiday"),  # moved from Mon 27 May 2002
        ("2011-04-29", "Wedding of William and Catherine"),
        ("2012-06-04", "Spring Bank Holiday"),  # moved from Mon 28 May 2012
        ("2012-06-05", "Diamond Jubilee of Elizabeth II"),
        ("2020-05-08", "May Day"),  # moved from Mon 4 May for the VE Day 75th anniversary
        ("2022-06-02", "Spring Bank Holiday"),  # moved from Mon 30 May 2022
        ("2022-06-03", "Platinum Jubilee of Elizabeth II"),
        ("2022-09-19", "State Funeral of Queen Elizabeth II"),
        ("2023-05-08", "Coronation of Charles III"),
    ],
)
def test_one_off_bank_holidays_are_non_working(day: str, name: str) -> None:
    assert iso(day).weekday() < 5
    assert not CAL.is_working_day(iso(day))
    assert CAL.non_working_reason(iso(day)) == name


@pytest.mark.parametrize(
    "day",
    [
        "1995-05-01",  # the usual first Monday in May was working in 1995 ...
        "2002-05-27",  # ... and the usual last Monday in May in 2002,
        "2012-05-28",  # 2012,
        "2020-05-04",  # 2020
        "2022-05-30",  # and 2022, because the holiday moved.
    ],
)
def test_days_vacated_by_moved_holidays_are_working(day: str) -> None:
    assert CAL.is_working_day(iso(day))
    assert CAL.non_working_reason(iso(day)) is None


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Thu 28 Apr 2011 + 1: Fri 29 Apr (royal wedding), Sat, Sun, Mon 2 May (May Day)
        # -> Tue 3 May.
        ("2011-04-28", 1, "2011-05-03"),
        # Fri 1 Jun 2012 + 1: Mon 4 Jun (moved spring BH), Tue 5 Jun (diamond jubilee)
        # -> Wed 6 Jun.
        ("2012-06-01", 1, "2012-06-06"),
        # Thu 7 May 2020 + 1: Fri 8 May (VE Day May Day), weekend -> Mon 11 May.
        ("2020-05-07", 1, "2020-05-11"),
        # Fri 1 May 2020 + 1 -> Mon 4 May, an ordinary working day that year.
        ("2020-05-01", 1, "2020-05-04"),
        # Wed 1 Jun 2022 + 1: Thu 2 (moved spring BH), Fri 3 (platinum jubilee), weekend
        # -> Mon 6 Jun.
        ("2022-06-01", 1, "2022-06-06"),
        # Fri 27 May 2022 + 1 -> Mon 30 May, working that year.
        ("2022-05-27", 1, "2022-05-30"),
        # Fri 16 Sep 2022 + 1: Mon 19 (state funeral) -> Tue 20 Sep.
        ("2022-09-16", 1, "2022-09-20"),
        # Fri 5 May 2023 + 1: Mon 8 (coronation) -> Tue 9 May.
        ("2023-05-05", 1, "2023-05-09"),
        # Thu 28 Apr 2011 + 5: Tue 3 (1), Wed 4 (2), Thu 5 (3), Fri 6 (4), Mon 9 May (5).
        ("2011-04-28", 5, "2011-05-09"),
        # Thu 30 Dec 1999 + 1: Fri 31 Dec (millennium), weekend, Mon 3 Jan 2000 (New Year's
        # Day observed) -> Tue 4 Jan 2000.
        ("1999-12-30", 1, "2000-01-04"),
    ],
)
def test_deadlines_jump_over_one_off_holidays(start: str, n: int, due: str) -> None:
    assert CAL.add_working_days(iso(start), n) == iso(due)
    assert CAL.working_days_between(iso(start), iso(due)) == n


# -- Christmas and New Year substitute days --------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2010-12-27", "Christmas Day (observed)"),
        ("2010-12-28", "Boxing Day (observed)"),
        ("2011-01-03", "New Year's Day (observed)"),
        ("2015-12-28", "Boxing Day (observed)"),
        ("2016-12-26", "Boxing Day"),
        ("2016-12-27", "Christmas Day (observed)"),
        ("2017-01-02", "New Year's Day (observed)"),
        ("2020-12-28", "Boxing Day (observed)"),
        ("2021-12-27", "Christmas Day (observed)"),
        ("2021-12-28", "Boxing Day (observed)"),
        ("2022-01-03", "New Year's Day (observed)"),
        ("2022-12-26", "Boxing Day"),
        ("2022-12-27", "Christmas Day (observed)"),
        ("2023-01-02", "New Year's Day (observed)"),
        ("2027-12-27", "Christmas Day (observed)"),
        ("2027-12-28", "Boxing Day (observed)"),
    ],
)
def test_christmas_and_new_year_substitute_days(day: str, name: str) -> None:
    assert not CAL.is_working_day(iso(day))
    assert CAL.non_working_reason(iso(day)) == name


def test_weekend_christmas_reports_the_weekend() -> None:
    # Christmas Day 2021 is a Saturday: the weekend is why it is not working; the bank
    # holiday that matters is the substitute Monday 27th.
    assert CAL.non_working_reason(iso("2021-12-25")) == "Saturday"
    assert CAL.non_working_reason(iso("2021-12-26")) == "Sunday"


def test_christmas_2022_deadline() -> None:
    # Fri 23 Dec 2022 + 1: weekend, Mon 26 (Boxing Day), Tue 27 (Christmas observed)
    # -> Wed 28 Dec; + 4: Wed 28, Thu 29, Fri 30, (Mon 2 Jan observed) Tue 3 Jan.
    assert CAL.add_working_days(iso("2022-12-23"), 1) == iso("2022-12-28")
    assert CAL.add_working_days(iso("2022-12-23"), 4) == iso("2023-01-03")


def test_non_working_weekdays_of_2023_exactly() -> None:
    expected = {
        iso(t)
        for t in (
            "2023-01-02",
            "2023-04-07",
            "2023-04-10",
            "2023-05-01",
            "2023-05-08",
            "2023-05-29",
            "2023-08-28",
            "2023-12-25",
            "2023-12-26",
        )
    }
    days = [iso("2023-01-01") + timedelta(days=i) for i in range(365)]
    found = {d for d in days if d.weekday() < 5 and not CAL.is_working_day(d)}
    assert found == expected
    assert CAL.working_days_between(iso("2022-12-31"), iso("2023-12-31")) == 260 - 9


# -- add_months ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        ("2023-11-30", 3, "2024-02-29"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2023-08-31", 6, "2024-02-29"),
        ("2023-03-31", 3, "2023-06-30"),
        ("2023-05-06", 0, "2023-05-06"),
        ("2000-02-29", 12, "2001-02-28"),
        ("1900-01-31", 1, "1900-02-28"),  # 1900 is not a leap year
        ("2000-01-31", 1, "2000-02-29"),  # 2000 is
        ("2024-03-31", -1, "2024-02-29"),
        ("2023-12-15", 1, "2024-01-15"),
    ],
)
def test_add_months(start: str, n: int, due: str) -> None:
    assert add_months(iso(start), n) == iso(due)


def test_add_months_does_not_adjust_to_working_days() -> None:
    assert add_months(iso("2023-04-06"), 1) == iso("2023-05-06")  # a Saturday, left as is


def test_add_months_out_of_representable_range() -> None:
    with pytest.raises(CalendarError, match="9999-12-01"):
        add_months(iso("9999-12-01"), 1)


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    st.integers(min_value=-1200, max_value=1200),
)
def test_add_months_matches_relativedelta(d: date, n: int) -> None:
    assert add_months(d, n) == d + relativedelta(months=n)


# -- local non-working days ------------------------------------------------------------------


def test_extra_non_working_days_shift_deadlines() -> None:
    closure = iso("2024-01-08")  # Mon
    local = WorkingCalendar([closure])
    assert local.extra_non_working == frozenset({closure})
    assert not local.is_working_day(closure)
    assert local.non_working_reason(closure) == "local non-working day"
    assert local.add_working_days(iso("2024-01-05"), 1) == iso("2024-01-09")
    assert CAL.add_working_days(iso("2024-01-05"), 1) == iso("2024-01-08")
    assert local.working_days_between(iso("2024-01-05"), iso("2024-01-12")) == 4


def test_with_extra_non_working_leaves_original_unchanged() -> None:
    base = WorkingCalendar()
    derived = base.with_extra_non_working([iso("2024-01-08"), iso("2024-01-09")])
    assert base.extra_non_working == frozenset()
    assert base.add_working_days(iso("2024-01-05"), 1) == iso("2024-01-08")
    assert derived.add_working_days(iso("2024-01-05"), 1) == iso("2024-01-10")
    again = derived.with_extra_non_working([iso("2024-01-10")])
    assert derived.extra_non_working == {iso("2024-01-08"), iso("2024-01-09")}
    assert again.extra_non_working == {iso("2024-01-08"), iso("2024-01-09"), iso("2024-01-10")}
    assert again.add_working_days(iso("2024-01-05"), 1) == iso("2024-01-11")
    assert derived == WorkingCalendar([iso("2024-01-08"), iso("2024-01-09")])
    assert (derived.first, derived.last) == (base.first, base.last)


def test_extra_days_on_weekends_or_bank_holidays_change_nothing() -> None:
    local = WorkingCalendar([iso("2023-05-06"), iso("2023-05-08")])  # Sat, coronation
    assert local.add_working_days(iso("2023-05-05"), 1) == iso("2023-05-09")
    assert local.non_working_reason(iso("2023-05-08")) == "Coronation of Charles III"
    assert local.non_working_reason(iso("2023-05-06")) == "Saturday"


def test_extra_days_outside_span_are_kept_but_harmless() -> None:
    local = WorkingCalendar([iso("1980-01-01")])
    assert iso("1980-01-01") in local.extra_non_working
    assert local.add_working_days(iso("2024-01-05"), 1) == iso("2024-01-08")


# -- next_working_day trigger ----------------------------------------------------------------


def test_next_working_day_trigger() -> None:
    # Sat 6 May 2023: Sun 7, Mon 8 (coronation) are not working, so day 0 is Tue 9 and
    # day 1 is Wed 10.
    sat = iso("2023-05-06")
    assert CAL.add_working_days(sat, 1, trigger="next_working_day") == iso("2023-05-10")
    assert CAL.add_working_days(sat, 0, trigger="next_working_day") == iso("2023-05-09")
    assert CAL.add_working_days(sat, 1, trigger="same_day") == iso("2023-05-09")
    # A bank-holiday start moves too: Mon 8 May -> day 0 Tue 9 -> day 1 Wed 10.
    assert CAL.add_working_days(iso("2023-05-08"), 1, trigger="next_working_day") == iso(
        "2023-05-10"
    )
    # Sat 2024-01-06 + 1: Mon 8 is working, so day 0 is Mon 8 and day 1 is Tue 9.
    assert CAL.add_working_days(iso("2024-01-06"), 1, trigger="next_working_day") == iso(
        "2024-01-09"
    )


def test_next_working_day_trigger_leaves_working_starts_alone() -> None:
    for start, n in (("2023-04-28", 45), ("2022-12-23", 15), ("2024-01-05", 1)):
        assert CAL.add_working_days(
            iso(start), n, trigger="next_working_day"
        ) == CAL.add_working_days(iso(start), n)
    assert CAL.add_working_days(iso("2024-01-05"), 0, trigger="next_working_day") == iso(
        "2024-01-05"
    )


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [iso("1989-12-31"), iso("2076-01-01"), iso("1066-10-14")])
def test_out_of_range_dates_raise(bad: date) -> None:
    calls: list[Callable[[], object]] = [
        lambda: CAL.is_working_day(bad),
        lambda: CAL.non_working_reason(bad),
        lambda: CAL.add_working_days(bad, 1),
        lambda: CAL.add_working_days(bad, 0),
        lambda: CAL.working_days_between(bad, iso("2024-01-01")),
        lambda: CAL.working_days_between(iso("2024-01-01"), bad),
    ]
    for call in calls:
        with pytest.raises(CalendarError) as info:
            call()
        text = str(info.value)
        assert bad.isoformat() in text
        assert "1990-01-01" in text
        assert "2075-12-31" in text
        assert info.value.code == "calendar-range"


def test_span_edges_are_supported() -> None:
    assert CAL.first == iso("1990-01-01")
    assert CAL.last == iso("2075-12-31")
    assert not CAL.is_working_day(CAL.first)  # New Year's Day 1990, a Monday
    assert CAL.is_working_day(iso("2075-12-31"))  # a Tuesday
    assert CAL.add_working_days(iso("2075-12-30"), 1) == iso("2075-12-31")


def test_due_date_beyond_span_raises() -> None:
    with pytest.raises(CalendarError, match="beyond the supported calendar span"):
        CAL.add_working_days(iso("2075-12-31"), 1)
    with pytest.raises(CalendarError, match="beyond"):
        CAL.add_working_days(iso("2024-01-01"), 10**12)


def test_custom_span() -> None:
    small = WorkingCalendar(first_year=2000, last_year=2001)
    assert (small.first, small.last) == (iso("2000-01-01"), iso("2001-12-31"))
    assert small.add_working_days(iso("2000-12-22"), 1) == iso("2000-12-27")
    with pytest.raises(CalendarError, match="2002-01-01"):
        small.is_working_day(iso("2002-01-01"))
    with pytest.raises(CalendarError):
        WorkingCalendar(first_year=2001, last_year=2000)


def test_negative_n_raises() -> None:
    with pytest.raises(CalendarError, match="negative"):
        CAL.add_working_days(iso("2024-01-05"), -1)


def test_unknown_trigger_raises() -> None:
    with pytest.raises(CalendarError, match="trigger"):
        CAL.add_working_days(iso("2024-01-05"), 1, trigger="tomorrow")  # type: ignore[arg-type]


# -- immutability and value semantics --------------------------------------------------------


def test_calendar_is_immutable() -> None:
    cal = WorkingCalendar([iso("2024-01-08")])
    with pytest.raises(AttributeError):
        cal.first = iso("2000-01-01")
    with pytest.raises(AttributeError):
        del cal.last
    assert isinstance(cal.extra_non_working, frozenset)


def test_equality_hash_and_pickle() -> None:
    cal = WorkingCalendar([iso("2024-01-08")])
    twin = WorkingCalendar([iso("2024-01-08")])
    assert cal == twin
    assert hash(cal) == hash(twin)
    assert cal != CAL
    assert "2024-01-08" in repr(cal)
    for clone in (pickle.loads(pickle.dumps(cal)), copy.deepcopy(cal), copy.copy(cal)):
        assert clone == cal
        assert clone.add_working_days(iso("2024-01-05"), 1) == iso("2024-01-09")
        assert clone.non_working_reason(iso("2023-05-08")) == "Coronation of Charles III"


def test_datetime_extra_days_are_normalised() -> None:
    from datetime import datetime

    cal = WorkingCalendar([datetime(2024, 1, 8, 9, 30)])
    assert cal.extra_non_working == {iso("2024-01-08")}
    assert not cal.is_working_day(iso("2024-01-08"))


# -- properties ------------------------------------------------------------------------------

dates_in_span = st.dates(min_value=date(1995, 1, 1), max_value=date(2070, 12, 31))
counts = st.integers(min_value=0, max_value=400)
triggers = st.sampled_from(["same_day", "next_working_day"])


@st.composite
def extras_near(draw: st.DrawFn, start: date) -> frozenset[date]:
    offsets = draw(st.lists(st.integers(min_value=-30, max_value=600), max_size=12))
    return frozenset(start + timedelta(days=k) for k in offsets)


@given(dates_in_span, st.integers(min_value=1, max_value=400), triggers)
def test_due_date_is_a_working_day(d: date, n: int, trigger: Trigger) -> None:
    due = CAL.add_working_days(d, n, trigger=trigger)
    assert due > d
    assert CAL.is_working_day(due)
    assert CAL.non_working_reason(due) is None


@given(dates_in_span, counts, triggers)
def test_strictly_monotone_in_n(d: date, n: int, trigger: Trigger) -> None:
    assert CAL.add_working_days(d, n, trigger=trigger) < CAL.add_working_days(
        d, n + 1, trigger=trigger
    )


@given(dates_in_span, counts)
def test_between_inverts_add(d: date, n: int) -> None:
    due = CAL.add_working_days(d, n)
    assert CAL.working_days_between(d, due) == n
    assert CAL.working_days_between(due, d) == -n


@given(dates_in_span, dates_in_span)
def test_between_is_antisymmetric_and_additive(a: date, b: date) -> None:
    mid = a + (b - a) // 2
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
    assert CAL.working_days_between(a, b) == CAL.working_days_between(
        a, mid
    ) + CAL.working_days_between(mid, b)


@given(st.data(), dates_in_span, counts, triggers)
def test_agrees_with_day_by_day_reference(
    data: st.DataObject, d: date, n: int, trigger: Trigger
) -> None:
    extra = data.draw(extras_near(d))
    cal = CAL.with_extra_non_working(extra) if extra else CAL
    due = cal.add_working_days(d, n, trigger=trigger)
    assert due == ref_add(d, n, extra, trigger)
    assert cal.is_working_day(d) == ref_is_working(d, extra)
    other = d + timedelta(days=data.draw(st.integers(min_value=-700, max_value=700)))
    assert cal.working_days_between(d, other) == ref_between(d, other, extra)


@given(dates_in_span)
def test_is_working_day_agrees_with_library(d: date) -> None:
    assert CAL.is_working_day(d) == ref_is_working(d)
    assert (CAL.non_working_reason(d) is None) == CAL.is_working_day(d)


# --- the generated bank-holiday table (package data) ---------------------------------------


def _from_holidays(years: range) -> dict[date, str]:
    table = holidays.country_holidays("GB", subdiv="ENG", years=years, language="en_GB")
    return {day: str(name) for day, name in table.items()}


def test_generated_table_matches_holidays_for_every_year_it_covers() -> None:
    from wtguidance._bank_holidays import BANK_HOLIDAYS, FIRST_YEAR, LAST_YEAR

    table = {date.fromisoformat(day): name for day, name in BANK_HOLIDAYS}
    assert len(table) == len(BANK_HOLIDAYS)  # one row per day
    assert table == _from_holidays(range(FIRST_YEAR, LAST_YEAR + 1))
    assert {d.year for d in table} == set(range(FIRST_YEAR, LAST_YEAR + 1))


@pytest.mark.parametrize(
    ("first_year", "last_year"),
    [(1990, 2075), (2023, 2024), (1950, 1995), (2070, 2090), (2080, 2082), (1900, 1900)],
)
def test_calendar_holidays_match_holidays_inside_and_outside_the_table(
    first_year: int, last_year: int
) -> None:
    # inside the table's years it is read; outside them `holidays` is asked
    cal = WorkingCalendar(first_year=first_year, last_year=last_year)
    expected = _from_holidays(range(first_year, last_year + 1))
    for day, name in expected.items():
        assert cal.non_working_reason(day) == (
            name if day.weekday() < 5 else ("Saturday", "Sunday")[day.weekday() - 5]
        )
    weekdays = {d for d in expected if d.weekday() < 5}
    day, end = date(first_year, 1, 1), date(last_year, 12, 31)
    while day <= end:
        assert cal.is_working_day(day) == (day.weekday() < 5 and day not in weekdays)
        day += timedelta(days=1)


def test_default_calendar_does_not_import_holidays() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from wtguidance.evaluation import default_calendar; "
        "default_calendar(); print('holidays' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
