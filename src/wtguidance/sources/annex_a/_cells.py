"""Cell values as Annex A workbooks and CSV files hold them: blanks, Excel errors, dates, text.

A cell arrives as whatever the reader produced: ``None``, text, a number, a boolean, or a
``datetime`` when the spreadsheet formatted the cell as a date. These functions turn one
into the value a column needs, or raise :class:`CellError` saying why they cannot. They
never guess: a date with a two-digit year, a time without a day, or a formula whose result
was never calculated is a problem, not a best effort.
"""

from __future__ import annotations

import datetime as dt
import math
import re

__all__ = [
    "EXCEL_ERRORS",
    "CellError",
    "as_date",
    "as_text",
    "is_blank",
    "is_excel_error",
    "shown",
]

EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#N/A N/A",
        "#NA",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
    }
)
"""The error values a formula can leave in a cell (``#N/A`` from a failed look-up ...)."""

_SPACES = re.compile(r"\s+")
_TIME_SUFFIX = re.compile(r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)$")
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[/.\- ]\d{1,2}[/.\- ]\d{2}")
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.0+)?")
_TEXT_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d %B %Y",
    "%d-%B-%Y",
)
_FOUR_DIGIT_YEAR = re.compile(r"(?:^|\D)\d{4}(?:\D|$)")
_EARLIEST_YEAR = 1900
_LATEST_YEAR = 2100
# Excel's day numbers: 1900 system, day 1 = 1900-01-01, with the fictitious 1900-02-29 as
# day 60 (kept for Lotus 1-2-3 compatibility); 1904 system (old Mac workbooks), day 0 =
# 1904-01-01. Day numbers from 61 on are days since 1899-12-30.
_EPOCH_1900 = dt.date(1899, 12, 30)
_EPOCH_1904 = dt.date(1904, 1, 1)
_LOTUS_LEAP_DAY = 60
_LARGEST_SERIAL = 2958465  # 9999-12-31


class CellError(ValueError):
    """A cell that cannot give the value its column needs; the message says why."""


def is_blank(value: object) -> bool:
    """Empty: no value, or text that is only whitespace (non-breaking spaces included)."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_excel_error(value: object) -> bool:
    """An Excel error value such as ``#N/A`` (a formula that found nothing)."""
    return isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS


def shown(value: object) -> str:
    """The cell as a person would read it in a message."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_text(value: object) -> str | None:
    """Text with spaces tidied (``None`` when blank); numbers keep their digits (``9212044``)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return shown(value)
    return _SPACES.sub(" ", str(value)).strip()


def as_date(value: object, *, date1904: bool = False) -> dt.date | None:
    """A calendar date from a date cell, an Excel day number or text; ``None`` when blank.

    Text may be ``YYYY-MM-DD``, ``DD/MM/YYYY`` (also with ``-`` or ``.``), ``YYYY/MM/DD`` or
    ``16 Sep 2020``, optionally followed by a time of day, which is dropped. Day and month
    are read the British way round. Two-digit years are refused: ``01/02/03`` could be
    three different days.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("a yes/no value, not a date")
    if isinstance(value, dt.datetime):
        return _in_range(value.date())
    if isinstance(value, dt.date):
        return _in_range(value)
    if isinstance(value, dt.time):
        raise CellError("a time of day without a date")
    if isinstance(value, int | float):
        return _from_serial(float(value), date1904=date1904)
    text = _SPACES.sub(" ", str(value)).strip()
    if is_excel_error(text):
        raise CellError(f"the Excel error {text.upper()} where a date was expected")
    if _SERIAL_TEXT.fullmatch(text):
        return _from_serial(float(text), date1904=date1904)
    day_part = _TIME_SUFFIX.sub("", text).strip()
    if _TWO_DIGIT_YEAR.fullmatch(day_part):
        raise CellError("a two-digit year is ambiguous; write the year in full")
    if not _FOUR_DIGIT_YEAR.search(day_part):
        raise CellError("not a date (expected e.g. 16/09/2020 or 2020-09-16)")
    for pattern in _TEXT_FORMATS:
        try:
            parsed = dt.datetime.strptime(day_part, pattern).date()
        except ValueError:
            continue
        return _in_range(parsed)
    raise CellError("not a real calendar date (expected e.g. 16/09/2020 or 2020-09-16)")


def _from_serial(serial: float, *, date1904: bool) -> dt.date:
    """An Excel day number as a date (the fraction, a time of day, is dropped)."""
    if not math.isfinite(serial) or serial < 0 or serial > _LARGEST_SERIAL + 1:
        raise CellError(f"{shown(serial)} is not an Excel day number")
    day = int(serial)
    if day > _LARGEST_SERIAL:
        raise CellError(f"{shown(serial)} is not an Excel day number")
    if date1904:
        return _in_range(_EPOCH_1904 + dt.timedelta(days=day))
    if day == _LOTUS_LEAP_DAY:
        raise CellError("Excel day 60 is 29 February 1900, a day that never existed")
    if day < _LOTUS_LEAP_DAY:
        day += 1
    return _in_range(_EPOCH_1900 + dt.timedelta(days=day))


def _in_range(day: dt.date) -> dt.date:
    if not _EARLIEST_YEAR <= day.year <= _LATEST_YEAR:
        raise CellError(f"{day.isoformat()} is outside {_EARLIEST_YEAR}–{_LATEST_YEAR}")
    return day
