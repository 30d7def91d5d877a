"""Recognise which Annex A list a sheet holds by its header row, and gather a source's lists.

Each sheet (or CSV file) is matched to one of lists 1–7 by its header row, which may sit
below a title, be split over two rows under merged group headers ("Allocated" over "Team"
and "Worker"), or use a council's own wording (see ``_columns``). The sheet's name ("List 3",
"Referrals") is a hint: a sheet that announces a list 1–7 but lacks its required columns
is an error naming the sheet and the columns, never skipped. Sheets of lists 8–11 and
sheets that are not lists (a cover page) are reported as ignored.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NoReturn

from wtguidance.sources.annex_a._bounds import Budget
from wtguidance.sources.annex_a._cells import as_text, is_blank
from wtguidance.sources.annex_a._columns import LISTS, ColumnMatch, list_hint, match_columns
from wtguidance.sources.annex_a._errors import AnnexAError
from wtguidance.sources.annex_a._tables import IgnoredSheet, Row, SheetRow, Source, Table

__all__ = ["gather_source", "recognise"]

_HEADER_SCAN = 20  # the header row is looked for among the first rows of a sheet


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


def recognise(
    name: str,
    rows: Iterator[Row],
    *,
    date1904: bool,
    max_rows: int,
    budget: Budget,
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
    head_rows: list[Row],
    rest: Iterator[Row],
    *,
    date1904: bool,
    max_rows: int,
    notes: list[str],
    budget: Budget,
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


def gather_source(name: str, tables: list[Table], ignored: list[IgnoredSheet]) -> Source:
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
