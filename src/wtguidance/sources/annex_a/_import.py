"""Read a whole Annex A source: recognise its lists, read every row, join the episodes.

Every data row of lists 3–7 ends in exactly one place: an episode, or a :class:`Rejected`
entry naming the sheet, row, column and reason. A row is rejected when a cell the
importer needs cannot be read; so is the rest of its episode (judging an episode with a
row missing could call a stopped clock overdue), and when the row cannot even be placed
(its child's id or key date is unreadable), every row of that child. Lists 1 and 2
(contacts, early help) carry no Working Together deadline: they are read and counted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from wtguidance._arguments import require_int, require_path
from wtguidance.case.source import Rejected, SourceEvidence
from wtguidance.sources.annex_a._columns import LISTS
from wtguidance.sources.annex_a._episodes import (
    ANNEX_A_SOURCE,
    LATEST_ONLY,
    NEVER_RECORDED,
    AnnexAEpisode,
    build_episodes,
)
from wtguidance.sources.annex_a._rows import Context, Record, read_record
from wtguidance.sources.annex_a._sheets import (
    MAX_BYTES,
    MAX_RECORDS,
    MAX_ROWS,
    IgnoredSheet,
    Source,
    read_source,
)
from wtguidance.sources.sourced import SourcedCase, SourceNote

__all__ = ["AnnexAImport", "ListCount", "read_annex_a"]


@dataclass(frozen=True)
class ListCount:
    """How one list's rows were accounted for."""

    list_no: int
    title: str
    sheets: tuple[str, ...]
    rows: int
    blank_rows: int
    in_episodes: int
    rejected: int

    @property
    def reconciles(self) -> bool:
        """Lists 3–7: every row is in an episode or rejected. Lists 1–2 are context."""
        return self.list_no < 3 or self.rows == self.in_episodes + self.rejected


@dataclass(frozen=True)
class AnnexAImport:
    """What one workbook or CSV folder gave: episodes, rejected rows, counts and notes."""

    source: str
    episodes: tuple[AnnexAEpisode, ...]
    rejected: tuple[Rejected, ...]
    counts: tuple[ListCount, ...]
    ignored: tuple[IgnoredSheet, ...]
    findings: tuple[SourceNote, ...]
    items: tuple[AnnexAEpisode | Rejected, ...]

    @property
    def evidence(self) -> SourceEvidence:
        """What no Annex A source records (each episode's own evidence may name more)."""
        return SourceEvidence.of(ANNEX_A_SOURCE, NEVER_RECORDED, LATEST_ONLY)

    def sourced(self) -> Iterator[SourcedCase | Rejected]:
        """Every item as the caseload runner takes it, in order."""
        for item in self.items:
            yield item.sourced() if isinstance(item, AnnexAEpisode) else item

    @property
    def reconciles(self) -> bool:
        return all(count.reconciles for count in self.counts)

    def __iter__(self) -> Iterator[AnnexAEpisode | Rejected]:
        return iter(self.items)


def _rejected(record: Record, reason: str | None = None) -> Rejected:
    """A rejected row: its own first problem, or ``reason`` for a row rejected with others."""
    if reason is None and record.problems:
        first = record.problems[0]
        more = "; ".join(f"{p.header!r}: {p.reason}" for p in record.problems[1:])
        return Rejected(
            child_id=record.child_id,
            reason=first.reason + (f" (also {more})" if more else ""),
            sheet=record.ref.sheet,
            row=record.ref.row,
            column=first.column,
            field=first.header,
            value=first.value,
        )
    return Rejected(
        child_id=record.child_id,
        reason=reason or "rejected",
        sheet=record.ref.sheet,
        row=record.ref.row,
    )


def _problem_text(record: Record) -> str:
    first = record.problems[0] if record.problems else None
    if first is None:
        return "its key date is blank"
    return f"{first.header!r} {first.reason}"


def _child_items(
    child_id: str,
    records: Sequence[Record],
    evidence: dict[frozenset[str], SourceEvidence],
) -> list[AnnexAEpisode | Rejected]:
    unplaced = [r for r in records if r.key_date is None]
    if unplaced:
        first = unplaced[0]
        reason = (
            f"not judged: {first.ref} of the same child cannot be placed in an episode "
            f"({_problem_text(first)})"
        )
        return [_rejected(r) if r in unplaced else _rejected(r, reason) for r in records]
    items: list[AnnexAEpisode | Rejected] = []
    for built in build_episodes(child_id, records, evidence):
        if isinstance(built, AnnexAEpisode):
            items.append(built)
            continue
        bad = next(r for r in built if r.problems)
        reason = (
            f"not judged: {bad.ref} of the same episode has an unreadable cell "
            f"({_problem_text(bad)})"
        )
        items.extend(_rejected(r) if r.problems else _rejected(r, reason) for r in built)
    return items


def read_annex_a(
    path: str | Path,
    *,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
    max_records: int = MAX_RECORDS,
) -> AnnexAImport:
    """Read an Annex A workbook (.xlsx) or a folder of CSV files, one per list.

    Raises :class:`~wtguidance.sources.annex_a.AnnexAError` when no list 3–7 is recognised,
    when a sheet announced as one of lists 1–7 lacks required columns, or when the file
    cannot be read at all, or when it holds more than ``max_records`` data rows (lists 1–7
    together; :data:`MAX_RECORDS`, ``input-too-large``). Rows with unreadable cells are not
    errors: they are rejected.
    """
    require_path(path, "path", "read_annex_a")
    require_int(max_bytes, "max_bytes", "read_annex_a", minimum=1)
    require_int(max_rows, "max_rows", "read_annex_a", minimum=1)
    require_int(max_records, "max_records", "read_annex_a", minimum=1)
    source = read_source(
        Path(path), max_bytes=max_bytes, max_rows=max_rows, max_records=max_records
    )
    name, ignored = source.name, source.ignored
    gathered = _Gathered(source)
    del source  # the cells are read into records: let the rows go before joining
    items: list[AnnexAEpisode | Rejected] = []
    evidence: dict[frozenset[str], SourceEvidence] = {}
    for entry in gathered.order:
        if isinstance(entry, str):
            items.extend(_child_items(entry, gathered.by_child.pop(entry), evidence))
        else:
            items.append(_rejected(entry))
    return AnnexAImport(
        source=name,
        episodes=tuple(i for i in items if isinstance(i, AnnexAEpisode)),
        rejected=tuple(i for i in items if isinstance(i, Rejected)),
        counts=_counts(gathered.shapes, items),
        ignored=ignored,
        findings=tuple(gathered.findings),
        items=tuple(items),
    )


@dataclass(frozen=True)
class _Shape:
    """What the counts need of a table once its rows are read: name, list, row counts."""

    name: str
    list_no: int
    rows: int
    blank_rows: int


class _Gathered:
    """Every data row of a source as a record, grouped by child, with the source's notes."""

    def __init__(self, source: Source) -> None:
        self.findings = [SourceNote("annex-a-source", note, "info") for note in source.notes]
        self.findings.extend(
            SourceNote(
                "annex-a-source",
                f"{i.name!r} not read: {i.reason}",
                "warning" if i.warning else "info",
            )
            for i in source.ignored
        )
        self.by_child: dict[str, list[Record]] = {}
        self.order: list[str | Record] = []
        self.shapes = [_Shape(t.name, t.list_no, len(t.rows), t.blank_rows) for t in source.tables]
        for table in source.tables:
            self.findings.extend(SourceNote("annex-a-source", note, "info") for note in table.notes)
            for row in table.rows:
                self._add(read_record(table, row))

    def _add(self, record: Record) -> None:
        if isinstance(record, Context):
            self.findings.extend(
                SourceNote("annex-a-context-row", f"{record.ref}: {p.header!r} {p.reason}")
                for p in record.problems
            )
            return
        if record.child_id is None:
            self.order.append(record)
            return
        if record.child_id not in self.by_child:
            self.by_child[record.child_id] = []
            self.order.append(record.child_id)
        self.by_child[record.child_id].append(record)


def _counts(
    shapes: Sequence[_Shape], items: Sequence[AnnexAEpisode | Rejected]
) -> tuple[ListCount, ...]:
    placed: dict[int, int] = {}
    rejected: dict[int, int] = {}
    names = {t.name: t.list_no for t in shapes}
    for item in items:
        if isinstance(item, AnnexAEpisode):
            for ref in item.rows:
                placed[ref.list_no] = placed.get(ref.list_no, 0) + 1
        elif item.sheet is not None:
            list_no = names[item.sheet]
            rejected[list_no] = rejected.get(list_no, 0) + 1
    counts = []
    for list_no, spec in LISTS.items():
        own = [t for t in shapes if t.list_no == list_no]
        if not own:
            continue
        counts.append(
            ListCount(
                list_no=list_no,
                title=spec.title,
                sheets=tuple(t.name for t in own),
                rows=sum(t.rows for t in own),
                blank_rows=sum(t.blank_rows for t in own),
                in_episodes=placed.get(list_no, 0),
                rejected=rejected.get(list_no, 0),
            )
        )
    return tuple(counts)
