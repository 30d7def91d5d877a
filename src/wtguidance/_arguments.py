"""Checks on what the public functions are given, so a wrong type is a documented error.

A case system calling ``evaluate(case, as_of="2024-03-01")`` gets a
:class:`~wtguidance.errors.UsageError` (code ``bad-argument``) that names the argument and
how to fix it, the same one-line message the CLI would print, instead of a ``TypeError``
or ``AttributeError`` from deep inside.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, TypeVar

from wtguidance.errors import UsageError

__all__ = [
    "require",
    "require_date",
    "require_edition",
    "require_int",
    "require_iterable",
    "require_path",
    "require_source",
    "require_text",
]

T = TypeVar("T")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _article(noun: str) -> str:
    return "an" if noun[:1].upper() in "AEIOU" else "a"


def require(value: object, kind: type[T], name: str, function: str, hint: str | None = None) -> T:
    """``value`` when it is a ``kind``; otherwise a ``bad-argument`` error naming ``name``."""
    if isinstance(value, kind):
        return value
    raise UsageError(
        f"{function}: {name} must be {_article(kind.__name__)} {kind.__name__}, not "
        f"{type(value).__name__} "
        f"({_shown(value)})",
        code="bad-argument",
        hint=hint,
    )


def require_date(value: object, name: str, function: str) -> dt.date | None:
    """A calendar date (or None); a string, a number or a datetime is refused with a hint."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise UsageError(
            f"{function}: {name} must be a date without a time of day, not a datetime",
            code="bad-argument",
            hint=f"pass {name}=value.date()",
        )
    if isinstance(value, dt.date):
        return value
    hint = None
    if isinstance(value, str):
        hint = f"pass {name}=datetime.date.fromisoformat({value!r})"
    raise UsageError(
        f"{function}: {name} must be a datetime.date, not {type(value).__name__} ({_shown(value)})",
        code="bad-argument",
        hint=hint,
    )


def require_edition(value: object, name: str, function: str) -> str:
    """An edition id, which is text (``"2023"``, ``"auto"``): a number is refused, not looked up.

    ``2023`` is an ``int`` that names no edition; the message says to pass it as a string,
    instead of an ``unknown-edition`` error that lists ``2023`` among the known editions.
    """
    if isinstance(value, str):
        return value
    example = repr(str(value)) if isinstance(value, int) and not isinstance(value, bool) else None
    raise UsageError(
        f"{function}: {name} must be a str (an edition id such as '2023'), not "
        f"{type(value).__name__} ({_shown(value)})",
        code="bad-argument",
        hint=f"pass {name}={example}" if example else "pass an edition id such as '2023'",
    )


def require_text(value: object, name: str, function: str) -> str:
    """A ``str`` (bytes must be decoded by the caller, who knows their encoding)."""
    hint = "decode it first, e.g. data.decode('utf-8')" if isinstance(value, bytes) else None
    return require(value, str, name, function, hint)


def require_path(value: object, name: str, function: str) -> str | os.PathLike[Any]:
    """A file path: a ``str`` or an ``os.PathLike`` (not bytes, not None)."""
    if isinstance(value, (str, os.PathLike)):
        text = os.fspath(value)
        if isinstance(text, str) and text:
            return value
        if isinstance(text, str):
            raise UsageError(f"{function}: {name} is an empty path", code="bad-argument")
    raise UsageError(
        f"{function}: {name} must be a path (str or pathlib.Path), not "
        f"{type(value).__name__} ({_shown(value)})",
        code="bad-argument",
        hint="for YAML text already in memory use validate_protocol_text(text, source)"
        if function == "validate_protocol"
        else None,
    )


def require_int(value: object, name: str, function: str, *, minimum: int | None = None) -> int:
    """A whole number (not a bool, not a float), at least ``minimum`` when given."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(
            f"{function}: {name} must be a whole number, not {type(value).__name__} "
            f"({_shown(value)})",
            code="bad-argument",
        )
    if minimum is not None and value < minimum:
        raise UsageError(
            f"{function}: {name} must be at least {minimum}, not {value}", code="bad-argument"
        )
    return value


def require_iterable(value: object, name: str, function: str, hint: str | None = None) -> Any:
    """An iterable of records (a list, a generator ...): not None, a string, bytes or a dict."""
    if isinstance(value, str | bytes | dict) or not hasattr(value, "__iter__"):
        raise UsageError(
            f"{function}: {name} must be an iterable of records (a list, a generator ...), "
            f"not {type(value).__name__} ({_shown(value)})",
            code="bad-argument",
            hint=hint,
        )
    return value


def require_source(value: object, name: str, function: str) -> Any:
    """A file to read: a path (``str`` or ``os.PathLike``) or an open binary stream.

    An integer is refused, never taken for a file descriptor (``open(1)`` would read, and
    then close, the caller's standard output).
    """
    if isinstance(value, str | os.PathLike):
        return require_path(value, name, function)
    if not isinstance(value, bool | int | bytes) and callable(getattr(value, "read", None)):
        return value
    raise UsageError(
        f"{function}: {name} must be a path (str or pathlib.Path) or a binary stream, not "
        f"{type(value).__name__} ({_shown(value)})",
        code="bad-argument",
        hint="an integer is never taken for a file descriptor; pass open(fd, 'rb', "
        "closefd=False) to read one"
        if isinstance(value, int) and not isinstance(value, bool)
        else "wrap bytes in io.BytesIO(data)"
        if isinstance(value, bytes)
        else None,
    )
