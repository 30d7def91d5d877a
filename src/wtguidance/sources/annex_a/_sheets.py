"""Read an Annex A workbook (.xlsx) or a folder of CSV files into recognised list tables.

:func:`read_source` tells the two apart and hands on to the reader of each: ``_xlsx``
(a workbook, every sheet parsed streaming, only the rows the file holds) and ``_csv_folder``
(one CSV file per list). Each sheet or file is matched to one of lists 1–7 by its header
row (``_recognise``); sheets of lists 8–11 and sheets that are not lists (a cover page) are
reported as ignored. What reading yields is in ``_tables``; the limits, among them
:data:`MAX_RECORDS` bounding the data rows of a whole source, are in ``_bounds``.
"""

from __future__ import annotations

from pathlib import Path

from wtguidance.sources.annex_a._bounds import (
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_RECORDS,
    MAX_ROWS,
    Budget,
    check_size,
)
from wtguidance.sources.annex_a._csv_folder import read_folder
from wtguidance.sources.annex_a._errors import AnnexAError
from wtguidance.sources.annex_a._tables import IgnoredSheet, SheetRow, Source, Table
from wtguidance.sources.annex_a._xlsx import _Shared as _Shared
from wtguidance.sources.annex_a._xlsx import _workbook_rows as _workbook_rows
from wtguidance.sources.annex_a._xlsx import read_workbook

__all__ = [
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_RECORDS",
    "MAX_ROWS",
    "IgnoredSheet",
    "SheetRow",
    "Source",
    "Table",
    "read_source",
]


def read_source(
    path: Path,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    max_records: int = MAX_RECORDS,
) -> Source:
    """Read ``path``: an .xlsx workbook, or a folder holding one CSV file per list."""
    budget = Budget(max_records)
    if path.is_dir():
        return read_folder(path, max_bytes=max_bytes, max_rows=max_rows, budget=budget)
    if not path.exists():
        raise AnnexAError(f"{path}: no such file or folder", code="unreadable-workbook")
    if path.suffix.lower() == ".csv":
        raise AnnexAError(
            f"{path}: give the folder holding one CSV file per list, not a single CSV file",
            code="unreadable-workbook",
        )
    check_size(path, max_bytes)
    return read_workbook(path, max_rows=max_rows, budget=budget)
