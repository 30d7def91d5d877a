"""What every command shares: the streams, reading an input, flags, the parser class."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn, TextIO, cast

from wtguidance.errors import SourceLocation, UsageError

if TYPE_CHECKING:
    from wtguidance.limits import Limits

__all__ = [
    "CliContext",
    "Commands",
    "Handler",
    "Parser",
    "add_format",
    "add_limits",
    "limits_of",
    "parse_date",
    "read_text",
    "whole_number",
]

Handler = Callable[[argparse.Namespace, "CliContext"], int]

_CHUNK = 1 << 20  # bytes read at a time from an input

#: the width of tables written to a pipe or file (a terminal's own width is used otherwise)
DEFAULT_WIDTH = 120


class CliContext:
    """Streams and terminal facts a command needs (injected, so tests can capture)."""

    def __init__(self, stdout: TextIO, stderr: TextIO, stdin: TextIO) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.stdin = stdin
        self.stdin_read_by: str | None = None  # stdin can be read once per command

    @property
    def color(self) -> bool:
        if "NO_COLOR" in os.environ:
            return False
        return bool(getattr(self.stdout, "isatty", lambda: False)())

    @property
    def width(self) -> int:
        """``COLUMNS`` if set, else the terminal's width, else :data:`DEFAULT_WIDTH`."""
        columns = os.environ.get("COLUMNS", "")
        if columns.isdigit() and int(columns) > 0:
            return int(columns)
        if getattr(self.stdout, "isatty", lambda: False)():
            try:
                return os.get_terminal_size(self.stdout.fileno()).columns
            except (OSError, ValueError):
                pass
        return DEFAULT_WIDTH

    def write(self, text: str, *, painted: bool = False, to: IO[str] | None = None) -> None:
        """Write ``text`` (and a final newline) with control and bidi characters made visible.

        In JSON the escapes are the JSON escapes of the same characters, so data is kept.
        ``painted`` output (terminal colours) was made safe by its renderer, which escaped
        the data before adding colour codes. ``to`` is a stream from
        :func:`~wtguidance.cli._output.open_out` (default: stdout); a failed write is a
        one-line ``cannot-write`` error.
        """
        from wtguidance._render.text import visible
        from wtguidance.cli._output import guarded

        stream = to if to is not None else guarded(self.stdout)
        shown = _encodable(text if painted else visible(text), stream)
        stream.write(shown if shown.endswith("\n") else shown + "\n")


def _encodable(text: str, stream: IO[str]) -> str:
    """``text`` with what ``stream``'s encoding cannot hold written as ``\\uXXXX``.

    A terminal set to ASCII or Latin-1 then shows "Si\\u00f4n" instead of failing, and JSON
    stays valid JSON: the escape is JSON's own, so the data are unchanged.
    """
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "".join(_escaped(char, encoding) for char in text)
    return text


def _escaped(char: str, encoding: str) -> str:
    try:
        char.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        utf16 = char.encode("utf-16-be", "surrogatepass")
        return "".join(
            f"\\u{int.from_bytes(utf16[i : i + 2], 'big'):04x}" for i in (0, 2)[: len(utf16) // 2]
        )
    return char


# --- reading inputs ------------------------------------------------------------------------------
def read_text(
    name: str, ctx: CliContext, what: str = "file", *, max_bytes: int | None = None
) -> tuple[str, str]:
    """Read a UTF-8 file (or stdin for ``-``); return (text, name shown in messages).

    At most ``max_bytes`` are read: a larger input (``/dev/zero``, a 5 GB file) is refused
    without reading the rest. A leading byte-order mark is dropped.
    """
    if not name:
        raise UsageError(f"the {what} name is empty", code="missing-file")
    if name == "-":
        if ctx.stdin_read_by is not None:
            raise UsageError(
                f"stdin ('-') was already read as the {ctx.stdin_read_by}; it can be read "
                f"only once, so give the {what} as a file",
                code="usage",
            )
        ctx.stdin_read_by = what
        return _decode(_read_stream(ctx.stdin, max_bytes, "<stdin>", what), "<stdin>"), "<stdin>"
    try:
        with open(name, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if max_bytes is not None and size > max_bytes:
                raise _too_large(name, what, max_bytes)
            data = _read_stream(handle, max_bytes, name, what)
    except FileNotFoundError:
        raise _unreadable(name, f"no such {what}") from None
    except IsADirectoryError:
        raise _unreadable(name, f"is a directory, expected a {what}") from None
    except OSError as exc:
        raise _unreadable(name, f"cannot read the {what} ({exc.strerror})") from None
    return _decode(data, name), name


def _read_stream(stream: IO[Any], max_bytes: int | None, shown: str, what: str) -> bytes:
    """Up to ``max_bytes`` bytes from a binary or text stream; more is an error."""
    limit = -1 if max_bytes is None else max_bytes + 1
    binary = cast("IO[bytes] | None", getattr(stream, "buffer", None))
    if binary is not None or "b" in getattr(stream, "mode", ""):
        data = _read_up_to(binary or stream, limit)
    else:  # an in-memory text stream (tests): count characters, then bytes
        data = cast("str", stream.read(limit)).encode("utf-8", "surrogatepass")
    if max_bytes is not None and len(data) > max_bytes:
        raise _too_large(shown, what, max_bytes)
    return data


def _read_up_to(stream: IO[Any], limit: int) -> bytes:
    """At most ``limit`` bytes (all when negative), read in chunks.

    ``read(limit)`` would allocate a buffer of ``limit`` bytes before reading one: with a
    limit of a terabyte that is a ``MemoryError`` on a 2 KB file.
    """
    if limit < 0:
        return cast("bytes", stream.read())
    parts: list[bytes] = []
    left = limit
    while left > 0:
        chunk = cast("bytes", stream.read(min(left, _CHUNK)))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _unreadable(shown: str, message: str) -> UsageError:
    return UsageError(message, code="missing-file", location=SourceLocation(path=shown))


def _too_large(shown: str, what: str, max_bytes: int) -> UsageError:
    return UsageError(
        f"the {what} is larger than {max_bytes:,} bytes",
        code="input-too-large",
        location=SourceLocation(path=shown),
        hint="raise the limit with --max-bytes or WTGUIDANCE_MAX_BYTES if this is intended",
    )


def _decode(data: bytes, shown: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise UsageError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}: {exc.reason})",
            code="invalid-input",
            location=SourceLocation(path=shown, line=line, column=column),
            hint="save the file as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


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


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}", code="usage")


if TYPE_CHECKING:
    #: what ``register(commands)`` in each command module receives
    Commands = argparse._SubParsersAction[Any]
else:
    Commands = argparse._SubParsersAction
