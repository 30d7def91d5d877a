"""One typed record per Annex A row, with every cell problem kept rather than guessed away.

A record keeps the row's place (sheet and row number), the child's id and details, the
allocated team and worker, the list's own dates and answers, and two kinds of remark:
``problems`` — a cell this importer needs but cannot read (an impossible date, ``#N/A`` in
a date column, a formula never calculated), which keep the row out of any judgement — and
``notes`` — harmless oddities (an unknown gender code, ``#N/A`` for the worker).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from wtguidance.sources.annex_a import _codes
from wtguidance.sources.annex_a._cells import CellError, as_date, as_text, is_excel_error, shown
from wtguidance.sources.annex_a._codes import Answer
from wtguidance.sources.annex_a._sheets import SheetRow, Table

__all__ = [
    "Assessment",
    "ChildFacts",
    "CinEpisode",
    "Context",
    "Enquiry",
    "Plan",
    "Problem",
    "Record",
    "Referral",
    "RowRef",
    "read_record",
]

T = TypeVar("T")


@dataclass(frozen=True)
class RowRef:
    """Where a record came from: the sheet (or CSV file), its 1-based row, and its list."""

    sheet: str
    row: int
    list_no: int

    def __str__(self) -> str:
        return f"{self.sheet} row {self.row}"


@dataclass(frozen=True)
class Problem:
    """A cell the importer needs and cannot read."""

    column: int  # 1-based
    header: str
    value: str | None
    reason: str


@dataclass(frozen=True)
class ChildFacts:
    """What a row says about the child."""

    date_of_birth: dt.date | None
    disability: Answer | None
    gender: str | None


@dataclass(frozen=True, kw_only=True)
class Record:
    """What every row of lists 1–7 has."""

    ref: RowRef
    child_id: str | None
    child: ChildFacts
    team: str | None
    worker: str | None
    problems: tuple[Problem, ...]
    notes: tuple[str, ...]

    @property
    def key_date(self) -> dt.date | None:
        """The date that places the row in an episode (``None``: unreadable or blank)."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class Context(Record):
    """A contact (list 1) or an early help assessment (list 2): read and counted only."""

    date: dt.date | None

    @property
    def key_date(self) -> dt.date | None:
        return self.date


@dataclass(frozen=True, kw_only=True)
class Referral(Record):
    """List 3: a referral to children's social care."""

    date: dt.date | None
    nfa: Answer | None

    @property
    def key_date(self) -> dt.date | None:
        return self.date


@dataclass(frozen=True, kw_only=True)
class Assessment(Record):
    """List 4: a children's social care assessment."""

    start: dt.date | None
    authorised: dt.date | None
    seen: Answer | None
    seen_date: dt.date | None

    @property
    def key_date(self) -> dt.date | None:
        return self.start


@dataclass(frozen=True, kw_only=True)
class Enquiry(Record):
    """List 5: a section 47 enquiry, from the strategy discussion that started it."""

    start: dt.date | None
    icpc_unnecessary: Answer | None
    icpc_date: dt.date | None
    icpc_plan: Answer | None

    @property
    def key_date(self) -> dt.date | None:
        return self.start


@dataclass(frozen=True, kw_only=True)
class CinEpisode(Record):
    """List 6: an episode of need (a snapshot: the latest time the child was seen)."""

    start: dt.date | None
    last_seen: dt.date | None
    closed: dt.date | None
    closure_reason: str | None
    case_status: str | None

    @property
    def key_date(self) -> dt.date | None:
        return self.start


@dataclass(frozen=True, kw_only=True)
class Plan(Record):
    """List 7: a child protection plan (a snapshot: only the latest review and visit)."""

    start: dt.date | None
    end: dt.date | None
    latest_review: dt.date | None
    last_visit: dt.date | None
    seen_alone: Answer | None

    @property
    def key_date(self) -> dt.date | None:
        return self.start


class _Cells:
    """Reads one row's cells by field key, collecting problems and notes."""

    def __init__(self, table: Table, row: SheetRow) -> None:
        self.table = table
        self.row = row
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    def _raw(self, key: str) -> tuple[int, object] | None:
        column = self.table.columns.get(key)
        if column is None or column in self.unreadable:
            return None  # an unreadable cell is a problem already (see read_record)
        return column, self.row.cell(column)

    @property
    def unreadable(self) -> frozenset[int]:
        return frozenset(column for column, _ in self.row.unreadable)

    def _problem(self, column: int, value: object, reason: str) -> None:
        if self._has_problem(column):
            return
        text = None if value is None else shown(value)
        headers = self.table.headers
        header = headers[column] if column < len(headers) else f"column {column + 1}"
        self.problems.append(Problem(column + 1, header, text, reason))

    def _read(self, key: str, convert: Callable[[object], T | None], *, needed: bool) -> T | None:
        found = self._raw(key)
        if found is None:
            return None
        column, value = found
        if column in self.row.uncalculated:
            reason = (
                "a formula whose result was never calculated; open and save the file in a "
                "spreadsheet program, or paste the values"
            )
            if needed:
                self._problem(column, None, reason)
            else:
                self.notes.append(f"{self.table.headers[column]!r}: {reason}; read as blank")
            return None
        try:
            return convert(value)
        except CellError as exc:
            if needed:
                self._problem(column, value, str(exc))
            else:
                self.notes.append(f"{self.table.headers[column]!r}: {exc}; read as blank")
            return None

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        date1904 = self.table.date1904
        value = self._read(key, lambda v: as_date(v, date1904=date1904), needed=True)
        found = self._raw(key)
        if required and value is None and found is not None and not self._has_problem(found[0]):
            self._problem(found[0], found[1], "blank, but every row of this list needs it")
        return value

    def _has_problem(self, column: int) -> bool:
        return any(p.column == column + 1 for p in self.problems)

    def answer(
        self, key: str, convert: Callable[[object], Answer | None], *, needed: bool
    ) -> Answer | None:
        return self._read(key, convert, needed=needed)

    def code(self, key: str, convert: Callable[[object], str | None]) -> str | None:
        return self._read(key, convert, needed=False)

    def text(self, key: str) -> str | None:
        found = self._raw(key)
        if found is None:
            return None
        column, value = found
        if is_excel_error(value) or column in self.row.uncalculated:
            shown_value = "an uncalculated formula" if column in self.row.uncalculated else value
            self.notes.append(
                f"{self.table.headers[column]!r} is {shown_value}; read as not recorded"
            )
            return None
        return as_text(value)

    def child_id(self) -> str | None:
        found = self._raw("child_id")
        if found is None:
            return None
        column, value = found
        if is_excel_error(value) or column in self.row.uncalculated:
            self._problem(column, value, "not a child id")
            return None
        text = as_text(value)
        if text is None:
            self._problem(column, None, "blank; every row needs the child's id")
        return text


def _closure(value: object) -> str | None:
    """A closure reason in plain words; an unknown reason is kept as the council wrote it."""
    try:
        return _codes.closure_reason(value)
    except CellError:
        return as_text(value)


def read_record(table: Table, row: SheetRow) -> Record:
    """The typed record of one data row of a recognised table."""
    cells = _Cells(table, row)
    for column, reason in row.unreadable:  # the file itself is wrong here: reject the row
        cells._problem(column, None, reason)
    child_id = cells.child_id()
    child = ChildFacts(
        date_of_birth=cells.date("date_of_birth"),
        disability=cells.answer("disability", _codes.disability, needed=False),
        gender=cells.code("gender", _codes.gender),
    )
    team, worker = cells.text("team"), cells.text("worker")
    ref = RowRef(table.name, row.number, table.list_no)
    fields: dict[str, object]
    record_type: type[Record]
    if table.list_no == 1:
        record_type, fields = Context, {"date": cells.date("contact_date", required=True)}
    elif table.list_no == 2:
        record_type, fields = Context, {"date": cells.date("eh_start", required=True)}
    elif table.list_no == 3:
        record_type = Referral
        fields = {
            "date": cells.date("referral_date", required=True),
            "nfa": cells.answer("nfa", _codes.referral_nfa, needed=True),
        }
    elif table.list_no == 4:
        record_type = Assessment
        fields = {
            "start": cells.date("assessment_start", required=True),
            "authorised": cells.date("authorised"),
            "seen": cells.answer("seen", _codes.yes_no, needed=True),
            "seen_date": cells.date("seen_date"),
        }
    elif table.list_no == 5:
        record_type = Enquiry
        fields = {
            "start": cells.date("s47_start", required=True),
            "icpc_unnecessary": cells.answer("icpc_unnecessary", _codes.yes_no, needed=True),
            "icpc_date": cells.date("icpc_date"),
            "icpc_plan": cells.answer("icpc_plan", _codes.yes_no, needed=True),
        }
    elif table.list_no == 6:
        record_type = CinEpisode
        fields = {
            "start": cells.date("cin_start", required=True),
            "last_seen": cells.date("last_seen"),
            "closed": cells.date("closed"),
            "closure_reason": cells.code("closure_reason", _closure),
            "case_status": cells.code("case_status", _codes.case_status),
        }
    else:
        record_type = Plan
        fields = {
            "start": cells.date("plan_start", required=True),
            "end": cells.date("plan_end"),
            "latest_review": cells.date("latest_review"),
            "last_visit": cells.date("last_visit"),
            "seen_alone": cells.answer("seen_alone", _codes.yes_no, needed=False),
        }
    return record_type(
        ref=ref,
        child_id=child_id,
        child=child,
        team=team,
        worker=worker,
        problems=tuple(cells.problems),
        notes=tuple(cells.notes),
        **fields,  # type: ignore[arg-type]
    )
