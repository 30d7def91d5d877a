"""The ``wtguidance/local-protocol/v1`` model: what a council's protocol file may say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    field_validator,
    model_validator,
)

from wtguidance._pack.model import (
    Timescale,
)

__all__ = [
    "PROTOCOL_SCHEMA_ID",
    "LocalCounting",
    "LocalLead",
    "LocalObligation",
    "LocalPattern",
    "LocalPerson",
    "LocalProtocol",
    "LocalRepeat",
    "LocalTimescale",
    "keys_of",
    "model_at",
    "protocol_json_schema",
]

PROTOCOL_SCHEMA_ID = "wtguidance/local-protocol/v1"


# -- the model ------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalTimescale(_Strict):
    """A local time limit in one unit: working days, calendar days, hours or months.

    Hours are counted from the time of day recorded on the events (``time: HH:MM``);
    where an event has none, the limit is judged by the date, with a finding.
    """

    # strict: `true` is not 1 working day and "5" is not 5, as the published schema says
    working_days: StrictInt | None = Field(default=None, ge=0, le=3650)
    calendar_days: StrictInt | None = Field(default=None, ge=0, le=3650)
    hours: StrictInt | None = Field(default=None, ge=1, le=8760)
    months: StrictInt | None = Field(default=None, ge=0, le=120)

    @model_validator(mode="after")
    def _exactly_one(self) -> LocalTimescale:
        given = [u for u in _LOCAL_UNITS if getattr(self, u) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of "
                + ", ".join(repr(u) for u in _LOCAL_UNITS)
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self

    def as_timescale(self) -> Timescale:
        return Timescale(
            working_days=self.working_days,
            months=self.months,
            calendar_days=self.calendar_days,
            hours=self.hours,
        )


_LOCAL_UNITS = ("working_days", "calendar_days", "hours", "months")

#: a stable local obligation id: ``local.`` then dotted lower-case words
LOCAL_ID_PATTERN = r"^local\.[a-z0-9][a-z0-9_]*(\.[a-z0-9][a-z0-9_]*)*$"

Scalar = str | bool | int


class LocalPattern(_Strict):
    """An event of the case record (docs/reference/case-record.md), optionally with field tests."""

    event: str = Field(min_length=1)
    where: dict[str, Scalar | list[Scalar]] | None = None


class LocalRepeat(_Strict):
    """A repeating clock: each satisfying event starts the next interval, until one of
    the ``until`` events (the plan ends)."""

    every: LocalTimescale
    until: list[LocalPattern] = Field(default_factory=list)


class LocalObligation(_Strict):
    """A duty the protocol sets itself (protocol format v1.1), judged with ``source: local``.

    ``trigger`` starts the clock, ``satisfied_by`` meets it, ``timescale`` is the limit.
    ``tightens`` names the national obligation it refines, if any: it may never be
    looser. ``repeat`` makes the clock restart at each satisfying event.
    """

    summary: str = Field(min_length=3)
    trigger: LocalPattern
    satisfied_by: LocalPattern
    timescale: LocalTimescale
    repeat: LocalRepeat | None = None
    tightens: str | None = None
    actor: str = Field(default="local_authority", min_length=1)
    modality: Literal["must", "should"] = "should"


class LocalPerson(_Strict):
    """Who may do something: roles, and optionally whether they must be SW-qualified."""

    roles: list[StrictStr] = Field(min_length=1)
    social_work_qualified: StrictBool | None = None


class LocalLead(_Strict):
    """Who may lead one stage locally, how their competence is assured, who oversees."""

    roles: list[StrictStr] = Field(min_length=1)
    competence: StrictStr | None = Field(default=None, min_length=1)
    oversight: LocalPerson | None = None


class LocalCounting(_Strict):
    """How a deadline counts when its trigger falls on a weekend or holiday."""

    weekend_or_holiday_trigger: Literal["same_day", "next_working_day"] = "same_day"


class LocalProtocol(_Strict):
    """A local assessment protocol, ``wtguidance/local-protocol/v1``."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://wtguidance.invalid/schemas/local-protocol.schema.json",
        },
    )

    protocol: Literal["wtguidance/local-protocol/v1"]
    authority: StrictStr = Field(min_length=1)
    edition: StrictStr = Field(min_length=1)
    published: dt.date | None = None
    agreed_with: list[StrictStr] = Field(default_factory=list)
    timescales: dict[str, LocalTimescale] | None = None
    lead_practitioners: dict[str, LocalLead] | None = None
    allocation: StrictStr | None = Field(default=None, min_length=1)
    accountability: StrictStr | None = Field(default=None, min_length=1)
    auditing: StrictStr | None = Field(default=None, min_length=1)
    supervision: StrictStr | None = Field(default=None, min_length=1)
    sign_offs: dict[str, LocalPerson] | None = None
    non_working_days: list[dt.date] = Field(default_factory=list)
    counting: LocalCounting | None = None
    local_obligations: (
        dict[Annotated[str, StringConstraints(pattern=LOCAL_ID_PATTERN)], LocalObligation] | None
    ) = None
    url: str | None = Field(default=None, pattern=r"^https?://")

    @field_validator("edition", mode="before")
    @classmethod
    def _edition_as_text(cls, value: object) -> object:
        # `edition: 2023` (unquoted) is what people write; accept it as the string
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("published", "non_working_days", mode="before")
    @classmethod
    def _dates_are_iso(cls, value: object) -> object:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if item is not None and not (isinstance(item, str) and _is_iso_date(item)):
                raise ValueError(f"{item!r} is not a date in YYYY-MM-DD form")
        return value


def _is_iso_date(text: str) -> bool:
    if len(text) != 10:
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def protocol_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``wtguidance/local-protocol/v1`` (schemas/local-protocol.schema.json)."""
    schema = LocalProtocol.model_json_schema()
    schema["title"] = "wtguidance local assessment protocol (v1)"
    return schema


def model_at(parts: Sequence[int | str]) -> type[BaseModel] | None:
    """The pydantic model describing the value at ``parts`` (for did-you-mean on keys)."""
    nested: dict[str, type[BaseModel]] = {
        "timescales": LocalTimescale,
        "lead_practitioners": LocalLead,
        "sign_offs": LocalPerson,
        "counting": LocalCounting,
        "local_obligations": LocalObligation,
    }
    if not parts:
        return LocalProtocol
    head = str(parts[0])
    if head not in nested:
        return None
    if head == "counting":
        return LocalCounting if len(parts) == 1 else None
    if head == "local_obligations" and len(parts) >= 3:
        inner: dict[str, type[BaseModel]] = {
            "trigger": LocalPattern,
            "satisfied_by": LocalPattern,
            "timescale": LocalTimescale,
            "repeat": LocalRepeat,
        }
        if len(parts) == 3:
            return inner.get(str(parts[2]))
        if len(parts) == 4 and parts[2] == "repeat":
            return LocalTimescale if parts[3] == "every" else None
        if len(parts) == 5 and parts[2] == "repeat" and parts[3] == "until":
            return LocalPattern
        return None
    if len(parts) == 2:
        return nested[head]
    if head == "lead_practitioners" and len(parts) == 3 and parts[2] == "oversight":
        return LocalPerson
    return None


def keys_of(model: type[BaseModel] | None) -> list[str]:
    return list(model.model_fields) if model is not None else []
