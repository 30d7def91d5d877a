"""One ``CINdetails`` episode → its events, stated ``InitialCPCtarget`` dates and notes.

The mapping is docs/cin-census.md (field by field) and shared/guidance/cin-census.md §6.
A value the layout does not allow raises :class:`~wtguidance.sources.cin_census._values.BadValue`
(the caller rejects the episode). A finding on one element is made as it is read; the
findings and the DfE-rule checks that read the whole episode (closure, collection year,
reference date, death) are :mod:`~wtguidance.sources.cin_census._quality`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wtguidance.sources.cin_census._model import ChildContext, Dated, Episode, Plan, dated
from wtguidance.sources.cin_census._quality import (
    note,
    note_after_closure,
    note_after_reference,
    note_before_year,
    note_dates,
    note_unfinished,
    order,
    weekend_icpc,
)
from wtguidance.sources.cin_census._values import Fields
from wtguidance.sources.sourced import StatedTarget

__all__ = ["SINGLE_ASSESSMENT_FROM", "map_episode"]

SINGLE_ASSESSMENT_FROM = dt.date(2013, 4, 15)
"""WT 2013 replaced the initial/core split by one assessment; before it the census cannot
say which kind an assessment was."""


def _event(event_type: str, day: dt.date, **fields: Any) -> dict[str, Any]:
    return {"type": event_type, "date": day, **fields}


def _reviews(plan: Fields) -> list[Dated]:
    found = []
    for wrapper in plan.blocks("Reviews"):
        for element in wrapper.all("CPPreviewDate"):
            value = (element.text or "").strip()
            if value:
                day = wrapper.parse_date("CPPreviewDate", value, element)
                line = wrapper.locate(element)[0]
                found.append(Dated(day, wrapper.name("CPPreviewDate"), line))
    return found


def map_episode(ep: Fields, death: dt.date | None, ctx: ChildContext) -> Episode:
    referral = ep.date("CINreferralDate", required=True)
    assert referral is not None  # required
    line, _column = ctx.locate(ep.element)
    out = Episode(referral, line)
    notes = out.notes
    events = out.events
    events.append(_event("referral", referral))
    closure = dated(ep, "CINclosureDate")
    closure_reason = ep.text("ReasonForClosure")
    nfa = ep.flag("ReferralNFA")
    episode_icpc = dated(ep, "DateOfInitialCPC")
    assessments = [
        (
            dated(a, "AssessmentActualStartDate", required=True),
            dated(a, "AssessmentAuthorisationDate"),
        )
        for a in ep.blocks("Assessments")
    ]
    cin_plans = [
        (dated(p, "CINPlanStartDate", required=True), dated(p, "CINPlanEndDate"))
        for p in ep.blocks("CINPlanDates")
    ]
    s47s = [
        (
            dated(s, "S47ActualStartDate", required=True),
            s.date("InitialCPCtarget"),
            dated(s, "DateOfInitialCPC"),
            s.flag("ICPCnotRequired"),
        )
        for s in ep.blocks("Section47")
    ]
    plans: list[Plan] = []
    for plan in ep.blocks("ChildProtectionPlans"):
        wrappers = plan.blocks("Reviews")
        empty = sum(1 for r in wrappers if not r.all("CPPreviewDate"))
        plan_start = dated(plan, "CPPstartDate", required=True)
        assert plan_start is not None
        plans.append(
            Plan(
                plan_start,
                dated(plan, "CPPendDate"),
                _reviews(plan),
                empty,
                referral,
                ctx.locate(plan.element)[0],
            )
        )
    court = [dated(p, "CourtAppDate") for p in ep.blocks("PreProceedingsandFGDM")]
    offers = [p.flag("FGDMMeetingOffer") for p in ep.blocks("PreProceedingsandFGDM")]
    out.plans = plans
    #: dated activity, for the closure (8565) and collection-year checks
    activity: list[tuple[Dated, str]] = []

    out.closure = closure.day if closure is not None else None
    if closure is not None:
        extra = {"reason": closure_reason} if closure_reason else {}
        events.append(_event("case_closed", closure.day, **extra))
        if closure.day < referral:
            notes.append(
                note(
                    "referral-after-closure",
                    f"closure {closure.day} is before the referral {referral} (8630)",
                )
            )
    plan_starts = {p.start.day for p in plans}
    for begun, done in assessments:
        assert begun is not None
        start = begun.day
        events.append(_event("assessment_started", start, kind="single"))
        activity.append((begun, "8565"))
        if done is not None:
            events.append(_event("assessment_completed", done.day, kind="single"))
            activity.append((done, "8565"))
            if done.day < start:
                notes.append(order("assessment authorised", done.day, "its start", start, "8608"))
        if start < referral:
            notes.append(order("assessment start", start, "the referral", referral, "1103"))
    if assessments and referral < SINGLE_ASSESSMENT_FROM:
        notes.append(
            note(
                "assessment-kind-unknown",
                "referral before 2013-04-15: the census "
                "does not say whether an assessment was initial or core; mapped as "
                "single",
                "info",
            )
        )
    if sum(1 for _s, done in assessments if done is not None) > 1:
        notes.append(
            note(
                "re-assessment",
                f"{len(assessments)} assessments in one episode: the "
                "first completed one answers the referral",
                "info",
            )
        )
    for begun, ended in cin_plans:
        assert begun is not None
        events.append(_event("cin_plan_started", begun.day))
        activity.append((begun, "8565"))
        if ended is not None:
            events.append(_event("cin_plan_ended", ended.day))
            activity.append((ended, "8565"))
            if ended.day < begun.day:
                notes.append(
                    order("CIN plan end", ended.day, "its start", begun.day, "CINPlanDates")
                )
    s47_icpcs: set[dt.date] = set()
    for index, (begun, target, icpc, not_required) in enumerate(s47s, 1):
        assert begun is not None
        start = begun.day
        tag = f"s47-{index}"
        events.append(_event("strategy_discussion", start, initiates_s47=True, id=tag))
        events.append(_event("s47_started", start, id=tag))
        activity.append((begun, "8565"))
        if start < referral:
            notes.append(order("S47 start", start, "the referral", referral, "2889"))
        if not_required:
            events.append(
                _event(
                    "icpc_not_required",
                    start,
                    id=tag,
                    note="census ICPCnotRequired; decision date not recorded",
                )
            )
            if icpc is not None:
                notes.append(
                    note(
                        "icpc-not-required-with-icpc",
                        f"S47 of {start} says no conference was needed but records one on "
                        f"{icpc.day}",
                    )
                )
        if icpc is not None:
            s47_icpcs.add(icpc.day)
            outcome = "cp_plan" if icpc.day in plan_starts else "no_plan"
            events.append(_event("icpc", icpc.day, outcome=outcome, id=tag))
            activity.append((icpc, "8565"))
            if icpc.day < referral:
                notes.append(order("ICPC", icpc.day, "the referral", referral, "1104"))
            if icpc.day < start:
                notes.append(order("ICPC", icpc.day, "its S47 start", start, "8615"))
            if icpc.day.weekday() >= 5:
                meets = (
                    f"no icpc.hold (ICPCnotRequired withdraws the one of the enquiry begun {start})"
                    if not_required
                    else f"icpc.hold for the enquiry begun {start}"
                )
                notes.append(weekend_icpc(icpc, meets))
        if target is not None:
            out.targets.append(StatedTarget("icpc.hold", start, target, "InitialCPCtarget"))
    if episode_icpc is not None:
        day = episode_icpc.day
        activity.append((episode_icpc, "8565"))
        if day in s47_icpcs:
            notes.append(
                note(
                    "icpc-recorded-twice",
                    f"ICPC {day} is recorded at both episode and S47 level (2884); counted once",
                    "info",
                )
            )
        else:
            outcome = "cp_plan" if day in plan_starts else "no_plan"
            events.append(_event("icpc", day, outcome=outcome))
            if not s47s:
                notes.append(
                    note(
                        "icpc-without-s47",
                        f"ICPC {day} has no Section47 in the episode: no clock for icpc.hold",
                        "info",
                    )
                )
            if day < referral:
                notes.append(order("ICPC", day, "the referral", referral, "1104"))
            if day.weekday() >= 5:
                meets = "any icpc.hold it meets" if s47s else "no icpc.hold (no Section47)"
                notes.append(weekend_icpc(episode_icpc, meets, episode_level=True))
    icpcs = s47_icpcs | ({episode_icpc.day} if episode_icpc else set())
    for plan_ in plans:
        start = plan_.start.day
        end = plan_.end
        events.append(_event("cp_plan_started", start))
        activity.append((plan_.start, "beyond 8565's list"))
        if start not in icpcs:
            notes.append(
                note(
                    "cpp-without-icpc",
                    f"plan start {start} matches no ICPC date in the episode (2885)",
                )
            )
        if start < referral:
            notes.append(order("CP plan start", start, "the referral", referral, "1105"))
        if end is not None:
            reason = "died" if death is not None and end.day >= death else None
            events.append(
                _event("cp_plan_ended", end.day, **({"reason": reason} if reason else {}))
            )
            activity.append((end, "8565"))
            if end.day < start:
                notes.append(order("CP plan end", end.day, "its start", start, "8925"))
        for review in plan_.reviews:
            outcome = "end_plan" if end is not None and review.day == end.day else "continue"
            events.append(_event("review_conference", review.day, outcome=outcome))
            activity.append((review, "beyond 8565's list"))
            if review.day <= start:
                notes.append(
                    order("review", review.day, "the plan start", start, "8841", "on or before")
                )
        if plan_.empty:
            notes.append(
                note(
                    "empty-reviews", f"plan of {start} has an empty Reviews element (8842Q)", "info"
                )
            )
    for court_day in court:
        if court_day is not None:
            events.append(_event("care_proceedings_application", court_day.day))
    if any(offers):
        notes.append(
            note(
                "fgdm-offer-undated",
                "PreProceedingsandFGDM says a family group "
                "meeting was offered but gives no date: not mapped",
                "info",
            )
        )
    if nfa and (assessments or s47s or plans or episode_icpc):
        rules = "8831/8832" if s47s or plans else "8831"
        notes.append(
            note(
                "nfa-with-activity",
                "ReferralNFA is true yet the episode records "
                f"assessments, enquiries, conferences or plans ({rules})",
            )
        )
    if closure is not None:
        note_after_closure(out, closure, activity)
        note_unfinished(out, closure, assessments, s47s)
    note_before_year(out, closure, assessments, s47s, plans, cin_plans, ctx)
    if ctx.reference_date is not None:
        located = [(Dated(referral, ep.name("CINreferralDate"), ep.line("CINreferralDate")), "")]
        located += [(closure, "")] if closure is not None else []
        located += activity + [(d, "") for d in court if d is not None]
        note_after_reference(out, located, ctx.reference_date)
    note_dates(out, death)
    notes.extend(ep.notes)
    return out
