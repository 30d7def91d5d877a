"""Read a DfE Children in Need census return (XML), streamed, into cases.

Every collection layout from 2017-18 to 2026-27 is read by element name, in any order and
any namespace: ``GenderCurrent`` or ``Sex``, ``CINPlanDates`` (2021-22 on),
``PreProceedingsandFGDM`` (2026-27), one ``Reviews`` holding several ``CPPreviewDate``s or
one ``Reviews`` per date, an ICPC date at episode and at S47 level, yes/no written
``true``/``false``/``1``/``0``. ``Child`` elements are taken wherever they stand below the
root (a root other than ``Message`` is noted).

One case per ``CINdetails`` episode, ``case_id`` = ``<LAchildID>/<CINreferralDate>`` with
``#2``, ``#3`` … for repeats, each a :class:`~wtguidance.sources.SourcedCase`; or a
:class:`~wtguidance.case.Rejected` entry (child id, field, value, line, column, reason).
The field-to-event mapping is docs/cin-census.md.

Parsing uses :mod:`defusedxml` incrementally: entity declarations and external references
are refused (:class:`ForbiddenXmlError`, nothing is fetched) and each ``Child`` is freed once
mapped, so memory stays flat as files grow. A file that stops being well-formed keeps what
was read and ends with one rejected entry giving the line and column; :attr:`CinCensus.complete`
is then ``False``.

>>> census = read_cin_census("return.xml")
>>> for item in census:            # SourcedCase | Rejected, in file order
...     ...
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, iterparse

from wtguidance._arguments import require, require_source
from wtguidance.case.record import Case
from wtguidance.case.source import Rejected, SourceEvidence, never_recorded
from wtguidance.errors import CaseError, SourceLocation, UsageError
from wtguidance.sources.cin_census._episode import ChildContext, collection_start, map_child
from wtguidance.sources.cin_census._ranges import (
    RangeDocument,
    RangePlan,
    outside_document,
    range_document,
)
from wtguidance.sources.cin_census._ranges import plan_ranges as plan_ranges
from wtguidance.sources.cin_census._values import BadValue, Fields, local_name
from wtguidance.sources.sourced import SourcedCase, SourceNote

__all__ = [
    "CIN_CENSUS_EVIDENCE",
    "CensusHeader",
    "CinCensus",
    "ForbiddenXmlError",
    "iter_cin_census_cases",
    "read_cin_census",
]
# Not in __all__: the byte ranges ``--jobs`` reads in worker processes
# (wtguidance.caseload.census_ranges uses them): RangePlan, RangeRead, Registry,
# census_outside, census_prefix, plan_ranges, read_census_range.

CIN_CENSUS_RECORDS = frozenset(
    {
        "referral",
        "assessment_started",
        "assessment_completed",
        "strategy_discussion",
        "s47_started",
        "icpc",
        "icpc_not_required",
        "cp_plan_started",
        "cp_plan_ended",
        "review_conference",
        "cin_plan_started",
        "cin_plan_ended",
        "care_proceedings_application",
        "case_closed",
    }
)
"""The event types the census mapping produces (docs/cin-census.md)."""

CIN_CENSUS_EVIDENCE = SourceEvidence.of("CIN census", never_recorded(CIN_CENSUS_RECORDS))
"""The event types a CIN census return can never carry (DESIGN §10)."""


class ForbiddenXmlError(CaseError):
    """The file declares entities or references external ones: refused, nothing fetched."""

    default_code = "xml-forbidden"


@dataclass(frozen=True)
class CensusHeader:
    """What the ``Header`` says: collection, year, reference date (31 March) and LA code."""

    collection: str | None
    year: str | None
    reference_date: dt.date | None
    la: str | None


class _LocatingParser(DefusedXMLParser):
    """defusedxml's parser, remembering where each element started (line, 1-based column).

    ``shift`` = (line, lines): from that line of the text parsed on, every line is that many
    further on in the file (a range of the file read as a document of its own)."""

    def __init__(self, shift: tuple[int, int] = (0, 0)) -> None:
        super().__init__(target=TreeBuilder(), forbid_dtd=False)
        self.positions: dict[int, tuple[int, int]] = {}
        self._shift_from, self._shift = shift

    def _start(self, tag: str, attr_list: Any) -> Element:
        element: Element = super()._start(tag, attr_list)  # type: ignore[misc]
        expat = self.parser
        line = expat.CurrentLineNumber
        if self._shift and line >= self._shift_from:
            line += self._shift
        self.positions[id(element)] = (line, expat.CurrentColumnNumber + 1)
        return element


class _Registry:
    """Child ids and case ids already used in the file, kept in a private temporary SQLite
    database so that memory stays flat however many children the file holds."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")  # "" = a private on-disk temporary database
        self._db.execute("CREATE TABLE child (id TEXT PRIMARY KEY) WITHOUT ROWID")
        self._db.execute("CREATE TABLE episode (id TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID")

    def first_sighting(self, child_id: str) -> bool:
        cursor = self._db.execute("INSERT OR IGNORE INTO child VALUES (?)", (child_id,))
        return cursor.rowcount == 1

    def case_number(self, base: str) -> int:
        row = self._db.execute(
            "INSERT INTO episode VALUES (?, 1) ON CONFLICT(id) DO UPDATE SET n = n + 1 RETURNING n",
            (base,),
        ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._db.close()


class CinCensus:
    """A census file read lazily: iterate it (once) for cases and rejected entries in order.

    After iteration: :attr:`header`, :attr:`notes` (file-level findings), :attr:`children`
    and :attr:`records` (items yielded) are filled in, and :attr:`complete` says whether the
    whole file was read.
    """

    def __init__(self, source: str | Path | IO[bytes], *, name: str | None = None) -> None:
        require_source(source, "source", "read_cin_census")
        if name is not None:
            require(name, str, "name", "read_cin_census")
        self.source = source
        self.name = name or (str(source) if isinstance(source, str | Path) else "<stream>")
        self.header: CensusHeader | None = None
        self.notes: list[SourceNote] = []
        self.children = 0
        self.records = 0
        self.complete = False
        self._used = False
        self._header_line: int | None = None
        self._shift = (0, 0)  # see _LocatingParser

    def __iter__(self) -> Iterator[SourcedCase | Rejected]:
        if self._used:
            raise RuntimeError("a CinCensus can be iterated only once")
        self._used = True
        registry = self._new_registry()
        try:
            for item in self._read(registry):
                self.records += 1
                if isinstance(item, SourcedCase) and item.line is not None:
                    # the file and line a rejection after evaluation names
                    item = replace(item, source=f"{self.name}:{item.line}")
                yield item
        finally:
            registry.close()

    def _new_registry(self) -> _Registry:
        return _Registry()

    def _read(self, registry: _Registry) -> Iterator[SourcedCase | Rejected]:
        parser = _LocatingParser(self._shift)
        positions = parser.positions

        def locate(element: Element) -> tuple[int | None, int | None]:
            return positions.get(id(element), (None, None))

        ctx = ChildContext(locate, None, registry.first_sighting, registry.case_number)
        stack: list[Element] = []
        child_id: str | None = None
        in_child = 0  # Child elements open around the current one
        irregular = False  # the open Child holds a Child, or a CINdetails not directly in it
        try:
            for event, element in iterparse(self.source, ("start", "end"), parser=parser):
                name = local_name(element.tag)
                if event == "start":
                    if not stack and name != "Message":
                        self.notes.append(
                            SourceNote(
                                "unexpected-root",
                                f"root element is {name!r}, not "
                                "'Message'; Child elements are read wherever they stand",
                            )
                        )
                    if name == "Child":
                        if not in_child:
                            child_id = None
                            irregular = False
                        else:
                            irregular = True  # a Child inside a Child
                        in_child += 1
                    elif name == "CINdetails" and in_child and local_name(stack[-1].tag) != "Child":
                        irregular = True  # an episode not directly in its Child
                    stack.append(element)
                    continue
                stack.pop()
                if name == "LAchildID":
                    if in_child <= 1:
                        child_id = (element.text or "").strip() or None
                elif name == "Header" and not in_child:
                    if self.header is None:
                        self._read_header(element, locate)
                        ctx.reference_date = self.header.reference_date if self.header else None
                    else:
                        self._second_header(element, locate)
                    _forget(element, stack, positions)
                elif name == "Child":
                    in_child -= 1
                    if not in_child:  # a Child inside a Child is its outer Child's to report
                        self.children += 1
                        yield from map_child(element, self.children, ctx, irregular=irregular)
                        child_id = None
                        _forget(element, stack, positions)
                elif name == "CINdetails" and not in_child:
                    yield _orphan_episode(element, locate)
                    _forget(element, stack, positions)
        except OSError as exc:  # the path cannot be opened, or the stream cannot be read
            raise UsageError(
                f"{self.name}: cannot read ({exc.strerror or exc})", code="missing-file"
            ) from None
        except DefusedXmlException as exc:
            raise ForbiddenXmlError(
                f"refused: the file declares or references XML entities ({exc}); nothing "
                "was fetched or expanded",
                location=SourceLocation(self.name, *_where(parser)),
            ) from None
        except ParseError as exc:
            line, column = exc.position
            yield Rejected(
                child_id=child_id,
                reason=f"XML not well-formed at line {line} column {column + 1} ({exc.msg}); "
                "the rest of the file was not read",
                line=line,
                column=column + 1,
            )
            return
        self.complete = True

    def _read_header(self, element: Element, locate: Any) -> None:
        notes: list[SourceNote] = []
        top = Fields(element, "Header", locate, notes)
        details = top.single_block("CollectionDetails") or top
        source = top.single_block("Source") or top

        def text(fields: Fields, name: str) -> str | None:
            try:
                return fields.text(name)
            except BadValue as bad:
                notes.append(SourceNote("header", f"{bad.reason}; neither is used"))
                return None

        try:
            reference = details.date("ReferenceDate")
        except BadValue as bad:
            notes.append(
                SourceNote("header", f"{bad.field}: {bad.reason}; census-period checks skipped")
            )
            reference = None
        year = text(details, "Year")
        self.header = CensusHeader(
            text(details, "Collection"), year, reference, text(source, "LEA")
        )
        self._header_line = locate(element)[0]
        if reference is not None and (reference.month, reference.day) != (3, 31):
            notes.append(
                SourceNote("header", f"ReferenceDate {reference} is not 31 March (rule 100)")
            )
        if reference is not None and year is not None and year != str(reference.year):
            start = collection_start(reference)
            notes.append(
                SourceNote(
                    "year-mismatch",
                    f"{details.name('Year')} {year!r} (line {details.line('Year') or '?'}) "
                    f"does not match ReferenceDate {reference} (line "
                    f"{details.line('ReferenceDate') or '?'}): DfE rule 100 expects the "
                    f"reference date to be 31 March of the Year. Effect on timeliness: none; "
                    f"the collection year ({start} to {reference}) is taken from the "
                    "ReferenceDate and the Year is not used",
                )
            )
        self.notes.extend(notes)

    def _second_header(self, element: Element, locate: Any) -> None:
        """Only the first ``Header`` counts; a later one is named, never silently dropped."""
        first = self.header.reference_date if self.header is not None else None
        try:
            details = Fields(element, "Header", locate, []).single_block("CollectionDetails")
            theirs = details.date("ReferenceDate") if details is not None else None
        except BadValue:
            theirs = None
        differs = f" (it says {theirs})" if theirs is not None and theirs != first else ""
        self.notes.append(
            SourceNote(
                "duplicate-element",
                f"a second Header (line {locate(element)[0] or '?'}) is ignored{differs}; the "
                f"first (line {self._header_line or '?'}) gives the ReferenceDate {first}",
            )
        )


def _orphan_episode(element: Element, locate: Any) -> Rejected:
    line, column = locate(element)
    return Rejected(
        child_id=None,
        reason=f"CINdetails (line {line}) stands outside any Child: not the census layout, so "
        "whose episode it is cannot be told; not evaluated",
        field="CINdetails",
        line=line,
        column=column,
    )


def _where(parser: _LocatingParser) -> tuple[int | None, int | None]:
    expat = parser.parser
    return expat.CurrentLineNumber, expat.CurrentColumnNumber + 1


def _forget(element: Element, stack: list[Element], positions: dict[int, Any]) -> None:
    """Free a mapped element: clear it, detach it from its parent, drop its positions."""
    for node in element.iter():
        positions.pop(id(node), None)
    element.clear()
    if stack:
        parent = stack[-1]
        with contextlib.suppress(ValueError):  # already detached
            parent.remove(element)


def read_cin_census(source: str | Path | IO[bytes], *, name: str | None = None) -> CinCensus:
    """A census file (a path or a binary stream) to iterate for cases and rejected entries.

    Iterating raises :class:`ForbiddenXmlError` for entity declarations or external
    references, and :class:`~wtguidance.errors.UsageError` (``missing-file``) when the
    file cannot be opened or read; broken XML is reported as a final
    :class:`~wtguidance.case.Rejected` entry, never raised. An integer ``source`` is refused
    (``bad-argument``), never taken for a file descriptor.
    """
    return CinCensus(source, name=name)


class _Recording(_Registry):
    """A registry that also records every question asked of it and its answer, so that
    a reader of the whole file can check a range's answers against its own."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, str, bool | int]] = []

    def first_sighting(self, child_id: str) -> bool:
        answer = super().first_sighting(child_id)
        self.calls.append(("child", child_id, answer))
        return answer

    def case_number(self, base: str) -> int:
        answer = super().case_number(base)
        self.calls.append(("episode", base, answer))
        return answer


class _RangeCensus(CinCensus):
    """One range's document, read as the whole file would read it from that point."""

    def __init__(self, document: RangeDocument, name: str, children_before: int) -> None:
        super().__init__(io.BytesIO(document.text), name=name)
        self.children = children_before  # ordinals go on from the file's earlier children
        self.registry = _Recording()
        self._shift = document.shift

    def _new_registry(self) -> _Registry:
        return self.registry


@dataclass(frozen=True)
class RangeRead:
    """What one range of a census file gave: its records in file order, every question its
    reader asked of the child and episode registry (with the answer), the file-level notes
    its reader made and whether the document read to its end."""

    items: list[SourcedCase | Rejected]
    calls: list[tuple[str, str, bool | int]]
    notes: list[SourceNote]
    complete: bool


def read_census_range(plan: RangePlan, index: int, name: str) -> RangeRead | None:
    """Range ``index`` of ``plan`` read on its own (``None``: the file changed since)."""
    document = range_document(plan, index)
    if document is None:
        return None
    census = _RangeCensus(document, name, plan.ranges[index].children)
    items = list(census)
    return RangeRead(items, census.registry.calls, census.notes, census.complete)


class Registry(_Registry):
    """The child ids and episodes of the ranges read so far (see :func:`read_census_range`)."""

    def agrees(self, calls: list[tuple[str, str, bool | int]]) -> bool:
        """Whether reading the file in one piece would have answered the next range's
        questions as its own reader did, and record its ids.

        A range's reader starts with no ids, so it answers "first sighting" and "episode 1"
        for every id it had not met in the range; the file's reader answers the same
        exactly when none of those ids was met in an earlier range (any later answer of the
        range follows from its own earlier ones either way)."""
        children = [key for kind, key, answer in calls if kind == "child" and answer is True]
        episodes = [key for kind, key, answer in calls if kind == "episode" and answer == 1]
        before = self._db.total_changes
        self._db.executemany("INSERT OR IGNORE INTO child VALUES (?)", [(k,) for k in children])
        self._db.executemany(
            "INSERT OR IGNORE INTO episode VALUES (?, 1)", [(k,) for k in episodes]
        )
        return self._db.total_changes - before == len(children) + len(episodes)


def census_outside(plan: RangePlan, name: str) -> CinCensus | None:
    """The file without its top-level Child elements, read whole: a census whose header,
    notes and completeness are the file's when it yields no record (``None``: the file
    changed since it was planned)."""
    document = outside_document(plan)
    if document is None:
        return None
    census = CinCensus(io.BytesIO(document.text), name=name)
    census._shift = document.shift
    return census


def census_prefix(plan: RangePlan, name: str) -> CinCensus:
    """The file up to its first top-level Child, closed: the notes every range's reader
    makes before it reaches its own children."""
    return CinCensus(io.BytesIO(plan.prefix + plan.closing), name=name)


def iter_cin_census_cases(source: str | Path | IO[bytes]) -> Iterator[Case | Rejected]:
    """Just the cases (and rejected entries) of a census file, in file order."""
    census = read_cin_census(source)  # checks ``source`` now, not on the first item
    return (item.case if isinstance(item, SourcedCase) else item for item in census)
