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
from wtguidance.results import (
    CaseHolderStatus,
    ObligationStatus,
    SignOffStatus,
    TimescaleSource,
)

__all__ = ["DOCUMENTED", "Outcome"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _drop_none(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    for name in names:
        if data.get(name) is None:
            data.pop(name, None)
    return data


class ProtocolView(_Frozen):
    """A local protocol: the authority that published it, its edition, date and address."""

    authority: str
    edition: str
    published: dt.date | None = None
    url: str | None = None

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _drop_none(handler(self), ("published", "url"))


class CitationView(_Frozen):
    """Edition, chapter, section, paragraph (null unless verified) and source URL.

    A local protocol's own duty is cited to the protocol (``protocol``, absent otherwise),
    never as if it were part of the edition.
    """

    edition: str
    chapter: str | None
    section: str
    paragraph: str | None
    url: str
    protocol: ProtocolView | None = None

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _drop_none(handler(self), ("protocol",))


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


class Instance(_Frozen):
    """Which occurrence a sign-off or case-holder entry is about: the event that opened
    it, its date and (when the event has one) its stage."""

    event: str
    date: dt.date
    stage: str | None = None

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _drop_none(handler(self), ("stage",))


class ObligationResult(_Frozen):
    id: str
    edition: str
    rule: str
    summary: str
    actor: str
    modality: Literal["must", "should"]
    clock: Clock
    timescale: TimescaleView | None
    #: where the limit comes from: ``statute``, ``guidance``, ``panel_guidance`` or ``local``
    timescale_source: TimescaleSource
    #: when a local protocol tightened the limit: the edition's own (absent otherwise)
    national_timescale: TimescaleView | None = None
    due: dt.date | None
    status: ObligationStatus
    #: how late an ``overdue`` (as of the evaluation date) or ``met_late`` obligation is,
    #: in working days (hours or calendar days for limits in those units; absent otherwise)
    late_by: TimescaleView | None = None
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
        for optional in ("national_timescale", "late_by", "reason", "due_at", "satisfied_at"):
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
    #: the allocation (or the event that made the stage active) this verdict is about
    instance: Instance
    permitted: PermittedHolder
    allocation: AllocationView | None
    #: null when ``not_evidenced``
    compliant: bool | None
    status: CaseHolderStatus
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
    #: the event that opened this sign-off (its date and stage tell repeated ones apart)
    instance: Instance
    subject_date: dt.date | None
    required_from: RequiredSigner
    status: SignOffStatus
    #: why the status is ``not_evidenced`` (absent from JSON otherwise)
    reason: str | None = None
    given_on: dt.date | None
    #: who signed: the permitted signer (``given``) or the one not permitted (``invalid``);
    #: null when nobody signed or an event (a conference's decision) gave the sign-off
    signed_by: PersonView | None
    citation: CitationView

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _drop_none(handler(self), ("reason",))


class TimescaleEntry(_Frozen):
    """A limit that applied: to which obligation, under which edition, from which event."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, serialize_by_alias=True
    )

    obligation: str
    edition: str
    timescale: TimescaleView
    from_: str = Field(alias="from")
    source: TimescaleSource


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

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _drop_none(handler(self), ("protocol",))

    case_id: str
    as_of: dt.date
    editions: tuple[str, ...]
    #: the local protocol that tightened the editions, if any (absent otherwise)
    protocol: ProtocolView | None = None
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
        ProtocolView,
        Instance,
    )
}
