"""JSON Lines batches: one case record per line, read lazily, bad lines rejected by number.

Blank lines are skipped (and not counted as records). Every other line becomes a
:class:`~wtguidance.case.Case` or a :class:`~wtguidance.case.Rejected` entry naming the
line, the column where the JSON broke, the field (a JSON pointer) and the reason, so the
outcomes and rejected entries always add up to the records in the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from wtguidance.case import Case, Rejected, parse_case_json
from wtguidance.errors import CaseError

__all__ = ["MAX_LINE_CHARS", "numbered_lines", "read_jsonl", "read_line"]

MAX_LINE_CHARS = 10_000_000
"""The longest line read as one case; a longer one is rejected unread (bounded memory)."""


def _lines(stream: IO[str], limit: int) -> Iterator[tuple[str, bool]]:
    """Each line (without reading more than ``limit`` characters of it) and whether it fit."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith("\n"):
            yield line, True
            continue
        while line and not line.endswith("\n"):  # skip the rest of an over-long line
            line = stream.readline(limit)
        yield "", False


def read_jsonl(
    stream: IO[str], *, name: str = "<input>", max_line_chars: int = MAX_LINE_CHARS
) -> Iterator[Case | Rejected]:
    """The case (or rejected entry) of every non-blank line of ``stream``, in order."""
    for number, line, fits in numbered_lines(stream, max_line_chars=max_line_chars):
        yield read_line(number, line, fits, name=name, max_line_chars=max_line_chars)


def numbered_lines(
    stream: IO[str], *, max_line_chars: int = MAX_LINE_CHARS
) -> Iterator[tuple[int, str, bool]]:
    """Every non-blank line of ``stream``: its number, its text and whether it fitted
    (an over-long line is skipped unread, its text empty). With :func:`read_line`, what
    :func:`read_jsonl` does, in two steps that can run in different processes."""
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
) -> Case | Rejected:
    """One numbered line (from :func:`numbered_lines`) as a case or a rejected entry."""
    if not fits:
        return Rejected(
            child_id=None,
            reason=f"{name}:{number}: line longer than {max_line_chars} characters; not read",
            line=number,
        )
    try:
        return parse_case_json(line, source=f"{name}:{number}")
    except CaseError as error:
        where = error.location
        return Rejected(
            child_id=_case_id(line),
            reason=f"{name}:{number}: {error.message}",
            line=number,
            column=where.column if where is not None else None,
            field=where.pointer if where is not None else None,
        )


def _case_id(line: str) -> str | None:
    """The record's ``case_id`` when the line is a JSON object that has a string one."""
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    if isinstance(obj, dict) and isinstance(obj.get("case_id"), str):
        return str(obj["case_id"])
    return None
