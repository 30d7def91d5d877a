"""Caseloads: many cases through evaluation, in order, in bounded memory, and a summary.

- :func:`evaluate_cases` — the Python API for case systems: an iterator of outcomes from an
  iterable of cases (``jobs=N`` spreads the work over N processes, same output).
- :func:`evaluate_stream` — what the importers feed: cases, sourced cases and rejected
  entries in, :class:`Evaluated` or :class:`~wtguidance.case.Rejected` out, in input order.
- :class:`SummaryBuilder` — the caseload summary (DESIGN §10).
- :func:`evaluate_partition` — the same per-case function over one partition of JSON
  records, for a distributed engine such as Dask (docs/caseloads.md).

Presentation lives in ``wtguidance._render.caseload``; nothing here prints.
"""

from __future__ import annotations

from wtguidance.caseload.partition import evaluate_partition
from wtguidance.caseload.run import (
    Evaluated,
    Settings,
    evaluate_cases,
    evaluate_one,
    evaluate_stream,
)
from wtguidance.caseload.summary import CaseloadSummary, SummaryBuilder

__all__ = [
    "CaseloadSummary",
    "Evaluated",
    "Settings",
    "SummaryBuilder",
    "evaluate_cases",
    "evaluate_one",
    "evaluate_partition",
    "evaluate_stream",
]


def __getattr__(name: str) -> object:
    # deprecated for one release: JSON Lines batches are read by wtguidance.sources.jsonl
    if name == "read_jsonl":
        from wtguidance._deprecated import warn_moved
        from wtguidance.sources.jsonl import read_jsonl

        warn_moved("wtguidance.caseload.read_jsonl", "wtguidance.sources.jsonl.read_jsonl")
        return read_jsonl
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
