"""Read an .xlsx workbook: every sheet's rows as the file holds them, each sheet recognised.

The workbook is opened once with openpyxl in read-only mode, and each sheet's XML is parsed
streaming: once for the values Excel last calculated and, only when the sheet holds a
formula, once more for the formulas, so a formula whose result was never calculated is told
apart from an empty cell. Only the rows the file holds are read, each as far as its last
cell: a sheet's declared ``<dimension>`` is never trusted (see :func:`_parsed`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import cast

from wtguidance.sources.annex_a._bounds import MAX_COLUMNS, Budget
from wtguidance.sources.annex_a._cells import is_blank
from wtguidance.sources.annex_a._errors import AnnexAError
from wtguidance.sources.annex_a._recognise import gather_source, recognise
from wtguidance.sources.annex_a._tables import IgnoredSheet, Row, Source, Table

__all__ = ["read_workbook"]

_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")  # <f>, <f t="shared" .../>, <x:f>


def read_workbook(path: Path, *, max_rows: int, budget: Budget) -> Source:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - the annex-a extra is installed by `make test`
        from wtguidance._install_hint import install_command

        raise AnnexAError(
            f"reading .xlsx needs openpyxl (the 'annex-a' extra): {install_command('annex-a')}",
            code="missing-extra",
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not .xlsx
        raise AnnexAError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
            code="unreadable-workbook",
        ) from None
    shared = _Shared()
    try:
        date1904 = bool(book.epoch.year == 1904)
        tables: list[Table] = []
        ignored: list[IgnoredSheet] = []
        for sheet in book.worksheets:
            title = sheet.title
            try:
                rows = _workbook_rows(sheet, shared, formulas=_has_formulas(sheet))
                found = recognise(title, rows, date1904=date1904, max_rows=max_rows, budget=budget)
            except AnnexAError:
                raise
            except Exception as exc:  # a damaged sheet part inside a readable package
                raise AnnexAError(
                    f"{path}: sheet {title!r} cannot be read ({type(exc).__name__}: {exc})",
                    code="unreadable-workbook",
                ) from None
            (tables if isinstance(found, Table) else ignored).append(found)  # type: ignore[arg-type]
    finally:
        book.close()
    return gather_source(str(path), tables, ignored)


def _has_formulas(sheet: object) -> bool:
    """Whether the sheet's XML holds any formula (``<f>``): a byte scan, no parsing."""
    opener = getattr(sheet, "_get_source", None)  # openpyxl's read-only sheet part
    if opener is None:  # pragma: no cover - another openpyxl layout: assume formulas
        return True
    tail = b""
    with opener() as stream:
        while chunk := stream.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _is_formula(value: object) -> bool:
    if isinstance(value, str):
        return value.startswith("=")
    return type(value).__name__ in {"ArrayFormula", "DataTableFormula"}


class _BadIndex:
    """What a shared-string reference outside the workbook's table reads as."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __str__(self) -> str:
        return f"shared string #{self.index}"


class _Strings:
    """A workbook's shared-string table as the sheet parser looks it up.

    An index below 0 or past the end is not Python's "count from the end" or an
    ``IndexError`` that loses the whole workbook: it reads as :class:`_BadIndex`, and the
    row holding it is rejected, naming the cell.
    """

    def __init__(self, strings: Sequence[object]) -> None:
        self._strings = strings

    def __getitem__(self, index: int) -> object:
        if 0 <= index < len(self._strings):
            return self._strings[index]
        return _BadIndex(index)

    def __len__(self) -> int:
        return len(self._strings)


class _Shared:
    """One copy of each short repeated value (team, worker, codes) for the whole source.

    A sheet's cells are parsed into new objects each time; 100,000 rows saying "Duty Team"
    would otherwise hold 100,000 copies.
    """

    _MAX = 1 << 16  # distinct values kept; past that, values are simply not shared

    def __init__(self) -> None:
        self._seen: dict[object, object] = {}

    def __call__(self, value: object) -> object:
        if isinstance(value, str) and len(value) > 64:
            return value
        try:
            found = self._seen.get(value)
        except TypeError:  # an unhashable value (none is expected from openpyxl)
            return value
        if found is not None:
            return found
        if len(self._seen) < self._MAX:
            self._seen[value] = value
        return value


def _parsed(sheet: object, *, formulas: bool) -> Iterator[tuple[int, list[dict[str, object]]]]:
    """The sheet's ``<row>`` elements as openpyxl parses them: only the rows the file holds.

    openpyxl's own ``iter_rows`` trusts the sheet's declared ``<dimension>``: it pads every
    row to the declared width and yields a row for every missing row number up to the
    declared height, so a 2 KB file declaring ``A1:XFD1048576`` costs a million rows of
    16,384 cells. Here nothing is padded and no missing row is made up.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    book = sheet.parent  # type: ignore[attr-defined]
    with sheet._get_source() as source:  # type: ignore[attr-defined]
        parser = WorkSheetParser(
            source,
            _Strings(sheet._shared_strings),  # type: ignore[attr-defined, arg-type]
            data_only=not formulas,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        yield from parser.parse()


def _cells_of(cells: list[dict[str, object]]) -> list[tuple[int, object]]:
    """(1-based column, value) of each cell openpyxl's sheet parser gave for one row."""
    return [(int(cast("int", c["column"])), c["value"]) for c in cells]


def _workbook_rows(sheet: object, shared: _Shared, *, formulas: bool) -> Iterator[Row]:
    """Each row the sheet holds: its number, cells, uncalculated and unreadable columns.

    A row's cells run to its last cell holding a value (at most :data:`MAX_COLUMNS`; a
    value further right makes the row unreadable rather than dropping it). The second
    parse, for formulas, runs only when the sheet holds one (see :func:`_has_formulas`).
    """
    written = _parsed(sheet, formulas=True) if formulas else None
    for number, cells in _parsed(sheet, formulas=False):
        unreadable: list[tuple[int, str]] = []
        values: list[object] = []
        for column, value in _cells_of(cells):
            index = column - 1
            if value is None:
                continue
            if isinstance(value, _BadIndex):
                unreadable.append((index, f"refers to {value}, which the workbook does not hold"))
                continue
            if index >= MAX_COLUMNS:
                if not is_blank(value):
                    unreadable.append(
                        (index, f"a value beyond column {MAX_COLUMNS}, the last one read")
                    )
                continue
            if index >= len(values):
                values.extend([None] * (index + 1 - len(values)))
            values[index] = shared(value)
        uncalculated: frozenset[int] = frozenset()
        formula_row = next(written, None) if written is not None else None
        if formula_row is not None:  # the same <row> element, parsed for its formulas
            uncalculated = frozenset(
                column - 1
                for column, formula in _cells_of(formula_row[1])
                if column <= MAX_COLUMNS
                and _is_formula(formula)
                and (column > len(values) or is_blank(values[column - 1]))
            )
        yield number, tuple(values), uncalculated, tuple(unreadable)
