"""The census's own data-quality rules that bear on timeliness, as findings on an episode.

Each finding names the DfE validation rule, the element and its line (docs/cin-census.md,
"DfE validation rules and timeliness"): an initial conference on a weekend (8875),
overlapping or duplicated child protection plans (8940), activity after the episode's
closure (8565), unfinished work at closure (8867, 8868), dates before the collection year
(8620, 8696, 8715, 8736, 8740, 8930, 4013, 8545Q) and after it (8600, 8620, 8696, 8715,
8720, 8930, 4010, 4013), events after the child's death, and overlapping episodes
(8815/8820). No finding changes a date: each date is used as recorded.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import Any

from wtguidance.codes import FindingCode
from wtguidance.sources.cin_census._model import ChildContext, Dated, Episode, Plan
from wtguidance.sources.sourced import Severity, SourceNote

__all__ = [
    "before_year",
    "collection_start",
    "note",
    "note_after_closure",
    "note_after_reference",
    "note_before_year",
    "note_dates",
    "note_overlaps",
    "note_plan_overlaps",
    "note_unfinished",
    "order",
    "weekend_icpc",
]


def note(code: FindingCode, message: str, severity: Severity = "warning") -> SourceNote:
    return SourceNote(code, message, severity)


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


def weekend_icpc(icpc: Dated, meets: str, *, episode_level: bool = False) -> SourceNote:
    weekday = icpc.day.strftime("%A")
    scope = (
        "DfE rule 8875 checks the Section47 date; the same test is applied here"
        if episode_level
        else "DfE rule 8875"
    )
    return note(
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


def note_after_closure(out: Episode, closure: Dated, activity: list[tuple[Dated, str]]) -> None:
    """Activity dated after the episode's closure (DfE rule 8565), one finding each."""
    for item, rule in activity:
        if item.day > closure.day:
            which = (
                "DfE rule 8565"
                if rule == "8565"
                else "DfE rule 8565 lists the other dates; checked here too"
            )
            out.notes.append(
                note(
                    "after-closure",
                    f"{item.at()} is after the episode's closure {closure.at()} ({which}). "
                    f"Effect on timeliness: {_CLOSURE_EFFECT}",
                )
            )


def note_unfinished(
    out: Episode,
    closure: Dated,
    assessments: list[tuple[Dated | None, Dated | None]],
    s47s: list[tuple[Dated | None, dt.date | None, Dated | None, bool | None]],
) -> None:
    """A closed episode with work the census shows unfinished (DfE rules 8867, 8868)."""
    for begun, done in assessments:
        if begun is not None and done is None:
            out.notes.append(
                note(
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
                note(
                    "unfinished-at-closure",
                    f"the Section47 begun {begun.at()} has neither a DateOfInitialCPC nor "
                    f"ICPCnotRequired true, yet the episode closed {closure.at()} (DfE rule "
                    "8868). Effect on timeliness: icpc.hold is overdue when its due date fell "
                    "before the closure and ended when after",
                )
            )


def before_year(item: Dated, start: dt.date, rule: str, effect: str) -> SourceNote:
    return note(
        "outside-collection-year",
        f"{item.at()} is before the collection year, which starts {start} (DfE rule {rule}). "
        f"Effect on timeliness: the return would fail validation; the date is used as "
        f"recorded ({effect})",
    )


def note_before_year(
    out: Episode,
    closure: Dated | None,
    assessments: list[tuple[Dated | None, Dated | None]],
    s47s: list[tuple[Dated | None, dt.date | None, Dated | None, bool | None]],
    plans: list[Plan],
    cin_plans: list[tuple[Dated | None, Dated | None]],
    ctx: ChildContext,
) -> None:
    """Dates the DfE requires inside the collection year but dated before it (those after
    the reference date are ``after-reference-date``)."""
    start = collection_start(ctx.reference_date)
    if start is None:
        return
    checks: list[tuple[Dated | None, str, str]] = [
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
            out.notes.append(before_year(item, start, rule, effect))


def order(
    what: str, day: dt.date, other: str, other_day: dt.date, rule: str, relation: str = "before"
) -> SourceNote:
    return note("date-order", f"{what} {day} is {relation} {other} {other_day} ({rule})")


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


def note_after_reference(
    out: Episode, located: list[tuple[Dated, str]], reference: dt.date
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
        note(
            "after-reference-date",
            f"{len(late)} date(s) after the census reference date {reference}: "
            + "; ".join(shown)
            + ". Effect on timeliness: events after --as-of are not used (event-after-as-of), "
            "so at the reference date none of these meets or starts a duty",
        )
    )


def note_dates(out: Episode, death: dt.date | None) -> None:
    if death is not None:
        after = [e for e in out.events if e["date"] > death]
        if after:
            out.notes.append(
                note(
                    "after-death",
                    f"{len(after)} event(s) after the child's "
                    f"death on {death}: "
                    + ", ".join(f"{e['type']}@{e['date']}" for e in after[:5])
                    + _rules(after, _AFTER_DEATH_RULES),
                )
            )


def note_overlaps(episodes: list[Episode]) -> None:
    """Flag episodes of one child that overlap or that are open together (8815/8820)."""
    ordered = sorted(episodes, key=lambda e: e.referral)
    for earlier, later in pairwise(ordered):
        if earlier.closure is None or earlier.closure > later.referral:
            state = "still open" if earlier.closure is None else f"closed {earlier.closure}"
            later.notes.append(
                note(
                    "overlapping-episodes",
                    f"episode of {later.referral} starts while the "
                    f"episode of {earlier.referral} is {state} (8815/8820)",
                )
            )


def note_plan_overlaps(episodes: list[Episode], reference: dt.date | None) -> None:
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
    cover: Plan | None = None
    cover_end: dt.date | None = None  # None: open for ever
    for plan_, episode in plans:
        start = plan_.start.day
        if cover is not None and (cover_end is None or start <= cover_end):
            same = cover.start.day == start and _end(cover) == _end(plan_)
            where = (
                "" if cover.referral == plan_.referral else f" in the episode of {cover.referral}"
            )
            episode.notes.append(
                note(
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


def _end(plan_: Plan) -> dt.date | None:
    return plan_.end.day if plan_.end is not None else None


def _span(plan_: Plan) -> str:
    return f"{plan_.start.day} to {plan_.end.day if plan_.end else 'open'}"
