"""Turn one episode's Annex A rows into events, snapshot facts and data-quality notes.

Annex A is a snapshot: list 7 gives only the latest review conference and the last
statutory visit, list 6 only the date the child was last seen. Those are kept as
``latest`` facts. What the rows cannot show (a conference never answered for, a plan not
listed, a child never seen) is noted and added to the event types the episode lacks.
"""

from __future__ import annotations

import datetime as dt

from wtguidance.case.events import (
    AssessmentCompletedEvent,
    AssessmentStartedEvent,
    CaseClosedEvent,
    ChildSeenEvent,
    CpPlanEndedEvent,
    CpPlanStartedEvent,
    Event,
    IcpcEvent,
    IcpcNotRequiredEvent,
    IcpcOutcome,
    ReferralEvent,
    ReviewConferenceEvent,
    S47StartedEvent,
    StrategyDiscussionEvent,
)
from wtguidance.codes import FindingCode
from wtguidance.sources.annex_a._evidence import NEVER_RECORDED
from wtguidance.sources.annex_a._join import Draft
from wtguidance.sources.annex_a._notes import Latest, finding
from wtguidance.sources.annex_a._rows import (
    Assessment,
    CinEpisode,
    Enquiry,
    Plan,
    Referral,
    RowRef,
)

__all__ = ["EventBuilder"]

_SINGLE_ASSESSMENT_FROM = dt.date(2013, 4, 15)


class EventBuilder:
    """Builds one episode's events, notes and evidence from its rows."""

    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.events: list[Event] = []
        self.findings = list(draft.findings)
        self.latest: list[Latest] = []
        self.absent: set[str] = set(NEVER_RECORDED)
        self.seen_evidenced = False
        plans = [r for r in draft.records if isinstance(r, Plan)]
        self.plan_starts = {p.start for p in plans}

    def note(self, code: FindingCode, message: str, ref: RowRef | None = None) -> None:
        self.findings.append(finding(code, message, ref))

    def build(self) -> None:
        for record in self.draft.records:
            if isinstance(record, Referral):
                self.referral(record)
            elif isinstance(record, Assessment):
                self.assessment(record)
            elif isinstance(record, Enquiry):
                self.enquiry(record)
            elif isinstance(record, Plan):
                self.plan(record, matched=self.draft.kind != "cp-plan")
            elif isinstance(record, CinEpisode):
                self.cin(record)
        if not self.seen_evidenced:
            self.absent.add("child_seen")

    def referral(self, record: Referral) -> None:
        assert record.date is not None
        self.events.append(ReferralEvent(type="referral", date=record.date, id=str(record.ref)))
        if record.nfa == "yes":
            self.note(
                "annex-a-referral-nfa",
                f"{record.ref}: referral recorded as no further action; Annex A does not "
                "record when that was decided",
                record.ref,
            )

    def assessment(self, record: Assessment) -> None:
        assert record.start is not None
        ref = str(record.ref)
        if self.draft.kind == "referral" and self.draft.anchor < _SINGLE_ASSESSMENT_FROM:
            self.note(
                "annex-a-assessment-kind-unknown",
                f"{record.ref}: Annex A cannot say whether this was an initial or core "
                "assessment (2010 edition); read as a single assessment",
                record.ref,
            )
        self.events.append(
            AssessmentStartedEvent(
                type="assessment_started", date=record.start, kind="single", id=ref
            )
        )
        if record.authorised is not None:
            self.events.append(
                AssessmentCompletedEvent(
                    type="assessment_completed", date=record.authorised, kind="single", id=ref
                )
            )
        if record.seen_date is not None:
            self.seen_evidenced = True
            self.events.append(
                ChildSeenEvent(
                    type="child_seen",
                    date=record.seen_date,
                    alone=False,
                    id=ref,
                    note="Annex A does not say whether the child was seen alone",
                )
            )
        elif record.seen == "no":
            self.seen_evidenced = True
            self.note(
                "annex-a-child-not-seen",
                f"{record.ref}: the child was not seen during this assessment",
                record.ref,
            )
        elif record.seen == "yes":
            self.note(
                "annex-a-child-seen-undated",
                f"{record.ref}: the child was seen during this assessment, but Annex A gives "
                "no date, so whether that was in time is not evidenced",
                record.ref,
            )

    def enquiry(self, record: Enquiry) -> None:
        assert record.start is not None
        ref = str(record.ref)
        self.events.append(
            StrategyDiscussionEvent(
                type="strategy_discussion", date=record.start, initiates_s47=True, id=ref
            )
        )
        self.events.append(S47StartedEvent(type="s47_started", date=record.start, id=ref))
        if record.icpc_unnecessary == "yes":
            self.events.append(
                IcpcNotRequiredEvent(
                    type="icpc_not_required",
                    date=record.start,
                    id=ref,
                    note="Annex A answer; the date of the decision is not recorded",
                )
            )
            if record.icpc_date is not None:
                self.note(
                    "annex-a-icpc-unnecessary-but-held",
                    f"{record.ref}: a conference deemed unnecessary is dated "
                    f"{record.icpc_date.isoformat()}",
                    record.ref,
                )
        elif record.icpc_unnecessary in (None, "unknown") and record.icpc_date is None:
            self.absent.add("icpc")
            self.note(
                "annex-a-icpc-need-not-recorded",
                f"{record.ref}: no conference date and no answer to whether one was "
                "needed, so the conference deadline is not evidenced",
                record.ref,
            )
        if record.icpc_date is None:
            return
        outcome = self._icpc_outcome(record)
        self.events.append(IcpcEvent(type="icpc", date=record.icpc_date, outcome=outcome, id=ref))

    def _icpc_outcome(self, record: Enquiry) -> IcpcOutcome:
        if record.icpc_plan == "no":
            return "no_plan"
        if record.icpc_date in self.plan_starts:
            return "cp_plan"
        if record.icpc_plan == "yes":
            self.absent.add("review_conference")
            self.note(
                "annex-a-plan-not-listed",
                f"{record.ref}: the conference made a plan, but no plan in list 7 starts on "
                f"{record.icpc_date}; its reviews are not evidenced",
                record.ref,
            )
            return "cp_plan"
        self.note(
            "annex-a-icpc-outcome-inferred",
            f"{record.ref}: the conference's outcome is not recorded and no plan in list 7 "
            "starts that day; read as no plan",
            record.ref,
        )
        return "no_plan"

    def plan(self, record: Plan, *, matched: bool) -> None:
        assert record.start is not None
        ref = str(record.ref)
        if not matched:
            self.events.append(
                IcpcEvent(
                    type="icpc",
                    date=record.start,
                    outcome="cp_plan",
                    id=ref,
                    note="inferred: a plan starts at the conference that agrees it; Annex A "
                    "list 5 has no conference on this date",
                )
            )
            self.note(
                "annex-a-conference-inferred",
                f"{record.ref}: no conference in list 5 matches this plan; the conference is "
                "taken to be on the plan's start date",
                record.ref,
            )
        self.events.append(CpPlanStartedEvent(type="cp_plan_started", date=record.start, id=ref))
        if record.latest_review is not None:
            ended = record.end is not None and record.latest_review == record.end
            self.events.append(
                ReviewConferenceEvent(
                    type="review_conference",
                    date=record.latest_review,
                    outcome="end_plan" if ended else "continue",
                    id=ref,
                    note="the latest review conference (Annex A records no earlier ones)",
                )
            )
            self.latest.append(Latest("latest review conference", record.latest_review, record.ref))
        if record.end is not None:
            self.events.append(CpPlanEndedEvent(type="cp_plan_ended", date=record.end, id=ref))
        if record.last_visit is not None:
            alone = {"yes": "seen alone", "no": "not seen alone"}.get(record.seen_alone or "")
            self.latest.append(Latest("last statutory visit", record.last_visit, record.ref, alone))

    def cin(self, record: CinEpisode) -> None:
        if record.last_seen is not None:
            self.latest.append(Latest("child last seen", record.last_seen, record.ref))
        if record.closed is not None:
            self.events.append(
                CaseClosedEvent(
                    type="case_closed",
                    date=record.closed,
                    reason=record.closure_reason,
                    id=str(record.ref),
                )
            )
