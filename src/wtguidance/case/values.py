"""Values of a case record: dates, times of day, and the people in a case.

:mod:`wtguidance.case.events` (and :mod:`wtguidance.case`) re-export everything public
here; import from there.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    StrictBool,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

__all__ = ["ROLES", "IsoDate", "Person", "Record", "Role", "TimeOfDay"]

# --- Dates ------------------------------------------------------------------------------------

_ISO_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _to_iso_date(value: object) -> date:
    """Accept a ``YYYY-MM-DD`` string naming a real day (or a ``date``), nothing else.

    Pydantic's own date parsing is lenient: it takes Unix timestamps and datetimes at
    midnight. A case record must say which day it means, so those are refused here.
    """
    if isinstance(value, datetime):
        raise PydanticCustomError("date_type", "Input should be a date without a time of day")
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "date_type", "Input should be a string date in the format YYYY-MM-DD"
        )
    if not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_format", "Input should be a date in the format YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise PydanticCustomError(
            "date_value", "Input should be a real calendar date: {reason}", {"reason": str(exc)}
        ) from None


_TIME_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9]$"
_TIME = re.compile(_TIME_PATTERN)


def _to_time_of_day(value: object) -> time:
    """Accept ``HH:MM`` (24-hour clock), nothing else."""
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise PydanticCustomError(
            "time_format", "Input should be a time of day in the format HH:MM"
        )
    return time.fromisoformat(value)


TimeOfDay = Annotated[
    time,
    BeforeValidator(_to_time_of_day),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": _TIME_PATTERN}),
]
"""A time of day written ``HH:MM`` (24-hour clock) in JSON."""

IsoDate = Annotated[
    date,
    BeforeValidator(_to_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _ISO_DATE_PATTERN}),
]
"""A calendar date written ``YYYY-MM-DD`` in JSON."""

# --- People -----------------------------------------------------------------------------------

Role = Literal[
    "social_worker",
    "practice_supervisor",
    "team_manager",
    "assistant_team_manager",
    "family_support_worker",
    "early_help_practitioner",
    "social_work_assistant",
    "health_visitor",
    "school_nurse",
    "teacher",
    "gp",
    "domestic_abuse_worker",
    "substance_misuse_worker",
    "youth_worker",
    "police_officer",
    "conference_chair",
    "independent_reviewing_officer",
    "designated_safeguarding_lead",
    "other",
]
"""The job a person does on a case."""

ROLES: tuple[str, ...] = get_args(Role)
"""Every :data:`Role`, in the order of DESIGN.md §4."""


class Record(BaseModel):
    """Shared configuration: unknown fields are errors and records cannot be changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Person(Record):
    """A practitioner, supervisor or manager: their role and whether they are a qualified social
    worker."""

    role: Role
    social_work_qualified: StrictBool
