"""Read an Annex A workbook (.xlsx) or a folder of CSV files into recognised list tables.

Each sheet (or CSV file) is matched to one of lists 1–7 by its header row, which may sit
below a title, be split over two rows under merged group headers ("Allocated" over "Team"
and "Worker"), or use a council's own wording (see ``_columns``). The sheet's name ("List 3",
"Referrals") is a hint: a sheet that announces a list 1–7 but lacks its required columns
is an error naming the sheet and the columns, never skipped. Sheets of lists 8–11 and
sheets that are not lists (a cover page) are reported as ignored.

Workbooks are opened once with openpyxl in read-only mode, and each sheet's XML is parsed
streaming: once for the values Excel last calculated and, only when the sheet holds a
formula, once more for the formulas, so a formula whose result was never calculated is told
apart from an empty cell. Only the rows the file holds are read, each as far as its last
cell: a sheet's declared ``<dimension>`` is never trusted (see :func:`_parsed`), and the
data rows of a whole source are bounded by :data:`MAX_RECORDS`.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn, cast

from wtguidance.sources.annex_a._cells import as_text, is_blank
from wtguidance.sources.annex_a._columns import LISTS, ColumnMatch, list_hint, match_columns
from wtguidance.sources.annex_a._errors import AnnexAError

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
_HEADER_SCAN = 20  # the header row is looked for among the first rows of a sheet
_CSV_DELIMITERS = ",;\t|"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")  # <f>, <f t="shared" .../>, <x:f>


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


_Row = tuple[int, tuple[object, ...], frozenset[int], tuple[tuple[int, str], ...]]
"""A row as read: its number, its cells, uncalculated and unreadable columns."""


class _Budget:
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


def read_source(
    path: Path,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    max_records: int = MAX_RECORDS,
) -> Source:
    """Read ``path``: an .xlsx workbook, or a folder holding one CSV file per list."""
    budget = _Budget(max_records)
    if path.is_dir():
        return _read_folder(path, max_bytes=max_bytes, max_rows=max_rows, budget=budget)
    if not path.exists():
        raise AnnexAError(f"{path}: no such file or folder", code="unreadable-workbook")
    if path.suffix.lower() == ".csv":
        raise AnnexAError(
            f"{path}: give the folder holding one CSV file per list, not a single CSV file",
            code="unreadable-workbook",
        )
    _check_size(path, max_bytes)
    return _read_workbook(path, max_rows=max_rows, budget=budget)


def _check_size(path: Path, max_bytes: int) -> None:
    size = path.stat().st_size
    if size > max_bytes:
        raise AnnexAError(
            f"{path}: {size} bytes is more than the {max_bytes} bytes this importer reads",
            code="input-too-large",
        )


# -- workbooks ---------------------------------------------------------------------------


def _read_workbook(path: Path, *, max_rows: int, budget: _Budget) -> Source:
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
                found = _recognise(title, rows, date1904=date1904, max_rows=max_rows, budget=budget)
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
    return _source(str(path), tables, ignored)


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


def _workbook_rows(sheet: object, shared: _Shared, *, formulas: bool) -> Iterator[_Row]:
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


# -- CSV folders -------------------------------------------------------------------------


def _read_folder(path: Path, *, max_bytes: int, max_rows: int, budget: _Budget) -> Source:
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
        _check_size(file, max_bytes)
        text, note = _decode(file)
        found = _recognise(
            file.name, _csv_rows(text, file.name), date1904=False, max_rows=max_rows, budget=budget
        )
        if isinstance(found, Table) and note:
            found = Table(**{**found.__dict__, "notes": (*found.notes, note)})
        (tables if isinstance(found, Table) else ignored).append(found)  # type: ignore[arg-type]
    return _source(str(path), tables, ignored)


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


def _csv_rows(text: str, name: str) -> Iterator[_Row]:
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


# -- recognising a list ------------------------------------------------------------------


def _header_texts(rows: Sequence[tuple[object, ...]], index: int) -> list[list[str]]:
    """What each column may be called if row ``index`` is the header (see match_columns)."""
    lower = [as_text(v) for v in rows[index]]
    upper: list[str | None] = []
    if index > 0:
        carried: str | None = None
        above = rows[index - 1]
        for c in range(max(len(above), len(lower))):
            text = as_text(above[c]) if c < len(above) else None
            carried = text or carried  # a merged cell's value sits in its first column
            upper.append(carried)
    texts: list[list[str]] = []
    for c in range(max(len(lower), len(upper))):
        own = lower[c] if c < len(lower) else None
        group = upper[c] if c < len(upper) else None
        options = [own] if own else ([group] if group else [])
        if own and group and group != own:
            options.append(f"{group} {own}")
        texts.append([t for t in options if t])
    return texts


@dataclass(frozen=True)
class _Fit:
    list_no: int
    header_index: int
    match: ColumnMatch
    missing: tuple[str, ...]
    texts: tuple[str, ...]

    @property
    def complete(self) -> bool:
        spec = LISTS[self.list_no]
        required = {key for keys in spec.required for key in keys}
        return not self.missing and not (required & set(self.match.ambiguous))

    def rank(self) -> tuple[bool, int, int]:
        return (self.complete, self.match.score, -self.header_index)


def _fits(head: Sequence[tuple[object, ...]], list_no: int) -> _Fit | None:
    spec = LISTS[list_no]
    best: _Fit | None = None
    for index in range(len(head)):
        texts = _header_texts(head, index)
        if not texts:
            continue
        match = match_columns(spec, texts)
        fit = _Fit(
            list_no,
            index,
            match,
            tuple(spec.required_headers({**match.columns, **dict.fromkeys(match.ambiguous, -1)})),
            tuple(t[-1] if t else "" for t in texts),
        )
        if best is None or fit.rank() > best.rank():
            best = fit
    return best


def _recognise(
    name: str,
    rows: Iterator[_Row],
    *,
    date1904: bool,
    max_rows: int,
    budget: _Budget,
) -> Table | IgnoredSheet:
    head_rows = list(itertools.islice(rows, _HEADER_SCAN))
    head = [cells for _, cells, _, _ in head_rows]
    hint = list_hint(name)
    fits = [fit for n in LISTS if (fit := _fits(head, n)) is not None]
    complete = sorted((f for f in fits if f.complete), key=lambda f: f.rank(), reverse=True)
    hinted = next((f for f in fits if f.list_no == hint), None)
    notes: list[str] = []
    if hinted is not None and hinted.complete:
        chosen = hinted
    elif hint is not None and hint > max(LISTS):
        return IgnoredSheet(name, f"list {hint} is not one of the lists 1–7 this importer reads")
    elif hint is not None and hint in LISTS and (hinted is None or _announced(name)):
        _refuse(name, hint, hinted)
    elif complete:
        chosen = complete[0]
        if hint is not None:
            notes.append(
                f"{name!r}: named like list {hint} but its columns are those of list "
                f"{chosen.list_no} ({LISTS[chosen.list_no].title}); read as list {chosen.list_no}"
            )
    elif hint is not None and hint in LISTS:
        _refuse(name, hint, hinted)
    else:
        closest = max(fits, key=lambda f: f.rank(), default=None)
        why = "no header row of Annex A lists 1–7 found"
        if closest is not None and closest.match.score > 1:
            why += (
                f"; closest is list {closest.list_no} ({LISTS[closest.list_no].title}), "
                f"lacking {', '.join(closest.missing)}"
            )
        return IgnoredSheet(name, why)
    return _table(
        name,
        chosen,
        head_rows,
        rows,
        date1904=date1904,
        max_rows=max_rows,
        notes=notes,
        budget=budget,
    )


def _announced(name: str) -> bool:
    """True when the name says "List N" outright rather than a word like "Referrals"."""
    return "list" in name.casefold()


def _refuse(name: str, list_no: int, fit: _Fit | None) -> NoReturn:
    spec = LISTS[list_no]
    required = {key for keys in spec.required for key in keys}
    if fit is not None and required & set(fit.match.ambiguous):
        clashes = "; ".join(
            f"{spec.field(key).header!r} fits columns "
            + ", ".join(repr(fit.texts[c]) for c in columns)
            for key, columns in fit.match.ambiguous.items()
            if key in required
        )
        raise AnnexAError(
            f"sheet {name!r} (list {list_no}, {spec.title}): {clashes}; rename one so each "
            "field has one column",
            code="ambiguous-column",
        )
    missing = fit.missing if fit is not None else tuple(spec.required_headers({}))
    raise AnnexAError(
        f"sheet {name!r} looks like list {list_no} ({spec.title}) but lacks the columns "
        + ", ".join(missing),
        code="unrecognised-list",
        hint="rename the council's headers to the Annex A ones, or name the sheet after the "
        "list it holds",
    )


def _table(
    name: str,
    fit: _Fit,
    head_rows: list[_Row],
    rest: Iterator[_Row],
    *,
    date1904: bool,
    max_rows: int,
    notes: list[str],
    budget: _Budget,
) -> Table:
    header_number = head_rows[fit.header_index][0]
    width = len(fit.texts)
    data: list[SheetRow] = []
    blank = 0
    last = header_number
    for number, cells, uncalculated, unreadable in itertools.chain(
        head_rows[fit.header_index + 1 :], rest
    ):
        if number > max_rows:
            raise AnnexAError(
                f"sheet {name!r} has more than {max_rows} rows", code="input-too-large"
            )
        blank += max(number - last - 1, 0)  # rows the file leaves out are blank rows
        last = max(last, number)
        beyond = any(not is_blank(v) for v in cells[width:])
        if all(is_blank(v) for v in cells) and not uncalculated and not unreadable:
            blank += 1
            continue
        budget.take(name, number)
        if beyond:
            unreadable = (
                *unreadable,
                (width, f"holds values right of the last column of the header ({width})"),
            )
        data.append(SheetRow(number, cells[:width], uncalculated, unreadable))
    for key, columns in fit.match.ambiguous.items():
        notes.append(
            f"{name!r}: {LISTS[fit.list_no].field(key).header!r} fits several columns "
            f"({', '.join(fit.texts[c] for c in columns)}); none was read"
        )
    return Table(
        name=name,
        list_no=fit.list_no,
        header_row=header_number,
        columns=dict(fit.match.columns),
        headers=fit.texts,
        rows=tuple(data),
        blank_rows=blank,
        date1904=date1904,
        notes=tuple(notes),
    )


def _source(name: str, tables: list[Table], ignored: list[IgnoredSheet]) -> Source:
    if not any(3 <= t.list_no <= 7 for t in tables):
        reasons = "; ".join(f"{i.name!r}: {i.reason}" for i in ignored) or "no sheets"
        raise AnnexAError(
            f"{name}: none of lists 3–7 (referrals, assessments, section 47 enquiries, "
            f"children in need, child protection plans) was recognised ({reasons})",
            code="unrecognised-list",
        )
    notes: list[str] = []
    for list_no, group in itertools.groupby(
        sorted(tables, key=lambda t: t.list_no), lambda t: t.list_no
    ):
        names = [t.name for t in group]
        if len(names) > 1:
            notes.append(
                f"list {list_no} is split over {', '.join(map(repr, names))}; read together"
            )
    return Source(name, tuple(tables), tuple(ignored), tuple(notes))
