"""Case-holders: who leads each stage, and what makes a holder compliant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from engine_cases import (
    MANAGER,
    STARTED,
    UNQUALIFIED_MANAGER,
    ev,
    run,
)

# --- case-holders -----------------------------------------------------------------------------

S17_HOLDER = {
    "name": "holder",
    "match": {"fact": "stage.s17"},
    "then": {
        "case_holder": {
            "stage": "s17",
            "lead": {"roles": ["social_worker", "family_support_worker"]},
            "oversight": {
                "required": "when_lead_not_social_work_qualified",
                "roles": ["practice_supervisor"],
                "social_work_qualified": True,
            },
        }
    },
}
S17_STAGE = {
    "name": "stage",
    "match": {"event": "assessment_started"},
    "then": {"assert": {"fact": "stage.s17"}},
}


def _allocation(
    role: str, qualified: bool, supervisor: dict[str, Any] | None = None
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "stage": "s17",
        "practitioner": {"role": role, "social_work_qualified": qualified},
    }
    if supervisor is not None:
        fields["supervisor"] = supervisor
    return ev("allocation", "2024-01-09", **fields)


@pytest.mark.parametrize(
    ("allocation", "compliant", "reason"),
    [
        (_allocation("social_worker", True), True, "may lead"),
        (_allocation("family_support_worker", False), False, "none recorded"),
        (
            _allocation("family_support_worker", False, MANAGER),
            True,
            "under supervisor role practice_supervisor",
        ),
        (
            _allocation("family_support_worker", False, UNQUALIFIED_MANAGER),
            False,
            "must be social-work qualified",
        ),
        (
            _allocation(
                "family_support_worker", False, {"role": "teacher", "social_work_qualified": True}
            ),
            False,
            "cannot oversee",
        ),
        (_allocation("teacher", False, MANAGER), False, "may not lead"),
        (None, False, "no allocation is recorded"),
    ],
)
def test_case_holder_oversight(
    tmp_path: Path, allocation: dict[str, Any] | None, compliant: bool, reason: str
) -> None:
    events = [STARTED] + ([allocation] if allocation else [])
    outcome = run(tmp_path, [dict(S17_HOLDER), dict(S17_STAGE)], events, facts=("stage.s17",))
    (verdict,) = outcome.case_holders
    assert verdict.compliant is compliant
    assert reason in verdict.reason
