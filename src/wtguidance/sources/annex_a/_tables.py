"""What reading an Annex A source yields: rows, recognised tables, ignored sheets, the source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["IgnoredSheet", "Row", "SheetRow", "Source", "Table"]


@dataclass(frozen=True)
class SheetRow:
    """One non-blank data row: its 1-based row (or line) number and its cells."""

    number: int
    values: tuple[object, ...]
    uncalculated: frozenset[int] = frozenset()  # columns with a formula never calculated
    unreadable: tuple[tuple[int, str], ...] = ()  # (column, why): cells the file gets wrong

    def cell(self, column: int) -> object:
        return self.values[column] if column < len(self.values) else None


@dataclass(frozen=True)
class Table:
    """A sheet or CSV file recognised as Annex A list ``list_no``."""

    name: str
    list_no: int
    header_row: int
    columns: Mapping[str, int]
    headers: tuple[str, ...]
    rows: tuple[SheetRow, ...]
    blank_rows: int
    date1904: bool = False
    notes: tuple[str, ...] = ()

    def header(self, key: str) -> str:
        """The header text the source used for field ``key``."""
        return self.headers[self.columns[key]]


@dataclass(frozen=True)
class IgnoredSheet:
    """A sheet or file that holds no list 1–7, and why it was set aside."""

    name: str
    reason: str
    warning: bool = False  # a list file that could not be read, not merely another file


@dataclass(frozen=True)
class Source:
    """Everything read from one workbook or folder."""

    name: str
    tables: tuple[Table, ...]
    ignored: tuple[IgnoredSheet, ...]
    notes: tuple[str, ...] = field(default=())


Row = tuple[int, tuple[object, ...], frozenset[int], tuple[tuple[int, str], ...]]
"""A row as read: its number, its cells, uncalculated and unreadable columns."""
