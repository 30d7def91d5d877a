"""The evaluation output (DESIGN §6): frozen, typed, and JSON-identical to the CLI.

``Outcome.model_dump(mode="json")`` is exactly what ``wtguidance evaluate --format json``
prints. Absent optional values are ``null``; timescales serialise with their one unit:
``{"working_days": N}``, ``{"months": N}``, ``{"working_days_before": N}`` (a copy due
before publication), or from local protocols ``{"calendar_days": N}`` / ``{"hours": N}``.

The results are :mod:`msgspec` structs, not pydantic models: the engine builds about twenty
of them per case, and a struct is built in C without re-validating values the engine has
already typed (mypy holds the engine to these types; the test suite converts generated
outcomes back with validation). They keep the pydantic-style methods callers used:
``model_dump`` (``mode="python"`` or ``"json"``, ``exclude``), ``model_dump_json``,
``model_copy(update=...)`` and ``model_validate``; and they can be fields of pydantic models
(the case diff holds two outcomes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypeVar

import msgspec

from wtguidance.codes import FindingCode

__all__ = [
    "AllocationView",
    "CaseHolderStatus",
    "CaseHolderVerdict",
    "CitationView",
    "Clock",
    "Finding",
    "Instance",
    "ObligationResult",
    "ObligationStatus",
    "Outcome",
    "PermittedHolder",
    "PersonView",
    "ProtocolView",
    "RequiredSigner",
    "SignOffResult",
    "SignOffStatus",
    "TimescaleEntry",
    "TimescaleSource",
    "TimescaleView",
    "TraceEntry",
]

ObligationStatus = Literal[
    "met", "met_late", "pending", "overdue", "unscheduled", "ended", "not_evidenced"
]
"""``ended``: the clock stopped (case closed, child died or turned 18) before the due date;
``not_evidenced``: only an event the source format never records could satisfy it."""
SignOffStatus = Literal["given", "missing", "pending", "invalid", "not_evidenced"]
"""``not_evidenced``: the subject was done, but the case's source never records sign-offs."""
TimescaleSource = Literal["statute", "guidance", "panel_guidance", "local"]

R = TypeVar("R", bound="_Frozen")
_PYTHON_TYPES = (dt.date,)


class _Frozen(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An immutable result with the pydantic-style methods callers know."""

    def model_dump(
        self, *, mode: Literal["python", "json"] = "python", exclude: Iterable[str] | None = None
    ) -> dict[str, Any]:
        """The result as plain data: dates as ``date`` (``python``) or ISO strings (``json``)."""
        data: dict[str, Any] = (
            msgspec.to_builtins(self, builtin_types=_PYTHON_TYPES)
            if mode == "python"
            else _DECODER.decode(_ENCODER.encode(self))  # lists, like JSON itself
        )
        if exclude is not None:
            for name in exclude:
                data.pop(name, None)
        return data

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """JSON text of ``model_dump(mode="json")``: compact, or indented by ``indent``."""
        encoded = _ENCODER.encode(self)
        if indent is not None:
            encoded = msgspec.json.format(encoded, indent=indent)
        return encoded.decode()

    def model_copy(self: R, *, update: Mapping[str, Any] | None = None) -> R:
        """A copy with the fields in ``update`` replaced (not validated)."""
        return msgspec.structs.replace(self, **(update or {}))

    @classmethod
    def model_validate(cls: type[R], data: Any) -> R:
        """Build (and check) a result from ``model_dump`` output, either mode."""
        if isinstance(data, cls):
            return data
        try:
            return msgspec.convert(data, cls)
        except msgspec.ValidationError as exc:
            raise ValueError(f"invalid {cls.__name__}: {exc}") from None

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Callable[[Any], Any]) -> Any:
        """Lets a pydantic model hold a result (the case diff holds two outcomes)."""
        from pydantic_core import core_schema

        def dump(value: _Frozen, info: Any) -> dict[str, Any]:
            return value.model_dump(mode="json" if info.mode_is_json() else "python")

        return core_schema.no_info_plain_validator_function(
            cls.model_validate,
            serialization=core_schema.plain_serializer_function_ser_schema(dump, info_arg=True),
        )


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder()


class ProtocolView(_Frozen, frozen=True, omit_defaults=True):
    """A local protocol: the authority that published it, its edition, date and address."""

    authority: str
    edition: str
    published: dt.date | None = None
    url: str | None = None


class CitationView(_Frozen, frozen=True, omit_defaults=True):
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


class TimescaleView(_Frozen, frozen=True, omit_defaults=True):
    """A limit in one unit; serialises with only the set key (``{"working_days": 45}``).

    ``working_days_before`` counts back from the clock (a copy due before publication);
    ``calendar_days`` and ``hours`` come from local protocols.
    """

    working_days: int | None = None
    months: int | None = None
    working_days_before: int | None = None
    calendar_days: int | None = None
    hours: int | None = None


class Clock(_Frozen, frozen=True):
    """The event a timescale runs from, and its date (day 0)."""

    event: str
    date: dt.date


class Instance(_Frozen, frozen=True, omit_defaults=True):
    """Which occurrence a sign-off or case-holder entry is about: the event that opened
    it, its date and (when the event has one) its stage."""

    event: str
    date: dt.date
    stage: str | None = None


class ObligationResult(_Frozen, frozen=True, omit_defaults=True, kw_only=True):
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


class PersonView(_Frozen, frozen=True):
    role: str
    social_work_qualified: bool


class PermittedHolder(_Frozen, frozen=True):
    """Who may lead a stage, and the oversight their leading needs."""

    roles: tuple[str, ...]
    social_work_qualified: bool | None
    supervisor_required: Literal["never", "always", "when_lead_not_social_work_qualified"]
    supervisor_roles: tuple[str, ...]
    supervisor_social_work_qualified: bool | None


class AllocationView(_Frozen, frozen=True):
    date: dt.date
    practitioner: PersonView
    supervisor: PersonView | None


CaseHolderStatus = Literal["compliant", "not_compliant", "not_allocated", "not_evidenced"]
"""``not_allocated``: the stage is active and no allocation is recorded; ``not_evidenced``:
the case's source never records allocations, so none can be judged."""


class CaseHolderVerdict(_Frozen, frozen=True, kw_only=True):
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


class RequiredSigner(_Frozen, frozen=True):
    roles: tuple[str, ...]
    social_work_qualified: bool | None


class SignOffResult(_Frozen, frozen=True, kw_only=True, omit_defaults=True):
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


class TimescaleEntry(_Frozen, frozen=True, rename={"from_": "from"}):
    """A limit that applied: to which obligation, under which edition, from which event."""

    obligation: str
    edition: str
    timescale: TimescaleView
    from_: str
    source: TimescaleSource


class Finding(_Frozen, frozen=True):
    code: FindingCode
    severity: Literal["error", "warning", "info"]
    message: str


class TraceEntry(_Frozen, frozen=True):
    rule: str
    edition: str
    fired_on: tuple[str, ...]
    citation: CitationView


class Outcome(_Frozen, frozen=True, kw_only=True, omit_defaults=True):
    """Everything one evaluation concluded about one case."""

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
