"""Engine semantics added by the fidelity work (issue 12), one feature at a time.

Each feature is tested on tiny packs written in the test (see ``test_engine``) and, where
it concerns the shipped packs, on the shipped editions: pending commencement, the
late satisfier of an ``on_or_before`` window, a referral joining an earlier undecided
one, implausible dates of birth, limits counted back from an event, the lead
practitioner's agreement, and one sign-off for allocations decided together.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_engine import case, ev, evaluator, run, statuses

from _helpers import obligation, write_pack
from wtguidance._pack.lint import lint_packs
from wtguidance.calendar import WorkingCalendar
from wtguidance.editions import load_pack_dir, shipped_editions
from wtguidance.errors import CalendarError, UnknownIdError
from wtguidance.evaluation import default_calendar, evaluate

REFERRAL = {"event": "referral"}
DECIDED = {"event": "referral_decision", "where": {"response": {"in": ["assessment"]}}}
ASSESS_WHEN = {
    "any": [
        {"exists": DECIDED, "relative": "until_next_trigger"},
        {"exists": {"event": "assessment_started"}, "relative": "until_next_trigger"},
    ]
}


def assess_rule() -> dict[str, Any]:
    return obligation(
        "assess",
        REFERRAL,
        {"event": "assessment_completed"},
        id_="assessment.complete",
        timescale={"working_days": 45},
        when=ASSESS_WHEN,
    )


def codes(outcome: Any) -> list[str]:
    return sorted(f.code for f in outcome.findings)


# --- a referral while an earlier one is undecided ---------------------------------------------


@pytest.mark.parametrize(
    ("events", "expected_clocks", "joined"),
    [
        # the second referral arrives before the first is decided: one clock, from the first
        (
            [
                ev("referral", "2024-01-05"),
                ev("referral", "2024-01-08"),
                ev("referral_decision", "2024-01-09", response="assessment"),
            ],
            ["2024-01-05"],
            1,
        ),
        # three referrals, all before the decision: still one clock, two joined
        (
            [
                ev("referral", "2024-01-05"),
                ev("referral", "2024-01-08"),
                ev("referral", "2024-01-10"),
                ev("referral_decision", "2024-01-11", response="assessment"),
            ],
            ["2024-01-05"],
            2,
        ),
        # the first was decided (no further action) before the second: nothing joined
        (
            [
                ev("referral", "2024-01-05"),
                ev("referral_decision", "2024-01-05", response="no_further_action"),
                ev("referral", "2024-01-08"),
                ev("referral_decision", "2024-01-09", response="assessment"),
            ],
            ["2024-01-08"],
            0,
        ),
        # decided by starting an assessment (no decision recorded): nothing joined
        (
            [
                ev("referral", "2024-01-05"),
                ev("assessment_started", "2024-01-05", kind="single"),
                ev("referral", "2024-02-01"),
                ev("assessment_started", "2024-02-02", kind="single"),
            ],
            ["2024-01-05", "2024-02-01"],
            0,
        ),
        # never decided at all: no clock, nothing joined
        ([ev("referral", "2024-01-05"), ev("referral", "2024-01-08")], [], 0),
    ],
)
def test_a_referral_joins_an_earlier_undecided_one(
    tmp_path: Path, events: list[dict[str, Any]], expected_clocks: list[str], joined: int
) -> None:
    outcome = run(tmp_path, [assess_rule()], events, as_of="2024-06-01")
    assert [o.clock.date.isoformat() for o in outcome.obligations] == expected_clocks
    assert codes(outcome).count("joined-episode") == joined


def test_the_first_referrals_45_days_stand_and_a_late_assessment_is_late(tmp_path: Path) -> None:
    events = [
        ev("referral", "2024-01-05"),
        ev("referral", "2024-01-08"),
        ev("referral_decision", "2024-01-09", response="assessment"),
        # Fri 2024-01-05 + 45 WD = Fri 2024-03-08; from the second referral it would be 03-11
        ev("assessment_completed", "2024-03-11", kind="single"),
    ]
    outcome = run(tmp_path, [assess_rule()], events, as_of="2024-06-01")
    ((clock, status, done),) = statuses(outcome)
    assert (clock, status, done) == ("2024-01-05", "met_late", "2024-03-11")
    assert outcome.obligations[0].due == dt.date(2024, 3, 8)


def test_joining_does_not_depend_on_event_order(tmp_path: Path) -> None:
    events = [
        ev("referral_decision", "2024-01-09", response="assessment"),
        ev("referral", "2024-01-08"),
        ev("referral", "2024-01-05"),
    ]
    forward = run(tmp_path / "a", [assess_rule()], events, as_of="2024-06-01")
    backward = run(tmp_path / "b", [assess_rule()], events[::-1], as_of="2024-06-01")
    assert forward == backward


# --- on_or_before: a satisfier after the clock is late, not missing ---------------------------


def test_an_offer_after_the_application_is_met_late(tmp_path: Path) -> None:
    rule = obligation(
        "offer",
        {"event": "care_proceedings_application"},
        {"event": "family_group_decision_making_offered", "window": "on_or_before"},
        id_="family_group_decision_making.offer",
        timescale={"working_days": 0},
    )
    events = [
        ev("care_proceedings_application", "2024-03-04"),
        ev("family_group_decision_making_offered", "2024-03-11"),
        # a second application: the offer made before it (on 03-11) meets it on time and is
        # not spent on the first application's late offer
        ev("care_proceedings_application", "2024-05-07"),
        ev("family_group_decision_making_offered", "2024-05-01"),
    ]
    outcome = run(tmp_path, [rule], events)
    assert statuses(outcome) == [
        ("2024-03-04", "met_late", "2024-03-11"),
        ("2024-05-07", "met", "2024-05-01"),
    ]


def test_an_offer_between_two_applications_answers_the_first_late(tmp_path: Path) -> None:
    """One offer answers one application: the earliest that can use it (here, late)."""
    rule = obligation(
        "offer",
        {"event": "care_proceedings_application"},
        {"event": "family_group_decision_making_offered", "window": "on_or_before"},
        id_="family_group_decision_making.offer",
        timescale={"working_days": 0},
    )
    events = [
        ev("care_proceedings_application", "2024-03-04"),
        ev("family_group_decision_making_offered", "2024-03-11"),
        ev("care_proceedings_application", "2024-03-18"),
    ]
    assert statuses(run(tmp_path, [rule], events)) == [
        ("2024-03-04", "met_late", "2024-03-11"),
        ("2024-03-18", "overdue", None),
    ]


# --- since_previous_trigger -------------------------------------------------------------------


def test_an_exception_from_an_earlier_episode_does_not_carry_over(tmp_path: Path) -> None:
    rule = obligation(
        "offer",
        {"event": "care_proceedings_application"},
        {"event": "family_group_decision_making_offered", "window": "on_or_before"},
        id_="family_group_decision_making.offer",
        timescale={"working_days": 0},
        when={
            "not": {
                "exists": {
                    "event": "family_group_decision_making_not_in_best_interests",
                    "where": {"step": "offer"},
                },
                "relative": "since_previous_trigger",
            }
        },
    )
    events = [
        ev("family_group_decision_making_not_in_best_interests", "2024-03-01", step="offer"),
        ev("care_proceedings_application", "2024-03-04"),
        ev("care_proceedings_application", "2024-09-02"),
    ]
    assert statuses(run(tmp_path, [rule], events)) == [("2024-09-02", "overdue", None)]


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


# --- dates of birth ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        ("2016-05-01", []),
        ("1990-02-01", ["implausible-date-of-birth"]),  # an adult at the referral
        ("2006-01-05", ["implausible-date-of-birth"]),  # 18 on the day of the referral
        ("2006-01-06", []),  # 18 the day after
        ("2024-06-01", []),  # a pre-birth referral: ordinary
        ("2025-12-01", ["born-after-events"]),  # long after the first event (main's check)
    ],
)
def test_implausible_dates_of_birth_are_findings(birth: str, expected: list[str]) -> None:
    record = case(
        [ev("referral", "2024-01-05"), ev("referral_acknowledged", "2024-01-05")],
        {"date_of_birth": birth},
    )
    outcome = evaluate(record, as_of=dt.date(2024, 3, 1))
    dates = ("implausible-date-of-birth", "born-after-events")
    assert [c for c in codes(outcome) if c in dates] == expected


# --- limits counted back from an event --------------------------------------------------------


@given(
    st.dates(dt.date(1995, 1, 1), dt.date(2070, 12, 31)),
    st.integers(0, 60),
)
def test_subtracting_working_days_inverts_adding_them(day: dt.date, n: int) -> None:
    calendar = default_calendar()
    back = calendar.subtract_working_days(day, n)
    if not n:
        assert back == day
        return
    working = calendar.is_working_day(day)
    assert back < day
    assert calendar.is_working_day(back)
    # n - 1 working days lie strictly between them, plus the end day if it is one
    assert calendar.working_days_between(back, day) == n - 1 + int(working)
    if working:
        assert calendar.add_working_days(back, n) == day


def test_subtracting_working_days_vectors() -> None:
    calendar = default_calendar()
    # Tue 2025-07-22 - 7: 21, 18, 17, 16, 15, 14, 11 -> Fri 2025-07-11
    assert calendar.subtract_working_days(dt.date(2025, 7, 22), 7) == dt.date(2025, 7, 11)
    # Fri 2024-01-05 - 3: 4, 3, 2 (New Year's Day skipped) -> Tue 2024-01-02
    assert calendar.subtract_working_days(dt.date(2024, 1, 5), 3) == dt.date(2024, 1, 2)
    # Mon 2024-04-01 (Easter Monday) - 1 -> Thu 2024-03-28 (Good Friday skipped)
    assert calendar.subtract_working_days(dt.date(2024, 4, 1), 1) == dt.date(2024, 3, 28)
    assert calendar.subtract_working_days(dt.date(2024, 4, 1), 0) == dt.date(2024, 4, 1)
    with pytest.raises(CalendarError):
        calendar.subtract_working_days(dt.date(2024, 4, 1), -1)
    with pytest.raises(CalendarError):
        WorkingCalendar().subtract_working_days(dt.date(1990, 1, 2), 5)


@pytest.mark.parametrize(
    ("shared", "expected"),
    [
        ("2025-07-11", ("met", "2025-07-11")),  # exactly 7 working days before
        ("2025-07-14", ("met_late", "2025-07-14")),  # 6 working days before
        ("2025-07-25", ("met_late", "2025-07-25")),  # after publication
        (None, ("overdue", None)),
    ],
)
def test_a_copy_due_seven_working_days_before_publication(
    shared: str | None, expected: tuple[str, str | None]
) -> None:
    events = [ev("practice_review_decision", "2025-01-20", decision="local_review")]
    events.append(ev("practice_review_published", "2025-07-22"))
    if shared:
        events.append(ev("practice_review_shared", shared))
    outcome = evaluate(case(events), as_of=dt.date(2025, 9, 1))
    (share,) = [
        o for o in outcome.obligations if o.id == "practice_review.share_before_publication"
    ]
    assert share.due == dt.date(2025, 7, 11)
    assert share.timescale is not None
    assert share.timescale.model_dump() == {"working_days_before": 7}
    assert (share.status, share.satisfied_on.isoformat() if share.satisfied_on else None) == (
        expected
    )


# --- allocations: agreement, and one sign-off for several decided together --------------------

SW = {"role": "social_worker", "social_work_qualified": True}
PS = {"role": "practice_supervisor", "social_work_qualified": True}


@pytest.mark.parametrize(("agreed", "compliant"), [(True, True), (None, True), (False, False)])
def test_the_lead_practitioners_agreement_where_the_record_says(
    agreed: bool | None, compliant: bool
) -> None:
    allocation = ev("allocation", "2024-03-11", stage="s47", practitioner=SW)
    if agreed is not None:
        allocation["practitioner_agreed"] = agreed
    events = [ev("strategy_discussion", "2024-03-11", initiates_s47=True), allocation]
    outcome = evaluate(case(events), as_of=dt.date(2024, 4, 1))
    (holder,) = outcome.case_holders
    assert holder.compliant is compliant
    if not compliant:
        assert "did not agree" in holder.reason


def test_agreement_is_not_judged_before_2023() -> None:
    allocation = ev("allocation", "2019-03-11", stage="s47", practitioner=SW)
    allocation["practitioner_agreed"] = False
    events = [ev("strategy_discussion", "2019-03-11", initiates_s47=True), allocation]
    (holder,) = evaluate(case(events), as_of=dt.date(2019, 4, 1)).case_holders
    assert holder.compliant


@pytest.mark.parametrize("stage", ["s17", "s47", "cp_plan"])
def test_every_accepted_referral_allocation_needs_the_supervisors_decision(stage: str) -> None:
    events = [ev("allocation", "2024-03-11", stage=stage, practitioner=SW)]
    outcome = evaluate(case(events), as_of=dt.date(2024, 4, 1))
    assert [(s.id, s.status) for s in outcome.sign_offs] == [
        ("lead_practitioner.allocate", "missing")
    ]


def test_early_help_allocations_need_no_supervisors_decision() -> None:
    practitioner = {"role": "early_help_practitioner", "social_work_qualified": False}
    events = [ev("allocation", "2024-03-11", stage="early_help", practitioner=practitioner)]
    assert evaluate(case(events), as_of=dt.date(2024, 4, 1)).sign_offs == ()


def test_one_sign_off_gives_allocations_decided_together(tmp_path: Path) -> None:
    events = [
        ev("allocation", "2024-03-11", stage="s17", practitioner=SW),
        ev("allocation", "2024-03-11", stage="s47", practitioner=SW),
        ev("sign_off", "2024-03-11", subject="allocation", by=PS),
        ev("allocation", "2024-03-20", stage="cp_plan", practitioner=SW),
    ]
    outcome = evaluate(case(events), as_of=dt.date(2024, 4, 1))
    assert sorted((s.subject_date.isoformat(), s.status) for s in outcome.sign_offs) == [
        ("2024-03-11", "given"),
        ("2024-03-11", "given"),
        ("2024-03-20", "missing"),
    ]


# --- where a number comes from ----------------------------------------------------------------


def test_every_shipped_limit_says_where_its_number_comes_from() -> None:
    text, code = lint_packs(None)
    assert code == 0, text
    sources = {
        (r.id, r.then.timescale_source)
        for p in shipped_editions().packs
        for r in (*p.obligations, *p.dormant)
        if getattr(r.then, "timescale", None) is not None
    }
    assert ("wt2023.rapid_review.complete", "panel_guidance") in sources
    assert ("wt2023.assessment.complete", "guidance") in sources
    assert ("wt2026.family_group_decision_making.meeting", "statute") in sources
    assert not [
        rule for rule, source in sources if source == "statute" and "family_group" not in rule
    ]


def test_lint_reports_a_limit_without_a_source(tmp_path: Path) -> None:
    rule = obligation("decide", REFERRAL, {"event": "referral_decision"})
    write_pack(tmp_path / "packs" / "2023", [rule])
    text, code = lint_packs(tmp_path / "packs")
    assert code == 1
    assert "error[implicit-timescale-source]" in text
    assert "rules.yaml:" in text
    rule["then"]["obligation"]["timescale_source"] = "guidance"
    write_pack(tmp_path / "ok" / "2023", [rule])
    assert lint_packs(tmp_path / "ok")[1] == 0


def test_the_timescale_entry_carries_the_source() -> None:
    events = [ev("serious_incident_known", "2024-03-04", kind="death")]
    events.append(ev("serious_incident_notified", "2024-03-05"))
    outcome = evaluate(case(events), as_of=dt.date(2024, 4, 1))
    sources = {t.obligation: t.source for t in outcome.timescales}
    assert sources["serious_incident.notify"] == "guidance"
    assert sources["rapid_review.complete"] == "panel_guidance"
    assert sources["rapid_review.send_to_panel"] == "panel_guidance"


# --- importers: what their source cannot show is not overdue ----------------------------------


def _satisfiers() -> set[str]:
    """Every event type that can satisfy a shipped obligation."""
    return {
        r.then.satisfied_by.name
        for p in shipped_editions().packs
        for r in (*p.obligations, *p.dormant)
        if r.then.satisfied_by.kind == "event"
    }


def test_every_satisfying_event_is_produced_or_declared_absent_by_each_importer() -> None:
    """A duty only an event the source never carries could meet is not evidenced, never
    overdue (DESIGN §10): each importer's evidence must list every satisfying event it
    does not produce from its test fixtures. Adding a duty with a new event fails here
    until the importers say whether they can carry it."""
    from wtguidance.sources.annex_a import read_annex_a
    from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, read_cin_census

    root = Path(__file__).parents[1]
    census_events = {
        e.type
        for path in sorted((root / "data" / "cin").glob("*.xml"))
        for item in read_cin_census(path)
        if getattr(item, "case", None) is not None
        for e in item.case.events
    }
    annex = read_annex_a(root / "annex_a" / "Annex_A_2024_Jan.xlsx")
    annex_events = {e.type for episode in annex.episodes for e in episode.case.events}
    annex_absent = {a for episode in annex.episodes for a in episode.evidence.absent_events}
    wanted = _satisfiers()
    assert wanted - census_events - CIN_CENSUS_EVIDENCE.absent_events == set()
    assert wanted - annex_events - annex_absent == set()
