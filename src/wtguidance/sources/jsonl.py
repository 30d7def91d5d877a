"""JSON Lines batches: one case record per line, read lazily, bad lines rejected by number.

Blank lines are skipped (and not counted as records). Every other line becomes a
:class:`~wtguidance.case.Case` or a :class:`~wtguidance.case.Rejected` entry naming the
line, the column where the JSON broke, the field (a JSON pointer) and the reason, so the
outcomes and rejected entries always add up to the records in the file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import IO

from wtguidance._arguments import require
from wtguidance.case import Case, Rejected, parse_case_json
from wtguidance.errors import CaseError, UsageError
from wtguidance.sources.sourced import SourcedCase

__all__ = ["MAX_LINE_CHARS", "numbered_lines", "read_jsonl", "read_line"]

MAX_LINE_CHARS = 10_000_000
"""The longest line read as one case; a longer one is rejected unread (bounded memory)."""


def _lines(stream: IO[str], limit: int) -> Iterator[tuple[str, bool]]:
    """Each line (without reading more than ``limit`` characters of it) and whether it fit."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if not isinstance(line, str):
            raise UsageError(
                f"read_jsonl: stream must be a text stream, not one of {type(line).__name__}",
                code="bad-argument",
                hint="wrap it: io.TextIOWrapper(stream, encoding='utf-8', "
                "errors='surrogateescape')",
            )
        if len(line) <= limit or line.endswith("\n"):
            yield line, True
            continue
        while line and not line.endswith("\n"):  # skip the rest of an over-long line
            line = stream.readline(limit)
        yield "", False


def read_jsonl(
    stream: IO[str],
    *,
    name: str = "<input>",
    max_line_chars: int = MAX_LINE_CHARS,
    sourced: bool = False,
) -> Iterator[Case | SourcedCase | Rejected]:
    """The case (or rejected entry) of every non-blank line of ``stream``, in order.

    ``stream`` is text. A line holding bytes that are not UTF-8 (read with
    ``errors="surrogateescape"``, as ``wtguidance batch`` does) is rejected with the line
    and the column of the first bad byte, and the lines around it are read as usual.
    With ``sourced=True`` each case comes as a :class:`~wtguidance.sources.SourcedCase`
    naming its line, so that a case the engine cannot evaluate is rejected at its line.
    """
    function = "read_jsonl"
    _check_stream(stream, max_line_chars, function)
    require(name, str, "name", function)
    require(sourced, bool, "sourced", function)
    return _read(stream, name, max_line_chars, sourced)


def _check_stream(stream: object, max_line_chars: object, function: str) -> None:
    if isinstance(stream, str | bytes | os.PathLike) or not callable(
        getattr(stream, "readline", None)
    ):
        raise UsageError(
            f"{function}: stream must be a text stream (with readline), not "
            f"{type(stream).__name__}",
            code="bad-argument",
            hint="open the file first: read_jsonl(open(path, encoding='utf-8'))",
        )
    if isinstance(max_line_chars, bool) or not isinstance(max_line_chars, int):
        require(max_line_chars, int, "max_line_chars", function)
    assert isinstance(max_line_chars, int)
    if max_line_chars < 1:
        raise UsageError(
            f"{function}: max_line_chars must be at least 1, not {max_line_chars}",
            code="bad-argument",
        )


def _read(
    stream: IO[str], name: str, max_line_chars: int, sourced: bool
) -> Iterator[Case | SourcedCase | Rejected]:
    for number, line, fits in _numbered(stream, max_line_chars):
        yield read_line(
            number, line, fits, name=name, max_line_chars=max_line_chars, sourced=sourced
        )


def numbered_lines(
    stream: IO[str], *, max_line_chars: int = MAX_LINE_CHARS
) -> Iterator[tuple[int, str, bool]]:
    """Every non-blank line of ``stream``: its number, its text and whether it fitted
    (an over-long line is skipped unread, its text empty). With :func:`read_line`, what
    :func:`read_jsonl` does, in two steps that can run in different processes."""
    _check_stream(stream, max_line_chars, "numbered_lines")
    return _numbered(stream, max_line_chars)


def _numbered(stream: IO[str], max_line_chars: int) -> Iterator[tuple[int, str, bool]]:
    for number, (line, fits) in enumerate(_lines(stream, max_line_chars), 1):
        if fits and not line.strip():
            continue
        yield number, line, fits


def read_line(
    number: int,
    line: str,
    fits: bool,
    *,
    name: str = "<input>",
    max_line_chars: int = MAX_LINE_CHARS,
    sourced: bool = False,
) -> Case | SourcedCase | Rejected:
    """One numbered line (from :func:`numbered_lines`) as a case or a rejected entry."""
    if (
        isinstance(number, bool)
        or not isinstance(number, int)
        or not isinstance(line, str)
        or not isinstance(fits, bool)
        or not isinstance(name, str)
        or not isinstance(sourced, bool)
        or isinstance(max_line_chars, bool)
        or not isinstance(max_line_chars, int)
    ):
        raise UsageError(
            "read_line takes (number: int, line: str, fits: bool, name: str, "
            "max_line_chars: int, sourced: bool), as numbered_lines gives them",
            code="bad-argument",
        )
    if not fits:
        return Rejected(
            child_id=None,
            reason=f"{name}:{number}: line longer than {max_line_chars} characters; not read",
            line=number,
        )
    bad = None if line.isascii() else _UNDECODED.search(line)
    if bad is not None:
        byte = ord(bad.group()) - 0xDC00
        return Rejected(
            child_id=None,
            reason=f"{name}:{number}:{bad.start() + 1}: not UTF-8 text (byte "
            f"0x{byte:02x} cannot start or continue a character); line not read",
            line=number,
            column=bad.start() + 1,
        )
    source = f"{name}:{number}"
    try:
        case = parse_case_json(line, source=source)
    except CaseError as error:
        where = error.location
        return Rejected(
            child_id=_case_id(line),
            reason=f"{name}:{number}: {error.message}",
            line=number,
            column=where.column if where is not None else None,
            field=where.pointer if where is not None else None,
        )
    if sourced:
        return SourcedCase(case, child_id=case.case_id, line=number, source=source)
    return case


_UNDECODED = re.compile("[\udc80-\udcff]")
"""A byte that was not UTF-8, as ``errors="surrogateescape"`` decodes it."""


def _case_id(line: str) -> str | None:
    """The record's ``case_id`` when the line is a JSON object that has a string one."""
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    if isinstance(obj, dict) and isinstance(obj.get("case_id"), str):
        return str(obj["case_id"])
    return None
