"""What an Annex A episode says beside its case: allocations, snapshot facts, findings.

A finding about the source is a :class:`SourceNote`: the few that record an inference or a
plain fact of the source (a referral of no further action) are ``info``; every other one (a
gap that leaves a duty not evidenced, rows that disagree, a cell's note) is a ``warning``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wtguidance.codes import FindingCode
from wtguidance.sources.annex_a._rows import RowRef
from wtguidance.sources.sourced import SourceNote

__all__ = ["Allocation", "Latest", "finding"]


@dataclass(frozen=True)
class Allocation:
    """The team and worker one row names as allocated. Annex A gives no role."""

    stage: str
    team: str | None
    worker: str | None
    row: RowRef


@dataclass(frozen=True)
class Latest:
    """A snapshot fact: the latest review, the last statutory visit, the child last seen."""

    what: str
    date: dt.date
    row: RowRef
    detail: str | None = None


_INFO = frozenset(
    {
        "annex-a-referral-nfa",
        "annex-a-conference-inferred",
        "annex-a-icpc-outcome-inferred",
        "annex-a-assessment-kind-unknown",
    }
)


def finding(code: FindingCode, message: str, ref: RowRef | None = None) -> SourceNote:
    """A note about the source; ``ref`` is named in ``message`` already."""
    del ref
    return SourceNote(code, message, "info" if code in _INFO else "warning")
