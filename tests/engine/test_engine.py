"""Engine semantics, one feature at a time, with tiny packs written in the test."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest

from _helpers import obligation, write_pack
from wtguidance.case import Case
from wtguidance.editions import Editions, load_pack_dir
from wtguidance.evaluation import Evaluator
from wtguidance.results import Outcome

_COUNTER = itertools.count()


def evaluator(tmp_path: Path, *packs: tuple[list[dict[str, Any]], dict[str, Any]]) -> Evaluator:
    compiled = []
    for rules, options in packs:
        root = tmp_path / f"pack-{next(_COUNTER)}"
        compiled.append(load_pack_dir(write_pack(root, rules, **options)))
    return Evaluator.create(Editions(tuple(compiled)))


def run(
    tmp_path: Path,
    rules: list[dict[str, Any]],
    events: list[dict[str, Any]],
    *,
    as_of: str = "2024-12-31",
    facts: tuple[str, ...] = (),
    child: dict[str, Any] | None = None,
) -> Outcome:
    ev = evaluator(tmp_path, (rules, {"facts": facts}))
    return ev.evaluate(case(events, child), as_of=dt.date.fromisoformat(as_of))


def case(events: list[dict[str, Any]], child: dict[str, Any] | None = None) -> Case:
    return Case.model_validate({"case_id": "t", "child": child or {}, "events": events})


def ev(event_type: str, date: str, **fields: Any) -> dict[str, Any]:
    return {"type": event_type, "date": date, **fields}


def statuses(outcome: Outcome) -> list[tuple[str, str, str | None]]:
    return [
        (o.clock.date.isoformat(), o.status, o.satisfied_on.isoformat() if o.satisfied_on else None)
        for o in outcome.obligations
    ]


# --- on_repeat --------------------------------------------------------------------------------

SD = {"event": "strategy_discussion", "where": {"initiates_s47": True}}
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

REFERRAL = {"event": "referral"}


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


# --- in_force_from ----------------------------------------------------------------------------


def test_in_force_from_gates_on_the_trigger_date(tmp_path: Path) -> None:
    rule = obligation(
        "decide", REFERRAL, {"event": "referral_decision"}, in_force_from="2024-06-01"
    )
    events = [ev("referral", "2024-05-31"), ev("referral", "2024-06-01")]
    assert [o.clock.date for o in run(tmp_path, [rule], events).obligations] == [
        dt.date(2024, 6, 1)
    ]


# --- overrides --------------------------------------------------------------------------------


def test_overrides_keeps_the_overriding_rule_whatever_the_order(tmp_path: Path) -> None:
    base = obligation("decide", REFERRAL, {"event": "referral_decision"})
    strict = obligation(
        "decide_strict",
        REFERRAL,
        {"event": "referral_decision"},
        overrides="wt2023.decide",
        timescale={"working_days": 1},
    )
    for index, rules in enumerate(([base, strict], [strict, base])):
        fresh = [dict(r) for r in rules]
        outcome = run(tmp_path / str(index), fresh, [ev("referral", "2024-01-05")])
        assert [o.rule for o in outcome.obligations] == ["wt2023.decide_strict"]
        assert outcome.obligations[0].due == dt.date(2024, 1, 8)


# --- when -------------------------------------------------------------------------------------

DECISION = {"event": "referral_decision", "where": {"response": "assessment"}}


@pytest.mark.parametrize(
    ("relative", "decision_date", "fires"),
    [
        ("any_time", "2024-01-01", True),
        ("before", "2024-01-04", True),
        ("before", "2024-01-05", False),
        ("on_or_before", "2024-01-05", True),
        ("on_or_before", "2024-01-06", False),
        ("on_or_after", "2024-01-05", True),
        ("on_or_after", "2024-01-04", False),
        ("after", "2024-01-06", True),
        ("after", "2024-01-05", False),
    ],
)
def test_exists_relative(tmp_path: Path, relative: str, decision_date: str, fires: bool) -> None:
    rule = obligation(
        "assess",
        REFERRAL,
        {"event": "assessment_completed"},
        id_="assessment.complete",
        when={"exists": DECISION, "relative": relative},
    )
    events = [
        ev("referral", "2024-01-05"),
        ev("referral_decision", decision_date, response="assessment"),
    ]
    outcome = run(tmp_path, [rule], events)
    assert [
        (o.id, o.rule, o.clock.event, o.clock.date.isoformat(), o.status)
        for o in outcome.obligations
    ] == (
        [("assessment.complete", "wt2023.assess", "referral", "2024-01-05", "overdue")]
        if fires
        else []
    )


@pytest.mark.parametrize(
    ("when", "fires"),
    [
        ({"all": [{"exists": DECISION}, {"child": {"field": "disabled", "is": True}}]}, True),
        ({"all": [{"exists": DECISION}, {"child": {"field": "disabled", "is": False}}]}, False),
        ({"any": [{"exists": {"event": "icpc"}}, {"exists": DECISION}]}, True),
        ({"any": [{"exists": {"event": "icpc"}}, {"exists": {"event": "s47_started"}}]}, False),
        ({"not": {"exists": {"event": "icpc"}}}, True),
        ({"not": {"exists": DECISION}}, False),
        ({"all": [{"not": {"any": [{"exists": {"event": "icpc"}}]}}, {"exists": DECISION}]}, True),
    ],
)
def test_when_combinators(tmp_path: Path, when: dict[str, Any], fires: bool) -> None:
    rule = obligation(
        "assess", REFERRAL, {"event": "assessment_completed"}, id_="assessment.complete", when=when
    )
    events = [
        ev("referral", "2024-01-05"),
        ev("referral_decision", "2024-01-05", response="assessment"),
    ]
    outcome = run(tmp_path, [rule], events, child={"disabled": True})
    assert [
        (o.id, o.rule, o.clock.event, o.clock.date.isoformat(), o.status)
        for o in outcome.obligations
    ] == (
        [("assessment.complete", "wt2023.assess", "referral", "2024-01-05", "overdue")]
        if fires
        else []
    )


def test_exists_does_not_match_its_own_trigger(tmp_path: Path) -> None:
    rule = obligation(
        "decide",
        REFERRAL,
        {"event": "referral_decision"},
        when={"exists": {"event": "referral"}, "relative": "any_time"},
    )
    assert run(tmp_path / "a", [rule], [ev("referral", "2024-01-05")]).obligations == ()
    two = [ev("referral", "2024-01-05"), ev("referral", "2024-02-05")]
    assert len(run(tmp_path / "b", [dict(rule)], two).obligations) == 2


# --- derived facts ----------------------------------------------------------------------------


def test_derived_fact_chain(tmp_path: Path) -> None:
    rules = [
        {"name": "stage.b", "match": {"fact": "stage.a"}, "then": {"assert": {"fact": "stage.b"}}},
        obligation("icpc", {"fact": "stage.b"}, {"event": "icpc"}, id_="icpc.hold"),
        {"name": "stage.a", "match": SD, "then": {"assert": {"fact": "stage.a"}}},
    ]
    events = [ev("strategy_discussion", "2024-03-04", initiates_s47=True)]
    outcome = run(tmp_path, rules, events, facts=("stage.a", "stage.b"), as_of="2024-03-05")
    ((clock, status, _),) = statuses(outcome)
    assert (clock, status) == ("2024-03-04", "pending")
    assert outcome.obligations[0].clock.event == "stage.b"
    fired = [t.rule for t in outcome.trace]
    assert fired.index("wt2023.stage.a") < fired.index("wt2023.stage.b")


# --- sign-offs --------------------------------------------------------------------------------

MANAGER = {"role": "practice_supervisor", "social_work_qualified": True}
UNQUALIFIED_MANAGER = {"role": "practice_supervisor", "social_work_qualified": False}
APPROVE = {
    "name": "approve",
    "match": {"event": "assessment_started", "where": {"kind": "single"}},
    "then": {
        "sign_off": {
            "id": "assessment.approve",
            "subject": "assessment",
            "done_when": {"event": "assessment_completed", "where": {"kind": "single"}},
            "required_from": {"roles": ["practice_supervisor"], "social_work_qualified": True},
        }
    },
}
STARTED = ev("assessment_started", "2024-01-08", kind="single")
DONE = ev("assessment_completed", "2024-02-01", kind="single")


@pytest.mark.parametrize(
    ("events", "status", "given_on"),
    [
        ([STARTED], "pending", None),
        ([STARTED, DONE], "missing", None),
        (
            [STARTED, DONE, ev("sign_off", "2024-02-02", subject="assessment", by=MANAGER)],
            "given",
            "2024-02-02",
        ),
        (
            [STARTED, DONE, ev("sign_off", "2024-01-31", subject="assessment", by=MANAGER)],
            "missing",
            None,
        ),
        (
            [
                STARTED,
                DONE,
                ev("sign_off", "2024-02-02", subject="assessment", by=UNQUALIFIED_MANAGER),
            ],
            "invalid",
            None,
        ),
        (
            [STARTED, DONE, ev("sign_off", "2024-02-02", subject="cin_plan", by=MANAGER)],
            "missing",
            None,
        ),
    ],
)
def test_sign_off(
    tmp_path: Path, events: list[dict[str, Any]], status: str, given_on: str | None
) -> None:
    (result,) = run(tmp_path, [dict(APPROVE)], events).sign_offs
    assert result.status == status
    assert result.given_on == (dt.date.fromisoformat(given_on) if given_on else None)


def test_sign_off_given_by_an_event(tmp_path: Path) -> None:
    rule = {
        "name": "end",
        "match": {"event": "cp_plan_ended"},
        "then": {
            "sign_off": {
                "id": "cp_plan.end",
                "subject": "cp_plan_end",
                "required_from": {"roles": ["conference_chair"]},
                "given_by": {"event": "review_conference", "where": {"outcome": "end_plan"}},
            }
        },
    }
    given = [
        ev("review_conference", "2024-05-01", outcome="end_plan"),
        ev("cp_plan_ended", "2024-05-01"),
    ]
    (result,) = run(tmp_path / "a", [dict(rule)], given).sign_offs
    assert (result.status, result.given_on) == ("given", dt.date(2024, 5, 1))
    continued = [
        ev("review_conference", "2024-05-01", outcome="continue"),
        ev("cp_plan_ended", "2024-05-02"),
    ]
    (result,) = run(tmp_path / "b", [dict(rule)], continued).sign_offs
    assert result.status == "missing"


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
