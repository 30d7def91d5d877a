"""What an importer hands on besides cases: what its source can show, and what it rejected.

Importers (the CIN census, Ofsted's Annex A, JSON Lines batches) read many records. Each
record becomes a :class:`~wtguidance.case.Case` or a :class:`Rejected` entry, so the counts
always reconcile. A :class:`SourceEvidence` says which event types the source format can
never carry: an obligation that only such an event could satisfy is reported as *not
evidenced by the source*, never as overdue (DESIGN §10).
"""

from __future__ import annotations

from collections.abc import Collection

from pydantic import BaseModel, ConfigDict

__all__ = ["Rejected", "SourceEvidence"]


class SourceEvidence(BaseModel):
    """The event types a source format cannot carry, and the name shown in reasons."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    absent_events: frozenset[str]

    @classmethod
    def of(cls, source: str, absent_events: Collection[str]) -> SourceEvidence:
        """A source named ``source`` that never records ``absent_events``."""
        return cls(source=source, absent_events=frozenset(absent_events))

    def reason(self, events: Collection[str]) -> str:
        """Why an obligation satisfied only by ``events`` cannot be judged from this source."""
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
