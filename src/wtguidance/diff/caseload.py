"""Caseload diff (DESIGN §9, §10): what another edition, or a local protocol, does to a caseload.

:func:`diff_caseload` judges every record of a caseload under two sides — two editions, or
one edition by national rules and the same edition tightened by a local protocol — in one
pass over the input, and lines up each case's two outcomes exactly as
:func:`~wtguidance.diff.diff_case` does (obligations by id and clock date, case-holder
verdicts by stage, allocation date and role, sign-offs by id and subject date; the same
key functions). :func:`diff_caseload_file` reads a census return, an Annex A workbook or
folder, or a JSON Lines batch first.

The result, :class:`CaseloadDiff`, is what every renderer (text, JSON, CSV, HTML) and the
HTTP service share. It reconciles: ``records == outcomes + rejected`` on each side (a
record rejected by either side is rejected once, for both), and for every id
``from_instances == unchanged + changed + disappeared`` and
``to_instances == unchanged + changed + appeared``.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any, Literal

import msgspec

from wtguidance._arguments import require, require_date, require_iterable, require_path
from wtguidance.case import Case, Rejected, SourceEvidence
from wtguidance.diff.outcomes import case_holder_key, obligation_key, pair, sign_off_key
from wtguidance.editions import Editions, shipped_editions
from wtguidance.errors import UsageError
from wtguidance.evaluation import Evaluator
from wtguidance.overlay import Overlay
from wtguidance.results import (
    CaseHolderVerdict,
    ObligationResult,
    Outcome,
    ProtocolView,
    SignOffResult,
    TimescaleView,
)
from wtguidance.sources.sourced import SourcedCase

__all__ = [
    "ABSENT",
    "CHANGE_KINDS",
    "CaseloadDiff",
    "DiffSide",
    "InstanceChange",
    "InstanceSide",
    "ItemChanges",
    "Kind",
    "OverdueChange",
    "RejectedRecord",
    "SourceKind",
    "StatusMove",
    "detect_source",
    "diff_caseload",
    "diff_caseload_file",
]

Kind = Literal["obligation", "sign_off", "case_holder"]
SourceKind = Literal["cin", "annex-a", "jsonl"]

CHANGE_KINDS = (
    "appeared",
    "disappeared",
    "due_earlier",
    "due_later",
    "due",
    "limit",
    "status",
    "signer",
    "other",
)
"""What can change about one instance: it appears or disappears; its due date moves earlier
or later (``due``: gained or lost one); its limit; its status; who must sign it off
(sign-offs); ``other``: something else a case diff shows (a date it was met or given, who
signed, a case-holder verdict's reason)."""

ABSENT = "absent"
"""The status a move names for an instance one side does not have."""

_KIND_ORDER = {"obligation": 0, "sign_off": 1, "case_holder": 2}
_CHUNK = 32
_IN_FLIGHT_PER_JOB = 4


class _Struct(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An immutable part of a caseload diff."""


class DiffSide(_Struct, frozen=True):
    """How one side judges: an edition, with the local protocol applied to it if any."""

    edition: str
    protocol: ProtocolView | None = None

    @property
    def label(self) -> str:
        """``2023``, or ``2023 + Exampleshire County Council protocol``."""
        if self.protocol is None:
            return self.edition
        return f"{self.edition} + {self.protocol.authority} protocol"

    @property
    def short(self) -> str:
        """``2023``, or ``2023 + protocol`` (for column headers)."""
        return self.edition if self.protocol is None else f"{self.edition} + protocol"


class InstanceSide(_Struct, frozen=True):
    """One instance as one side judges it."""

    status: str
    due: dt.date | None = None
    limit: str | None = None
    done_on: dt.date | None = None
    """When it was met (obligation) or given (sign-off)."""


class InstanceChange(_Struct, frozen=True, rename={"from_": "from"}):
    """One instance (of one case) that the two sides judge differently."""

    case_id: str
    child_id: str | None
    kind: Kind
    id: str
    """The obligation or sign-off id, or the case-holder stage."""
    date: dt.date | None
    """What pairs it: the clock date, the sign-off's subject date or the allocation date."""
    from_: InstanceSide | None
    to: InstanceSide | None
    changes: tuple[str, ...]
    """Which of :data:`CHANGE_KINDS` apply."""


class StatusMove(_Struct, frozen=True, rename={"from_": "from"}):
    """How many instances of one id went from one status to another (``absent``: not there)."""

    from_: str
    to: str
    count: int


class ItemChanges(_Struct, frozen=True):
    """Everything that changed for one obligation, sign-off or case-holder stage."""

    kind: Kind
    id: str
    from_instances: int
    to_instances: int
    unchanged: int
    changed: int
    """Instances on both sides judged differently."""
    appeared: int
    disappeared: int
    changes: dict[str, int]
    """How many instances had each of :data:`CHANGE_KINDS` (one instance may have several)."""
    moves: tuple[StatusMove, ...]
    """Status moves (changed, appeared and disappeared instances), most frequent first."""
    from_statuses: dict[str, int]
    to_statuses: dict[str, int]


class OverdueChange(_Struct, frozen=True):
    """A child's obligation that becomes overdue, or stops being overdue, with both due dates."""

    case_id: str
    child_id: str | None
    obligation: str
    clock: dt.date
    from_status: str
    to_status: str
    from_due: dt.date | None
    to_due: dt.date | None


class RejectedRecord(_Struct, frozen=True, omit_defaults=True):
    """A record neither side could judge (rejected once, for both sides)."""

    child_id: str | None
    reason: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    value: str | None = None
    sheet: str | None = None
    row: int | None = None


class CaseloadDiff(_Struct, frozen=True, rename={"from_": "from"}):
    """A caseload judged under two sides, instance by instance (see the module docstring)."""

    from_: DiffSide
    to: DiffSide
    as_of: dt.date
    source: str | None
    source_kind: str | None
    complete: bool
    """False when the file stopped being readable part way (the last rejected entry says where)."""
    records: int
    outcomes: int
    rejected: int
    cases_changed: int
    """Evaluated records with at least one changed instance."""
    items: tuple[ItemChanges, ...]
    becomes_overdue: tuple[OverdueChange, ...]
    stops_overdue: tuple[OverdueChange, ...]
    changes: tuple[InstanceChange, ...]
    rejected_records: tuple[RejectedRecord, ...]

    @property
    def reconciles(self) -> bool:
        """Records = outcomes + rejected, and every id's instances add up on both sides."""
        return self.records == self.outcomes + self.rejected and all(
            i.from_instances == i.unchanged + i.changed + i.disappeared
            and i.to_instances == i.unchanged + i.changed + i.appeared
            for i in self.items
        )

    def to_json(self) -> str:
        """The JSON document (``diff --caseload --format json``; the service's answer)."""
        return msgspec.json.format(msgspec.json.encode(self), indent=2).decode() + "\n"


# --- one record ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """How each side judges (sent to worker processes)."""

    as_of: dt.date
    a: str
    b: str
    a_overlay: Overlay | None
    b_overlay: Overlay | None
    evidence: SourceEvidence | None


class _Tally(_Struct, frozen=True, array_like=True):
    kind: Kind
    id: str
    side: int  # 0 from, 1 to, 2 unchanged (counted once, for both)
    status: str


class _RecordDiff(_Struct, frozen=True, array_like=True):
    changes: tuple[InstanceChange, ...]
    tallies: tuple[_Tally, ...]


def _limit(view: TimescaleView | None) -> str | None:
    if view is None:
        return None
    from wtguidance._pack.model import describe_limit

    for unit, amount in msgspec.structs.asdict(view).items():
        if amount is not None:
            return describe_limit(unit, amount)
    return None


def _obligation_side(o: ObligationResult) -> InstanceSide:
    return InstanceSide(
        status=o.status, due=o.due, limit=_limit(o.timescale), done_on=o.satisfied_on
    )


def _obligation_changes(x: ObligationResult, y: ObligationResult) -> tuple[str, ...]:
    found: list[str] = []
    if x.due != y.due:
        if x.due is None or y.due is None:
            found.append("due")
        else:
            found.append("due_earlier" if y.due < x.due else "due_later")
    if x.timescale != y.timescale:
        found.append("limit")
    if x.status != y.status:
        found.append("status")
    if not found and (x.satisfied_on, x.clock.event) != (y.satisfied_on, y.clock.event):
        found.append("other")
    return tuple(found)


def _sign_off_changes(x: SignOffResult, y: SignOffResult) -> tuple[str, ...]:
    found: list[str] = []
    if x.status != y.status:
        found.append("status")
    if (sorted(x.required_from.roles), x.required_from.social_work_qualified) != (
        sorted(y.required_from.roles),
        y.required_from.social_work_qualified,
    ):
        found.append("signer")
    if not found and (x.given_on, x.signed_by) != (y.given_on, y.signed_by):
        found.append("other")
    return tuple(found)


def _holder_changes(x: CaseHolderVerdict, y: CaseHolderVerdict) -> tuple[str, ...]:
    if x.status != y.status or x.compliant != y.compliant:
        return ("status",)
    return ("other",) if x.reason != y.reason else ()


def _compare(left: Outcome, right: Outcome, child_id: str | None) -> _RecordDiff:
    """One case's two outcomes lined up (the case diff's pairing) and reduced to changes."""
    changes: list[InstanceChange] = []
    tallies: list[_Tally] = []
    case_id = left.case_id

    def note(
        kind: Kind,
        item_id: str,
        date: dt.date | None,
        a: InstanceSide | None,
        b: InstanceSide | None,
        found: tuple[str, ...],
    ) -> None:
        if a is not None and b is not None and not found:
            tallies.append(_Tally(kind=kind, id=item_id, side=2, status=a.status))
            return
        if a is not None:
            tallies.append(_Tally(kind=kind, id=item_id, side=0, status=a.status))
        if b is not None:
            tallies.append(_Tally(kind=kind, id=item_id, side=1, status=b.status))
        if a is None:
            found = ("appeared",)
        elif b is None:
            found = ("disappeared",)
        changes.append(
            InstanceChange(
                case_id=case_id,
                child_id=child_id,
                kind=kind,
                id=item_id,
                date=date,
                from_=a,
                to=b,
                changes=found,
            )
        )

    for (oid, clock), ox, oy in pair(left.obligations, right.obligations, obligation_key):
        found = _obligation_changes(ox, oy) if ox is not None and oy is not None else ()
        note(
            "obligation",
            oid,
            clock,
            _obligation_side(ox) if ox is not None else None,
            _obligation_side(oy) if oy is not None else None,
            found,
        )
    for (sid, subject), sx, sy in pair(left.sign_offs, right.sign_offs, sign_off_key):
        found = _sign_off_changes(sx, sy) if sx is not None and sy is not None else ()
        note(
            "sign_off",
            sid,
            subject,
            InstanceSide(status=sx.status, done_on=sx.given_on) if sx is not None else None,
            InstanceSide(status=sy.status, done_on=sy.given_on) if sy is not None else None,
            found,
        )
    for (stage, allocated, _role), hx, hy in pair(
        left.case_holders, right.case_holders, case_holder_key
    ):
        found = _holder_changes(hx, hy) if hx is not None and hy is not None else ()
        note(
            "case_holder",
            stage,
            allocated,
            InstanceSide(status=hx.status) if hx is not None else None,
            InstanceSide(status=hy.status) if hy is not None else None,
            found,
        )
    return _RecordDiff(changes=tuple(changes), tallies=tuple(tallies))


def _diff_one(
    case: Case,
    evidence: SourceEvidence | None,
    child_id: str | None,
    plan: _Plan,
    evaluators: tuple[Evaluator, Evaluator] | None = None,
) -> _RecordDiff | str:
    """Both sides' judgement of one case, compared; a failure is the reason (the record is
    rejected for both sides, and the run goes on)."""
    if evaluators is None:
        from wtguidance.caseload.run import evaluator_for

        evaluators = (evaluator_for(plan.a_overlay), evaluator_for(plan.b_overlay))
    evidence = evidence if evidence is not None else plan.evidence
    try:
        left = evaluators[0].evaluate(
            case, edition=plan.a, as_of=plan.as_of, evidence=evidence, trace=False
        )
        right = evaluators[1].evaluate(
            case, edition=plan.b, as_of=plan.as_of, evidence=evidence, trace=False
        )
    except Exception as exc:  # one bad record never stops a run (DESIGN §14)
        return f"could not be judged ({type(exc).__name__}: {exc})"
    return _compare(left, right, child_id)


_Work = tuple[Case, SourceEvidence | None, str | None]


def _diff_chunk(work: Sequence[_Work], plan: _Plan) -> list[_RecordDiff | str]:
    return [_diff_one(case, evidence, child_id, plan) for case, evidence, child_id in work]


def _work_of(item: Case | SourcedCase) -> _Work:
    if isinstance(item, Case):
        return (item, None, None)
    return (item.case, item.evidence, item.child_id)


def _run(
    items: Iterable[Case | SourcedCase | Rejected],
    plan: _Plan,
    jobs: int,
    editions: Editions | None,
) -> Iterator[tuple[Case | SourcedCase | Rejected, _RecordDiff | str | None]]:
    """Each item with its comparison (None for an importer's rejected entry), in input order."""
    if jobs == 1:
        from wtguidance.caseload.run import evaluator_for

        evaluators = (
            (evaluator_for(plan.a_overlay), evaluator_for(plan.b_overlay))
            if editions is None
            else (Evaluator(editions, plan.a_overlay), Evaluator(editions, plan.b_overlay))
        )
        for item in items:
            if isinstance(item, Rejected):
                yield item, None
            else:
                yield item, _diff_one(*_work_of(item), plan, evaluators)
        return
    # as caseload.run does: a clean forkserver pool, a bounded window of chunks in flight,
    # so a long input is never read ahead into memory and the order is the input's.
    iterator = iter(items)
    context = multiprocessing.get_context("forkserver")
    window: deque[tuple[list[Case | SourcedCase | Rejected], Future[list[_RecordDiff | str]]]] = (
        deque()
    )

    def drain(
        block: list[Case | SourcedCase | Rejected], future: Future[list[_RecordDiff | str]]
    ) -> Iterator[tuple[Case | SourcedCase | Rejected, _RecordDiff | str | None]]:
        done = iter(future.result())
        for item in block:
            yield item, None if isinstance(item, Rejected) else next(done)

    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        while True:
            block = list(islice(iterator, _CHUNK))
            if not block:
                break
            work = [_work_of(i) for i in block if not isinstance(i, Rejected)]
            window.append((block, pool.submit(_diff_chunk, work, plan)))
            if len(window) >= jobs * _IN_FLIGHT_PER_JOB:
                yield from drain(*window.popleft())
        while window:
            yield from drain(*window.popleft())


# --- the whole caseload ----------------------------------------------------------------


def _rejected_record(item: Rejected) -> RejectedRecord:
    return RejectedRecord(**item.model_dump())


def _failed(item: Case | SourcedCase, number: int, reason: str) -> RejectedRecord:
    if isinstance(item, SourcedCase):
        where = f"line {item.line}: " if item.line is not None else ""
        return RejectedRecord(
            child_id=item.child_id,
            reason=f"{where}case {item.case.case_id} {reason}",
            line=item.line,
        )
    return RejectedRecord(
        child_id=item.case_id, reason=f"record {number}: case {item.case_id} {reason}"
    )


class _Builder:
    """Adds up record comparisons into a :class:`CaseloadDiff`."""

    def __init__(self) -> None:
        self.records = self.outcomes = self.cases_changed = 0
        self.rejected: list[RejectedRecord] = []
        self.changes: list[InstanceChange] = []
        self.statuses: dict[tuple[Kind, str], tuple[Counter[str], Counter[str]]] = {}
        self.unchanged: Counter[tuple[Kind, str]] = Counter()

    def add(self, item: Case | SourcedCase | Rejected, result: _RecordDiff | str | None) -> None:
        self.records += 1
        if isinstance(item, Rejected):
            self.rejected.append(_rejected_record(item))
            return
        if isinstance(result, str) or result is None:
            self.rejected.append(_failed(item, self.records, result or "could not be judged"))
            return
        self.outcomes += 1
        for tally in result.tallies:
            key = (tally.kind, tally.id)
            sides = self.statuses.get(key)
            if sides is None:
                sides = self.statuses[key] = (Counter(), Counter())
            if tally.side == 2:
                self.unchanged[key] += 1
                sides[0][tally.status] += 1
                sides[1][tally.status] += 1
            else:
                sides[tally.side][tally.status] += 1
        if result.changes:
            self.cases_changed += 1
            self.changes.extend(result.changes)

    def result(
        self,
        a: DiffSide,
        b: DiffSide,
        as_of: dt.date,
        source: str | None,
        kind: str | None,
        complete: bool,
    ) -> CaseloadDiff:
        per_item: dict[tuple[Kind, str], list[InstanceChange]] = {}
        becomes: list[OverdueChange] = []
        stops: list[OverdueChange] = []
        for change in self.changes:
            per_item.setdefault((change.kind, change.id), []).append(change)
            if change.kind != "obligation" or change.date is None:
                continue
            was = change.from_.status if change.from_ is not None else ABSENT
            now = change.to.status if change.to is not None else ABSENT
            if (was == "overdue") == (now == "overdue"):
                continue
            row = OverdueChange(
                case_id=change.case_id,
                child_id=change.child_id,
                obligation=change.id,
                clock=change.date,
                from_status=was,
                to_status=now,
                from_due=change.from_.due if change.from_ is not None else None,
                to_due=change.to.due if change.to is not None else None,
            )
            (becomes if now == "overdue" else stops).append(row)
        items = []
        for key in sorted(self.statuses, key=lambda k: (_KIND_ORDER[k[0]], k[1])):
            found = per_item.get(key, [])
            appeared = sum(1 for c in found if c.from_ is None)
            disappeared = sum(1 for c in found if c.to is None)
            counted: Counter[str] = Counter(kind for c in found for kind in c.changes)
            moves: Counter[tuple[str, str]] = Counter(
                (
                    c.from_.status if c.from_ is not None else ABSENT,
                    c.to.status if c.to is not None else ABSENT,
                )
                for c in found
            )
            from_statuses, to_statuses = self.statuses[key]
            items.append(
                ItemChanges(
                    kind=key[0],
                    id=key[1],
                    from_instances=sum(from_statuses.values()),
                    to_instances=sum(to_statuses.values()),
                    unchanged=self.unchanged[key],
                    changed=len(found) - appeared - disappeared,
                    appeared=appeared,
                    disappeared=disappeared,
                    changes={k: counted[k] for k in CHANGE_KINDS if counted[k]},
                    moves=tuple(
                        StatusMove(from_=f, to=t, count=n)
                        for (f, t), n in sorted(moves.items(), key=lambda m: (-m[1], m[0]))
                        if f != t
                    ),
                    from_statuses=dict(sorted(from_statuses.items())),
                    to_statuses=dict(sorted(to_statuses.items())),
                )
            )
        return CaseloadDiff(
            from_=a,
            to=b,
            as_of=as_of,
            source=source,
            source_kind=kind,
            complete=complete,
            records=self.records,
            outcomes=self.outcomes,
            rejected=len(self.rejected),
            cases_changed=self.cases_changed,
            items=tuple(items),
            becomes_overdue=tuple(becomes),
            stops_overdue=tuple(stops),
            changes=tuple(self.changes),
            rejected_records=tuple(self.rejected),
        )


def _sides(
    editions: Editions, a: str, b: str | None, overlay: Overlay | None
) -> tuple[str, str, Overlay | None, Overlay | None]:
    def known(edition: str) -> str:  # unknown → UsageError naming the known ones
        return edition if edition == "auto" else editions.get(edition).edition

    a = known(a)
    if b is None:
        if overlay is None:
            raise UsageError(
                "a caseload diff needs two editions (A B), or one edition and a protocol",
                code="usage",
            )
        if a not in ("auto", overlay.edition):
            raise UsageError(
                f"the protocol tightens edition {overlay.edition}, not {a}: compare it with "
                f"its own edition (diff {overlay.edition} --protocol ...)",
                code="usage",
            )
        return a, a, None, overlay
    return a, known(b), overlay, overlay


def diff_caseload(
    items: Iterable[Case | SourcedCase | Rejected],
    a: str,
    b: str | None = None,
    *,
    as_of: dt.date,
    overlay: Overlay | None = None,
    evidence: SourceEvidence | None = None,
    jobs: int = 1,
    source: str | None = None,
    source_kind: str | None = None,
    editions: Editions | None = None,
) -> CaseloadDiff:
    """Judge every case of ``items`` under two sides and add up what changes.

    - ``diff_caseload(cases, "2023", "2026", as_of=d)``: edition 2023 against 2026, every
      case pinned to each (``overlay``, if given, applies on the side of its own edition,
      as :func:`~wtguidance.diff.diff_case` applies it);
    - ``diff_caseload(cases, "2023", overlay=o, as_of=d)``: edition 2023 by national rules
      against the same edition tightened by the protocol ``o`` (its edition must be 2023).

    ``auto`` for an edition judges each conclusion under the edition in force on its anchor
    date, as ``evaluate`` does: ``diff_caseload(cases, "auto", overlay=o, ...)`` is the
    caseload as judged today, without and with the protocol (which tightens the
    conclusions its own edition governs).

    ``items`` is what an importer yields (``Case``, ``SourcedCase`` or ``Rejected``), read
    once; ``evidence`` is the source's (a ``SourcedCase``'s own wins). A record either side
    cannot judge is rejected, once, with the reason; ``jobs=N`` spreads the work over N
    processes with the same result. ``source`` and ``source_kind`` only label the result;
    ``editions``: judge with these instead of the shipped ones (``jobs=1`` only).
    """
    if editions is not None:
        require(editions, Editions, "editions", "diff_caseload", "pass shipped_editions()")
    require_iterable(items, "items", "diff_caseload", _ITEMS_HINT)
    return _diff_items(
        map(_item, items),
        a,
        b,
        as_of,
        overlay,
        evidence,
        jobs,
        source,
        source_kind,
        lambda: True,
        editions,
    )


_ITEMS_HINT = "pass cases (parse_case_obj(data)) or what an importer yields"


def _item(value: object) -> Case | SourcedCase | Rejected:
    if isinstance(value, Case | SourcedCase | Rejected):
        return value
    raise UsageError(
        f"diff_caseload: each item must be a Case, SourcedCase or Rejected, not "
        f"{type(value).__name__}",
        code="bad-argument",
        hint=_ITEMS_HINT,
    )


def _diff_items(
    items: Iterable[Case | SourcedCase | Rejected],
    a: str,
    b: str | None,
    as_of: dt.date,
    overlay: Overlay | None,
    evidence: SourceEvidence | None,
    jobs: int,
    source: str | None,
    source_kind: str | None,
    complete: Callable[[], bool],
    editions: Editions | None = None,
) -> CaseloadDiff:
    day = require_date(as_of, "as_of", "diff_caseload")
    if day is None:
        raise UsageError("diff_caseload: as_of is required (a datetime.date)", code="usage")
    if evidence is not None:
        require(evidence, SourceEvidence, "evidence", "diff_caseload")
    if overlay is not None:
        require(overlay, Overlay, "overlay", "diff_caseload", "pass protocol_overlay(report)")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"jobs must be a whole number of at least 1, not {jobs!r}", code="usage")
    left, right, left_overlay, right_overlay = _sides(editions or shipped_editions(), a, b, overlay)
    plan = _Plan(day, left, right, left_overlay, right_overlay, evidence)
    builder = _Builder()
    if editions is not None and jobs > 1:
        raise UsageError(
            "diff_caseload: jobs > 1 judges with the shipped editions only", code="usage"
        )
    for item, result in _run(items, plan, jobs, editions):
        builder.add(item, result)
    return builder.result(
        _side(left, left_overlay),
        _side(right, right_overlay),
        day,
        source,
        source_kind,
        complete(),
    )


def _side(edition: str, overlay: Overlay | None) -> DiffSide:
    if overlay is None or edition not in ("auto", overlay.edition):
        return DiffSide(edition=edition)
    from wtguidance._pack.views import protocol_view

    return DiffSide(edition=edition, protocol=protocol_view(overlay.protocol))


# --- files -------------------------------------------------------------------------------


def detect_source(path: str | Path) -> SourceKind:
    """What a caseload file is: a folder or ``.xlsx`` is Annex A, ``.xml`` a census,
    ``.jsonl``/``.ndjson``/``.json`` a batch; otherwise its first bytes decide (``<`` XML,
    ``{`` JSON, ``PK`` a workbook)."""
    where = Path(path)
    if where.is_dir():
        return "annex-a"
    suffix = where.suffix.lower()
    by_suffix: dict[str, SourceKind] = {
        ".xml": "cin",
        ".xlsx": "annex-a",
        ".xlsm": "annex-a",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".json": "jsonl",
    }
    if suffix in by_suffix:
        return by_suffix[suffix]
    try:
        with where.open("rb") as stream:
            head = stream.read(4096)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})", code="missing-file") from None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"PK"):
        return "annex-a"
    if text.startswith(b"<"):
        return "cin"
    if text.startswith(b"{") or not text:
        return "jsonl"
    raise UsageError(
        f"{path}: cannot tell what this caseload is (not XML, JSON Lines or a workbook); "
        "name it with --source cin|annex-a|jsonl",
        code="invalid-input",
    )


def diff_caseload_file(
    path: str | Path,
    a: str,
    b: str | None = None,
    *,
    as_of: dt.date,
    overlay: Overlay | None = None,
    source: SourceKind | None = None,
    jobs: int = 1,
    stream: IO[str] | None = None,
) -> CaseloadDiff:
    """:func:`diff_caseload` over a census return, an Annex A workbook/folder or a JSON
    Lines batch (``source``, or :func:`detect_source`). ``stream``: the JSON Lines text to
    read instead of opening ``path`` (standard input). A file that cannot be read raises
    :class:`~wtguidance.errors.UsageError`; a census that stops being well-formed part way
    gives ``complete=False`` and a last rejected entry saying where."""
    if stream is None:
        require_path(path, "path", "diff_caseload_file")
    if source not in (None, "cin", "annex-a", "jsonl"):
        raise UsageError(f"source: {source!r} is not one of cin, annex-a, jsonl", code="usage")
    shown = str(path)
    kind: SourceKind = source or ("jsonl" if stream is not None else detect_source(path))

    def run(
        items: Iterable[Case | SourcedCase | Rejected],
        evidence: SourceEvidence | None = None,
        complete: Callable[[], bool] = lambda: True,
    ) -> CaseloadDiff:
        return _diff_items(items, a, b, as_of, overlay, evidence, jobs, shown, kind, complete)

    if kind == "annex-a":
        from wtguidance.sources.annex_a import read_annex_a

        if not Path(path).exists():
            raise UsageError(f"{shown}: no such workbook or folder", code="missing-file")
        annex = read_annex_a(path)
        return run(annex.sourced(), annex.evidence)
    if kind == "cin":
        from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, read_cin_census

        binary = _open(path, "census file", binary=True)
        with binary:
            census = read_cin_census(binary, name=shown)
            return run(census, CIN_CENSUS_EVIDENCE, lambda: census.complete)
    from wtguidance.sources.jsonl import read_jsonl

    text = stream if stream is not None else _open(path, "cases file", binary=False)
    try:
        return run(read_jsonl(text, name=shown))
    except UnicodeDecodeError as exc:
        raise UsageError(f"{shown}: not UTF-8 text ({exc.reason})", code="invalid-input") from None
    finally:
        if stream is None:
            text.close()


def _open(path: str | Path, what: str, *, binary: bool) -> IO[Any]:
    try:
        if binary:
            return open(path, "rb")  # the caller closes it
        return open(path, encoding="utf-8")  # the caller closes it
    except FileNotFoundError:
        raise UsageError(f"{path}: no such {what}", code="missing-file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror})", code="missing-file") from None
