"""The bounds of reading one Annex A source: bytes, rows, columns and data rows.

A sheet's declared size is never trusted: the limits here bound what a workbook or folder
really holds, and each is refused with ``input-too-large`` (a value further right than
:data:`MAX_COLUMNS` makes its row unreadable instead).
"""

from __future__ import annotations

from pathlib import Path

from wtguidance.sources.annex_a._errors import AnnexAError

__all__ = ["MAX_BYTES", "MAX_COLUMNS", "MAX_RECORDS", "MAX_ROWS", "Budget", "check_size"]

MAX_BYTES = 200 * 1024 * 1024
"""The largest workbook or CSV file read (200 MiB); larger ones are refused."""
MAX_ROWS = 1_048_576
"""The highest row number read from one sheet or file (Excel's own limit)."""
MAX_RECORDS = 200_000
"""The most data rows read from one workbook or folder, all lists together; more is refused.

Memory grows with the rows a source really holds (never with what a sheet declares), about
3–4 KB a row through a whole ``annex-a`` run; this bounds a run to under about 1 GB. Annex A
returns hold thousands to tens of thousands of rows; ``max_records=`` raises the limit.
"""
MAX_COLUMNS = 1_024
"""The most columns read from one row; a value further right makes the row unreadable."""


class Budget:
    """The data rows a source may still hold (:data:`MAX_RECORDS` over all its lists)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, sheet: str, row: int) -> None:
        self.used += 1
        if self.used > self.limit:
            raise AnnexAError(
                f"sheet {sheet!r} row {row}: more than {self.limit:,} data rows in this "
                f"workbook or folder, the most one run reads",
                code="input-too-large",
                hint="split the lists over several runs (by sheet or by period), or raise "
                "max_records in read_annex_a",
            )


def check_size(path: Path, max_bytes: int) -> None:
    size = path.stat().st_size
    if size > max_bytes:
        raise AnnexAError(
            f"{path}: {size} bytes is more than the {max_bytes} bytes this importer reads",
            code="input-too-large",
        )
