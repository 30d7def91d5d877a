"""The building blocks of a case record: the events of a case (dates, times and people
come from :mod:`wtguidance.case.values` and are re-exported here).

Every event has a ``type`` (which event it is), a ``date``, and optionally an ``id`` and a
``note``. Some event types carry more fields, listed in DESIGN.md §4. The models are strict:
an unknown field, an impossible date, or a boolean written as ``"yes"`` or ``1`` is rejected,
never guessed at.

:mod:`wtguidance.case` re-exports everything public here; import from there.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import ConfigDict, Field, StrictBool, StrictStr

from wtguidance.case.values import ROLES, IsoDate, Person, Record, Role, TimeOfDay

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
    "FamilyGroupDecisionMakingAcceptedEvent",
    "FamilyGroupDecisionMakingMeetingEvent",
    "FamilyGroupDecisionMakingNotInBestInterestsEvent",
    "FamilyGroupDecisionMakingOfferedEvent",
    "FamilyGroupDecisionMakingStep",
    "IcpcEvent",
    "IcpcNotRequiredEvent",
    "IcpcOutcome",
    "IsoDate",
    "LetterBeforeProceedingsEvent",
    "LookedAfterChildDeathKnownEvent",
    "LookedAfterChildDeathNotifiedEvent",
    "Person",
    "PracticeReviewCompletedEvent",
    "PracticeReviewDecision",
    "PracticeReviewDecisionEvent",
    "PracticeReviewPublicationWithheldEvent",
    "PracticeReviewPublishedEvent",
    "PracticeReviewSharedEvent",
    "RapidReviewCompletedEvent",
    "RapidReviewSentEvent",
    "ReferralAcknowledgedEvent",
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
    "SeriousIncidentReportedLocallyEvent",
    "SignOffEvent",
    "SignOffSubject",
    "StrategyDiscussionEvent",
    "TimeOfDay",
    "TransferInConferenceEvent",
    "TransferInNotifiedEvent",
    "VisitEvent",
]

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
FamilyGroupDecisionMakingStep = Literal["offer", "meeting"]
SignOffSubject = Literal["assessment", "cin_plan", "allocation", "cp_plan_end"]
"""What a sign-off approves. Each is the ``subject`` of a sign-off rule in some edition, so a
misspelt subject is refused (with a did-you-mean) instead of leaving the sign-off "missing"."""

# --- Events -----------------------------------------------------------------------------------


def _type_is_required(schema: dict[str, Any]) -> None:
    """The JSON contract: an event's ``type`` is required and has no default in JSON."""
    schema["properties"]["type"].pop("default", None)
    required = schema.setdefault("required", [])
    if "type" not in required:
        required.insert(0, "type")


class _EventBase(Record):
    """What every event has: its type, a date, and optionally a time of day, an id and a
    free-text note.

    ``time`` (``HH:MM``, 24-hour, local time) matters only for limits counted in hours
    (local protocols: "child seen within 24 hours"); without it such limits are judged by
    the date, with a finding.
    """

    # JSON must still name the type (the case schema requires it); built in code, each
    # class's ``type`` defaults to its one literal, so ``ReferralEvent(date=...)`` needs no
    # redundant ``type="referral"``
    model_config = ConfigDict(json_schema_extra=_type_is_required)

    type: str  # each event class narrows this to its own name, with that name as default
    date: IsoDate
    time: TimeOfDay | None = None
    id: StrictStr | None = None
    note: StrictStr | None = None


class ReferralEvent(_EventBase):
    """Children's social care received a referral about the child."""

    type: Literal["referral"] = "referral"


class ReferralAcknowledgedEvent(_EventBase):
    """Receipt of the referral was acknowledged to the referrer."""

    type: Literal["referral_acknowledged"] = "referral_acknowledged"


class ReferralDecisionEvent(_EventBase):
    """Someone decided what to do about a referral."""

    type: Literal["referral_decision"] = "referral_decision"
    response: ReferralResponse


class AssessmentStartedEvent(_EventBase):
    """An assessment of the child's needs started."""

    type: Literal["assessment_started"] = "assessment_started"
    kind: AssessmentKind


class AssessmentCompletedEvent(_EventBase):
    """An assessment of the child's needs was completed."""

    type: Literal["assessment_completed"] = "assessment_completed"
    kind: AssessmentKind


class ChildSeenEvent(_EventBase):
    """A practitioner saw the child, alone or with others present."""

    type: Literal["child_seen"] = "child_seen"
    alone: StrictBool


class StrategyDiscussionEvent(_EventBase):
    """A strategy discussion was held; it may have started a section 47 enquiry."""

    type: Literal["strategy_discussion"] = "strategy_discussion"
    initiates_s47: StrictBool


class S47StartedEvent(_EventBase):
    """A section 47 (child protection) enquiry started."""

    type: Literal["s47_started"] = "s47_started"


class S47CompletedEvent(_EventBase):
    """A section 47 enquiry finished, with its outcome."""

    type: Literal["s47_completed"] = "s47_completed"
    outcome: S47Outcome


class IcpcEvent(_EventBase):
    """An initial child protection conference was held, with its decision."""

    type: Literal["icpc"] = "icpc"
    outcome: IcpcOutcome


class CpPlanStartedEvent(_EventBase):
    """A child protection plan started."""

    type: Literal["cp_plan_started"] = "cp_plan_started"


class CpPlanEndedEvent(_EventBase):
    """A child protection plan ended, optionally saying why.

    Only a review conference may end a plan because the child is no longer at risk; a
    plan also ends when the child moves permanently to another area, turns 18, dies or
    leaves the UK. Without a ``reason`` the end is treated as a conference decision.
    """

    type: Literal["cp_plan_ended"] = "cp_plan_ended"
    reason: CpPlanEndReason | None = None


class CoreGroupMeetingEvent(_EventBase):
    """The core group of a child protection plan met."""

    type: Literal["core_group_meeting"] = "core_group_meeting"


class CinPlanStartedEvent(_EventBase):
    """A child in need plan started."""

    type: Literal["cin_plan_started"] = "cin_plan_started"


class CinPlanEndedEvent(_EventBase):
    """A child in need plan ended."""

    type: Literal["cin_plan_ended"] = "cin_plan_ended"


class ReviewConferenceEvent(_EventBase):
    """A child protection review conference was held, with its decision."""

    type: Literal["review_conference"] = "review_conference"
    outcome: ReviewConferenceOutcome


class TransferInNotifiedEvent(_EventBase):
    """This authority was told that a child on a plan elsewhere has moved into its area."""

    type: Literal["transfer_in_notified"] = "transfer_in_notified"


class TransferInConferenceEvent(_EventBase):
    """A transfer-in child protection conference was held."""

    type: Literal["transfer_in_conference"] = "transfer_in_conference"


class SeriousIncidentKnownEvent(_EventBase):
    """The authority learnt of a serious incident: a child's death or serious harm."""

    type: Literal["serious_incident_known"] = "serious_incident_known"
    kind: SeriousIncidentKind


class SeriousIncidentNotifiedEvent(_EventBase):
    """A serious incident was notified to the national panel."""

    type: Literal["serious_incident_notified"] = "serious_incident_notified"


class SeriousIncidentReportedLocallyEvent(_EventBase):
    """A serious incident was reported to the local safeguarding partners (to the Local
    Safeguarding Children Board before the 2018 arrangements)."""

    type: Literal["serious_incident_reported_locally"] = "serious_incident_reported_locally"


class LookedAfterChildDeathKnownEvent(_EventBase):
    """The authority learnt that a child it looked after had died, whatever the cause."""

    type: Literal["looked_after_child_death_known"] = "looked_after_child_death_known"


class LookedAfterChildDeathNotifiedEvent(_EventBase):
    """The death of a looked-after child was notified to the Secretary of State and Ofsted."""

    type: Literal["looked_after_child_death_notified"] = "looked_after_child_death_notified"


class RapidReviewCompletedEvent(_EventBase):
    """A rapid review of a serious incident was completed."""

    type: Literal["rapid_review_completed"] = "rapid_review_completed"


class RapidReviewSentEvent(_EventBase):
    """A completed rapid review, with the decision on a local review, was sent to the panel."""

    type: Literal["rapid_review_sent"] = "rapid_review_sent"


class PracticeReviewDecisionEvent(_EventBase):
    """The safeguarding partners decided whether to hold a local practice review."""

    type: Literal["practice_review_decision"] = "practice_review_decision"
    decision: PracticeReviewDecision


class PracticeReviewCompletedEvent(_EventBase):
    """A child safeguarding practice review was completed."""

    type: Literal["practice_review_completed"] = "practice_review_completed"


class PracticeReviewSharedEvent(_EventBase):
    """A copy of a practice review's final report was sent to the national panel and the
    Department for Education (the Secretary of State) ahead of publication."""

    type: Literal["practice_review_shared"] = "practice_review_shared"


class PracticeReviewPublishedEvent(_EventBase):
    """A practice review's report (before 2018 a serious case review's overview report) was
    published."""

    type: Literal["practice_review_published"] = "practice_review_published"


class PracticeReviewPublicationWithheldEvent(_EventBase):
    """The safeguarding partners decided that publishing the report would be inappropriate
    (they publish what they consider appropriate about improvements instead)."""

    type: Literal["practice_review_publication_withheld"] = "practice_review_publication_withheld"


class FamilyGroupDecisionMakingOfferedEvent(_EventBase):
    """The family was offered a family group decision-making meeting."""

    type: Literal["family_group_decision_making_offered"] = "family_group_decision_making_offered"


class FamilyGroupDecisionMakingAcceptedEvent(_EventBase):
    """At least one person offered a family group decision-making meeting accepted it."""

    type: Literal["family_group_decision_making_accepted"] = "family_group_decision_making_accepted"


class FamilyGroupDecisionMakingMeetingEvent(_EventBase):
    """A family group decision-making meeting was held."""

    type: Literal["family_group_decision_making_meeting"] = "family_group_decision_making_meeting"


class FamilyGroupDecisionMakingNotInBestInterestsEvent(_EventBase):
    """The authority decided that offering (``step: offer``) or holding (``step: meeting``) a
    family group decision-making meeting would not be in the child's best interests.

    Under Children Act 1989 s31ZA(3) that decision lifts the duty for that step.
    """

    type: Literal["family_group_decision_making_not_in_best_interests"] = (
        "family_group_decision_making_not_in_best_interests"
    )
    step: FamilyGroupDecisionMakingStep


class VisitEvent(_EventBase):
    """A practitioner visited the child (a statutory visit under a plan, for example)."""

    type: Literal["visit"] = "visit"


class LetterBeforeProceedingsEvent(_EventBase):
    """The authority sent the parents (or others with parental responsibility) the letter
    before proceedings."""

    type: Literal["letter_before_proceedings"] = "letter_before_proceedings"


class CareProceedingsApplicationEvent(_EventBase):
    """The authority applied to court for care proceedings."""

    type: Literal["care_proceedings_application"] = "care_proceedings_application"


class IcpcNotRequiredEvent(_EventBase):
    """An enquiry concluded that no initial child protection conference is needed.

    The CIN census records this as ``ICPCnotRequired``; it withdraws the ``icpc.hold`` clock.
    """

    type: Literal["icpc_not_required"] = "icpc_not_required"


class CaseClosedEvent(_EventBase):
    """The episode closed (the census ``CINclosureDate``): clocks still running stop."""

    type: Literal["case_closed"] = "case_closed"
    reason: Annotated[StrictStr, Field(min_length=1)] | None = None


class AllocationEvent(_EventBase):
    """The case was allocated to a practitioner for a stage, perhaps with a supervisor.

    ``practitioner_agreed`` records whether the lead practitioner agreed to take the case
    (2023 onwards the allocation is made with their agreement); leave it out when the
    record does not say.
    """

    type: Literal["allocation"] = "allocation"
    stage: AllocationStage
    practitioner: Person
    supervisor: Person | None = None
    practitioner_agreed: StrictBool | None = None


class SignOffEvent(_EventBase):
    """Someone approved something, such as an assessment, a plan or an allocation."""

    type: Literal["sign_off"] = "sign_off"
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
    | SignOffEvent
    | ReferralAcknowledgedEvent
    | SeriousIncidentReportedLocallyEvent
    | LookedAfterChildDeathKnownEvent
    | LookedAfterChildDeathNotifiedEvent
    | RapidReviewSentEvent
    | PracticeReviewSharedEvent
    | PracticeReviewPublishedEvent
    | PracticeReviewPublicationWithheldEvent
    | LetterBeforeProceedingsEvent
    | FamilyGroupDecisionMakingAcceptedEvent
    | FamilyGroupDecisionMakingMeetingEvent
    | FamilyGroupDecisionMakingNotInBestInterestsEvent
    | VisitEvent,
    Field(discriminator="type"),
]
"""Any event of a case; the ``type`` field says which."""

EVENT_TYPES: tuple[str, ...] = tuple(
    get_args(cls.model_fields["type"].annotation)[0] for cls in get_args(get_args(Event)[0])
)
"""Every event ``type``: those of DESIGN.md §4 in its order, then the additive ones."""
