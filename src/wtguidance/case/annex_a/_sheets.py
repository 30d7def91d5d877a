"""Read an Annex A workbook (.xlsx) or a folder of CSV files into recognised list tables.

Each sheet (or CSV file) is matched to one of lists 1–7 by its header row, which may sit
below a title, be split over two rows under merged group headers ("Allocated" over "Team"
and "Worker"), or use a council's own wording (see ``_columns``). The sheet's name ("List 3",
"Referrals") is a hint: a sheet that announces a list 1–7 but lacks its required columns
is an error naming the sheet and the columns, never skipped. Sheets of lists 8–11 and
sheets that are not lists (a cover page) are reported as ignored.

Workbooks are opened with openpyxl in read-only mode twice, streaming: once for the values
Excel last calculated and once for the formulas, so a formula whose result was never
calculated is told apart from an empty cell.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from wtguidance.case.annex_a._cells import as_text, is_blank
from wtguidance.case.annex_a._columns import LISTS, ColumnMatch, list_hint, match_columns
from wtguidance.case.annex_a._errors import AnnexAError

__all__ = [
    "MAX_BYTES",
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
"""The most rows read from one sheet or file (Excel's own limit)."""
_HEADER_SCAN = 20  # the header row is looked for among the first rows of a sheet
_CSV_DELIMITERS = ",;\t|"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")  # <f>, <f t="shared" .../>, <x:f>


@dataclass(frozen=True)
class SheetRow:
    """One non-blank data row: its 1-based row (or line) number and its cells."""

    number: int
    values: tuple[object, ...]
    uncalculated: frozenset[int] = frozenset()  # columns with a formula never calculated

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


@dataclass(frozen=True)
class Source:
    """Everything read from one workbook or folder."""

    name: str
    tables: tuple[Table, ...]
    ignored: tuple[IgnoredSheet, ...]
    notes: tuple[str, ...] = field(default=())


def read_source(path: Path, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Source:
    """Read ``path``: an .xlsx workbook, or a folder holding one CSV file per list."""
    if path.is_dir():
        return _read_folder(path, max_bytes=max_bytes, max_rows=max_rows)
    if not path.exists():
        raise AnnexAError(f"{path}: no such file or folder", code="unreadable-workbook")
    if path.suffix.lower() == ".csv":
        raise AnnexAError(
            f"{path}: give the folder holding one CSV file per list, not a single CSV file",
            code="unreadable-workbook",
        )
    _check_size(path, max_bytes)
    return _read_workbook(path, max_rows=max_rows)


def _check_size(path: Path, max_bytes: int) -> None:
    size = path.stat().st_size
    if size > max_bytes:
        raise AnnexAError(
            f"{path}: {size} bytes is more than the {max_bytes} bytes this importer reads",
            code="input-too-large",
        )


# -- workbooks ---------------------------------------------------------------------------


def _read_workbook(path: Path, *, max_rows: int) -> Source:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - the annex-a extra is installed by `make test`
        from wtguidance._install_hint import install_command

        raise AnnexAError(
            f"reading .xlsx needs openpyxl (the 'annex-a' extra): {install_command('annex-a')}",
            code="missing-extra",
        ) from None
    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a file that is not .xlsx
        raise AnnexAError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
            code="unreadable-workbook",
        ) from None
    try:
        date1904 = bool(values.epoch.year == 1904)
        tables: list[Table] = []
        ignored: list[IgnoredSheet] = []
        for sheet in values.worksheets:
            written: Iterable[Sequence[object]] = ()
            if _has_formulas(sheet):  # a second pass only where a formula could hide
                written = formulas[sheet.title].iter_rows(values_only=True)
            rows = _workbook_rows(sheet.iter_rows(values_only=True), written)
            found = _recognise(sheet.title, rows, date1904=date1904, max_rows=max_rows)
            (tables if isinstance(found, Table) else ignored).append(found)  # type: ignore[arg-type]
    except AnnexAError:
        raise
    except Exception as exc:  # a damaged sheet part inside a readable package
        raise AnnexAError(
            f"{path}: a sheet cannot be read ({type(exc).__name__}: {exc})",
            code="unreadable-workbook",
        ) from None
    finally:
        values.close()
        formulas.close()
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


def _workbook_rows(
    values: Iterable[Sequence[object]], formulas: Iterable[Sequence[object]]
) -> Iterator[tuple[int, tuple[object, ...], frozenset[int]]]:
    for number, (cells, written) in enumerate(
        itertools.zip_longest(values, formulas, fillvalue=()), 1
    ):
        uncalculated = frozenset(
            c
            for c, formula in enumerate(written)
            if _is_formula(formula) and (c >= len(cells) or is_blank(cells[c]))
        )
        yield number, tuple(cells), uncalculated


# -- CSV folders -------------------------------------------------------------------------


def _read_folder(path: Path, *, max_bytes: int, max_rows: int) -> Source:
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    others = sorted(p.name for p in path.iterdir() if p.is_file() and p.suffix.lower() != ".csv")
    if not files:
        raise AnnexAError(
            f"{path}: the folder holds no .csv files (expected one per Annex A list)",
            code="unrecognised-list",
        )
    tables: list[Table] = []
    ignored = [IgnoredSheet(name, "not a .csv file") for name in others]
    for file in files:
        _check_size(file, max_bytes)
        text, note = _decode(file)
        found = _recognise(file.name, _csv_rows(text), date1904=False, max_rows=max_rows)
        if isinstance(found, Table) and note:
            found = Table(**{**found.__dict__, "notes": (*found.notes, note)})
        (tables if isinstance(found, Table) else ignored).append(found)  # type: ignore[arg-type]
    return _source(str(path), tables, ignored)


def _decode(file: Path) -> tuple[str, str | None]:
    data = file.read_bytes()
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), (
            f"{file.name} is not UTF-8; read as Windows-1252"
        )


def _csv_rows(text: str) -> Iterator[tuple[int, tuple[object, ...], frozenset[int]]]:
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
            yield start, cells, uncalculated
            start = reader.line_num + 1
    except csv.Error as exc:
        raise AnnexAError(
            f"line {reader.line_num}: not readable as CSV ({exc})", code="unreadable-workbook"
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
    rows: Iterator[tuple[int, tuple[object, ...], frozenset[int]]],
    *,
    date1904: bool,
    max_rows: int,
) -> Table | IgnoredSheet:
    head_rows = list(itertools.islice(rows, _HEADER_SCAN))
    head = [cells for _, cells, _ in head_rows]
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
    return _table(name, chosen, head_rows, rows, date1904=date1904, max_rows=max_rows, notes=notes)


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
    head_rows: list[tuple[int, tuple[object, ...], frozenset[int]]],
    rest: Iterator[tuple[int, tuple[object, ...], frozenset[int]]],
    *,
    date1904: bool,
    max_rows: int,
    notes: list[str],
) -> Table:
    header_number = head_rows[fit.header_index][0]
    data: list[SheetRow] = []
    blank = 0
    for number, cells, uncalculated in itertools.chain(head_rows[fit.header_index + 1 :], rest):
        if number > max_rows:
            raise AnnexAError(
                f"sheet {name!r} has more than {max_rows} rows", code="input-too-large"
            )
        if all(is_blank(v) for v in cells) and not uncalculated:
            blank += 1
            continue
        data.append(SheetRow(number, cells, uncalculated))
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
