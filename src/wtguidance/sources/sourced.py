"""A case as an importer read it: the case, where it came from, and what the source said.

An importer that knows more than the case record can hold hands on a :class:`SourcedCase`:
the data-quality notes it made while mapping the record (dates out of order, a duplicate
episode, stray text between elements ...) and the targets the source itself states for an
obligation (the CIN census ``InitialCPCtarget``), which a caseload report cross-checks
against the due date the guidance gives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from wtguidance.case.record import Case
from wtguidance.case.source import SourceEvidence
from wtguidance.codes import FindingCode

__all__ = ["Severity", "SourceNote", "SourcedCase", "StatedTarget"]

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class SourceNote:
    """A data-quality observation about one record, made while importing it."""

    code: FindingCode
    message: str
    severity: Severity = "warning"


@dataclass(frozen=True, slots=True)
class StatedTarget:
    """A due date the source states for one obligation instance (its clock date and target)."""

    obligation: str
    clock: dt.date
    target: dt.date
    #: the source's name for the target (``InitialCPCtarget``), as rejected entries name it
    field: str | None = None


@dataclass(frozen=True, slots=True)
class SourcedCase:
    """One imported case, the record it came from (child id, line) and the importer's notes."""

    case: Case
    child_id: str | None = None
    line: int | None = None
    notes: tuple[SourceNote, ...] = ()
    targets: tuple[StatedTarget, ...] = ()
    #: what this record's source cannot show, when it differs from the run's evidence
    #: (an Annex A episode whose plan row is missing cannot evidence its reviews)
    evidence: SourceEvidence | None = None
    #: the file (and line) the record came from, as a rejected entry's reason names it
    source: str | None = None
    #: the sheet (or CSV file) and 1-based row the record starts on, for workbooks
    sheet: str | None = None
    row: int | None = None
