"""Commencement: ``in_force_from``, pending commencement and choosing editions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from engine_cases import (
    REFERRAL,
    case,
    codes,
    ev,
    evaluator,
    run,
    statuses,
)

from _helpers import obligation, write_pack
from wtguidance.editions import load_pack_dir, shipped_editions
from wtguidance.errors import UnknownIdError
from wtguidance.evaluation import Evaluator

# --- in_force_from ----------------------------------------------------------------------------


def test_in_force_from_gates_on_the_trigger_date(tmp_path: Path) -> None:
    rule = obligation(
        "decide", REFERRAL, {"event": "referral_decision"}, in_force_from="2024-06-01"
    )
    events = [ev("referral", "2024-05-31"), ev("referral", "2024-06-01")]
    assert [o.clock.date for o in run(tmp_path, [rule], events).obligations] == [
        dt.date(2024, 6, 1)
    ]


# --- pending commencement ---------------------------------------------------------------------


def pending_rules() -> list[dict[str, Any]]:
    guidance = obligation(
        "offer",
        {"event": "care_proceedings_application"},
        {"event": "family_group_decision_making_offered", "window": "on_or_before"},
        id_="family_group_decision_making.offer",
        timescale={"working_days": 0},
    )
    statute = obligation(
        "offer_statute",
        {"event": "care_proceedings_application"},
        {"event": "family_group_decision_making_offered", "window": "on_or_before"},
        id_="family_group_decision_making.offer",
        timescale={"working_days": 0},
        in_force_from="pending",
        overrides="wt2023.offer",
    )
    statute["provisional"] = "Awaiting commencement regulations."
    statute["then"]["obligation"]["modality"] = "must"
    return [guidance, statute]


def test_a_pending_rule_is_never_applied_but_is_reported(tmp_path: Path) -> None:
    events = [ev("care_proceedings_application", "2024-03-04")]
    outcome = run(tmp_path, pending_rules(), events)
    (only,) = outcome.obligations
    assert (only.rule, only.modality) == ("wt2023.offer", "should")
    (finding,) = outcome.findings
    assert finding.code == "not-commenced"
    assert "wt2023.offer_statute" in finding.message
    assert "wt2023.offer judges it meanwhile" in finding.message


def test_what_if_commencement_applies_the_statutory_rule_from_its_date(tmp_path: Path) -> None:
    ev_ = evaluator(tmp_path, (pending_rules(), {}))
    commenced = ev_.editions.with_commenced({"wt2023.offer_statute": dt.date(2024, 6, 1)})
    from wtguidance.evaluation import Evaluator

    what_if = Evaluator.create(commenced)
    before = what_if.evaluate(
        case([ev("care_proceedings_application", "2024-03-04")]), as_of=dt.date(2024, 12, 1)
    )
    after = what_if.evaluate(
        case([ev("care_proceedings_application", "2024-07-01")]), as_of=dt.date(2024, 12, 1)
    )
    assert [o.modality for o in before.obligations] == ["should"]
    assert [o.modality for o in after.obligations] == ["must"]
    assert codes(before) == codes(after) == []


def test_with_commenced_refuses_a_rule_that_is_not_pending() -> None:
    with pytest.raises(UnknownIdError) as caught:
        shipped_editions().with_commenced({"wt2023.referral.decision": dt.date(2024, 1, 1)})
    assert caught.value.code == "unknown-rule"
    assert "wt2026.family_group_decision_making.meeting" in (caught.value.hint or "")


def test_the_shipped_statutory_fgdm_duties_await_commencement() -> None:
    pack = shipped_editions().get("2026")
    pending = {r.id for r in pack.dormant}
    assert pending == {
        "wt2026.family_group_decision_making.offer_before_application",
        "wt2026.family_group_decision_making.offer_in_letter",
        "wt2026.family_group_decision_making.meeting",
    }
    assert not any(r.commencement_pending for r in pack.obligations)


def test_pending_requires_a_reason(tmp_path: Path) -> None:
    rule = pending_rules()[1]
    del rule["provisional"]
    rules = [pending_rules()[0], rule]
    from wtguidance.errors import PackSchemaError

    with pytest.raises(PackSchemaError) as caught:
        load_pack_dir(write_pack(tmp_path / "p", rules))
    assert "provisional" in caught.value.message


# --- editions ---------------------------------------------------------------------------------


def _two_editions(tmp_path: Path) -> Evaluator:
    def rule(edition: str) -> list[dict[str, Any]]:
        return [
            obligation(
                "decide",
                REFERRAL,
                {"event": "referral_decision"},
                timescale={"working_days": 1 if edition == "2023" else 3},
            )
        ]

    return evaluator(
        tmp_path,
        (rule("2023"), {"edition": "2023", "in_force_from": "2023-12-15"}),
        (rule("2026"), {"edition": "2026", "in_force_from": "2024-06-03"}),
    )


def test_auto_edition_follows_the_anchor_date(tmp_path: Path) -> None:
    evaluator_ = _two_editions(tmp_path)
    events = [ev("referral", "2024-05-31"), ev("referral", "2024-06-03")]
    outcome = evaluator_.evaluate(case(events), as_of=dt.date(2024, 12, 31))
    assert [(o.clock.date.isoformat(), o.edition) for o in outcome.obligations] == [
        ("2024-05-31", "2023"),
        ("2024-06-03", "2026"),  # the boundary day belongs to the newer edition
    ]
    assert outcome.editions == ("2023", "2026")
    pinned = evaluator_.evaluate(case(events), edition="2023", as_of=dt.date(2024, 12, 31))
    assert {o.edition for o in pinned.obligations} == {"2023"}
    assert len(pinned.obligations) == 2


def test_before_the_earliest_edition_is_a_finding(tmp_path: Path) -> None:
    evaluator_ = _two_editions(tmp_path)
    outcome = evaluator_.evaluate(
        case([ev("referral", "2023-12-14"), ev("referral", "2023-12-15")]),
        as_of=dt.date(2024, 1, 31),
    )
    assert [o.clock.date for o in outcome.obligations] == [dt.date(2023, 12, 15)]
    (finding,) = [f for f in outcome.findings if f.code == "before-earliest-edition"]
    assert "referral@2023-12-14" in finding.message


def test_events_after_as_of_are_a_finding_and_ignored(tmp_path: Path) -> None:
    rule = obligation(
        "decide", REFERRAL, {"event": "referral_decision"}, timescale={"working_days": 1}
    )
    events = [
        ev("referral", "2024-01-05"),
        ev("referral_decision", "2024-01-10", response="assessment"),
    ]
    outcome = run(tmp_path, [rule], events, as_of="2024-01-09")
    assert statuses(outcome) == [("2024-01-05", "overdue", None)]
    (finding,) = [f for f in outcome.findings if f.code == "event-after-as-of"]
    assert "referral_decision@2024-01-10" in finding.message
