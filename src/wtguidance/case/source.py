"""What an importer hands on besides cases: what its source can show, and what it rejected.

Importers (the CIN census, Ofsted's Annex A, JSON Lines batches) read many records. Each
record becomes a :class:`~wtguidance.case.Case` or a :class:`Rejected` entry, so the counts
always reconcile. A :class:`SourceEvidence` says which event types the source format can
never carry: an obligation that only such an event could satisfy is reported as *not
evidenced by the source*, never as overdue (DESIGN §10). Some sources are snapshots that
keep only the *latest* event of a kind (Ofsted's Annex A gives a plan's latest review
conference and last visit): ``latest_only`` names those, so a duty met *late* by such an
event is reported as not evidenced — an earlier event, not in the source, may have met it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from wtguidance._arguments import require, require_iterable

__all__ = [
    "Rejected",
    "SourceEvidence",
    "never_recorded",
    "rejected_where",
]


class SourceEvidence(BaseModel):
    """The event types a source format cannot carry, and the name shown in reasons."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    absent_events: frozenset[str]
    #: event types of which the source keeps only the latest one (a snapshot)
    latest_only: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, source: str, absent_events: Collection[str], latest_only: Collection[str] = ()
    ) -> SourceEvidence:
        """A source named ``source`` that never records ``absent_events`` and keeps only the
        latest of ``latest_only``."""
        require(source, str, "source", "SourceEvidence.of")
        _event_names(absent_events, "absent_events", "SourceEvidence.of")
        _event_names(latest_only, "latest_only", "SourceEvidence.of")
        return cls(
            source=source,
            absent_events=frozenset(absent_events),
            latest_only=frozenset(latest_only),
        )

    def latest_reason(self, event: str, day: str) -> str:
        """Why a duty met late by the latest ``event`` (on ``day``) cannot be judged."""
        require(event, str, "event", "SourceEvidence.latest_reason")
        require(day, str, "day", "SourceEvidence.latest_reason")
        return (
            f"the {self.source} records only the latest {event} ({day}), after this fell "
            "due; whether an earlier one was in time is not recorded"
        )

    def reason(self, events: Collection[str]) -> str:
        """Why an obligation satisfied only by ``events`` cannot be judged from this source."""
        _event_names(events, "events", "SourceEvidence.reason")
        names = ", ".join(sorted(events))
        return f"the {self.source} does not record {names}"


class Rejected(BaseModel):
    """One input record that could not become a case, with where it was and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    child_id: str | None
    reason: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    value: str | None = None
    sheet: str | None = None
    row: int | None = None

    def where(self) -> str:
        """Where the record was, in words: ``sheet 'List 3' row 4, column 4 (Date of
        Referral)`` or ``line 12, column 3``; empty when the source gives no place."""
        return rejected_where(self.model_dump(exclude_none=True))


def rejected_where(row: Mapping[str, Any]) -> str:
    """:meth:`Rejected.where` of a rejected entry as JSON holds it (``rejected_rows()``)."""
    parts = []
    if row.get("sheet") is not None:
        parts.append(f"sheet {row['sheet']!r}")
    if row.get("row") is not None:
        parts.append(f"row {row['row']}")
    if row.get("line") is not None:
        parts.append(f"line {row['line']}")
    place = " ".join(parts)
    if row.get("column") is not None:
        place += f"{', ' if place else ''}column {row['column']}"
    if row.get("field"):
        place += f" ({row['field']})" if place else str(row["field"])
    return place


def _event_names(value: object, name: str, function: str) -> None:
    """``bad-argument`` unless ``value`` is a collection of event type names (strings)."""
    names = require_iterable(value, name, function, "a list of event types, e.g. ['child_seen']")
    for item in names:
        require(item, str, f"each of {name}", function)


def never_recorded(recorded: Collection[str]) -> frozenset[str]:
    """Every event type of the case record except ``recorded``: what a source never carries.

    Importers say what their format *does* record; everything else — including event types
    added to the case record later — is then absent, so a new duty that only such an event
    can satisfy is reported as not evidenced on an imported caseload, never as overdue.
    """
    from wtguidance.case.events import EVENT_TYPES

    unknown = set(recorded) - set(EVENT_TYPES)
    if unknown:
        raise ValueError(f"not event types of the case record: {sorted(unknown)}")
    return frozenset(EVENT_TYPES) - frozenset(recorded)
