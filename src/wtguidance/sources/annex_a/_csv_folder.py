"""Read a folder holding one CSV file per Annex A list, each file recognised by its header.

Only regular files named ``*.csv`` are opened (a named pipe is never opened: it would wait
for a writer for ever); each is read as UTF-8, or as Windows-1252 with a note, and its
dialect (comma, semicolon, tab or bar) is sniffed.
"""

from __future__ import annotations

import csv
import io
import stat
from collections.abc import Iterator
from pathlib import Path

from wtguidance.sources.annex_a._bounds import Budget, check_size
from wtguidance.sources.annex_a._errors import AnnexAError
from wtguidance.sources.annex_a._recognise import gather_source, recognise
from wtguidance.sources.annex_a._tables import IgnoredSheet, Row, Source, Table

__all__ = ["read_folder"]

_CSV_DELIMITERS = ",;\t|"


def read_folder(path: Path, *, max_bytes: int, max_rows: int, budget: Budget) -> Source:
    files: list[Path] = []
    ignored: list[IgnoredSheet] = []
    for entry in sorted(path.iterdir()):
        kind = _kind(entry)
        is_csv = entry.suffix.lower() == ".csv"
        if kind is None and is_csv:
            files.append(entry)
        elif kind is None:
            ignored.append(IgnoredSheet(entry.name, "not a .csv file"))
        else:  # never opened: a FIFO would wait for a writer for ever
            ignored.append(IgnoredSheet(entry.name, kind, warning=is_csv))
    if not files:
        raise AnnexAError(
            f"{path}: the folder holds no .csv files (expected one per Annex A list)"
            + "".join(f"; {i.name!r} is {i.reason}" for i in ignored if i.warning),
            code="unrecognised-list",
        )
    tables: list[Table] = []
    for file in files:
        check_size(file, max_bytes)
        text, note = _decode(file)
        found = recognise(
            file.name, _csv_rows(text, file.name), date1904=False, max_rows=max_rows, budget=budget
        )
        if isinstance(found, Table) and note:
            found = Table(**{**found.__dict__, "notes": (*found.notes, note)})
        (tables if isinstance(found, Table) else ignored).append(found)  # type: ignore[arg-type]
    return gather_source(str(path), tables, ignored)


def _kind(entry: Path) -> str | None:
    """``None`` for a regular file (or a link to one); otherwise what the entry is instead."""
    try:
        mode = entry.stat().st_mode  # follows a link: a link to a list file is read
    except FileNotFoundError:
        return "a symbolic link to nothing (its target is missing or not mounted)"
    except OSError as exc:
        return f"not readable ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    return "not a regular file (a device or socket)"


def _decode(file: Path) -> tuple[str, str | None]:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise AnnexAError(
            f"{file}: cannot be read ({exc.strerror})", code="unreadable-workbook"
        ) from None
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), (
            f"{file.name} is not UTF-8; read as Windows-1252"
        )


def _csv_rows(text: str, name: str) -> Iterator[Row]:
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, _CSV_DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    start = 1
    try:
        for record in reader:
            cells = tuple(record)
            uncalculated = frozenset(c for c, v in enumerate(cells) if v.startswith("="))
            yield start, cells, uncalculated, ()
            start = reader.line_num + 1
    except csv.Error as exc:
        raise AnnexAError(
            f"{name} line {reader.line_num}: not readable as CSV ({exc})",
            code="unreadable-workbook",
        ) from None
