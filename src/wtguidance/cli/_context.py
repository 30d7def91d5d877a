"""What every command shares: the streams, reading an input, a date flag, the parser class."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from wtguidance.errors import UsageError

__all__ = ["CliContext", "Commands", "Handler", "Parser", "parse_date", "read_text"]

Handler = Callable[[argparse.Namespace, "CliContext"], int]


class CliContext:
    """Streams and terminal facts a command needs (injected, so tests can capture)."""

    def __init__(self, stdout: TextIO, stderr: TextIO, stdin: TextIO) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self.stdin = stdin

    @property
    def color(self) -> bool:
        if "NO_COLOR" in os.environ:
            return False
        return bool(getattr(self.stdout, "isatty", lambda: False)())

    def write(self, text: str) -> None:
        self.stdout.write(text if text.endswith("\n") else text + "\n")


def read_text(name: str, ctx: CliContext, what: str = "file") -> tuple[str, str]:
    """Read a file (or stdin for ``-``); return (text, name shown in messages)."""
    if name == "-":
        return ctx.stdin.read(), "<stdin>"
    path = Path(name)
    try:
        return path.read_text(encoding="utf-8"), name
    except FileNotFoundError:
        raise UsageError(f"{name}: no such {what}", code="missing-file") from None
    except IsADirectoryError:
        raise UsageError(
            f"{name}: is a directory, expected a {what}", code="missing-file"
        ) from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text ({exc.reason})", code="invalid-input") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read ({exc.strerror})", code="missing-file") from None


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


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}", code="usage")


if TYPE_CHECKING:
    #: what ``register(commands)`` in each command module receives
    Commands = argparse._SubParsersAction[Any]
else:
    Commands = argparse._SubParsersAction
