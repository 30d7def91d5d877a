"""Importers of other formats: one module or package per format, each yielding cases.

Like sqlglot's ``dialects/``, every format a caseload arrives in has a home of its own here,
named after the format, and each yields, for every record it reads, a
:class:`~wtguidance.sources.sourced.SourcedCase` (the :class:`~wtguidance.case.Case`, where
it came from, the notes and stated targets of its source, and the
:class:`~wtguidance.case.SourceEvidence` of what the format never records) or a
:class:`~wtguidance.case.Rejected` entry naming the record and why:

- :mod:`wtguidance.sources.cin_census` — the DfE Children in Need census (XML);
- :mod:`wtguidance.sources.annex_a` — Ofsted's Annex A workbook (xlsx or CSV lists);
- :mod:`wtguidance.sources.jsonl` — JSON Lines batches of case records.

The importers are imported on use (``from wtguidance.sources.cin_census import
read_cin_census``), so this face costs nothing beyond the types every importer hands on.
"""

from __future__ import annotations

from wtguidance.sources.sourced import Severity, SourcedCase, SourceNote, StatedTarget

__all__ = ["Severity", "SourceNote", "SourcedCase", "StatedTarget"]
