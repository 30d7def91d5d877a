"""A CIN census file evaluated on N processes, each worker reading its own byte range.

With ``--jobs N`` the parent no longer parses the whole file and sends cases out: it scans
the bytes for the top-level ``Child`` elements
(:func:`~wtguidance.sources.cin_census.plan_ranges`), and each worker parses, maps and
evaluates a range of them, returning the results in file order. The output is the one
reading the file in one piece gives, item for item; whatever could make it differ is
checked, and then the file is read in one piece after all:

- the scan is not sure of the cuts (comments, CDATA, prefixed or attributed ``Child``
  tags…): the whole file is read as with ``--jobs 1`` (its cases still evaluated on N
  processes);
- the file outside the children (declaration, root, header, end tags, anything after)
  yields a record, a note of its own kind or is not well-formed; a range is not
  well-formed, or its reader made a file-level note the prefix does not make (a second
  header between children), or the file changed: the records from that point on come
  from reading the file in one piece, skipping those already given;
- a child id or episode seen in an earlier range (a duplicate child, DfE rule 8510): the
  registry of ids is the parent's, asked the range's questions in file order; an answer
  that differs from the range's means its cases were numbered or noted otherwise, so the
  file is read in one piece from that range on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterator
from functools import partial
from itertools import islice
from typing import IO

from wtguidance.case import Rejected
from wtguidance.caseload.run import (
    Evaluated,
    Settings,
    _case_of,
    _finish,
    _judged,
    evaluate_stream,
    evaluator_for,
    ordered_map,
    packed,
    unpacked,
)
from wtguidance.errors import WtGuidanceError
from wtguidance.sources.cin_census import (
    CinCensus,
    Registry,
    census_outside,
    census_prefix,
    plan_ranges,
    read_census_range,
)
from wtguidance.sources.cin_census._ranges import RangePlan
from wtguidance.sources.sourced import SourcedCase, SourceNote

__all__ = ["evaluate_census"]

#: what a worker sends back per record: a rejected entry, or the outcome packed (see
#: caseload.run.packed) with the record it came from
_Packed = list[Evaluated | Rejected | tuple[bytes, SourcedCase]]
_Read = tuple[_Packed, list[tuple[str, str, bool | int]], list[SourceNote], bool]
_Given = Generator[Evaluated | Rejected, None, tuple[int, bool]]


def evaluate_census(
    census: CinCensus, stream: IO[bytes], path: str, settings: Settings, jobs: int
) -> Iterator[Evaluated | Rejected]:
    """Every record of ``census`` (not yet read; ``stream`` is its open file at ``path``)
    evaluated on ``jobs`` processes, as :func:`~wtguidance.caseload.evaluate_stream` gives
    them, with the census's header, notes, counts and completeness filled in at the end."""
    plan = plan_ranges(stream, path, jobs) if jobs > 1 else None
    outside = census_outside(plan, census.name) if plan is not None else None
    if plan is None or outside is None or list(outside) or not outside.complete:
        yield from evaluate_stream(census, settings, jobs=jobs)
        return
    prefix = census_prefix(plan, census.name)
    for _ in prefix:
        pass
    given, sure = yield from _ranges(plan, census.name, settings, jobs, prefix.notes)
    if sure:
        census.header, census.notes = outside.header, outside.notes
        census.children, census.records, census.complete = plan.children, given, True
        return
    # not sure from some range on: read the file in one piece, past what was given
    yield from evaluate_stream(islice(census, given, None), settings, jobs=jobs)


def _ranges(
    plan: RangePlan, name: str, settings: Settings, jobs: int, prefix_notes: list[SourceNote]
) -> _Given:
    """The results of every range in file order; returns (results given, whether every
    range was sure: see the module docs)."""
    evaluator_for(settings.overlay)  # built once here, so a forked worker starts with it
    work = partial(_range_task, plan=plan, name=name, settings=settings)
    registry = Registry()
    given = 0
    try:
        with contextlib.closing(ordered_map(work, range(len(plan.ranges)), jobs)) as reads:
            for read in reads:
                if read is None:
                    return given, False
                results, calls, notes, complete = read
                if not complete or notes != prefix_notes:
                    return given, False
                if not registry.agrees(calls):
                    return given, False
                yield from map(_unpack, results)
                given += len(results)
    finally:
        registry.close()
    return given, True


def _range_task(index: int, *, plan: RangePlan, name: str, settings: Settings) -> _Read | None:
    """A worker's task: range ``index`` read and each of its records judged."""
    try:
        read = read_census_range(plan, index, name)
    except (OSError, WtGuidanceError):
        return None  # the parent reads the file in one piece and reports it
    if read is None:
        return None
    results: _Packed = []
    for item in read.items:
        if isinstance(item, Rejected):
            results.append(item)
            continue
        case, evidence, notes = _case_of(item)
        result = _finish(item, _judged(case, settings, evidence, notes))
        if isinstance(result, Evaluated) and result.source is not None:
            results.append((packed(result.outcome), result.source))
        else:
            results.append(result)
    return results, read.calls, read.notes, read.complete


def _unpack(result: Evaluated | Rejected | tuple[bytes, SourcedCase]) -> Evaluated | Rejected:
    if isinstance(result, tuple):
        return Evaluated(unpacked(result[0]), result[1])
    return result
