"""Stable identifiers (DESIGN §7) and did-you-mean suggestions.

The same id across editions means the same duty; that is what makes edition diffs
meaningful. Ids are only ever added here, never renamed or removed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "CASE_HOLDER_STAGES",
    "OBLIGATION_IDS",
    "SIGN_OFF_IDS",
    "did_you_mean",
]

OBLIGATION_IDS: frozenset[str] = frozenset(
    {
        "referral.decision",
        "assessment.initial.complete",
        "assessment.core.complete",
        "assessment.complete",
        "child.seen",
        "icpc.hold",
        "core_group.first_meeting",
        "review_conference.first",
        "review_conference.next",
        "transfer_in_conference.hold",
        "serious_incident.notify",
        "rapid_review.complete",
        "practice_review.decide",
        "practice_review.complete",
        "practice_review.share_before_publication",
        "family_group_decision_making.offer",
        # added with the fidelity audit (shared/guidance/fidelity-audit.md §4-§5)
        "referral.acknowledge",
        "serious_incident.notify_partners",
        "looked_after_child_death.notify",
        "rapid_review.send_to_panel",
        "practice_review.publish",
        "family_group_decision_making.offer_in_letter",
        "family_group_decision_making.meeting",
    }
)

SIGN_OFF_IDS: frozenset[str] = frozenset(
    {"assessment.approve", "cin_plan.approve", "lead_practitioner.allocate", "cp_plan.end"}
)

CASE_HOLDER_STAGES: tuple[str, ...] = ("early_help", "family_help", "s17", "s47", "cp_plan")


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A 'did you mean ...?' hint for a misspelt identifier, or None."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None
