"""One census ``Child`` element → one case per ``CINdetails`` episode (or a rejected entry).

The mapping is docs/cin-census.md (field by field) and shared/guidance/cin-census.md §6.
Every episode becomes a :class:`~wtguidance.case.SourcedCase` carrying its data-quality
notes and its stated ``InitialCPCtarget`` dates, or a :class:`~wtguidance.case.Rejected`
entry naming the child, the field, the value and the line. Nothing is coerced: a value the
layout does not allow rejects the episode that holds it (for a child-level field, every
episode of that child).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any
from xml.etree.ElementTree import Element

from pydantic import ValidationError

from wtguidance.case._cin_values import BadValue, Fields, Locate
from wtguidance.case.record import Case
from wtguidance.case.source import Rejected
from wtguidance.case.sourced import Severity, SourcedCase, SourceNote, StatedTarget
from wtguidance.codes import FindingCode

__all__ = ["ChildContext", "map_child"]

SINGLE_ASSESSMENT_FROM = dt.date(2013, 4, 15)
"""WT 2013 replaced the initial/core split by one assessment; before it the census cannot
say which kind an assessment was."""


@dataclass
class ChildContext:
    """What mapping a child needs from the file around it."""

    locate: Locate
    reference_date: dt.date | None
    #: ``True`` the first time a child id is seen in the file (8510 finds repeats)
    first_sighting: Callable[[str], bool]
    #: the n-th use (1, 2 ...) of a ``child/referral-date`` case id in the file
    case_number: Callable[[str], int]


@dataclass
class _Episode:
    """An episode mapped to events, before its case id is fixed."""

    referral: dt.date
    line: int | None
    events: list[dict[str, Any]] = field(default_factory=list)
    notes: list[SourceNote] = field(default_factory=list)
    targets: list[StatedTarget] = field(default_factory=list)
    closure: dt.date | None = None


def _note(code: FindingCode, message: str, severity: Severity = "warning") -> SourceNote:
    return SourceNote(code, message, severity)


def map_child(element: Element, ordinal: int, ctx: ChildContext) -> list[SourcedCase | Rejected]:
    """Every episode of the ``ordinal``-th ``Child`` (1-based) as a case or a rejected entry."""
    tolerated: list[str] = []
    top = Fields(element, "", ctx.locate, tolerated)
    ids = (top.blocks("ChildIdentifiers") or [Fields(element, "", ctx.locate, tolerated)])[0]
    episodes = top.blocks("CINdetails")
    child_id = ids.text("LAchildID")
    line, column = ctx.locate(element)
    if not episodes:
        return [
            Rejected(
                child_id=child_id,
                reason=f"child #{ordinal} in the file has no CINdetails episode",
                field="Child/CINdetails",
                line=line,
                column=column,
            )
        ]
    if child_id is None:
        return [
            _reject_episode(
                None,
                e,
                ctx,
                f"child #{ordinal} in the file has no LAchildID",
                "ChildIdentifiers/LAchildID",
                ids.text("LAchildID"),
            )
            for e in episodes
        ]
    try:
        birth = ids.date("PersonBirthDate")
        expected = ids.date("ExpectedPersonBirthDate")
        death = ids.date("PersonDeathDate")
    except BadValue as bad:
        return [_rejected(child_id, bad) for _ in episodes]
    if birth is not None and death is not None and death < birth:
        order = ids.bad(
            "PersonDeathDate", death.isoformat(), f"{death} is before the birth {birth}"
        )
        return [_rejected(child_id, order) for _ in episodes]
    child_notes: list[SourceNote] = []
    if not ctx.first_sighting(child_id):
        child_notes.append(
            _note("duplicate-child", f"LAchildID {child_id} appears on an earlier Child (8510)")
        )
    if birth is None and expected is not None:
        child_notes.append(
            _note(
                "unborn-child",
                f"only an expected birth date ({expected}): date of birth left empty",
                "info",
            )
        )
    stray = _stray_text(element)
    if stray:
        child_notes.append(_note("mixed-content", f"text between elements ignored: {stray}"))
    disabled = any(
        (d.text or "").strip().upper() not in ("", "NONE")
        for chars in top.blocks("ChildCharacteristics")
        for block in chars.blocks("Disabilities")
        for d in block.all("Disability")
    )
    child = {"date_of_birth": birth, "date_of_death": death, "disabled": disabled}
    mapped: list[_Episode | Rejected] = []
    for episode in episodes:
        try:
            mapped.append(_map_episode(episode, death, ctx))
        except BadValue as bad:
            mapped.append(_rejected(child_id, bad))
    good = [m for m in mapped if isinstance(m, _Episode)]
    if good:
        good[0].notes[:0] = child_notes
        good[0].notes.extend(_note("timezone-suffix", t, "info") for t in tolerated)
        _note_overlaps(good)
    out: list[SourcedCase | Rejected] = []
    for item in mapped:
        if isinstance(item, Rejected):
            out.append(item)
            continue
        base = f"{child_id}/{item.referral.isoformat()}"
        number = ctx.case_number(base)
        case_id = base if number == 1 else f"{base}#{number}"
        if number > 1:
            item.notes.append(
                _note(
                    "duplicate-episode",
                    f"another episode of {child_id} has referral date "
                    f"{item.referral}: this one is {case_id}",
                )
            )
        try:
            case = Case.model_validate({"case_id": case_id, "child": child, "events": item.events})
        except ValidationError as error:  # whatever else the case model refuses: this record
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            out.append(
                Rejected(
                    child_id=child_id,
                    reason=f"the case model refuses the episode: {where}: {first['msg']}",
                    field=where,
                    line=item.line,
                )
            )
            continue
        out.append(SourcedCase(case, child_id, item.line, tuple(item.notes), tuple(item.targets)))
    return out


def _rejected(child_id: str | None, bad: BadValue) -> Rejected:
    return Rejected(
        child_id=child_id,
        reason=f"{bad.field}: {bad.reason}",
        field=bad.field,
        value=bad.value,
        line=bad.line,
        column=bad.column,
    )


def _reject_episode(
    child_id: str | None,
    episode: Fields,
    ctx: ChildContext,
    reason: str,
    name: str,
    value: str | None,
) -> Rejected:
    line, column = ctx.locate(episode.element)
    return Rejected(
        child_id=child_id, reason=reason, field=name, value=value, line=line, column=column
    )


def _stray_text(element: Element) -> str:
    """Non-blank text standing between elements inside ``element`` (mixed content)."""
    found: list[str] = []
    for node in element.iter():
        if len(node) and (node.text or "").strip():
            found.append((node.text or "").strip())
        if node is not element and (node.tail or "").strip():
            found.append((node.tail or "").strip())
    return ", ".join(repr(text[:40]) for text in found[:5])


def _event(event_type: str, day: dt.date, **fields: Any) -> dict[str, Any]:
    return {"type": event_type, "date": day, **fields}


def _map_episode(ep: Fields, death: dt.date | None, ctx: ChildContext) -> _Episode:
    referral = ep.date("CINreferralDate", required=True)
    assert referral is not None  # required
    line, _column = ctx.locate(ep.element)
    out = _Episode(referral, line)
    notes = out.notes
    events = out.events
    events.append(_event("referral", referral))
    closure = ep.date("CINclosureDate")
    closure_reason = ep.text("ReasonForClosure")
    nfa = ep.flag("ReferralNFA")
    episode_icpc = ep.date("DateOfInitialCPC")
    assessments = [
        (a.date("AssessmentActualStartDate", required=True), a.date("AssessmentAuthorisationDate"))
        for a in ep.blocks("Assessments")
    ]
    cin_plans = [
        (p.date("CINPlanStartDate", required=True), p.date("CINPlanEndDate"))
        for p in ep.blocks("CINPlanDates")
    ]
    s47s = [
        (
            s.date("S47ActualStartDate", required=True),
            s.date("InitialCPCtarget"),
            s.date("DateOfInitialCPC"),
            s.flag("ICPCnotRequired"),
        )
        for s in ep.blocks("Section47")
    ]
    plans = []
    for plan in ep.blocks("ChildProtectionPlans"):
        wrappers = plan.blocks("Reviews")
        dates = [d for r in wrappers for d in r.dates("CPPreviewDate")]
        empty = sum(1 for r in wrappers if not r.all("CPPreviewDate"))
        plans.append(
            (plan.date("CPPstartDate", required=True), plan.date("CPPendDate"), dates, empty)
        )
    court = [p.date("CourtAppDate") for p in ep.blocks("PreProceedingsandFGDM")]
    offers = [p.flag("FGDMMeetingOffer") for p in ep.blocks("PreProceedingsandFGDM")]

    out.closure = closure
    if closure is not None:
        extra = {"reason": closure_reason} if closure_reason else {}
        events.append(_event("case_closed", closure, **extra))
        if closure < referral:
            notes.append(
                _note(
                    "referral-after-closure",
                    f"closure {closure} is before the referral {referral} (8630)",
                )
            )
    plan_starts = {start for start, *_ in plans}
    for start, done in assessments:
        assert start is not None
        events.append(_event("assessment_started", start, kind="single"))
        if done is not None:
            events.append(_event("assessment_completed", done, kind="single"))
            if done < start:
                notes.append(_order("assessment authorised", done, "its start", start, "8608"))
        if start < referral:
            notes.append(_order("assessment start", start, "the referral", referral, "1103"))
    if assessments and referral < SINGLE_ASSESSMENT_FROM:
        notes.append(
            _note(
                "assessment-kind-unknown",
                "referral before 2013-04-15: the census "
                "does not say whether an assessment was initial or core; mapped as "
                "single",
                "info",
            )
        )
    if sum(1 for _s, done in assessments if done is not None) > 1:
        notes.append(
            _note(
                "re-assessment",
                f"{len(assessments)} assessments in one episode: the "
                "first completed one answers the referral",
                "info",
            )
        )
    for start, end in cin_plans:
        assert start is not None
        events.append(_event("cin_plan_started", start))
        if end is not None:
            events.append(_event("cin_plan_ended", end))
            if end < start:
                notes.append(_order("CIN plan end", end, "its start", start, "CINPlanDates"))
    s47_icpcs: set[dt.date] = set()
    for index, (start, target, icpc, not_required) in enumerate(s47s, 1):
        assert start is not None
        tag = f"s47-{index}"
        events.append(_event("strategy_discussion", start, initiates_s47=True, id=tag))
        events.append(_event("s47_started", start, id=tag))
        if start < referral:
            notes.append(_order("S47 start", start, "the referral", referral, "2889"))
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
                    _note(
                        "icpc-not-required-with-icpc",
                        f"S47 of {start} says no conference was needed but records one on {icpc}",
                    )
                )
        if icpc is not None:
            s47_icpcs.add(icpc)
            outcome = "cp_plan" if icpc in plan_starts else "no_plan"
            events.append(_event("icpc", icpc, outcome=outcome, id=tag))
            if icpc < referral:
                notes.append(_order("ICPC", icpc, "the referral", referral, "1104"))
        if target is not None:
            out.targets.append(StatedTarget("icpc.hold", start, target, "InitialCPCtarget"))
    if episode_icpc is not None:
        if episode_icpc in s47_icpcs:
            notes.append(
                _note(
                    "icpc-recorded-twice",
                    f"ICPC {episode_icpc} is recorded at both "
                    "episode and S47 level (2884); counted once",
                    "info",
                )
            )
        else:
            outcome = "cp_plan" if episode_icpc in plan_starts else "no_plan"
            events.append(_event("icpc", episode_icpc, outcome=outcome))
            if not s47s:
                notes.append(
                    _note(
                        "icpc-without-s47",
                        f"ICPC {episode_icpc} has no Section47 "
                        "in the episode: no clock for icpc.hold",
                        "info",
                    )
                )
            if episode_icpc < referral:
                notes.append(_order("ICPC", episode_icpc, "the referral", referral, "1104"))
    icpcs = s47_icpcs | ({episode_icpc} if episode_icpc else set())
    for start, end, reviews, empty in plans:
        assert start is not None
        events.append(_event("cp_plan_started", start))
        if start not in icpcs:
            notes.append(
                _note(
                    "cpp-without-icpc",
                    f"plan start {start} matches no ICPC date in the episode (2885)",
                )
            )
        if start < referral:
            notes.append(_order("CP plan start", start, "the referral", referral, "1105"))
        if end is not None:
            reason = "died" if death is not None and end >= death else None
            events.append(_event("cp_plan_ended", end, **({"reason": reason} if reason else {})))
            if end < start:
                notes.append(_order("CP plan end", end, "its start", start, "8925"))
        for review in reviews:
            outcome = "end_plan" if review == end else "continue"
            events.append(_event("review_conference", review, outcome=outcome))
            if review <= start:
                notes.append(
                    _order("review", review, "the plan start", start, "8841", "on or before")
                )
        if empty:
            notes.append(
                _note(
                    "empty-reviews", f"plan of {start} has an empty Reviews element (8842Q)", "info"
                )
            )
    for day in court:
        if day is not None:
            events.append(_event("care_proceedings_application", day))
    if any(offers):
        notes.append(
            _note(
                "fgdm-offer-undated",
                "PreProceedingsandFGDM says a family group "
                "meeting was offered but gives no date: not mapped",
                "info",
            )
        )
    activity = assessments or s47s or plans or episode_icpc
    if nfa and activity:
        notes.append(
            _note(
                "nfa-with-activity",
                "ReferralNFA is true yet the episode records "
                "assessments, enquiries, conferences or plans (8831/8832)",
            )
        )
    _note_dates(out, death, ctx.reference_date)
    return out


def _order(
    what: str, day: dt.date, other: str, other_day: dt.date, rule: str, relation: str = "before"
) -> SourceNote:
    return _note("date-order", f"{what} {day} is {relation} {other} {other_day} ({rule})")


def _note_dates(out: _Episode, death: dt.date | None, reference: dt.date | None) -> None:
    days = sorted({e["date"] for e in out.events})
    if reference is not None:
        late = [d for d in days if d > reference]
        if late:
            out.notes.append(
                _note(
                    "after-reference-date",
                    f"{len(late)} date(s) after the "
                    f"census reference date {reference}: " + ", ".join(map(str, late)),
                )
            )
    if death is not None:
        after = [e for e in out.events if e["date"] > death]
        if after:
            out.notes.append(
                _note(
                    "after-death",
                    f"{len(after)} event(s) after the child's "
                    f"death on {death}: "
                    + ", ".join(f"{e['type']}@{e['date']}" for e in after[:5]),
                )
            )


def _note_overlaps(episodes: list[_Episode]) -> None:
    """Flag episodes of one child that overlap or that are open together (8815/8820)."""
    ordered = sorted(episodes, key=lambda e: e.referral)
    for earlier, later in pairwise(ordered):
        if earlier.closure is None or earlier.closure > later.referral:
            state = "still open" if earlier.closure is None else f"closed {earlier.closure}"
            later.notes.append(
                _note(
                    "overlapping-episodes",
                    f"episode of {later.referral} starts while the "
                    f"episode of {earlier.referral} is {state} (8815/8820)",
                )
            )
