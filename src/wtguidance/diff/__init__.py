"""Differences between editions (``editions``) and between one case's outcomes (``outcomes``)."""

from __future__ import annotations

from wtguidance.diff.editions import (
    AddedItem,
    ChangedItem,
    EditionDiff,
    SectionDiff,
    UnchangedItem,
    diff_editions,
)
from wtguidance.diff.outcomes import (
    CaseDiff,
    CaseHolderRow,
    CaseHolderSide,
    ObligationRow,
    ObligationSide,
    SignOffRow,
    SignOffSide,
    diff_case,
)

__all__ = [
    "AddedItem",
    "CaseDiff",
    "CaseHolderRow",
    "CaseHolderSide",
    "ChangedItem",
    "EditionDiff",
    "ObligationRow",
    "ObligationSide",
    "SectionDiff",
    "SignOffRow",
    "SignOffSide",
    "UnchangedItem",
    "diff_case",
    "diff_editions",
]
