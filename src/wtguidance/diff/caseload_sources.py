"""Caseload files for a diff: what kind a file is (:func:`detect_source`) and opening it.

A file that cannot be read, or whose kind cannot be told, raises
:class:`~wtguidance.errors.UsageError` with a one-line cause.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from wtguidance.diff.caseload_result import SourceKind
from wtguidance.errors import UsageError

__all__ = ["detect_source", "open_caseload"]


def detect_source(path: str | Path) -> SourceKind:
    """What a caseload file is: a folder or ``.xlsx`` is Annex A, ``.xml`` a census,
    ``.jsonl``/``.ndjson``/``.json`` a batch; otherwise its first bytes decide (``<`` XML,
    ``{`` JSON, ``PK`` a workbook)."""
    where = Path(path)
    if where.is_dir():
        return "annex-a"
    suffix = where.suffix.lower()
    by_suffix: dict[str, SourceKind] = {
        ".xml": "cin",
        ".xlsx": "annex-a",
        ".xlsm": "annex-a",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".json": "jsonl",
    }
    if suffix in by_suffix:
        return by_suffix[suffix]
    try:
        with where.open("rb") as stream:
            head = stream.read(4096)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})", code="missing-file") from None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"PK"):
        return "annex-a"
    if text.startswith(b"<"):
        return "cin"
    if text.startswith(b"{") or not text:
        return "jsonl"
    raise UsageError(
        f"{path}: cannot tell what this caseload is (not XML, JSON Lines or a workbook); "
        "name it with --source cin|annex-a|jsonl",
        code="invalid-input",
    )


def open_caseload(path: str | Path, what: str, *, binary: bool) -> IO[Any]:
    try:
        if binary:
            return open(path, "rb")  # the caller closes it
        return open(path, encoding="utf-8")  # the caller closes it
    except FileNotFoundError:
        raise UsageError(f"{path}: no such {what}", code="missing-file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})", code="missing-file") from None
