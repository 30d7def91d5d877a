"""One record of a caseload diff: judge a case under both sides and line up the two outcomes.

:func:`judge_records` yields each input item with its comparison, in input order, on one
process or spread over a clean ``forkserver`` pool with a bounded window of chunks in
flight (as ``caseload.run`` does). Outcomes are paired exactly as
:func:`~wtguidance.diff.diff_case` pairs them (the same key functions).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice

import msgspec

from wtguidance.case import Case, Rejected, SourceEvidence
from wtguidance.diff.caseload_result import InstanceChange, InstanceSide, Kind, ResultStruct
from wtguidance.diff.outcomes import case_holder_key, obligation_key, pair, sign_off_key
from wtguidance.editions import Editions
from wtguidance.evaluation import Evaluator
from wtguidance.overlay import Overlay
from wtguidance.results import (
    CaseHolderVerdict,
    ObligationResult,
    Outcome,
    SignOffResult,
    TimescaleView,
)
from wtguidance.sources.sourced import SourcedCase

__all__ = ["Plan", "RecordDiff", "judge_records"]

_CHUNK = 32
_IN_FLIGHT_PER_JOB = 4


@dataclass(frozen=True)
class Plan:
    """How each side judges (sent to worker processes)."""

    as_of: dt.date
    a: str
    b: str
    a_overlay: Overlay | None
    b_overlay: Overlay | None
    evidence: SourceEvidence | None


class _Tally(ResultStruct, frozen=True, array_like=True):
    kind: Kind
    id: str
    side: int  # 0 from, 1 to, 2 unchanged (counted once, for both)
    status: str


class RecordDiff(ResultStruct, frozen=True, array_like=True):
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


def _compare(left: Outcome, right: Outcome, child_id: str | None) -> RecordDiff:
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
    return RecordDiff(changes=tuple(changes), tallies=tuple(tallies))


def _diff_one(
    case: Case,
    evidence: SourceEvidence | None,
    child_id: str | None,
    plan: Plan,
    evaluators: tuple[Evaluator, Evaluator] | None = None,
) -> RecordDiff | str:
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


def _diff_chunk(work: Sequence[_Work], plan: Plan) -> list[RecordDiff | str]:
    return [_diff_one(case, evidence, child_id, plan) for case, evidence, child_id in work]


def _work_of(item: Case | SourcedCase) -> _Work:
    if isinstance(item, Case):
        return (item, None, None)
    return (item.case, item.evidence, item.child_id)


def judge_records(
    items: Iterable[Case | SourcedCase | Rejected],
    plan: Plan,
    jobs: int,
    editions: Editions | None,
) -> Iterator[tuple[Case | SourcedCase | Rejected, RecordDiff | str | None]]:
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
    window: deque[tuple[list[Case | SourcedCase | Rejected], Future[list[RecordDiff | str]]]] = (
        deque()
    )

    def drain(
        block: list[Case | SourcedCase | Rejected], future: Future[list[RecordDiff | str]]
    ) -> Iterator[tuple[Case | SourcedCase | Rejected, RecordDiff | str | None]]:
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
