"""Case-level findings that do not come from a rule: events out of logical order, and dates
of the child that cannot be true of the events recorded.

Each entry of ``_NEEDS_BEFORE`` says: an event of this type should have at least one of
those types on or before it. A case that starts mid-way (a transfer-in, say) can
legitimately trip one of these, so they are warnings, never errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from wtguidance.results import Finding

__all__ = ["child_findings", "order_findings"]

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
)


def order_findings(events: Sequence[Any]) -> list[Finding]:
    """Warnings for events whose logical predecessor is missing or dated later."""
    earliest: dict[str, Any] = {}
    for event in events:
        if event.type not in earliest or event.date < earliest[event.type]:
            earliest[event.type] = event.date
    findings: list[Finding] = []
    for event_type, needs in _NEEDS_BEFORE:
        first = earliest.get(event_type)
        if first is None:
            continue
        before = [earliest[n] for n in needs if n in earliest and earliest[n] <= first]
        if before:
            continue
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


def child_findings(child: Any, events: Sequence[Any]) -> list[Finding]:
    """A warning when the date of birth cannot be right for the events recorded.

    A pre-birth referral is ordinary, so events may precede the birth by up to
    :data:`BEFORE_BIRTH`; a birth further after the first event (a typo such as 2099, or
    a sibling's date) would otherwise be used silently.
    """
    born = getattr(child, "date_of_birth", None)
    if born is None or not events:
        return []
    first = min(events, key=lambda event: event.date)
    if born - first.date <= BEFORE_BIRTH:
        return []
    return [
        Finding(
            code="born-after-events",
            severity="warning",
            message=f"date_of_birth {born.isoformat()} is more than {BEFORE_BIRTH.days} days "
            f"after the first event ({first.type} on {first.date.isoformat()}); check the "
            "date of birth",
        )
    ]
