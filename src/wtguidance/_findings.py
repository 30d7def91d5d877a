"""Every finding that no rule makes, in one place.

- ``event-order``: an event whose logical predecessor is missing or dated later. Each
  entry of ``_NEEDS_BEFORE`` says: an event of this type should have at least one of those
  types on or before it. A case that starts mid-way (a transfer-in, say) can legitimately
  trip one of these, so they are warnings, never errors.
- ``event-after-as-of``: events dated after the reference date (not used).
- ``before-earliest-edition``: events older than every encoded edition (not judged).
- ``unjudged-obligation`` and ``unjudged-allocation``: what fell between two editions or
  has no rule in the governing edition — reported, never silently dropped.
- ``born-after-events`` and ``seen-after-death``: a date of birth or death that cannot be
  right for the events recorded.
- ``implausible-date-of-birth``: a referral on or after the child's 18th birthday (the
  record is about an adult, or the date of birth is wrong).

The engine itself reports ``joined-episode`` and ``not-commenced`` (see
:mod:`wtguidance._engine.context` and :mod:`wtguidance._engine.run`).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from wtguidance._engine.context import PackRun
from wtguidance._engine.obligations import eighteenth_birthday
from wtguidance._pack.compile import CompiledPack
from wtguidance.editions import Editions
from wtguidance.results import CaseHolderVerdict, Finding

__all__ = [
    "adult_at_referral_findings",
    "after_as_of_findings",
    "before_earliest_findings",
    "child_findings",
    "order_findings",
    "unjudged_allocations",
    "unjudged_obligations",
]

#: the longest a case can run before the child is born (concerns raised during pregnancy)
BEFORE_BIRTH = dt.timedelta(days=300)

_NEEDS_BEFORE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("referral_decision", ("referral",)),
    ("assessment_completed", ("assessment_started",)),
    ("s47_completed", ("s47_started",)),
    ("icpc", ("strategy_discussion", "s47_started")),
    ("cp_plan_started", ("icpc", "transfer_in_conference")),
    ("cp_plan_ended", ("cp_plan_started", "icpc", "transfer_in_conference")),
    ("core_group_meeting", ("icpc", "cp_plan_started", "transfer_in_conference")),
    ("review_conference", ("icpc", "cp_plan_started", "transfer_in_conference")),
    ("transfer_in_conference", ("transfer_in_notified",)),
    ("cin_plan_ended", ("cin_plan_started",)),
    ("serious_incident_notified", ("serious_incident_known",)),
    ("rapid_review_completed", ("serious_incident_known", "serious_incident_notified")),
    ("practice_review_decision", ("serious_incident_known", "rapid_review_completed")),
    ("practice_review_completed", ("practice_review_decision",)),
    ("referral_acknowledged", ("referral",)),
    ("serious_incident_reported_locally", ("serious_incident_known",)),
    ("looked_after_child_death_notified", ("looked_after_child_death_known",)),
    ("rapid_review_sent", ("rapid_review_completed",)),
    ("practice_review_shared", ("practice_review_completed",)),
    ("practice_review_published", ("practice_review_completed",)),
    ("family_group_decision_making_accepted", ("family_group_decision_making_offered",)),
    ("family_group_decision_making_meeting", ("family_group_decision_making_offered",)),
)


#: each type's place in :data:`_NEEDS_BEFORE` (findings come in that order) and its needs
_NEEDS_INDEX = {t: (i, t, needs) for i, (t, needs) in enumerate(_NEEDS_BEFORE)}


def order_findings(facts: Mapping[tuple[str, str], Sequence[Any]]) -> list[Finding]:
    """Warnings for events whose logical predecessor is missing or later, read from the
    case's facts index (each type's facts in date order: the first is its earliest)."""
    earliest = {name: found[0].date for (_kind, name), found in facts.items() if found}
    index = _NEEDS_INDEX
    out_of_order = []
    for event_type, first in earliest.items():
        entry = index.get(event_type)
        if entry is None:
            continue
        for need in entry[2]:
            day = earliest.get(need)
            if day is not None and day <= first:
                break  # a predecessor came on or before it
        else:
            out_of_order.append(entry)
    findings: list[Finding] = []
    # in the table's order (a case has a few of its types, rarely out of order)
    for _, event_type, needs in sorted(out_of_order):
        first = earliest[event_type]
        later = sorted(f"{n} ({earliest[n].isoformat()})" for n in needs if n in earliest)
        detail = f"; recorded only later: {', '.join(later)}" if later else ""
        findings.append(
            Finding(
                code="event-order",
                severity="warning",
                message=f"{event_type} on {first.isoformat()} has no "
                f"{' or '.join(needs)} on or before it{detail}",
            )
        )
    return findings


def after_as_of_findings(events: Sequence[Any], day: dt.date) -> list[Finding]:
    """A warning listing the events (sorted by date) dated after ``day``: not used."""
    if not events or events[-1].date <= day:  # sorted: the usual case costs one look
        return []
    later = [e for e in events if e.date > day]
    return [
        Finding(
            code="event-after-as-of",
            severity="warning",
            message=f"{len(later)} event(s) dated after {day.isoformat()} were not "
            f"used: " + ", ".join(f"{e.type}@{e.date.isoformat()}" for e in later),
        )
    ]


def before_earliest_findings(events: Sequence[Any], editions: Editions) -> list[Finding]:
    """A warning listing the events (sorted by date) older than the earliest edition."""
    first = editions.packs[0].pack.meta.in_force_from
    if not events or events[0].date >= first:  # sorted: the usual case costs one look
        return []
    early = [e for e in events if e.date < first]
    return [
        Finding(
            code="before-earliest-edition",
            severity="warning",
            message=f"{len(early)} event(s) predate the earliest encoded edition "
            f"({editions.packs[0].edition}, in force from {first.isoformat()}) "
            "and were not judged: " + ", ".join(f"{e.type}@{e.date.isoformat()}" for e in early),
        )
    ]


def unjudged_obligations(
    runs: list[tuple[CompiledPack, PackRun]], editions: Editions
) -> list[Finding]:
    """Obligations that fall between two editions: never silently dropped.

    Each edition opens obligation instances over the whole case and keeps those whose
    anchor it governs. When two editions start the same duty's clock from different
    events (one from the referral, the next from the decision, say), a case crossing the
    changeover can leave an instance that the edition governing its anchor never judged.
    An instance counts as covered when the governing edition judged the same obligation
    at an anchor it governs, somewhere between this instance's neighbours.
    """

    memo: dict[dt.date, str | None] = {}

    def governed_by(day: dt.date) -> str | None:
        if day not in memo:
            pack = editions.in_force_on(day)
            memo[day] = pack.edition if pack is not None else None
        return memo[day]

    duties: dict[str, frozenset[str]] = {}

    def has_duty(edition: str, obligation: str) -> bool:
        if edition not in duties:
            duties[edition] = frozenset(r.output_id for r in editions.get(edition).obligations)
        return obligation in duties[edition]

    judged: dict[tuple[str, str], list[dt.date]] = {}
    for pack, run in runs:
        for obligation, anchor, _clock in run.considered:
            if governed_by(anchor) == pack.edition:
                judged.setdefault((pack.edition, obligation), []).append(anchor)
    for days in judged.values():
        days.sort()
    missing: dict[str, list[str]] = {}
    for pack, run in runs:
        by_obligation: dict[str, list[tuple[dt.date, str]]] = {}
        for obligation, anchor, fact in run.considered:
            by_obligation.setdefault(obligation, []).append((anchor, fact.label))
        for obligation, instances in by_obligation.items():
            instances.sort()
            for index, (anchor, clock) in enumerate(instances):
                governing = governed_by(anchor)
                if governing is None or governing == pack.edition:
                    continue
                if not has_duty(governing, obligation):
                    continue  # the governing edition has no such duty: nothing to judge
                low = instances[index - 1][0] if index > 0 else None
                high = instances[index + 1][0] if index + 1 < len(instances) else None
                days = judged.get((governing, obligation), [])
                first = bisect_right(days, low) if low is not None else 0
                if first < len(days) and (high is None or days[first] < high):
                    continue
                missing.setdefault(obligation, []).append(
                    f"{clock} (as {pack.edition} counts it; {governing} governs that date)"
                )
    return [
        Finding(
            code="unjudged-obligation",
            severity="warning",
            message=f"{obligation} was not judged: the editions either side of a changeover "
            f"start its clock from different events; clock {'; '.join(sorted(set(clocks)))}",
        )
        for obligation, clocks in sorted(missing.items())
    ]


def unjudged_allocations(
    events: Sequence[Any],
    verdicts_made: Sequence[CaseHolderVerdict],
    editions: Editions,
    *,
    pinned: bool,
) -> list[Finding]:
    """Allocations no edition judged (no case-holder rule for that stage): never silent."""
    first = editions.packs[0].pack.meta.in_force_from
    if pinned or events[0].date >= first:  # sorted: the usual case costs one look
        wanted = sum(1 for e in events if e.type == "allocation")
    else:
        wanted = sum(1 for e in events if e.type == "allocation" and e.date >= first)
    verdicts = sum(1 for v in verdicts_made if v.allocation is not None)
    if verdicts == wanted:  # one verdict per allocation event: every one was judged
        return []
    judged = Counter(
        (v.allocation.date, v.stage) for v in verdicts_made if v.allocation is not None
    )
    findings = []
    for event in events:
        if event.type != "allocation" or (not pinned and event.date < first):
            continue
        key = (event.date, event.stage)
        if judged[key] > 0:
            judged[key] -= 1
            continue
        findings.append(
            Finding(
                code="unjudged-allocation",
                severity="warning",
                message=f"allocation on {event.date.isoformat()} for stage {event.stage} was not "
                "judged: the governing edition has no case-holder rule for that stage",
            )
        )
    return findings


def adult_at_referral_findings(child: Any, events: Sequence[Any]) -> list[Finding]:
    """A warning when a referral comes on or after the child's 18th birthday.

    A 1990 date of birth for a 2024 referral of a "child" is a wrong date of birth or a
    record about an adult; duties owed only to children stop at 18 (DESIGN §5), so the
    date is never used silently.
    """
    birth: dt.date | None = getattr(child, "date_of_birth", None)
    if birth is None:
        return []
    adult = eighteenth_birthday(birth)
    if adult is None:
        return []
    late = sorted({e.date for e in events if e.type == "referral" and e.date >= adult})
    if not late:
        return []
    return [
        Finding(
            code="implausible-date-of-birth",
            severity="warning",
            message=f"the child (born {birth.isoformat()}) was 18 or over on "
            f"{adult.isoformat()}, before the referral(s) of "
            + ", ".join(d.isoformat() for d in late)
            + "; duties owed to children do not apply: check the date of birth",
        )
    ]


def child_findings(child: Any, events: Sequence[Any]) -> list[Finding]:
    """Warnings when the child's dates cannot be right for the events recorded.

    A pre-birth referral is ordinary, so events may precede the birth by up to
    :data:`BEFORE_BIRTH`; a birth further after the first event (a typo such as 2099, or
    a sibling's date) would otherwise be used silently.
    """
    findings: list[Finding] = []
    born = getattr(child, "date_of_birth", None)
    if born is not None and events:
        first = min(events, key=lambda event: event.date)
        if born - first.date > BEFORE_BIRTH:
            findings.append(
                Finding(
                    code="born-after-events",
                    severity="warning",
                    message=f"date_of_birth {born.isoformat()} is more than {BEFORE_BIRTH.days} "
                    f"days after the first event ({first.type} on {first.date.isoformat()}); "
                    "check the date of birth",
                )
            )
    died = getattr(child, "date_of_death", None)
    seen = (
        [e for e in events if e.type == "child_seen" and e.date > died] if died is not None else []
    )
    if seen and died is not None:
        findings.append(
            Finding(
                code="seen-after-death",
                severity="warning",
                message=f"the child is recorded as seen on "
                f"{', '.join(e.date.isoformat() for e in seen)}, after the date_of_death "
                f"{died.isoformat()}; check the dates",
            )
        )
    return findings


def protocol_reach_findings(edition: str, used: Sequence[str]) -> list[Finding]:
    """A finding when the local protocol's edition does not judge (all of) the case.

    The protocol tightens only its own edition; whatever another edition judges is judged
    without it. That is said, never left silent.
    """
    others = sorted(e for e in used if e != edition)
    if not others:
        return []
    judged = f"edition {' and '.join(others)} judged " + (
        "this case" if edition not in used else "part of this case"
    )
    applied = (
        "it was not applied at all"
        if edition not in used
        else f"it applied only to what edition {edition} governs"
    )
    return [
        Finding(
            code="protocol-edition-not-governing",
            severity="warning",
            message=f"the local protocol applied is written for edition {edition}, "
            f"but {judged}: {applied}; check the protocol against the edition in force",
        )
    ]
