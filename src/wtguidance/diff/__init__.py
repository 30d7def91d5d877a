"""Differences between editions (``editions``), one case's outcomes (``outcomes``) and a
whole caseload's (``caseload``)."""

from __future__ import annotations

from wtguidance.diff.caseload import (
    CaseloadDiff,
    InstanceChange,
    ItemChanges,
    OverdueChange,
    diff_caseload,
    diff_caseload_file,
)
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
    diff_outcomes,
)

__all__ = [
    "AddedItem",
    "CaseDiff",
    "CaseHolderRow",
    "CaseHolderSide",
    "CaseloadDiff",
    "ChangedItem",
    "EditionDiff",
    "InstanceChange",
    "ItemChanges",
    "ObligationRow",
    "ObligationSide",
    "OverdueChange",
    "SectionDiff",
    "SignOffRow",
    "SignOffSide",
    "UnchangedItem",
    "diff_case",
    "diff_caseload",
    "diff_caseload_file",
    "diff_editions",
    "diff_outcomes",
]
