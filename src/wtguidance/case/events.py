"""The building blocks of a case record: dates, people and the events of a case.

Every event has a ``type`` (which event it is), a ``date``, and optionally an ``id`` and a
``note``. Some event types carry more fields, listed in DESIGN.md §4. The models are strict:
an unknown field, an impossible date, or a boolean written as ``"yes"`` or ``1`` is rejected,
never guessed at.

:mod:`wtguidance.case` re-exports everything public here; import from there.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "EVENT_TYPES",
    "ROLES",
    "AllocationEvent",
    "AllocationStage",
    "AssessmentCompletedEvent",
    "AssessmentKind",
    "AssessmentStartedEvent",
    "CareProceedingsApplicationEvent",
    "CaseClosedEvent",
    "ChildSeenEvent",
    "CinPlanEndedEvent",
    "CinPlanStartedEvent",
    "CoreGroupMeetingEvent",
    "CpPlanEndReason",
    "CpPlanEndedEvent",
    "CpPlanStartedEvent",
    "Event",
    "FamilyGroupDecisionMakingOfferedEvent",
    "IcpcEvent",
    "IcpcNotRequiredEvent",
    "IcpcOutcome",
    "IsoDate",
    "Person",
    "PracticeReviewCompletedEvent",
    "PracticeReviewDecision",
    "PracticeReviewDecisionEvent",
    "RapidReviewCompletedEvent",
    "ReferralDecisionEvent",
    "ReferralEvent",
    "ReferralResponse",
    "ReviewConferenceEvent",
    "ReviewConferenceOutcome",
    "Role",
    "S47CompletedEvent",
    "S47Outcome",
    "S47StartedEvent",
    "SeriousIncidentKind",
    "SeriousIncidentKnownEvent",
    "SeriousIncidentNotifiedEvent",
    "SignOffEvent",
    "SignOffSubject",
    "StrategyDiscussionEvent",
    "TransferInConferenceEvent",
    "TransferInNotifiedEvent",
]

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


# --- Enumerated event fields ------------------------------------------------------------------

ReferralResponse = Literal["no_further_action", "early_help", "assessment", "strategy_discussion"]
AssessmentKind = Literal["initial", "core", "single"]
S47Outcome = Literal["not_substantiated", "cin", "icpc"]
IcpcOutcome = Literal["cp_plan", "no_plan"]
ReviewConferenceOutcome = Literal["continue", "end_plan"]
CpPlanEndReason = Literal["no_longer_at_risk", "moved_area", "turned_18", "died", "left_uk"]
SeriousIncidentKind = Literal["death", "serious_harm"]
PracticeReviewDecision = Literal["local_review", "no_review"]
AllocationStage = Literal["early_help", "s17", "s47", "cp_plan", "family_help"]
SignOffSubject = Literal["assessment", "cin_plan", "allocation", "cp_plan_end"]
"""What a sign-off approves. Each is the ``subject`` of a sign-off rule in some edition, so a
misspelt subject is refused (with a did-you-mean) instead of leaving the sign-off "missing"."""

# --- Events -----------------------------------------------------------------------------------


class _EventBase(Record):
    """What every event has: its type, a date, and optionally an id and a free-text note."""

    type: str  # each event class narrows this to its own name
    date: IsoDate
    id: StrictStr | None = None
    note: StrictStr | None = None


class ReferralEvent(_EventBase):
    """Children's social care received a referral about the child."""

    type: Literal["referral"]


class ReferralDecisionEvent(_EventBase):
    """Someone decided what to do about a referral."""

    type: Literal["referral_decision"]
    response: ReferralResponse


class AssessmentStartedEvent(_EventBase):
    """An assessment of the child's needs started."""

    type: Literal["assessment_started"]
    kind: AssessmentKind


class AssessmentCompletedEvent(_EventBase):
    """An assessment of the child's needs was completed."""

    type: Literal["assessment_completed"]
    kind: AssessmentKind


class ChildSeenEvent(_EventBase):
    """A practitioner saw the child, alone or with others present."""

    type: Literal["child_seen"]
    alone: StrictBool


class StrategyDiscussionEvent(_EventBase):
    """A strategy discussion was held; it may have started a section 47 enquiry."""

    type: Literal["strategy_discussion"]
    initiates_s47: StrictBool


class S47StartedEvent(_EventBase):
    """A section 47 (child protection) enquiry started."""

    type: Literal["s47_started"]


class S47CompletedEvent(_EventBase):
    """A section 47 enquiry finished, with its outcome."""

    type: Literal["s47_completed"]
    outcome: S47Outcome


class IcpcEvent(_EventBase):
    """An initial child protection conference was held, with its decision."""

    type: Literal["icpc"]
    outcome: IcpcOutcome


class CpPlanStartedEvent(_EventBase):
    """A child protection plan started."""

    type: Literal["cp_plan_started"]


class CpPlanEndedEvent(_EventBase):
    """A child protection plan ended, optionally saying why.

    Only a review conference may end a plan because the child is no longer at risk; a
    plan also ends when the child moves permanently to another area, turns 18, dies or
    leaves the UK. Without a ``reason`` the end is treated as a conference decision.
    """

    type: Literal["cp_plan_ended"]
    reason: CpPlanEndReason | None = None


class CoreGroupMeetingEvent(_EventBase):
    """The core group of a child protection plan met."""

    type: Literal["core_group_meeting"]


class CinPlanStartedEvent(_EventBase):
    """A child in need plan started."""

    type: Literal["cin_plan_started"]


class CinPlanEndedEvent(_EventBase):
    """A child in need plan ended."""

    type: Literal["cin_plan_ended"]


class ReviewConferenceEvent(_EventBase):
    """A child protection review conference was held, with its decision."""

    type: Literal["review_conference"]
    outcome: ReviewConferenceOutcome


class TransferInNotifiedEvent(_EventBase):
    """This authority was told that a child on a plan elsewhere has moved into its area."""

    type: Literal["transfer_in_notified"]


class TransferInConferenceEvent(_EventBase):
    """A transfer-in child protection conference was held."""

    type: Literal["transfer_in_conference"]


class SeriousIncidentKnownEvent(_EventBase):
    """The authority learnt of a serious incident: a child's death or serious harm."""

    type: Literal["serious_incident_known"]
    kind: SeriousIncidentKind


class SeriousIncidentNotifiedEvent(_EventBase):
    """A serious incident was notified to the national panel."""

    type: Literal["serious_incident_notified"]


class RapidReviewCompletedEvent(_EventBase):
    """A rapid review of a serious incident was completed."""

    type: Literal["rapid_review_completed"]


class PracticeReviewDecisionEvent(_EventBase):
    """The safeguarding partners decided whether to hold a local practice review."""

    type: Literal["practice_review_decision"]
    decision: PracticeReviewDecision


class PracticeReviewCompletedEvent(_EventBase):
    """A child safeguarding practice review was completed."""

    type: Literal["practice_review_completed"]


class FamilyGroupDecisionMakingOfferedEvent(_EventBase):
    """The family was offered a family group decision-making meeting."""

    type: Literal["family_group_decision_making_offered"]


class CareProceedingsApplicationEvent(_EventBase):
    """The authority applied to court for care proceedings."""

    type: Literal["care_proceedings_application"]


class IcpcNotRequiredEvent(_EventBase):
    """An enquiry concluded that no initial child protection conference is needed.

    The CIN census records this as ``ICPCnotRequired``; it withdraws the ``icpc.hold`` clock.
    """

    type: Literal["icpc_not_required"]


class CaseClosedEvent(_EventBase):
    """The episode closed (the census ``CINclosureDate``): clocks still running stop."""

    type: Literal["case_closed"]
    reason: Annotated[StrictStr, Field(min_length=1)] | None = None


class AllocationEvent(_EventBase):
    """The case was allocated to a practitioner for a stage, perhaps with a supervisor."""

    type: Literal["allocation"]
    stage: AllocationStage
    practitioner: Person
    supervisor: Person | None = None


class SignOffEvent(_EventBase):
    """Someone approved something, such as an assessment, a plan or an allocation."""

    type: Literal["sign_off"]
    subject: SignOffSubject
    by: Person


Event = Annotated[
    ReferralEvent
    | ReferralDecisionEvent
    | AssessmentStartedEvent
    | AssessmentCompletedEvent
    | ChildSeenEvent
    | StrategyDiscussionEvent
    | S47StartedEvent
    | S47CompletedEvent
    | IcpcEvent
    | CpPlanStartedEvent
    | CpPlanEndedEvent
    | CoreGroupMeetingEvent
    | CinPlanStartedEvent
    | CinPlanEndedEvent
    | ReviewConferenceEvent
    | TransferInNotifiedEvent
    | TransferInConferenceEvent
    | SeriousIncidentKnownEvent
    | SeriousIncidentNotifiedEvent
    | RapidReviewCompletedEvent
    | PracticeReviewDecisionEvent
    | PracticeReviewCompletedEvent
    | FamilyGroupDecisionMakingOfferedEvent
    | CareProceedingsApplicationEvent
    | IcpcNotRequiredEvent
    | CaseClosedEvent
    | AllocationEvent
    | SignOffEvent,
    Field(discriminator="type"),
]
"""Any event of a case; the ``type`` field says which."""

EVENT_TYPES: tuple[str, ...] = tuple(
    get_args(cls.model_fields["type"].annotation)[0] for cls in get_args(get_args(Event)[0])
)
"""Every event ``type``, in the order of DESIGN.md §4."""
