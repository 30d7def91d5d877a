"""The flags several commands share: dates, ``--format``, whole numbers, input limits."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from wtguidance.errors import UsageError

if TYPE_CHECKING:
    from wtguidance.limits import Limits

__all__ = [
    "FORMAT_ALIASES",
    "add_format",
    "add_limits",
    "limits_of",
    "parse_date",
    "whole_number",
]


# --- flags ------------------------------------------------------------------------------------
def parse_date(text: str, flag: str) -> dt.date:
    """A ``YYYY-MM-DD`` command-line date, or a UsageError naming the flag."""
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{flag}: {text!r} is not a real date in YYYY-MM-DD form", code="bad-flag"
        ) from None


#: the human format has one name, ``text``; ``table`` (evaluate's old name) means the same
FORMAT_ALIASES = {"table": "text"}


def _format_name(value: str) -> str:
    return FORMAT_ALIASES.get(value, value)


def add_format(parser: argparse.ArgumentParser, choices: Sequence[str], default: str) -> None:
    """``--format`` with these choices; ``table`` is accepted wherever ``text`` is."""
    parser.add_argument(
        "--format",
        type=_format_name,
        choices=tuple(choices),
        default=default,
        help=f"output format (default: {default}; 'table' is another name for 'text')"
        if "text" in choices
        else f"output format (default: {default})",
    )


def whole_number(flag: str, lowest: int, highest: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``lowest`` to ``highest``, else one line.

    Non-numeric text, ``0``, negatives, fractions and absurdly large values (which would
    overflow a socket or a read further on) are usage errors naming the flag.
    """

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            value = None
        if value is None or not lowest <= value <= highest:
            raise UsageError(
                f"{flag}: {text!r} is not a whole number from {lowest:,} to {highest:,}",
                code="bad-flag",
            )
        return value

    return parse


def add_limits(parser: argparse.ArgumentParser) -> None:
    """``--max-bytes`` and ``--max-events`` (defaults from the environment, DESIGN §14)."""
    from wtguidance.limits import CEILING_MAX_BYTES, CEILING_MAX_EVENTS

    parser.add_argument(
        "--max-bytes",
        type=whole_number("--max-bytes", 1, CEILING_MAX_BYTES),
        help="refuse a case record larger than this (default: WTGUIDANCE_MAX_BYTES or 64000000)",
    )
    parser.add_argument(
        "--max-events",
        type=whole_number("--max-events", 1, CEILING_MAX_EVENTS),
        help="refuse a case with more events (default: WTGUIDANCE_MAX_EVENTS or 100000)",
    )


def limits_of(args: argparse.Namespace) -> Limits:
    """The limits the flags and the environment set."""
    from wtguidance.limits import Limits

    base = Limits.from_env()
    return Limits(
        max_bytes=args.max_bytes or base.max_bytes,
        max_events=args.max_events or base.max_events,
    )
