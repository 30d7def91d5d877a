"""What Annex A can and cannot show: the event types its lists 3–7 record, those it keeps
only the latest of, and the :class:`SourceEvidence` of an episode that lacks some of them.

Where the source cannot say whether a duty was met, the episode's evidence names the event
types it lacks, so the duty is reported as not evidenced, never overdue.
"""

from __future__ import annotations

from collections.abc import Collection

from wtguidance.case.source import SourceEvidence, never_recorded

__all__ = ["ANNEX_A_SOURCE", "LATEST_ONLY", "NEVER_RECORDED", "RECORDED", "evidence_for"]

ANNEX_A_SOURCE = "Ofsted Annex A return"
"""The source's name, as it appears in "not evidenced" reasons."""

RECORDED = frozenset(
    {
        "referral",
        "assessment_started",
        "assessment_completed",
        "child_seen",
        "strategy_discussion",
        "s47_started",
        "icpc",
        "icpc_not_required",
        "cp_plan_started",
        "cp_plan_ended",
        "review_conference",
        "case_closed",
    }
)
"""The event types Annex A's lists 3–7 can give. Not among them: the referral decision
(list 3 says whether a referral led to no further action, not when it was decided),
allocations (the worker and team are named, never their role or qualification, so a
case-holder verdict is not evidenced, never guessed), sign-offs (an assessment's
authorisation is its completion; who signed is not recorded), core groups, incidents and
reviews, and the run of statutory visits a repeating local clock needs (Annex A keeps only
the last visit)."""

NEVER_RECORDED = never_recorded(RECORDED)
"""Event types no Annex A list 1–7 records."""

LATEST_ONLY = frozenset({"review_conference"})
"""Event types of which Annex A keeps only the latest (list 7: the latest review conference)."""


def evidence_for(
    memo: dict[frozenset[str], SourceEvidence], absent: Collection[str]
) -> SourceEvidence:
    key = frozenset(absent)
    found = memo.get(key)
    if found is None:
        found = memo[key] = SourceEvidence.of(ANNEX_A_SOURCE, key, LATEST_ONLY)
    return found
