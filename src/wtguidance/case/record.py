"""The case record itself: the child and their events, which rule packs are evaluated against.

A case is one child plus the dated events of their case (a referral, an assessment starting, a
conference, a sign-off ...), in any order. The contract is DESIGN.md §4. The models are pydantic
v2, frozen, and strict: unknown fields, impossible dates, and booleans or dates written as
strings or numbers are rejected. Their JSON Schema, from :func:`case_json_schema`, is committed
as ``schemas/case.schema.json``.

To read a case from JSON text with errors that name the line and field, use
:func:`wtguidance.case.parse_case_json`.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Annotated, Any

from pydantic import Field, StrictBool, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from wtguidance.case.events import Event
from wtguidance.case.values import IsoDate, Record

__all__ = ["JSON_SCHEMA_DIALECT", "Case", "Child", "case_json_schema"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect of :func:`case_json_schema`."""


class Child(Record):
    """The child the case is about. Every fact is optional: rules that need them say so.

    ``date_of_death`` stops the clocks of duties owed to a living child; the
    18th birthday, from ``date_of_birth``, stops those owed only to children.
    """

    date_of_birth: IsoDate | None = None
    date_of_death: IsoDate | None = None
    disabled: StrictBool = False

    @model_validator(mode="after")
    def _born_before_died(self) -> Child:
        born, died = self.date_of_birth, self.date_of_death
        if born is not None and died is not None and died < born:
            raise PydanticCustomError(
                "date_order",
                "date_of_death {died} is before date_of_birth {born}",
                {"died": died.isoformat(), "born": born.isoformat()},
            )
        return self


class Case(Record):
    """A child's case record: an id, the child, and the case's events in any order."""

    case_id: Annotated[StrictStr, Field(min_length=1)]
    child: Child
    events: tuple[Event, ...]

    @property
    def sorted_events(self) -> tuple[Event, ...]:
        """The events in date order; events on the same day keep their order in the record."""
        return tuple(sorted(self.events, key=_event_date))


_event_date = attrgetter("date")


def case_json_schema() -> dict[str, Any]:
    """The JSON Schema of a case record, as committed in ``schemas/case.schema.json``."""
    schema = Case.model_json_schema()
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}
