"""Run a stream of cases through evaluation: in order, in bounded memory, on N processes.

The unit of work is :func:`evaluate_one` (one case, one outcome); everything else feeds it.
:func:`evaluate_stream` takes what an importer yields — :class:`~wtguidance.case.Case`,
:class:`~wtguidance.case.SourcedCase` or :class:`~wtguidance.case.Rejected` — and yields an
:class:`Evaluated` or the :class:`~wtguidance.case.Rejected` entry for each, in input order.
With ``jobs > 1`` cases go to a process pool in chunks; at most a few chunks per process
are in flight, so a long input is never read ahead into memory, and the output is the same,
item for item and in the same order, as with ``jobs=1``. The pool's workers are forked from
this process when that is safe (Linux, no other thread running), so they start with the
modules and editions already loaded; otherwise they come from a clean ``forkserver``.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sys
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import islice
from multiprocessing.context import BaseContext
from typing import TypeVar, overload

import msgspec

from wtguidance._arguments import (
    require,
    require_date,
    require_edition,
    require_int,
    require_iterable,
)
from wtguidance.calendar import WIDE_FIRST_YEAR, WIDE_LAST_YEAR
from wtguidance.case import Case, Rejected, SourceEvidence
from wtguidance.errors import EngineError, UsageError, WtGuidanceError
from wtguidance.evaluation import Evaluator
from wtguidance.overlay import Overlay
from wtguidance.results import Finding, Outcome, ProtocolView, encode_hook
from wtguidance.sources.sourced import SourcedCase

__all__ = [
    "Evaluated",
    "Settings",
    "evaluate_cases",
    "evaluate_one",
    "evaluate_stream",
    "judge_one",
    "ordered_map",
    "pool_context",
]

A = TypeVar("A")
R = TypeVar("R")

CHUNK = 128
"""Cases per task sent to a worker process (fewer, larger tasks: less pickling and fewer
round trips per case; at most a few are in flight per worker)."""

_IN_FLIGHT_PER_JOB = 4


@dataclass(frozen=True)
class Settings:
    """How every case of a run is judged (sent to each worker process).

    ``overlay``: a valid local protocol (``protocol_overlay(validate_protocol(path))``),
    applied whole to every case of the run, exactly as ``evaluate --protocol`` applies it.
    ``trace=False`` leaves every outcome's trace empty, for reports that never show it
    (the caseload table, CSV and HTML): a few percent of the evaluation work (the trace
    is built only if read or encoded).
    """

    as_of: dt.date
    edition: str = "auto"
    evidence: SourceEvidence | None = None
    overlay: Overlay | None = None
    trace: bool = True

    def __post_init__(self) -> None:
        if require_date(self.as_of, "as_of", "Settings") is None:
            raise UsageError("Settings: as_of is required (a datetime.date)", code="bad-argument")
        require_edition(self.edition, "edition", "Settings")  # 2023 is not "2023"
        require(self.trace, bool, "trace", "Settings")
        if self.evidence is not None:
            require(self.evidence, SourceEvidence, "evidence", "Settings")
        if self.overlay is not None:
            require(
                self.overlay,
                Overlay,
                "overlay",
                "Settings",
                "pass protocol_overlay(validate_protocol(path))",
            )

    @property
    def protocol(self) -> ProtocolView | None:
        """The protocol every case is judged under, as reports name it."""
        return evaluator_for(self.overlay).protocol if self.overlay is not None else None


@dataclass(frozen=True)
class Evaluated:
    """One case's outcome, with the record it came from when an importer said so."""

    outcome: Outcome
    source: SourcedCase | None = None

    def __post_init__(self) -> None:
        require(self.outcome, Outcome, "outcome", "Evaluated")
        if self.source is not None:
            require(self.source, SourcedCase, "source", "Evaluated")

    @property
    def child_id(self) -> str | None:
        return self.source.child_id if self.source is not None else None


@lru_cache(maxsize=8)
def evaluator_for(overlay: Overlay | None) -> Evaluator:
    """The shipped editions, tightened by ``overlay``, compiled once per process and
    protocol (immutable, so safe to share; a few protocols are kept, least used first out)."""
    return Evaluator.create(overlay=overlay)


def evaluate_one(
    case: Case,
    settings: Settings,
    evidence: SourceEvidence | None = None,
    notes: tuple[Finding, ...] = (),
) -> Outcome:
    """The per-case function every runner uses (in process, in a pool, on a Dask worker).

    ``evidence``, when given, replaces the run's for this case (see SourcedCase.evidence);
    ``notes`` are the findings the source made about the record (its importer's).
    Every verdict, including what the source cannot evidence, is the engine's, and the
    outcome is built once.
    """
    require(case, Case, "case", "evaluate_one", _CASE_HINT)
    require(settings, Settings, "settings", "evaluate_one", "pass Settings(as_of=...)")
    if evidence is not None:
        require(evidence, SourceEvidence, "evidence", "evaluate_one")
    evidence = evidence if evidence is not None else settings.evidence
    return evaluator_for(settings.overlay).evaluate(
        case,
        edition=settings.edition,
        as_of=settings.as_of,
        evidence=evidence,
        trace=settings.trace,
        notes=notes,
    )


Judging = tuple[Case, SourceEvidence | None, tuple[Finding, ...]]
"""What a runner judges a record with: the case, its source's evidence and notes."""


def _case_of(item: Case | SourcedCase) -> Judging:
    if isinstance(item, Case):
        return item, None, ()
    notes = tuple(Finding(code=n.code, severity=n.severity, message=n.message) for n in item.notes)
    return item.case, item.evidence, notes


def _judged(
    case: Case,
    settings: Settings,
    evidence: SourceEvidence | None,
    notes: tuple[Finding, ...] = (),
) -> Outcome | WtGuidanceError:
    """:func:`evaluate_one`, with whatever goes wrong with this one case returned, not raised
    (one bad record never stops a run: DESIGN §14)."""
    try:
        outcome = evaluate_one(case, settings, evidence, notes)
        # a kept trace is built on first read (results.Trace): build it here, inside this
        # record's isolation, not later in whatever writes the outcome out
        len(outcome.trace)
        return outcome
    except WtGuidanceError as error:  # a date the calendar cannot count, say
        return error
    except MemoryError:
        raise
    except Exception as error:  # a fault of ours: the record is rejected, named, run goes on
        return EngineError(
            f"evaluation failed ({type(error).__name__}: {error}); please report this",
            code="engine-failed",
        )


def judge_one(item: Case | SourcedCase, settings: Settings) -> Evaluated | Rejected:
    """One record judged in isolation: its outcome, or (when anything goes wrong with
    it) the :class:`~wtguidance.case.Rejected` entry naming where, which field and why."""
    case, evidence, notes = _case_of(item)
    return _finish(item, _judged(case, settings, evidence, notes))


def _evaluate_chunk(
    cases: Sequence[Judging], *, settings: Settings
) -> list[bytes | WtGuidanceError]:
    return [packed(_judged(case, settings, evidence, notes)) for case, evidence, notes in cases]


_PACK = msgspec.msgpack.Encoder(enc_hook=encode_hook).encode  # the lazy trace, as its entries
_UNPACK = msgspec.msgpack.Decoder(Outcome).decode


@overload
def packed(outcome: Outcome) -> bytes: ...
@overload
def packed(outcome: Outcome | WtGuidanceError) -> bytes | WtGuidanceError: ...


def packed(outcome: Outcome | WtGuidanceError) -> bytes | WtGuidanceError:
    """An outcome as a worker process sends it back: MessagePack from the result structs,
    about a tenth of the CPU of pickling them (each citation and summary is pickled as a
    tree of objects) on both sides; :func:`unpacked` gives back an equal outcome."""
    return outcome if isinstance(outcome, WtGuidanceError) else _PACK(outcome)


@overload
def unpacked(outcome: bytes) -> Outcome: ...
@overload
def unpacked(outcome: bytes | WtGuidanceError) -> Outcome | WtGuidanceError: ...


def unpacked(outcome: bytes | WtGuidanceError) -> Outcome | WtGuidanceError:
    return _UNPACK(outcome) if isinstance(outcome, bytes) else outcome


def _rejected(item: Case | SourcedCase, error: WtGuidanceError) -> Rejected:
    """The rejected entry of a record whose evaluation failed: where, which field, why."""
    case = item if isinstance(item, Case) else item.case
    source = None if isinstance(item, Case) else item
    pointer = error.location.pointer if error.location is not None else None
    field, value = _field_at(case, pointer)
    rule = f" (rule {error.rule_id})" if error.rule_id else ""
    where = f"{source.source}: " if source is not None and source.source else ""
    return Rejected(
        child_id=(source.child_id if source is not None else None) or case.case_id,
        reason=f"{where}error[{error.code}] {error.message}{rule}",
        line=source.line if source is not None else None,
        field=field,
        value=value,
        sheet=source.sheet if source is not None else None,
        row=source.row if source is not None else None,
    )


def _target_out_of_span(item: SourcedCase) -> Rejected | None:
    """A rejected entry when a due date the source states (``InitialCPCtarget``) cannot be
    cross-checked: it, or the clock it runs from, is outside every year the caseload report
    can count working days in (:data:`~wtguidance.calendar.WIDE_FIRST_YEAR` to
    :data:`~wtguidance.calendar.WIDE_LAST_YEAR`)."""
    first, last = dt.date(WIDE_FIRST_YEAR, 1, 1), dt.date(WIDE_LAST_YEAR, 12, 31)
    for target in item.targets:
        for day, what in ((target.target, target.field), (target.clock, None)):
            if first <= day <= last:
                continue
            name = what or f"the clock of the stated {target.obligation} target"
            where = f"{item.source}: " if item.source else ""
            return Rejected(
                child_id=item.child_id or item.case.case_id,
                reason=f"{where}error[calendar-range] {name} {day.isoformat()} is outside the "
                f"supported calendar span {first.isoformat()} to {last.isoformat()}; the "
                f"{target.obligation} target cannot be cross-checked",
                line=item.line,
                field=what,
                value=day.isoformat(),
                sheet=item.sheet,
                row=item.row,
            )
    return None


def _field_at(case: Case, pointer: str | None) -> tuple[str | None, str | None]:
    """The case field a JSON pointer names (``events[3].date``) and its value as text."""
    if not pointer:
        return None, None
    node: object = case
    name = ""
    for part in pointer.split("/")[1:]:
        if part.isdigit():
            name += f"[{part}]"
            sequence = node if isinstance(node, list | tuple) else ()
            node = sequence[int(part)] if int(part) < len(sequence) else None
        else:
            name += f".{part}" if name else part
            node = getattr(node, part, None)
    text = node.isoformat() if isinstance(node, dt.date) else None if node is None else str(node)
    return name, text


def _finish(item: Case | SourcedCase, outcome: Outcome | WtGuidanceError) -> Evaluated | Rejected:
    if isinstance(outcome, WtGuidanceError):
        return _rejected(item, outcome)
    if isinstance(item, Case):
        return Evaluated(outcome)
    unusable = _target_out_of_span(item)
    if unusable is not None:
        return unusable
    return Evaluated(outcome, item)


def evaluate_stream(
    items: Iterable[Case | SourcedCase | Rejected],
    settings: Settings,
    *,
    jobs: int = 1,
    chunk: int = CHUNK,
) -> Iterator[Evaluated | Rejected]:
    """Each item evaluated (or passed through when rejected), in input order.

    Whatever goes wrong with one case (a date the calendar cannot count, say) makes it a
    :class:`~wtguidance.case.Rejected` entry naming the field and value; the run goes on.
    """
    function = "evaluate_stream"
    require_iterable(items, "items", function)
    require(settings, Settings, "settings", function, "pass Settings(as_of=...)")
    require_int(jobs, "jobs", function, minimum=1)
    require_int(chunk, "chunk", function, minimum=1)
    return _stream(map(_checked_item, items), settings, jobs, chunk)


def _checked_item(item: object) -> Case | SourcedCase | Rejected:
    if isinstance(item, Case | SourcedCase | Rejected):
        return item
    raise UsageError(
        f"evaluate_stream: each item must be a Case, SourcedCase or Rejected, not "
        f"{type(item).__name__}",
        code="bad-argument",
        hint=_CASE_HINT,
    )


def _stream(
    items: Iterator[Case | SourcedCase | Rejected], settings: Settings, jobs: int, chunk: int
) -> Iterator[Evaluated | Rejected]:
    if jobs == 1:
        for item in items:
            if isinstance(item, Rejected):
                yield item
            else:
                case, evidence, notes = _case_of(item)
                yield _finish(item, _judged(case, settings, evidence, notes))
        return
    yield from _evaluate_parallel(items, settings, jobs, chunk)


def _evaluate_parallel(
    items: Iterator[Case | SourcedCase | Rejected], settings: Settings, jobs: int, chunk: int
) -> Iterator[Evaluated | Rejected]:
    blocks: deque[list[Case | SourcedCase | Rejected]] = deque()

    def tasks() -> Iterator[list[Judging]]:
        while block := list(islice(items, chunk)):
            blocks.append(block)  # results come back in order: one block per result
            yield [_case_of(i) for i in block if not isinstance(i, Rejected)]

    evaluator_for(settings.overlay)  # built once here, so a forked worker starts with it
    for outcomes in ordered_map(partial(_evaluate_chunk, settings=settings), tasks(), jobs):
        yield from _drain(blocks.popleft(), outcomes)


def ordered_map(
    function: Callable[[A], R], tasks: Iterable[A], jobs: int
) -> Generator[R, None, None]:
    """``function(task)`` for every task on ``jobs`` worker processes, in task order.

    At most a few tasks per worker are in flight, so a long input is never read ahead
    into memory. The workers come from :func:`pool_context`; ``function`` and each task
    are pickled to them, each result back.
    """
    context = pool_context()
    window: deque[Future[R]] = deque()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for task in tasks:
            window.append(pool.submit(function, task))
            if len(window) >= jobs * _IN_FLIGHT_PER_JOB:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def pool_context() -> BaseContext:
    """How worker processes start: ``fork`` on Linux while this process runs no other
    thread, so each worker begins with what is already imported and loaded (the case
    models, the compiled editions: about a third of a second of CPU each, measured in
    docs/performance.md) and shares those pages with this process; else ``forkserver``
    (workers start from a clean interpreter and load what they need once). Forking while
    another thread runs could copy a lock that thread holds, so it is never done then;
    ``concurrent.futures`` forks every worker before it starts its own thread, and
    ``multiprocessing`` flushes ``sys.stdout`` and ``sys.stderr`` first, so no worker
    writes a second copy of what the caller had buffered (tests/cli/test_batch_jobs.py).
    """
    if (
        sys.platform == "linux"
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    ):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver")


def _drain(
    block: list[Case | SourcedCase | Rejected], outcomes: list[bytes | WtGuidanceError]
) -> Iterator[Evaluated | Rejected]:
    found = iter(outcomes)
    for item in block:
        yield item if isinstance(item, Rejected) else _finish(item, unpacked(next(found)))


def evaluate_cases(
    cases: Iterable[Case],
    *,
    as_of: dt.date,
    edition: str = "auto",
    evidence: SourceEvidence | None = None,
    overlay: Overlay | None = None,
    jobs: int = 1,
) -> Iterator[Outcome | Rejected]:
    """The Python API for case systems: an iterator of outcomes from an iterable of cases.

    One item comes out per case, in order: its :class:`~wtguidance.results.Outcome`, or a
    :class:`~wtguidance.case.Rejected` entry (``child_id`` is the case id; ``field`` and
    ``value`` name the date) when the case cannot be evaluated, e.g. a deadline outside
    the working-day calendar; one such case never stops the others. ``overlay``: a valid
    local protocol applied to every case (see :class:`Settings`).

    >>> for item in evaluate_cases(cases_from_my_system(), as_of=date.today()):
    ...     store(item.model_dump(mode="json"))
    """
    function = "evaluate_cases"
    require_iterable(cases, "cases", function, _CASE_HINT)
    if require_date(as_of, "as_of", function) is None:
        raise UsageError(f"{function}: as_of is required (a datetime.date)", code="bad-argument")
    require_edition(edition, "edition", function)
    if evidence is not None:
        require(evidence, SourceEvidence, "evidence", function)
    require_int(jobs, "jobs", function, minimum=1)
    settings = Settings(as_of, edition, evidence, overlay)
    return _outcomes(_stream(map(_only_case, cases), settings, jobs, CHUNK))


def _only_case(item: object) -> Case:
    return require(item, Case, "each case", "evaluate_cases", _CASE_HINT)


def _outcomes(results: Iterator[Evaluated | Rejected]) -> Iterator[Outcome | Rejected]:
    for result in results:
        yield result.outcome if isinstance(result, Evaluated) else result


_CASE_HINT = "build cases with wtguidance.case.parse_case_obj(data) or Case.model_validate(data)"
