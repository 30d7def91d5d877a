"""One census ``Child`` element → one case per ``CINdetails`` episode (or a rejected entry).

The mapping is docs/cin-census.md (field by field) and shared/guidance/cin-census.md §6.
Every episode becomes a :class:`~wtguidance.sources.SourcedCase` carrying its data-quality
notes and its stated ``InitialCPCtarget`` dates, or a :class:`~wtguidance.case.Rejected`
entry naming the child, the field, the value and the line. Nothing is coerced: a value the
layout does not allow rejects the episode that holds it (for a child-level field, every
episode of that child).

Besides the mapping, this is where the census's own data-quality rules that bear on
timeliness are checked, each finding naming the DfE validation rule, the element and its
line (docs/cin-census.md, "DfE validation rules and timeliness"): an initial conference on a
weekend (8875), overlapping or duplicated child protection plans (8940), activity after the
episode's closure (8565), unfinished work at closure (8867, 8868), dates before the
collection year (8620, 8696, 8715, 8736, 8740, 8930, 4013, 8545Q) and after it (8600, 8620,
8696, 8715, 8720, 8930, 4010, 4013). Structure the layout does not allow — a ``Child``
inside a ``Child``, a ``CINdetails`` anywhere but directly in a ``Child`` — is a rejected
entry with its line, never silently dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any
from xml.etree.ElementTree import Element

from pydantic import ValidationError

from wtguidance.case.record import Case
from wtguidance.case.source import Rejected
from wtguidance.codes import FindingCode
from wtguidance.sources.cin_census._values import BadValue, Fields, Locate, local_name
from wtguidance.sources.sourced import Severity, SourcedCase, SourceNote, StatedTarget

__all__ = ["ChildContext", "collection_start", "map_child"]

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
    plans: list[_Plan] = field(default_factory=list)


def _note(code: FindingCode, message: str, severity: Severity = "warning") -> SourceNote:
    return SourceNote(code, message, severity)


def map_child(
    element: Element, ordinal: int, ctx: ChildContext, *, irregular: bool = True
) -> list[SourcedCase | Rejected]:
    """Every episode of the ``ordinal``-th ``Child`` (1-based) as a case or a rejected entry,
    in file order, with a rejected entry for each episode the layout puts out of reach.

    ``irregular=False`` says the reader saw no ``Child`` inside this one and no
    ``CINdetails`` anywhere but directly in it, so the walk looking for them is skipped.
    """
    out = _map_child(element, ordinal, ctx)
    misplaced = _misplaced(element, ctx) if irregular else []
    if not misplaced:
        return out
    if len(out) == 1 and isinstance(out[0], Rejected) and out[0].field == "Child/CINdetails":
        out = []  # its only episodes are the misplaced ones, each rejected below
    return sorted([*out, *misplaced], key=lambda item: item.line or 0)


def _map_child(element: Element, ordinal: int, ctx: ChildContext) -> list[SourcedCase | Rejected]:
    tolerated: list[SourceNote] = []
    top = Fields(element, "", ctx.locate, tolerated)
    ids = top.single_block("ChildIdentifiers") or top
    episodes = [Fields(e, "CINdetails", ctx.locate, []) for e in top.all("CINdetails")]
    line, column = ctx.locate(element)
    if not episodes:
        return [
            Rejected(
                child_id=_direct_child_id(element),
                reason=f"child #{ordinal} in the file has no CINdetails episode",
                field="Child/CINdetails",
                line=line,
                column=column,
            )
        ]
    try:
        child_id = ids.text("LAchildID")
    except BadValue as bad:
        return [_rejected(None, bad) for _ in episodes]
    if child_id is None:
        return [
            _reject_episode(
                None,
                e,
                ctx,
                f"child #{ordinal} in the file has no LAchildID",
                "ChildIdentifiers/LAchildID",
                None,
            )
            for e in episodes
        ]
    try:
        birth = ids.date("PersonBirthDate")
        expected = ids.date("ExpectedPersonBirthDate")
        death = _dated(ids, "PersonDeathDate")
    except BadValue as bad:
        return [_rejected(child_id, bad) for _ in episodes]
    if birth is not None and death is not None and death.day < birth:
        order = ids.bad(
            "PersonDeathDate", death.day.isoformat(), f"{death.day} is before the birth {birth}"
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
    start = collection_start(ctx.reference_date)
    if death is not None and start is not None and death.day < start:
        child_notes.append(_before_year(death, start, "8545Q", "clocks stop at the death"))
    disabled = any(
        (d.text or "").strip().upper() not in ("", "NONE")
        for chars in top.blocks("ChildCharacteristics")
        for block in chars.blocks("Disabilities")
        for d in block.all("Disability")
    )
    died = death.day if death is not None else None
    child = {"date_of_birth": birth, "date_of_death": died, "disabled": disabled}
    mapped: list[_Episode | Rejected] = []
    for episode in episodes:
        try:
            mapped.append(_map_episode(episode, died, ctx))
        except BadValue as bad:
            mapped.append(_rejected(child_id, bad))
    good = [m for m in mapped if isinstance(m, _Episode)]
    if good:
        good[0].notes[:0] = child_notes
        good[0].notes.extend(tolerated)
        _note_overlaps(good)
        _note_plan_overlaps(good, ctx.reference_date)
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


def _misplaced(element: Element, ctx: ChildContext) -> list[Rejected]:
    """A rejected entry for every episode the census layout puts out of reach: each
    ``CINdetails`` not directly in this ``Child`` (inside another ``CINdetails``, inside a
    block, inside a ``Child`` nested in this one) and each nested ``Child`` with no episode.

    Iterative (no recursion), linear in the size of the child however deep the nesting.
    """
    outer_line = ctx.locate(element)[0]
    outer_id = _direct_child_id(element)
    found: list[Rejected] = []
    nested: dict[int, tuple[Element, str, bool]] = {}  # id -> (Child, path, has an episode)
    # (node, its path, its depth, the nested Child it stands in, or None)
    stack: list[tuple[Element, str, int, Element | None]] = [(element, "Child", 1, None)]
    while stack:
        node, path, depth, owner = stack.pop()
        for sub in node:
            name = local_name(sub.tag)
            if not name:
                continue
            where = _path(path, name, depth + 1)
            if name == "Child":
                nested[id(sub)] = (sub, where, False)
                stack.append((sub, where, depth + 1, sub))
                continue
            if name == "CINdetails" and node is not element:
                line, column = ctx.locate(sub)
                if owner is not None:
                    child, owner_path, _ = nested[id(owner)]
                    nested[id(owner)] = (child, owner_path, True)
                    who = _direct_child_id(owner)
                    reason = (
                        f"{where} (line {line}) is an episode of a Child nested inside the "
                        f"Child of line {outer_line} ({outer_id or 'no LAchildID'}): not the "
                        "census layout, so which child it belongs to cannot be told; not "
                        "evaluated"
                    )
                else:
                    who = outer_id
                    reason = (
                        f"{where} (line {line}) stands inside another element, not directly "
                        "in a Child: not the census layout; this episode was not evaluated"
                    )
                found.append(
                    Rejected(child_id=who, reason=reason, field=where, line=line, column=column)
                )
            stack.append((sub, where, depth + 1, owner))
    for child, where, has_episode in nested.values():
        if has_episode:
            continue
        line, column = ctx.locate(child)
        found.append(
            Rejected(
                child_id=_direct_child_id(child),
                reason=f"{where} (line {line}) is a Child nested inside the Child of line "
                f"{outer_line} ({outer_id or 'no LAchildID'}) with no episode of its own: "
                "not the census layout; not evaluated",
                field=where,
                line=line,
                column=column,
            )
        )
    return sorted(found, key=lambda r: (r.line or 0, r.column or 0))


_PATH_DEPTH = 6


def _path(parent: str, name: str, depth: int) -> str:
    """``parent/name``, shortened past a few levels so deep nesting costs linear space."""
    if depth <= _PATH_DEPTH:
        return f"{parent}/{name}"
    return f"Child/…({depth - 2} levels)…/{name}"


def _direct_child_id(element: Element) -> str | None:
    """``ChildIdentifiers/LAchildID`` (or a bare ``LAchildID``) directly in ``element``."""
    for sub in element:
        name = local_name(sub.tag)
        if name == "LAchildID":
            return (sub.text or "").strip() or None
        if name == "ChildIdentifiers":
            for item in sub:
                if local_name(item.tag) == "LAchildID":
                    return (item.text or "").strip() or None
    return None


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


@dataclass(frozen=True)
class _Dated:
    """A census date with where it stood: element path and line."""

    day: dt.date
    path: str
    line: int | None

    def at(self) -> str:
        return f"{self.path} {self.day} (line {self.line or '?'})"


@dataclass(frozen=True)
class _Plan:
    start: _Dated
    end: _Dated | None
    reviews: list[_Dated]
    empty: int
    referral: dt.date
    line: int | None


def _dated(fields: Fields, name: str, *, required: bool = False) -> _Dated | None:
    day = fields.date(name, required=required)
    return None if day is None else _Dated(day, fields.name(name), fields.line(name))


def _reviews(plan: Fields) -> list[_Dated]:
    found = []
    for wrapper in plan.blocks("Reviews"):
        for element in wrapper.all("CPPreviewDate"):
            value = (element.text or "").strip()
            if value:
                day = wrapper.parse_date("CPPreviewDate", value, element)
                line = wrapper.locate(element)[0]
                found.append(_Dated(day, wrapper.name("CPPreviewDate"), line))
    return found


def collection_start(reference: dt.date | None) -> dt.date | None:
    """The first day of the collection year ending on ``reference``: the reference date
    less one year, plus one day (2023-04-01 for 2024-03-31), as the DfE validator counts it."""
    if reference is None:
        return None
    try:
        year_before = reference.replace(year=reference.year - 1)
    except ValueError:  # 29 February
        year_before = reference.replace(year=reference.year - 1, day=28)
    return year_before + dt.timedelta(days=1)


def _map_episode(ep: Fields, death: dt.date | None, ctx: ChildContext) -> _Episode:
    referral = ep.date("CINreferralDate", required=True)
    assert referral is not None  # required
    line, _column = ctx.locate(ep.element)
    out = _Episode(referral, line)
    notes = out.notes
    events = out.events
    events.append(_event("referral", referral))
    closure = _dated(ep, "CINclosureDate")
    closure_reason = ep.text("ReasonForClosure")
    nfa = ep.flag("ReferralNFA")
    episode_icpc = _dated(ep, "DateOfInitialCPC")
    assessments = [
        (
            _dated(a, "AssessmentActualStartDate", required=True),
            _dated(a, "AssessmentAuthorisationDate"),
        )
        for a in ep.blocks("Assessments")
    ]
    cin_plans = [
        (_dated(p, "CINPlanStartDate", required=True), _dated(p, "CINPlanEndDate"))
        for p in ep.blocks("CINPlanDates")
    ]
    s47s = [
        (
            _dated(s, "S47ActualStartDate", required=True),
            s.date("InitialCPCtarget"),
            _dated(s, "DateOfInitialCPC"),
            s.flag("ICPCnotRequired"),
        )
        for s in ep.blocks("Section47")
    ]
    plans: list[_Plan] = []
    for plan in ep.blocks("ChildProtectionPlans"):
        wrappers = plan.blocks("Reviews")
        empty = sum(1 for r in wrappers if not r.all("CPPreviewDate"))
        plan_start = _dated(plan, "CPPstartDate", required=True)
        assert plan_start is not None
        plans.append(
            _Plan(
                plan_start,
                _dated(plan, "CPPendDate"),
                _reviews(plan),
                empty,
                referral,
                ctx.locate(plan.element)[0],
            )
        )
    court = [_dated(p, "CourtAppDate") for p in ep.blocks("PreProceedingsandFGDM")]
    offers = [p.flag("FGDMMeetingOffer") for p in ep.blocks("PreProceedingsandFGDM")]
    out.plans = plans
    #: dated activity, for the closure (8565) and collection-year checks
    activity: list[tuple[_Dated, str]] = []

    out.closure = closure.day if closure is not None else None
    if closure is not None:
        extra = {"reason": closure_reason} if closure_reason else {}
        events.append(_event("case_closed", closure.day, **extra))
        if closure.day < referral:
            notes.append(
                _note(
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
                notes.append(_order("assessment authorised", done.day, "its start", start, "8608"))
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
    for begun, ended in cin_plans:
        assert begun is not None
        events.append(_event("cin_plan_started", begun.day))
        activity.append((begun, "8565"))
        if ended is not None:
            events.append(_event("cin_plan_ended", ended.day))
            activity.append((ended, "8565"))
            if ended.day < begun.day:
                notes.append(
                    _order("CIN plan end", ended.day, "its start", begun.day, "CINPlanDates")
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
                notes.append(_order("ICPC", icpc.day, "the referral", referral, "1104"))
            if icpc.day < start:
                notes.append(_order("ICPC", icpc.day, "its S47 start", start, "8615"))
            if icpc.day.weekday() >= 5:
                meets = (
                    f"no icpc.hold (ICPCnotRequired withdraws the one of the enquiry begun {start})"
                    if not_required
                    else f"icpc.hold for the enquiry begun {start}"
                )
                notes.append(_weekend_icpc(icpc, meets))
        if target is not None:
            out.targets.append(StatedTarget("icpc.hold", start, target, "InitialCPCtarget"))
    if episode_icpc is not None:
        day = episode_icpc.day
        activity.append((episode_icpc, "8565"))
        if day in s47_icpcs:
            notes.append(
                _note(
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
                    _note(
                        "icpc-without-s47",
                        f"ICPC {day} has no Section47 in the episode: no clock for icpc.hold",
                        "info",
                    )
                )
            if day < referral:
                notes.append(_order("ICPC", day, "the referral", referral, "1104"))
            if day.weekday() >= 5:
                meets = "any icpc.hold it meets" if s47s else "no icpc.hold (no Section47)"
                notes.append(_weekend_icpc(episode_icpc, meets, episode_level=True))
    icpcs = s47_icpcs | ({episode_icpc.day} if episode_icpc else set())
    for plan_ in plans:
        start = plan_.start.day
        end = plan_.end
        events.append(_event("cp_plan_started", start))
        activity.append((plan_.start, "beyond 8565's list"))
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
            reason = "died" if death is not None and end.day >= death else None
            events.append(
                _event("cp_plan_ended", end.day, **({"reason": reason} if reason else {}))
            )
            activity.append((end, "8565"))
            if end.day < start:
                notes.append(_order("CP plan end", end.day, "its start", start, "8925"))
        for review in plan_.reviews:
            outcome = "end_plan" if end is not None and review.day == end.day else "continue"
            events.append(_event("review_conference", review.day, outcome=outcome))
            activity.append((review, "beyond 8565's list"))
            if review.day <= start:
                notes.append(
                    _order("review", review.day, "the plan start", start, "8841", "on or before")
                )
        if plan_.empty:
            notes.append(
                _note(
                    "empty-reviews", f"plan of {start} has an empty Reviews element (8842Q)", "info"
                )
            )
    for court_day in court:
        if court_day is not None:
            events.append(_event("care_proceedings_application", court_day.day))
    if any(offers):
        notes.append(
            _note(
                "fgdm-offer-undated",
                "PreProceedingsandFGDM says a family group "
                "meeting was offered but gives no date: not mapped",
                "info",
            )
        )
    if nfa and (assessments or s47s or plans or episode_icpc):
        rules = "8831/8832" if s47s or plans else "8831"
        notes.append(
            _note(
                "nfa-with-activity",
                "ReferralNFA is true yet the episode records "
                f"assessments, enquiries, conferences or plans ({rules})",
            )
        )
    if closure is not None:
        _note_after_closure(out, closure, activity)
        _note_unfinished(out, closure, assessments, s47s)
    _note_before_year(out, closure, assessments, s47s, plans, cin_plans, ctx)
    if ctx.reference_date is not None:
        located = [(_Dated(referral, ep.name("CINreferralDate"), ep.line("CINreferralDate")), "")]
        located += [(closure, "")] if closure is not None else []
        located += activity + [(d, "") for d in court if d is not None]
        _note_after_reference(out, located, ctx.reference_date)
    _note_dates(out, death)
    notes.extend(ep.notes)
    return out


def _weekend_icpc(icpc: _Dated, meets: str, *, episode_level: bool = False) -> SourceNote:
    weekday = icpc.day.strftime("%A")
    scope = (
        "DfE rule 8875 checks the Section47 date; the same test is applied here"
        if episode_level
        else "DfE rule 8875"
    )
    return _note(
        "icpc-on-weekend",
        f"{icpc.at()} is a {weekday}: an initial child protection conference is not "
        f"held at a weekend ({scope}). Effect on timeliness: {meets} is judged against "
        "this date, so that verdict, and the review and core group clocks that start "
        "from the conference, rest on an implausible date",
    )


_CLOSURE_EFFECT = (
    "the event is used as recorded: a duty it meets counts as met (or met late) and a clock "
    "it starts runs on although the case was closed"
)


def _note_after_closure(out: _Episode, closure: _Dated, activity: list[tuple[_Dated, str]]) -> None:
    """Activity dated after the episode's closure (DfE rule 8565), one finding each."""
    for item, rule in activity:
        if item.day > closure.day:
            which = (
                "DfE rule 8565"
                if rule == "8565"
                else "DfE rule 8565 lists the other dates; checked here too"
            )
            out.notes.append(
                _note(
                    "after-closure",
                    f"{item.at()} is after the episode's closure {closure.at()} ({which}). "
                    f"Effect on timeliness: {_CLOSURE_EFFECT}",
                )
            )


def _note_unfinished(
    out: _Episode,
    closure: _Dated,
    assessments: list[tuple[_Dated | None, _Dated | None]],
    s47s: list[tuple[_Dated | None, dt.date | None, _Dated | None, bool | None]],
) -> None:
    """A closed episode with work the census shows unfinished (DfE rules 8867, 8868)."""
    for begun, done in assessments:
        if begun is not None and done is None:
            out.notes.append(
                _note(
                    "unfinished-at-closure",
                    f"the assessment started {begun.at()} has no authorisation date, yet the "
                    f"episode closed {closure.at()} (DfE rule 8867). Effect on timeliness: "
                    "assessment.complete is overdue when its due date fell before the "
                    "closure and ended when after; the census cannot say it was completed",
                )
            )
    for begun, _target, icpc, not_required in s47s:
        if begun is not None and icpc is None and not not_required:
            out.notes.append(
                _note(
                    "unfinished-at-closure",
                    f"the Section47 begun {begun.at()} has neither a DateOfInitialCPC nor "
                    f"ICPCnotRequired true, yet the episode closed {closure.at()} (DfE rule "
                    "8868). Effect on timeliness: icpc.hold is overdue when its due date fell "
                    "before the closure and ended when after",
                )
            )


def _before_year(item: _Dated, start: dt.date, rule: str, effect: str) -> SourceNote:
    return _note(
        "outside-collection-year",
        f"{item.at()} is before the collection year, which starts {start} (DfE rule {rule}). "
        f"Effect on timeliness: the return would fail validation; the date is used as "
        f"recorded ({effect})",
    )


def _note_before_year(
    out: _Episode,
    closure: _Dated | None,
    assessments: list[tuple[_Dated | None, _Dated | None]],
    s47s: list[tuple[_Dated | None, dt.date | None, _Dated | None, bool | None]],
    plans: list[_Plan],
    cin_plans: list[tuple[_Dated | None, _Dated | None]],
    ctx: ChildContext,
) -> None:
    """Dates the DfE requires inside the collection year but dated before it (those after
    the reference date are ``after-reference-date``)."""
    start = collection_start(ctx.reference_date)
    if start is None:
        return
    checks: list[tuple[_Dated | None, str, str]] = [
        (closure, "8620", "the episode's clocks stop at that closure")
    ]
    for begun, done in assessments:
        checks.append((done, "8696", "it can meet assessment.complete"))
        if done is None:
            checks.append((begun, "8736", "the open assessment counts as started then"))
    for begun, _target, icpc, not_required in s47s:
        # 8715 checks the Section47 date only, as here
        checks.append((icpc, "8715", "it can meet icpc.hold and start review clocks"))
        if icpc is None and not not_required:
            checks.append((begun, "8740", "icpc.hold runs from it, unmet"))
    for plan_ in plans:
        checks.append((plan_.end, "8930", "the plan's review clocks stop then"))
    for _begun, ended in cin_plans:
        checks.append((ended, "4013", "a fact only; no timescale runs from it"))
    for item, rule, effect in checks:
        if item is not None and item.day < start:
            out.notes.append(_before_year(item, start, rule, effect))


def _order(
    what: str, day: dt.date, other: str, other_day: dt.date, rule: str, relation: str = "before"
) -> SourceNote:
    return _note("date-order", f"{what} {day} is {relation} {other} {other_day} ({rule})")


#: the DfE rule each event type breaks when dated after the child's death
_AFTER_DEATH_RULES = {
    "referral": "8555Q",
    "cp_plan_started": "8915",
    "cp_plan_ended": "8920",
    "cin_plan_started": "4008",
    "cin_plan_ended": "4009Q",
}


def _rules(events: list[dict[str, Any]], rules: dict[str, str]) -> str:
    named = sorted({rules[e["type"]] for e in events if e["type"] in rules})
    return f" (DfE rules {', '.join(named)})" if named else ""


#: the DfE rule each census element breaks when dated after the reference date
_AFTER_REFERENCE_BY_ELEMENT = {
    "CINdetails/CINreferralDate": "8600",
    "CINdetails/CINclosureDate": "8620",
    "CINdetails/Assessments/AssessmentAuthorisationDate": "8696",
    "CINdetails/Section47/DateOfInitialCPC": "8715",
    "CINdetails/ChildProtectionPlans/CPPstartDate": "8720",
    "CINdetails/ChildProtectionPlans/CPPendDate": "8930",
    "CINdetails/CINPlanDates/CINPlanStartDate": "4010",
    "CINdetails/CINPlanDates/CINPlanEndDate": "4013",
}


def _note_after_reference(
    out: _Episode, located: list[tuple[_Dated, str]], reference: dt.date
) -> None:
    """One finding per episode listing every date after the census reference date, each with
    its element, line and the DfE rule it breaks (where one does)."""
    late = sorted(
        {item for item, _rule in located if item.day > reference},
        key=lambda i: (i.day, i.line or 0, i.path),
    )
    if not late:
        return
    shown = []
    for item in late:
        rule = _AFTER_REFERENCE_BY_ELEMENT.get(item.path)
        where = f"line {item.line or '?'}" + (f", DfE rule {rule}" if rule else "")
        shown.append(f"{item.path} {item.day} ({where})")
    out.notes.append(
        _note(
            "after-reference-date",
            f"{len(late)} date(s) after the census reference date {reference}: "
            + "; ".join(shown)
            + ". Effect on timeliness: events after --as-of are not used (event-after-as-of), "
            "so at the reference date none of these meets or starts a duty",
        )
    )


def _note_dates(out: _Episode, death: dt.date | None) -> None:
    if death is not None:
        after = [e for e in out.events if e["date"] > death]
        if after:
            out.notes.append(
                _note(
                    "after-death",
                    f"{len(after)} event(s) after the child's "
                    f"death on {death}: "
                    + ", ".join(f"{e['type']}@{e['date']}" for e in after[:5])
                    + _rules(after, _AFTER_DEATH_RULES),
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


def _note_plan_overlaps(episodes: list[_Episode], reference: dt.date | None) -> None:
    """Child protection plans of one child that start within another (DfE rule 8940).

    As the validator reads it: a plan overlaps when it starts on or after another plan's
    start and on or before that plan's end (its reference date, or for ever, when the plan is
    open). One finding per plan that starts inside an earlier one (a sweep over the plans in
    start order, so the cost stays n log n however many plans a child has).
    """
    plans = sorted(
        ((p, e) for e in episodes for p in e.plans),
        key=lambda pe: (pe[0].start.day, pe[0].line or 0),
    )
    cover: _Plan | None = None
    cover_end: dt.date | None = None  # None: open for ever
    for plan_, episode in plans:
        start = plan_.start.day
        if cover is not None and (cover_end is None or start <= cover_end):
            same = cover.start.day == start and _end(cover) == _end(plan_)
            where = (
                "" if cover.referral == plan_.referral else f" in the episode of {cover.referral}"
            )
            episode.notes.append(
                _note(
                    "overlapping-cp-plans",
                    f"the ChildProtectionPlans of line {plan_.line or '?'} "
                    f"({_span(plan_)}) {'duplicates' if same else 'starts within'} the plan of "
                    f"line {cover.line or '?'} ({_span(cover)}){where} (DfE rule 8940). "
                    "Effect on timeliness: both plans are read; their reviews are pooled in the "
                    "episode, so the same weeks are counted twice and one plan's review can "
                    "meet the other's duty",
                )
            )
        end = _end(plan_) or reference
        if cover is None or (cover_end is not None and (end is None or end > cover_end)):
            cover, cover_end = plan_, end


def _end(plan_: _Plan) -> dt.date | None:
    return plan_.end.day if plan_.end is not None else None


def _span(plan_: _Plan) -> str:
    return f"{plan_.start.day} to {plan_.end.day if plan_.end else 'open'}"
