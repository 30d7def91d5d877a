"""Run a stream of cases through evaluation: in order, in bounded memory, on N processes.

The unit of work is :func:`evaluate_one` (one case, one outcome); everything else feeds it.
:func:`evaluate_stream` takes what an importer yields — :class:`~wtguidance.case.Case`,
:class:`~wtguidance.case.SourcedCase` or :class:`~wtguidance.case.Rejected` — and yields an
:class:`Evaluated` or the :class:`~wtguidance.case.Rejected` entry for each, in input order.
With ``jobs > 1`` cases go to a process pool in chunks; at most a few chunks per process
are in flight, so a long input is never read ahead into memory, and the output is the same,
item for item and in the same order, as with ``jobs=1``.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import islice
from typing import TypeVar

from wtguidance._arguments import require, require_date
from wtguidance.case import Case, Rejected, SourceEvidence
from wtguidance.case.sourced import SourcedCase
from wtguidance.evaluation import Evaluator
from wtguidance.overlay import Overlay
from wtguidance.results import Finding, Outcome, ProtocolView

__all__ = [
    "Evaluated",
    "Settings",
    "evaluate_cases",
    "evaluate_one",
    "evaluate_stream",
    "ordered_map",
]

A = TypeVar("A")
R = TypeVar("R")

CHUNK = 32
"""Cases per task sent to a worker process."""

_IN_FLIGHT_PER_JOB = 4


@dataclass(frozen=True)
class Settings:
    """How every case of a run is judged (sent to each worker process).

    ``overlay``: a valid local protocol (``protocol_overlay(validate_protocol(path))``),
    applied whole to every case of the run, exactly as ``evaluate --protocol`` applies it.
    ``trace=False`` leaves every outcome's trace empty, for reports that never show it
    (the caseload table, CSV and HTML): about a fifth of the evaluation work.
    """

    as_of: dt.date
    edition: str = "auto"
    evidence: SourceEvidence | None = None
    overlay: Overlay | None = None
    trace: bool = True

    def __post_init__(self) -> None:
        require_date(self.as_of, "as_of", "Settings")
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

    @property
    def child_id(self) -> str | None:
        return self.source.child_id if self.source is not None else None


@lru_cache(maxsize=8)
def evaluator_for(overlay: Overlay | None) -> Evaluator:
    """The shipped editions, tightened by ``overlay``, compiled once per process and
    protocol (immutable, so safe to share; a few protocols are kept, least used first out)."""
    return Evaluator.create(overlay=overlay)


def evaluate_one(case: Case, settings: Settings, evidence: SourceEvidence | None = None) -> Outcome:
    """The per-case function every runner uses (in process, in a pool, on a Dask worker).

    ``evidence``, when given, replaces the run's for this case (see SourcedCase.evidence).
    Every verdict, including what the source cannot evidence, is the engine's.
    """
    evidence = evidence if evidence is not None else settings.evidence
    return evaluator_for(settings.overlay).evaluate(
        case,
        edition=settings.edition,
        as_of=settings.as_of,
        evidence=evidence,
        trace=settings.trace,
    )


def _case_of(item: Case | SourcedCase) -> tuple[Case, SourceEvidence | None]:
    return (item, None) if isinstance(item, Case) else (item.case, item.evidence)


def _evaluate_chunk(
    cases: Sequence[tuple[Case, SourceEvidence | None]], *, settings: Settings
) -> list[Outcome]:
    return [evaluate_one(case, settings, evidence) for case, evidence in cases]


def _finish(item: Case | SourcedCase, outcome: Outcome) -> Evaluated:
    if isinstance(item, Case):
        return Evaluated(outcome)
    if item.notes:
        notes = tuple(
            Finding(code=n.code, severity=n.severity, message=n.message) for n in item.notes
        )
        outcome = outcome.model_copy(update={"findings": (*outcome.findings, *notes)})
    return Evaluated(outcome, item)


def evaluate_stream(
    items: Iterable[Case | SourcedCase | Rejected],
    settings: Settings,
    *,
    jobs: int = 1,
    chunk: int = CHUNK,
) -> Iterator[Evaluated | Rejected]:
    """Each item evaluated (or passed through when rejected), in input order."""
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    if jobs == 1:
        for item in items:
            if isinstance(item, Rejected):
                yield item
            else:
                case, evidence = _case_of(item)
                yield _finish(item, evaluate_one(case, settings, evidence))
        return
    yield from _evaluate_parallel(iter(items), settings, jobs, chunk)


def _evaluate_parallel(
    items: Iterator[Case | SourcedCase | Rejected], settings: Settings, jobs: int, chunk: int
) -> Iterator[Evaluated | Rejected]:
    blocks: deque[list[Case | SourcedCase | Rejected]] = deque()

    def tasks() -> Iterator[list[tuple[Case, SourceEvidence | None]]]:
        while block := list(islice(items, chunk)):
            blocks.append(block)  # results come back in order: one block per result
            yield [_case_of(i) for i in block if not isinstance(i, Rejected)]

    for outcomes in ordered_map(partial(_evaluate_chunk, settings=settings), tasks(), jobs):
        yield from _drain(blocks.popleft(), outcomes)


def ordered_map(function: Callable[[A], R], tasks: Iterable[A], jobs: int) -> Iterator[R]:
    """``function(task)`` for every task on ``jobs`` worker processes, in task order.

    At most a few tasks per worker are in flight, so a long input is never read ahead
    into memory. forkserver: workers start from a clean interpreter (no threads or locks
    inherited from the caller), build what they need once, and then serve every task;
    ``function`` and each task are pickled to them.
    """
    context = multiprocessing.get_context("forkserver")
    window: deque[Future[R]] = deque()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for task in tasks:
            window.append(pool.submit(function, task))
            if len(window) >= jobs * _IN_FLIGHT_PER_JOB:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def _drain(
    block: list[Case | SourcedCase | Rejected], outcomes: list[Outcome]
) -> Iterator[Evaluated | Rejected]:
    found = iter(outcomes)
    for item in block:
        yield item if isinstance(item, Rejected) else _finish(item, next(found))


def evaluate_cases(
    cases: Iterable[Case],
    *,
    as_of: dt.date,
    edition: str = "auto",
    evidence: SourceEvidence | None = None,
    overlay: Overlay | None = None,
    jobs: int = 1,
) -> Iterator[Outcome]:
    """The Python API for case systems: an iterator of outcomes from an iterable of cases.

    ``overlay``: a valid local protocol applied to every case (see :class:`Settings`).

    >>> for outcome in evaluate_cases(cases_from_my_system(), as_of=date.today()):
    ...     store(outcome.model_dump(mode="json"))
    """
    settings = Settings(as_of, edition, evidence, overlay)
    for result in evaluate_stream(cases, settings, jobs=jobs):
        assert isinstance(result, Evaluated)  # no Rejected goes in, so none comes out
        yield result.outcome
