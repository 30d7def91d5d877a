"""The case record: the input contract (DESIGN.md §4) and its JSON reader.

A case is one child plus the dated events of their case, in any order. ``events`` holds the
building blocks (dates, people, one model per event type), ``record`` the case itself and its
JSON Schema, ``parse`` the JSON reader whose errors name the line, column and field, and
``source`` what the engine reads of a case's origin (:class:`SourceEvidence`, the events its
format never records) and the :class:`Rejected` entry for a record that could not be read.
Importers of other formats (the CIN census, Ofsted's Annex A, JSON Lines) are a wing of their
own, :mod:`wtguidance.sources`, and produce the same :class:`Case`.

>>> from wtguidance.case import parse_case_json
>>> case = parse_case_json(text, source="case.json")
"""

from __future__ import annotations

from wtguidance.case import events
from wtguidance.case.events import *  # noqa: F403 - the face re-exports every public event name
from wtguidance.case.parse import parse_case_json, parse_case_obj
from wtguidance.case.record import JSON_SCHEMA_DIALECT, Case, Child, case_json_schema
from wtguidance.case.source import Rejected, SourceEvidence

__all__ = [
    "JSON_SCHEMA_DIALECT",
    "Case",
    "Child",
    "Rejected",
    "SourceEvidence",
    "case_json_schema",
    "parse_case_json",
    "parse_case_obj",
]
__all__ += events.__all__
