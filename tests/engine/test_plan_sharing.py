"""What an edition's plan works out once and shares (issue 23), and that sharing changes
no answer:

- rules with the same trigger, dates in force and condition share a trigger slot: which
  triggers fire is worked out once per case, yet each rule still reports its own
  ``joined-episode`` findings, and rules that differ in any of those get their own slot;
- the dispatch table sends each kind of fact only to the obligation rules it can start;
- due dates and lateness are remembered per plan: the same answers as counting afresh,
  bounded, and a day the calendar cannot count raises every time;
- results are each rule's template with the case's values put in: every field equals a
  result built field by field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from engine_cases import ASSESS_WHEN, REFERRAL, case, ev, evaluator

from _helpers import obligation
from wtguidance._engine import due_dates
from wtguidance._engine.plan import plan_pack
from wtguidance.calendar import WorkingCalendar
from wtguidance.editions import shipped_editions
from wtguidance.errors import CalendarError
from wtguidance.evaluation import Evaluator, default_calendar


def _plans(edition: str) -> Any:
    return plan_pack(shipped_editions().get(edition), default_calendar())


def test_the_2023_referral_duties_with_one_condition_share_a_trigger_slot() -> None:
    plans = {p.rule.id: p for p in _plans("2023").obligations}
    assess, seen = plans["wt2023.assessment.complete"], plans["wt2023.child.seen"]
    decision = plans["wt2023.referral.decision"]
    assert assess.trigger_slot == seen.trigger_slot
    assert decision.trigger_slot != assess.trigger_slot  # no condition: not the same


@pytest.mark.parametrize("edition", ["2010", "2013", "2015", "2018", "2023", "2026"])
def test_rules_share_a_slot_only_when_trigger_dates_and_condition_agree(edition: str) -> None:
    planned = _plans(edition)
    rules = [*planned.derivations, *planned.obligations, *planned.case_holders]
    rules += [*planned.sign_offs, *planned.dormant]
    assert planned.trigger_slots == len({p.trigger_slot for p in rules})
    for one in rules:
        for other in rules:
            if one.trigger_slot != other.trigger_slot:
                continue
            a, b = one.rule, other.rule
            assert one.match.slot == other.match.slot
            assert (a.in_force_from, a.in_force_until) == (b.in_force_from, b.in_force_until)
            assert a.commencement_pending == b.commencement_pending
            assert (a.when is None) == (b.when is None)


DUTY = {"one": "assessment.complete", "two": "child.seen"}  # ids a pack may use


def _twin(name: str, when: Any, **extra: Any) -> dict[str, Any]:
    conditions = {"when": when} if when is not None else {}
    return obligation(
        name,
        REFERRAL,
        {"event": "assessment_completed"},
        id_=DUTY[name],
        timescale={"working_days": 45},
        **conditions,
        **extra,
    )


JOINED_EVENTS = [
    ev("referral", "2024-01-05"),
    ev("referral", "2024-01-08"),
    ev("referral_decision", "2024-01-09", response="assessment"),
    ev("assessment_completed", "2024-02-01", kind="single"),
]


def test_rules_sharing_a_slot_each_report_their_joined_referral(tmp_path: Path) -> None:
    evaluator_ = evaluator(tmp_path, ([_twin("one", ASSESS_WHEN), _twin("two", ASSESS_WHEN)], {}))
    outcome = evaluator_.evaluate(case(JOINED_EVENTS), as_of=dt.date(2024, 6, 1))
    joined = [f.message for f in outcome.findings if f.code == "joined-episode"]
    assert len(joined) == 2
    assert any("one" in m for m in joined)
    assert any("two" in m for m in joined)
    assert [o.id for o in outcome.obligations] == ["assessment.complete", "child.seen"]
    assert {o.clock.date for o in outcome.obligations} == {dt.date(2024, 1, 5)}


@pytest.mark.parametrize(
    ("second_when", "extra"),
    [
        # a different condition: the second referral fires its own clock
        ({"exists": {"event": "assessment_completed"}, "relative": "any_time"}, {}),
        # no condition at all
        (None, {}),
        # the same condition, but in force only from a later date
        (ASSESS_WHEN, {"in_force_from": "2024-01-07"}),
    ],
)
def test_rules_that_differ_in_what_fires_them_are_judged_apart(
    tmp_path: Path, second_when: Any, extra: dict[str, Any]
) -> None:
    shared = evaluator(tmp_path, ([_twin("one", ASSESS_WHEN), _twin("two", ASSESS_WHEN)], {}))
    apart = evaluator(
        tmp_path, ([_twin("one", ASSESS_WHEN), _twin("two", second_when, **extra)], {})
    )
    alone = evaluator(tmp_path, ([_twin("two", second_when, **extra)], {}))
    as_of = dt.date(2024, 6, 1)
    planned = apart._plans[apart.editions.packs[0].edition].obligations
    assert planned[0].trigger_slot != planned[1].trigger_slot
    both = apart.evaluate(case(JOINED_EVENTS), as_of=as_of)
    second = [o for o in both.obligations if o.id == DUTY["two"]]
    # the second rule's results are exactly what it gives on its own
    assert second == list(alone.evaluate(case(JOINED_EVENTS), as_of=as_of).obligations)
    same = shared.evaluate(case(JOINED_EVENTS), as_of=as_of)
    assert [o for o in same.obligations if o.id == DUTY["one"]] == [
        o for o in both.obligations if o.id == DUTY["one"]
    ]


def test_the_dispatch_table_lists_each_rule_under_its_trigger_in_order() -> None:
    for edition in ("2010", "2023", "2026"):
        planned = _plans(edition)
        listed = sorted(i for found in planned.obligations_by_trigger.values() for i in found)
        assert listed == list(range(len(planned.obligations)))
        for key, found in planned.obligations_by_trigger.items():
            assert list(found) == sorted(found)
            assert all(planned.obligations[i].match.key == key for i in found)


def test_a_rule_whose_trigger_never_came_is_never_visited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wtguidance._engine import obligations

    visited: list[str] = []
    real = obligations._episodes

    def spy(ctx: Any, plan: Any, enders: Any) -> Any:
        visited.append(plan.rule.id)
        return real(ctx, plan, enders)

    monkeypatch.setattr(obligations, "_episodes", spy)
    evaluator_ = Evaluator.create()
    evaluator_.evaluate(case([ev("referral", "2024-03-04")]), as_of=dt.date(2024, 6, 1))
    assert sorted(visited) == [
        "wt2023.assessment.complete",
        "wt2023.child.seen",
        "wt2023.referral.acknowledge",
        "wt2023.referral.decision",
    ]


DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(0, 800, 3)]


@pytest.mark.parametrize(
    "timescale",
    [{"working_days": 45}, {"working_days": 1}, {"months": 3}, {"calendar_days": 10}],
)
def test_remembered_due_dates_are_the_counted_ones(timescale: dict[str, int]) -> None:
    from wtguidance._pack.model import Timescale

    limit = Timescale(**timescale)
    calendar = WorkingCalendar()
    counted = due_dates.due_date(limit, calendar, "same_day")
    remembered = due_dates.remembered(counted)
    for day in [*DAYS, *DAYS]:  # the second time round, every answer is a remembered one
        assert remembered(day) == counted(day)


def test_remembered_due_dates_are_bounded_and_never_keep_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(due_dates, "DUE_DATES_KEPT", 5)
    calls: list[dt.date] = []

    def due(day: dt.date) -> dt.date:
        calls.append(day)
        if day.year > 2070:
            raise CalendarError("beyond the calendar")
        return day + dt.timedelta(days=1)

    remembered = due_dates.remembered(due)
    for day in DAYS[:20]:
        assert remembered(day) == day + dt.timedelta(days=1)
    assert remembered(DAYS[19]) == DAYS[19] + dt.timedelta(days=1)
    assert len(calls) == 20  # the last one was remembered
    remembered(DAYS[0])
    assert len(calls) == 21  # forgotten once more than 5 were kept
    late = dt.date(2074, 1, 1)
    for _ in range(3):
        with pytest.raises(CalendarError):
            remembered(late)
    assert calls.count(late) == 3


def test_results_from_templates_equal_results_built_field_by_field() -> None:
    from wtguidance.results import CaseHolderVerdict, ObligationResult, SignOffResult

    outcome = Evaluator.create().evaluate(
        case(
            [
                ev("referral", "2024-03-04"),
                ev("referral_decision", "2024-03-05", response="assessment"),
                ev("assessment_started", "2024-03-06", kind="single"),
                ev(
                    "allocation",
                    "2024-03-06",
                    stage="s17",
                    practitioner={"role": "social_worker", "social_work_qualified": True},
                ),
                ev(
                    "sign_off",
                    "2024-03-07",
                    subject="allocation",
                    by={"role": "team_manager", "social_work_qualified": True},
                ),
                ev("assessment_completed", "2024-05-30", kind="single"),
            ]
        ),
        as_of=dt.date(2024, 9, 1),
    )
    assert outcome.obligations
    assert outcome.case_holders
    assert outcome.sign_offs
    for kind, items in (
        (ObligationResult, outcome.obligations),
        (CaseHolderVerdict, outcome.case_holders),
        (SignOffResult, outcome.sign_offs),
    ):
        for item in items:
            rebuilt = kind(**{name: getattr(item, name) for name in kind.__struct_fields__})
            assert rebuilt == item
            assert rebuilt.model_dump_json() == item.model_dump_json()
            assert item.instance.date != dt.date.min if hasattr(item, "instance") else True
            if isinstance(item, ObligationResult):
                assert item.clock.date != dt.date.min
