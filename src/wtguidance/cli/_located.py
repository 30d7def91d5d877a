"""Errors about a case field, placed at their ``file:line:col`` in the case text."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from wtguidance.errors import CalendarError

__all__ = ["dates_located"]


@contextlib.contextmanager
def dates_located(text: str, shown: str) -> Iterator[None]:
    """A ``calendar-range`` error raised inside, which the engine places at a JSON pointer
    (``/events/3/date``), re-raised at that field's line and column in ``text``."""
    try:
        yield
    except CalendarError as error:
        where = error.location
        if where is not None and where.pointer is not None:
            from wtguidance.case.parse import locate_pointer

            error.location = locate_pointer(text, shown, where.pointer)
        raise
