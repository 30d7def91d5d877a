"""Obligations: repeats, satisfaction windows, withdrawal and ending, a referral joining an
undecided one, late satisfiers, clocks from the previous trigger, limits counted back, dates
of birth, and where a limit's number comes from.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from engine_cases import (
    REFERRAL,
    SD,
    assess_rule,
    case,
    codes,
    ev,
    run,
    statuses,
)
from hypothesis import given
from hypothesis import strategies as st

from _helpers import obligation, write_pack
from wtguidance._pack.lint import lint_packs
from wtguidance._render.lint import lint_text
from wtguidance.calendar import WorkingCalendar
from wtguidance.editions import shipped_editions
from wtguidance.errors import CalendarError
from wtguidance.evaluation import default_calendar, evaluate

# --- on_repeat --------------------------------------------------------------------------------

TWO_DISCUSSIONS = [
    ev("strategy_discussion", "2024-03-04", initiates_s47=True),
    ev("strategy_discussion", "2024-03-11", initiates_s47=True),
    ev("icpc", "2024-03-20", outcome="cp_plan"),
]


@pytest.mark.parametrize(
    ("on_repeat", "expected"),
    [
        # separate: each clock needs its own satisfying event; one conference answers one
        # discussion (the earliest), so the second discussion's conference is still owed
        ("separate", [("2024-03-04", "met", "2024-03-20"), ("2024-03-11", "overdue", None)]),
        ("keep_first", [("2024-03-04", "met", "2024-03-20")]),
        ("restart", [("2024-03-11", "met", "2024-03-20")]),
    ],
)
def test_on_repeat(tmp_path: Path, on_repeat: str, expected: list[tuple[str, str, str]]) -> None:
    rule = obligation(
        "icpc",
        SD,
        {"event": "icpc"},
        id_="icpc.hold",
        timescale={"working_days": 15},
        on_repeat=on_repeat,
    )
    assert statuses(run(tmp_path, [rule], TWO_DISCUSSIONS)) == expected


def test_one_satisfying_event_answers_one_clock_only(tmp_path: Path) -> None:
    rule = obligation(
        "notify",
        {"event": "serious_incident_known"},
        {"event": "serious_incident_notified"},
        id_="serious_incident.notify",
        timescale={"working_days": 5},
    )
    events = [
        ev("serious_incident_known", "2024-01-15", kind="death"),
        ev("serious_incident_known", "2024-01-16", kind="serious_harm"),
        ev("serious_incident_notified", "2024-01-17"),
        ev("serious_incident_notified", "2024-01-30"),
    ]
    assert statuses(run(tmp_path, [rule], events)) == [
        ("2024-01-15", "met", "2024-01-17"),
        ("2024-01-16", "met_late", "2024-01-30"),
    ]


def test_a_withdrawn_clock_does_not_take_a_later_satisfier(tmp_path: Path) -> None:
    rule = obligation(
        "icpc",
        SD,
        {"event": "icpc"},
        id_="icpc.hold",
        timescale={"working_days": 15},
        on_repeat="keep_first",
        withdrawn_by=[{"event": "s47_completed", "where": {"outcome": "not_substantiated"}}],
    )
    events = [
        ev("strategy_discussion", "2024-02-05", initiates_s47=True),
        ev("s47_completed", "2024-02-20", outcome="not_substantiated"),
        ev("strategy_discussion", "2024-09-02", initiates_s47=True),
        ev("icpc", "2024-09-20", outcome="cp_plan"),
    ]
    assert statuses(run(tmp_path, [rule], events)) == [("2024-09-02", "met", "2024-09-20")]


def test_keep_first_starts_a_new_clock_once_the_first_is_met(tmp_path: Path) -> None:
    rule = obligation(
        "icpc",
        SD,
        {"event": "icpc"},
        id_="icpc.hold",
        on_repeat="keep_first",
        timescale={"working_days": 15},
    )
    events = [*TWO_DISCUSSIONS, ev("strategy_discussion", "2024-05-01", initiates_s47=True)]
    assert statuses(run(tmp_path, [rule], events)) == [
        ("2024-03-04", "met", "2024-03-20"),
        ("2024-05-01", "overdue", None),
    ]


# --- satisfaction windows ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "decided", "expected"),
    [
        ("on_or_after", "2024-01-05", ("met", "2024-01-05")),
        ("on_or_after", "2024-01-04", ("overdue", None)),
        ("after", "2024-01-05", ("overdue", None)),
        ("after", "2024-01-08", ("met", "2024-01-08")),
        ("on_or_before", "2024-01-05", ("met", "2024-01-05")),
        ("on_or_before", "2024-01-04", ("met", "2024-01-04")),
        # nothing on or before the clock: the first one after it answers, judged by the due
        # date (fidelity: an offer after the application is met_late, not overdue)
        ("on_or_before", "2024-01-08", ("met", "2024-01-08")),
        ("on_or_before", "2024-01-09", ("met_late", "2024-01-09")),
    ],
)
def test_window(tmp_path: Path, window: str, decided: str, expected: tuple[str, Any]) -> None:
    rule = obligation(
        "decide",
        REFERRAL,
        {"event": "referral_decision", "window": window},
        timescale={"working_days": 1},
    )
    events = [ev("referral", "2024-01-05"), ev("referral_decision", decided, response="assessment")]
    ((_, *got),) = statuses(run(tmp_path, [rule], events))
    assert tuple(got) == expected


def test_due_and_pending_and_met_late(tmp_path: Path) -> None:
    rule = obligation(
        "decide", REFERRAL, {"event": "referral_decision"}, timescale={"working_days": 1}
    )
    referral = [ev("referral", "2024-01-05")]
    (pending,) = run(tmp_path / "a", [rule], referral, as_of="2024-01-08").obligations
    assert (pending.due, pending.status) == (dt.date(2024, 1, 8), "pending")
    late = [*referral, ev("referral_decision", "2024-01-09", response="assessment")]
    (item,) = run(tmp_path / "b", [rule], late).obligations
    assert (item.status, item.satisfied_on) == ("met_late", dt.date(2024, 1, 9))


def test_no_timescale_is_unscheduled(tmp_path: Path) -> None:
    rule = obligation("seen", REFERRAL, {"event": "child_seen"}, id_="child.seen")
    rule["then"]["obligation"]["timescale"] = None
    (item,) = run(tmp_path, [rule], [ev("referral", "2024-01-05")]).obligations
    assert (item.status, item.due) == ("unscheduled", None)


# --- withdrawn_by vs ended_by -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "ender_date", "expected"),
    [
        ("withdrawn_by", "2024-03-06", []),
        ("withdrawn_by", "2024-04-30", []),
        ("ended_by", "2024-03-06", []),
        ("ended_by", "2024-03-25", []),  # the due date itself
        ("ended_by", "2024-04-30", [("2024-03-04", "overdue", None)]),
    ],
)
def test_withdrawn_and_ended(
    tmp_path: Path, key: str, ender_date: str, expected: list[tuple[str, str, None]]
) -> None:
    rule = obligation(
        "icpc",
        SD,
        {"event": "icpc"},
        id_="icpc.hold",
        timescale={"working_days": 15},
        **{key: [{"event": "s47_completed", "where": {"outcome": "not_substantiated"}}]},
    )
    events = [
        ev("strategy_discussion", "2024-03-04", initiates_s47=True),
        ev("s47_completed", ender_date, outcome="not_substantiated"),
    ]
    assert statuses(run(tmp_path, [rule], events)) == expected


def test_withdrawal_after_the_obligation_is_met_changes_nothing(tmp_path: Path) -> None:
    rule = obligation(
        "icpc",
        SD,
        {"event": "icpc"},
        id_="icpc.hold",
        withdrawn_by=[{"event": "s47_completed"}],
    )
    events = [
        ev("strategy_discussion", "2024-03-04", initiates_s47=True),
        ev("icpc", "2024-03-06", outcome="no_plan"),
        ev("s47_completed", "2024-03-07", outcome="cin"),
    ]
    assert statuses(run(tmp_path, [rule], events)) == [("2024-03-04", "met", "2024-03-06")]


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


# --- where a number comes from ----------------------------------------------------------------


def test_every_shipped_limit_says_where_its_number_comes_from() -> None:
    report = lint_packs(None)
    assert report.exit_code == 0, report.problems
    assert report.valid
    assert all(e.valid for e in report.editions)
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
    report = lint_packs(tmp_path / "packs")
    assert report.exit_code == 1
    assert [p.code for p in report.problems] == ["implicit-timescale-source"]
    text = lint_text(report)
    assert "error[implicit-timescale-source]" in text
    assert "rules.yaml:" in text
    rule["then"]["obligation"]["timescale_source"] = "guidance"
    write_pack(tmp_path / "ok" / "2023", [rule])
    assert lint_packs(tmp_path / "ok").exit_code == 0


def test_the_timescale_entry_carries_the_source() -> None:
    events = [ev("serious_incident_known", "2024-03-04", kind="death")]
    events.append(ev("serious_incident_notified", "2024-03-05"))
    outcome = evaluate(case(events), as_of=dt.date(2024, 4, 1))
    sources = {t.obligation: t.source for t in outcome.timescales}
    assert sources["serious_incident.notify"] == "guidance"
    assert sources["rapid_review.complete"] == "panel_guidance"
    assert sources["rapid_review.send_to_panel"] == "panel_guidance"
