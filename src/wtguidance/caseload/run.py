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
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from itertools import islice

from wtguidance.case import Case, Rejected, SourceEvidence
from wtguidance.case.sourced import SourcedCase
from wtguidance.evaluation import Evaluator
from wtguidance.results import Finding, Outcome

__all__ = ["Evaluated", "Settings", "evaluate_cases", "evaluate_one", "evaluate_stream"]

CHUNK = 32
"""Cases per task sent to a worker process."""

_IN_FLIGHT_PER_JOB = 4


@dataclass(frozen=True)
class Settings:
    """How every case of a run is judged (sent to each worker process)."""

    as_of: dt.date
    edition: str = "auto"
    evidence: SourceEvidence | None = None


@dataclass(frozen=True)
class Evaluated:
    """One case's outcome, with the record it came from when an importer said so."""

    outcome: Outcome
    source: SourcedCase | None = None

    @property
    def child_id(self) -> str | None:
        return self.source.child_id if self.source is not None else None


@cache
def _evaluator() -> Evaluator:
    """The shipped editions, compiled once per process (immutable, so safe to share)."""
    return Evaluator.create()


def evaluate_one(case: Case, settings: Settings) -> Outcome:
    """The per-case function every runner uses (in process, in a pool, on a Dask worker)."""
    # TODO(engine): pass evidence=settings.evidence once main's Evaluator takes it
    return _evaluator().evaluate(case, edition=settings.edition, as_of=settings.as_of)


def _evaluate_chunk(cases: Sequence[Case], settings: Settings) -> list[Outcome]:
    return [evaluate_one(case, settings) for case in cases]


def _finish(item: Case | SourcedCase, outcome: Outcome) -> Evaluated:
    if isinstance(item, Case):
        return Evaluated(outcome)
    if item.notes:
        notes = tuple(Finding(code=n.code, severity=n.severity, message=n.message)
                      for n in item.notes)
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
                case = item if isinstance(item, Case) else item.case
                yield _finish(item, evaluate_one(case, settings))
        return
    yield from _evaluate_parallel(iter(items), settings, jobs, chunk)


def _evaluate_parallel(
    items: Iterator[Case | SourcedCase | Rejected], settings: Settings, jobs: int, chunk: int
) -> Iterator[Evaluated | Rejected]:
    # forkserver: workers start from a clean interpreter (no threads or locks inherited
    # from the caller), build the evaluator once, and then serve every chunk.
    context = multiprocessing.get_context("forkserver")
    window: deque[tuple[list[Case | SourcedCase | Rejected], Future[list[Outcome]]]] = deque()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        while True:
            block = list(islice(items, chunk))
            if not block:
                break
            cases = [i if isinstance(i, Case) else i.case for i in block if not isinstance(
                i, Rejected)]
            window.append((block, pool.submit(_evaluate_chunk, cases, settings)))
            if len(window) >= jobs * _IN_FLIGHT_PER_JOB:
                yield from _drain(*window.popleft())
        while window:
            yield from _drain(*window.popleft())


def _drain(
    block: list[Case | SourcedCase | Rejected], future: Future[list[Outcome]]
) -> Iterator[Evaluated | Rejected]:
    outcomes = iter(future.result())
    for item in block:
        yield item if isinstance(item, Rejected) else _finish(item, next(outcomes))


def evaluate_cases(
    cases: Iterable[Case],
    *,
    as_of: dt.date,
    edition: str = "auto",
    evidence: SourceEvidence | None = None,
    jobs: int = 1,
) -> Iterator[Outcome]:
    """The Python API for case systems: an iterator of outcomes from an iterable of cases.

    >>> for outcome in evaluate_cases(cases_from_my_system(), as_of=date.today()):
    ...     store(outcome.model_dump(mode="json"))
    """
    settings = Settings(as_of, edition, evidence)
    for result in evaluate_stream(cases, settings, jobs=jobs):
        assert isinstance(result, Evaluated)  # no Rejected goes in, so none comes out
        yield result.outcome
