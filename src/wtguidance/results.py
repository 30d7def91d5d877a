"""The evaluation output (DESIGN §6): frozen, typed, and JSON-identical to the CLI.

``Outcome.model_dump(mode="json")`` is exactly what ``wtguidance evaluate --format json``
prints. Absent optional values are ``null``; timescales serialise as
``{"working_days": N}`` or ``{"months": N}``.
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

__all__ = [
    "AllocationView",
    "CaseHolderVerdict",
    "CitationView",
    "Clock",
    "Finding",
    "ObligationResult",
    "ObligationStatus",
    "Outcome",
    "PermittedHolder",
    "PersonView",
    "RequiredSigner",
    "SignOffResult",
    "SignOffStatus",
    "TimescaleEntry",
    "TimescaleView",
    "TraceEntry",
]

ObligationStatus = Literal[
    "met", "met_late", "pending", "overdue", "unscheduled", "ended", "not_evidenced"
]
"""``ended``: the clock stopped (case closed, child died or turned 18) before the due date;
``not_evidenced``: only an event the source format never records could satisfy it."""
SignOffStatus = Literal["given", "missing", "pending", "invalid"]


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
    """A limit in working days or in calendar months; serialises with only the set key."""

    working_days: int | None = None
    months: int | None = None

    @model_serializer
    def _serialise(self) -> dict[str, int]:
        if self.working_days is not None:
            return {"working_days": self.working_days}
        return {"months": self.months} if self.months is not None else {}


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

    @model_serializer(mode="wrap")
    def _serialise(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("reason") is None:
            data.pop("reason", None)
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
    source: Literal["statute", "guidance", "local"]


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
