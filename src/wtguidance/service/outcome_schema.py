"""The outcome's JSON Schema for the OpenAPI document: pydantic models mirroring
:mod:`wtguidance.results`.

The results themselves are msgspec structs (fast to build, nothing re-validated); the
OpenAPI document describes them with these pydantic twins, which serialise the same way
(``TimescaleView`` with only its set key, ``reason`` only when set, ``from`` for
``from_``). A test holds every twin to its struct: same fields, same order, same doc.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from wtguidance.codes import FindingCode
from wtguidance.results import ObligationStatus, SignOffStatus

__all__ = ["DOCUMENTED", "Outcome"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CitationView(_Frozen):
    """Edition, chapter, section, paragraph (null unless verified) and source URL."""

    edition: str
    chapter: str | None
    section: str
    paragraph: str | None
    url: str


class TimescaleView(_Frozen):
    """A limit in one unit; serialises with only the set key (``{"working_days": 45}``).

    ``working_days_before`` counts back from the clock (a copy due before publication);
    ``calendar_days`` and ``hours`` come from local protocols.
    """

    working_days: int | None = None
    months: int | None = None
    working_days_before: int | None = None
    calendar_days: int | None = None
    hours: int | None = None

    @model_serializer
    def _serialise(self) -> dict[str, int]:
        values = {name: getattr(self, name) for name in type(self).model_fields}
        return {name: value for name, value in values.items() if value is not None}


class Clock(_Frozen):
    """The event a timescale runs from, and its date (day 0)."""

    event: str
    date: dt.date


class ObligationResult(_Frozen):
    id: str
    edition: str
    rule: str
    summary: str
    actor: str
    modality: Literal["must", "should"]
    clock: Clock
    timescale: TimescaleView | None
    due: dt.date | None
    status: ObligationStatus
    satisfied_on: dt.date | None
    citation: CitationView
    #: why the status is ``ended`` or ``not_evidenced`` (absent from JSON otherwise)
    reason: str | None = None
    #: for a limit in hours counted with times of day: the due moment and when it was met
    #: (absent from JSON otherwise)
    due_at: dt.datetime | None = None
    satisfied_at: dt.datetime | None = None

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for optional in ("reason", "due_at", "satisfied_at"):
            if data.get(optional) is None:
                data.pop(optional, None)
        return data


class PersonView(_Frozen):
    role: str
    social_work_qualified: bool


class PermittedHolder(_Frozen):
    """Who may lead a stage, and the oversight their leading needs."""

    roles: tuple[str, ...]
    social_work_qualified: bool | None
    supervisor_required: Literal["never", "always", "when_lead_not_social_work_qualified"]
    supervisor_roles: tuple[str, ...]
    supervisor_social_work_qualified: bool | None


class AllocationView(_Frozen):
    date: dt.date
    practitioner: PersonView
    supervisor: PersonView | None


class CaseHolderVerdict(_Frozen):
    stage: str
    edition: str
    rule: str
    permitted: PermittedHolder
    allocation: AllocationView | None
    compliant: bool
    reason: str
    citation: CitationView


class RequiredSigner(_Frozen):
    roles: tuple[str, ...]
    social_work_qualified: bool | None


class SignOffResult(_Frozen):
    id: str
    edition: str
    rule: str
    subject: str
    summary: str
    subject_date: dt.date | None
    required_from: RequiredSigner
    status: SignOffStatus
    given_on: dt.date | None
    #: who signed: the permitted signer (``given``) or the one not permitted (``invalid``);
    #: null when nobody signed or an event (a conference's decision) gave the sign-off
    signed_by: PersonView | None = None
    citation: CitationView


class TimescaleEntry(_Frozen):
    """A limit that applied: to which obligation, under which edition, from which event."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, serialize_by_alias=True
    )

    obligation: str
    edition: str
    timescale: TimescaleView
    from_: str = Field(alias="from")
    source: Literal["statute", "guidance", "panel_guidance", "local"]


class Finding(_Frozen):
    code: FindingCode
    severity: Literal["error", "warning", "info"]
    message: str


class TraceEntry(_Frozen):
    rule: str
    edition: str
    fired_on: tuple[str, ...]
    citation: CitationView


class Outcome(_Frozen):
    """Everything one evaluation concluded about one case."""

    case_id: str
    as_of: dt.date
    editions: tuple[str, ...]
    obligations: tuple[ObligationResult, ...]
    case_holders: tuple[CaseHolderVerdict, ...]
    sign_offs: tuple[SignOffResult, ...]
    timescales: tuple[TimescaleEntry, ...]
    findings: tuple[Finding, ...]
    trace: tuple[TraceEntry, ...]


#: each results struct's name → its pydantic twin
DOCUMENTED: dict[str, type[_Frozen]] = {
    model.__name__: model
    for model in (
        CitationView,
        TimescaleView,
        Clock,
        ObligationResult,
        PersonView,
        PermittedHolder,
        AllocationView,
        CaseHolderVerdict,
        RequiredSigner,
        SignOffResult,
        TimescaleEntry,
        Finding,
        TraceEntry,
        Outcome,
    )
}
