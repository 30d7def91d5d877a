"""What every command shares: the streams (:class:`CliContext`) and the parser class.

Reading an input is ``cli/_input.py`` and the shared flags ``cli/_options.py``; their names
are handed on here, where every command has always found them.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, NoReturn, TextIO

from wtguidance.cli._input import read_text
from wtguidance.cli._options import (
    FORMAT_ALIASES,
    add_format,
    add_limits,
    limits_of,
    parse_date,
    whole_number,
)
from wtguidance.errors import UsageError

__all__ = [
    "DEFAULT_WIDTH",
    "FORMAT_ALIASES",
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
        from wtguidance._render.visible import visible
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


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}", code="usage")


if TYPE_CHECKING:
    #: what ``register(commands)`` in each command module receives
    Commands = argparse._SubParsersAction[Any]
else:
    Commands = argparse._SubParsersAction
