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

from wtguidance._trace import Trace
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
    "Trace",
    "TraceEntry",
    "encode_hook",
    "encode_json",
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
            msgspec.to_builtins(self, builtin_types=_PYTHON_TYPES, enc_hook=encode_hook)
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


def encode_hook(value: object) -> object:
    """The ``enc_hook`` for any msgspec encoder (JSON, MessagePack, ``to_builtins``) given
    results: an outcome's :class:`Trace` is encoded as the tuple of its entries."""
    if isinstance(value, Trace):
        return value.entries
    raise NotImplementedError(f"cannot encode {type(value).__name__}")


_ENCODER = msgspec.json.Encoder(enc_hook=encode_hook)
_DECODER = msgspec.json.Decoder()

encode_json: Callable[[object], bytes] = _ENCODER.encode
"""Compact JSON of a result (or plain data holding results), the trace included: the one
encoder every document is written with (``msgspec.json.encode`` alone cannot encode an
outcome's lazily built :class:`Trace`)."""


class ProtocolView(_Frozen, frozen=True, omit_defaults=True):
    """A local protocol: the authority that published it, its edition, date and address.

    Attributes:
        authority: the council or partnership that published it.
        edition: the edition it was written for and tightens.
        published: the date it was published; absent from JSON when not given.
        url: where it is published; absent from JSON when not given.
    """

    authority: str
    edition: str
    published: dt.date | None = None
    url: str | None = None


class CitationView(_Frozen, frozen=True, omit_defaults=True):
    """Where the guidance says it: edition, chapter, section, paragraph and source URL.

    Attributes:
        edition: the edition id, e.g. ``"2023"``.
        chapter: the chapter, e.g. ``"3"``; null where the guidance has no chapters.
        section: the section heading the rule encodes.
        paragraph: the paragraph number; null unless it has been verified against the text.
        url: the published edition's address (a local protocol's, for its own duties).
        protocol: for a local protocol's own duty, the protocol it is cited to (never the
            edition); absent from JSON otherwise.
    """

    edition: str
    chapter: str | None
    section: str
    paragraph: str | None
    url: str
    protocol: ProtocolView | None = None


class TimescaleView(_Frozen, frozen=True, omit_defaults=True):
    """A limit in one unit; serialises with only the set key (``{"working_days": 45}``).

    Exactly one attribute is set; the others are None and absent from JSON.

    Attributes:
        working_days: working days after the clock (England and Wales bank holidays and
            weekends excluded; day 0 is the clock's date).
        months: calendar months after the clock.
        working_days_before: working days before the clock (a copy due before publication).
        calendar_days: calendar days after the clock (local protocols only).
        hours: hours after the clock, counted with times of day when the events have them
            (local protocols only).
    """

    working_days: int | None = None
    months: int | None = None
    working_days_before: int | None = None
    calendar_days: int | None = None
    hours: int | None = None


class Clock(_Frozen, frozen=True):
    """The event a timescale runs from, and its date (day 0).

    Attributes:
        event: the event type that started the clock, e.g. ``"referral"``.
        date: that event's date, day 0 of the count.
    """

    event: str
    date: dt.date


class Instance(_Frozen, frozen=True, omit_defaults=True):
    """Which occurrence a sign-off or case-holder entry is about.

    Attributes:
        event: the event type that opened it, e.g. ``"allocation"``.
        date: that event's date.
        stage: its stage (``s17``, ``s47``, ``cp_plan``) when the event has one; absent
            from JSON otherwise.
    """

    event: str
    date: dt.date
    stage: str | None = None


class ObligationResult(_Frozen, frozen=True, omit_defaults=True, kw_only=True):
    """One duty the guidance placed on someone for this case, and whether it was done in time.

    Attributes:
        id: the obligation's stable id across editions, e.g. ``"assessment.complete"``.
        edition: the edition whose rule judged it.
        rule: the rule's id in that edition, e.g. ``"wt2023.assessment.complete"``.
        summary: what must be done, in one sentence.
        actor: who must do it (a role or body, e.g. ``"lead_practitioner"``).
        modality: ``"must"`` (a statutory or mandatory duty) or ``"should"`` (guidance).
        clock: the event the timescale runs from, and its date.
        timescale: the limit, in one unit; null when neither the guidance nor a local
            protocol sets one.
        timescale_source: where the limit comes from: ``statute``, ``guidance``,
            ``panel_guidance`` or ``local`` (a local protocol).
        national_timescale: when a local protocol tightened the limit, the edition's own
            limit; absent from JSON otherwise.
        due: the last day to meet it; null when there is no limit (``unscheduled``). A
            tightened national duty is due on the earlier of its national and local count.
        status: ``met``, ``met_late``, ``pending`` (not yet due), ``overdue``,
            ``unscheduled`` (no limit), ``ended`` (the clock stopped first) or
            ``not_evidenced`` (only an event the source never records could meet it).
        late_by: how late an ``overdue`` (as of the evaluation date) or ``met_late``
            obligation is: working days, or calendar days or hours for limits in those
            units; absent from JSON otherwise.
        satisfied_on: the date of the event that met it; null while not met.
        citation: where the guidance (or the local protocol) says it.
        reason: why the status is ``ended`` or ``not_evidenced``; absent from JSON otherwise.
        due_at: for a limit in hours counted with times of day, the due moment; absent
            from JSON otherwise.
        satisfied_at: likewise, the moment it was met; absent from JSON otherwise.
    """

    id: str
    edition: str
    rule: str
    summary: str
    actor: str
    modality: Literal["must", "should"]
    clock: Clock
    timescale: TimescaleView | None
    timescale_source: TimescaleSource
    national_timescale: TimescaleView | None = None
    due: dt.date | None
    status: ObligationStatus
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
    """A practitioner as the case record names them.

    Attributes:
        role: their role, e.g. ``"social_worker"``.
        social_work_qualified: whether they are a qualified social worker.
    """

    role: str
    social_work_qualified: bool


class PermittedHolder(_Frozen, frozen=True):
    """Who may lead a stage, and the oversight their leading needs.

    Attributes:
        roles: the roles that may hold the case at this stage.
        social_work_qualified: true when the lead must be a qualified social worker;
            null when the edition does not say.
        supervisor_required: when a supervisor is needed: ``never``, ``always``, or
            ``when_lead_not_social_work_qualified``.
        supervisor_roles: the roles a supervisor may have (empty when none is needed).
        supervisor_social_work_qualified: true when the supervisor must be a qualified
            social worker; null when the edition does not say.
    """

    roles: tuple[str, ...]
    social_work_qualified: bool | None
    supervisor_required: Literal["never", "always", "when_lead_not_social_work_qualified"]
    supervisor_roles: tuple[str, ...]
    supervisor_social_work_qualified: bool | None


class AllocationView(_Frozen, frozen=True):
    """The allocation a case-holder verdict judged.

    Attributes:
        date: the date the case was allocated.
        practitioner: who it was allocated to.
        supervisor: their supervisor; null when the allocation names none.
    """

    date: dt.date
    practitioner: PersonView
    supervisor: PersonView | None


CaseHolderStatus = Literal["compliant", "not_compliant", "not_allocated", "not_evidenced"]
"""``not_allocated``: the stage is active and no allocation is recorded; ``not_evidenced``:
the case's source never records allocations, so none can be judged."""


class CaseHolderVerdict(_Frozen, frozen=True, kw_only=True):
    """Whether the person holding the case at a stage was someone the guidance permits.

    Attributes:
        stage: the stage, e.g. ``"s17"``, ``"s47"`` or ``"cp_plan"``.
        edition: the edition whose rule judged it.
        rule: the rule's id in that edition.
        instance: the allocation, or the event that made the stage active, this verdict
            is about.
        permitted: who may lead the stage, and the oversight needed.
        allocation: the allocation judged; null when the case has none for the stage.
        compliant: whether the allocation meets the rule; null when ``not_evidenced``.
        status: ``compliant``, ``not_compliant``, ``not_allocated`` (the stage is active
            with no allocation) or ``not_evidenced`` (the source never records
            allocations).
        reason: why, in one sentence.
        citation: where the guidance says it.
    """

    stage: str
    edition: str
    rule: str
    instance: Instance
    permitted: PermittedHolder
    allocation: AllocationView | None
    compliant: bool | None
    status: CaseHolderStatus
    reason: str
    citation: CitationView


class RequiredSigner(_Frozen, frozen=True):
    """Who may give a sign-off.

    Attributes:
        roles: the roles that may sign.
        social_work_qualified: true when the signer must be a qualified social worker;
            null when the edition does not say.
    """

    roles: tuple[str, ...]
    social_work_qualified: bool | None


class SignOffResult(_Frozen, frozen=True, kw_only=True, omit_defaults=True):
    """An approval the guidance requires (of an assessment, a plan, an allocation), and
    whether it was given by someone permitted.

    Attributes:
        id: the sign-off's stable id across editions, e.g. ``"lead_practitioner.allocate"``.
        edition: the edition whose rule judged it.
        rule: the rule's id in that edition.
        subject: what is signed off: ``assessment``, ``cin_plan``, ``allocation`` or
            ``cp_plan_end``.
        summary: what the guidance requires, in one sentence.
        instance: the event that opened this sign-off (its date and stage tell repeated
            ones apart).
        subject_date: the date of the event signed off; null when there is none yet.
        required_from: who may sign.
        status: ``given``, ``missing``, ``pending`` (not yet needed), ``invalid``
            (signed by someone not permitted) or ``not_evidenced`` (the source never
            records sign-offs).
        reason: why the status is ``not_evidenced``; absent from JSON otherwise.
        given_on: the date it was signed; null when it was not.
        signed_by: who signed: the permitted signer (``given``) or the one not permitted
            (``invalid``); null when nobody signed or an event (a conference's decision)
            gave the sign-off.
        citation: where the guidance says it.
    """

    id: str
    edition: str
    rule: str
    subject: str
    summary: str
    instance: Instance
    subject_date: dt.date | None
    required_from: RequiredSigner
    status: SignOffStatus
    reason: str | None = None
    given_on: dt.date | None
    #: who signed: the permitted signer (``given``) or the one not permitted (``invalid``);
    #: null when nobody signed or an event (a conference's decision) gave the sign-off
    signed_by: PersonView | None
    citation: CitationView


class TimescaleEntry(_Frozen, frozen=True, rename={"from_": "from"}):
    """A limit that applied: to which obligation, under which edition, from which event.

    Attributes:
        obligation: the obligation's stable id.
        edition: the edition it applied under.
        timescale: the limit, in one unit.
        from_: the event the limit runs from (``"from"`` in JSON).
        source: where the limit comes from: ``statute``, ``guidance``, ``panel_guidance``
            (the national panel's guidance) or ``local`` (a local protocol).
    """

    obligation: str
    edition: str
    timescale: TimescaleView
    from_: str
    source: TimescaleSource


class Finding(_Frozen, frozen=True):
    """Something about the case record worth a reader's attention (docs/codes/ has each code).

    Attributes:
        code: the finding's code, e.g. ``"event-after-as-of"``.
        severity: ``error``, ``warning`` or ``info``.
        message: what was found, in one line.
    """

    code: FindingCode
    severity: Literal["error", "warning", "info"]
    message: str


class TraceEntry(_Frozen, frozen=True):
    """One rule that fired, and the facts it fired on (why a conclusion was drawn).

    Attributes:
        rule: the rule's id.
        edition: its edition.
        fired_on: the facts it fired on, as ``type@date`` (``"referral@2024-03-01"``).
        citation: where the guidance says it.
    """

    rule: str
    edition: str
    fired_on: tuple[str, ...]
    citation: CitationView


class Outcome(_Frozen, frozen=True, kw_only=True, omit_defaults=True):
    """Everything one evaluation concluded about one case.

    Attributes:
        case_id: the case record's id.
        as_of: the day the case was judged as it stood on.
        editions: the editions whose rules judged it, oldest first.
        protocol: the local protocol that tightened the editions; absent from JSON when
            none was applied.
        obligations: the duties, with due dates and statuses.
        case_holders: whether each stage's case-holder was permitted.
        sign_offs: the approvals required, and whether they were given.
        timescales: every limit that applied, and its source.
        findings: what the case record itself showed (gaps, order, ages).
        trace: the rules that fired, and on what (empty with ``trace=False``).
    """

    case_id: str
    as_of: dt.date
    editions: tuple[str, ...]
    protocol: ProtocolView | None = None
    obligations: tuple[ObligationResult, ...]
    case_holders: tuple[CaseHolderVerdict, ...]
    sign_offs: tuple[SignOffResult, ...]
    timescales: tuple[TimescaleEntry, ...]
    findings: tuple[Finding, ...]
    # from the engine, a Trace: built when first read or encoded, read as this tuple
    trace: tuple[TraceEntry, ...]
