"""No quadratic paths (DESIGN §13), checked without a clock.

The cost of evaluating a case is counted as the Python lines the evaluation executes, a
figure that does not depend on the machine or its load. Ten times the events must cost
at most about ten times the lines (the goal allows 12× for 200 reviews against 20);
a path that rescans the case for each event would show 100×. A case of 100,000 events
is also evaluated whole, which a quadratic path would turn from seconds into hours.

Lines count Python-level work only: a quadratic copy inside one C call (slicing the
rest of a list for every element, say) does not show in them; the 100,000-event case is
the check for those.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections import Counter
from functools import cache
from types import FrameType
from typing import Any

import pytest

from _helpers import RandomChooser, minimal_event, realistic_case, spread
from wtguidance.case import Case
from wtguidance.case.events import EVENT_TYPES
from wtguidance.evaluation import Evaluator

FIRST, LAST = dt.date(2024, 1, 1), dt.date(2026, 3, 1)  # inside the 2023 edition


def _case(reviews: int, *, seed: int = 1, first: dt.date = FIRST, last: dt.date = LAST) -> Case:
    record = realistic_case(RandomChooser(random.Random(seed)), 0, reviews=reviews)
    return Case.model_validate(spread(record, first, last))


def _mixed(count: int, *, first: dt.date = FIRST, last: dt.date = LAST) -> Case:
    """One case holding the events of ``count`` generated cases: every kind of clock,
    satisfier, withdrawal, allocation and sign-off, repeated."""
    pick = RandomChooser(random.Random(count))
    events = [e for i in range(count) for e in realistic_case(pick, i)["events"]]
    for index, event in enumerate(events):
        if event["type"] == "s47_completed" and index % 2:
            event["outcome"] = "cin"  # withdraws the conference clock
    record = {"case_id": f"mixed-{count}", "child": {}, "events": events}
    return Case.model_validate(spread(record, first, last))


def _lines(evaluator: Evaluator, case: Case, **options: Any) -> int:
    """Python lines executed while evaluating ``case`` (after a warm-up run)."""
    as_of = max(e.date for e in case.events)
    evaluator.evaluate(case, as_of=as_of, **options)
    count = 0

    def tracer(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        evaluator.evaluate(case, as_of=as_of, **options)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("options", [{}, {"trace": False}, {"edition": "2023"}])
def test_ten_times_the_reviews_costs_at_most_twelve_times(options: dict[str, Any]) -> None:
    evaluator = Evaluator.create()
    small, medium, large = (
        _lines(evaluator, _case(reviews), **options) for reviews in (20, 200, 2000)
    )
    assert medium <= 12 * small
    assert large <= 12 * medium


@pytest.mark.parametrize("options", [{}, {"edition": "2018"}])
def test_every_kind_of_event_costs_the_same_per_event_at_ten_times_the_size(
    options: dict[str, Any],
) -> None:
    # per event, within a quarter (bisection and sorting add a logarithm; a rescan per
    # event would multiply the cost per event by about ten)
    evaluator = Evaluator.create()
    cases = [_mixed(n) for n in (20, 200, 2000)]
    per_event = [_lines(evaluator, c, **options) / len(c.events) for c in cases]
    assert per_event[1] <= 1.25 * per_event[0]
    assert per_event[2] <= 1.25 * per_event[1]


def test_ten_times_the_reviews_across_editions_stays_linear() -> None:
    # the same growth when the case runs through several editions (2010 → 2026)
    evaluator = Evaluator.create()
    wide = {"first": dt.date(2011, 1, 1), "last": dt.date(2027, 1, 1)}
    small, medium, large = (
        _lines(evaluator, _case(reviews, **wide)) for reviews in (20, 200, 2000)
    )
    assert medium <= 12 * small
    assert large <= 12 * medium


def test_same_day_clusters_stay_linear() -> None:
    # many clocks and satisfiers on one day must not rescan each other
    evaluator = Evaluator.create()
    day = dt.date(2024, 6, 3)
    small, large = (
        _lines(evaluator, _case(reviews, first=day, last=day + dt.timedelta(days=3)))
        for reviews in (100, 1000)
    )
    assert large <= 12 * small


def test_a_case_of_100000_events_evaluates_whole() -> None:
    case = _case(49_998)
    assert len(case.events) == 100_006
    outcome = Evaluator.create().evaluate(case, as_of=max(e.date for e in case.events))
    reviews = [o for o in outcome.obligations if o.id == "review_conference.next"]
    assert len(reviews) == 49_998
    # each review is answered by a later one, and each answers one review only (about 60
    # share a day here), so only the last day's and a few of the days before's are open
    held = Counter(e.date for e in case.events if e.type == "review_conference")
    answered = Counter(o.satisfied_on for o in reviews if o.satisfied_on is not None)
    assert all(answered[day] <= held[day] for day in answered)
    assert all(o.satisfied_on > o.clock.date for o in reviews if o.satisfied_on is not None)
    last, before = sorted(held)[-2:][::-1]
    unanswered = [o for o in reviews if o.satisfied_on is None]
    assert {o.clock.date for o in unanswered} <= {last, before}
    assert len(unanswered) == len(reviews) - sum(answered.values())


# -- every trigger and decision shape (issue 19 item 2) -------------------------------------
# Each event type alone, repeated (every one of them a trigger, satisfier, ender or giver of
# some rule), and the shapes the hostile-input review found quadratic: undecided referrals,
# same-day clusters of triggers with many signatures, restarted clocks. A single case
# holding n events of the shape costs at most 12× at ten times n.


@cache
def _shared() -> Evaluator:
    """One evaluator for the shape tests (immutable; its plans built once)."""
    return Evaluator.create()


def _shape(kinds: list[str], n: int, *, step: int, start: dt.date = FIRST) -> Case:
    """``n`` rounds of one event of each of ``kinds``, ``step`` days apart (0: one day)."""
    events = [
        minimal_event(kind, start + dt.timedelta(days=(i * step) % 700))
        for i in range(n)
        for kind in kinds
    ]
    record = {"case_id": "shape", "child": {"date_of_birth": "2015-01-01"}, "events": events}
    return Case.model_validate(record)


@pytest.mark.parametrize("step", [1, 0], ids=["one-a-day", "same-day"])
@pytest.mark.parametrize("kind", EVENT_TYPES)
def test_each_event_type_repeated_stays_linear(kind: str, step: int) -> None:
    evaluator = _shared()
    small, large = (_lines(evaluator, _shape([kind], n, step=step)) for n in (20, 200))
    assert large <= 12 * small, (kind, small, large)


@pytest.mark.parametrize(
    "kinds",
    [
        ["referral"],  # undecided referrals: each used to scan every later one
        ["referral", "case_closed"],  # enders
        ["referral", "referral_decision"],
        ["cp_plan_ended", "sign_off"],  # many triggers sharing a day and its signatures
        ["cin_plan_started", "cp_plan_ended"],
        ["allocation", "sign_off"],
        ["assessment_completed", "sign_off"],
        ["strategy_discussion", "s47_started", "icpc"],
    ],
    ids="+".join,
)
@pytest.mark.parametrize("step", [1, 0], ids=["one-a-day", "same-day"])
def test_trigger_and_decision_shapes_stay_linear(kinds: list[str], step: int) -> None:
    evaluator = _shared()
    small, large = (_lines(evaluator, _shape(kinds, n, step=step)) for n in (30, 300))
    assert large <= 12 * small, (kinds, small, large)


def _restarts(n: int) -> Case:
    """2010 conference clocks that restart: n kept (each met) then n restarted in a row."""
    events: list[dict[str, Any]] = []
    day = dt.date(2011, 1, 3)
    for kind in ["strategy_discussion", "icpc"] * n + ["strategy_discussion"] * n + ["icpc"] * n:
        events.append(
            minimal_event(kind, day) | ({"initiates_s47": True} if kind[0] == "s" else {})
        )
        day += dt.timedelta(days=1)
    record = {"case_id": "restart", "child": {"date_of_birth": "2005-01-01"}, "events": events}
    return Case.model_validate(record)


def test_restarted_clocks_stay_linear() -> None:
    # freeing a satisfier on each restart used to rebuild every claim taken so far
    evaluator = _shared()
    small, large = (_lines(evaluator, _restarts(n), edition="2010") for n in (40, 400))
    assert large <= 12 * small


def test_twenty_thousand_undecided_referrals_evaluate_quickly() -> None:
    # the review's 800 KB case (>300 s before): a quadratic path would take minutes here
    case = _shape(["referral"], 20_000, step=1, start=dt.date(2000, 1, 3))
    outcome = Evaluator.create().evaluate(case, as_of=dt.date(2060, 1, 1), trace=False)
    assert outcome.case_id == "shape"


@pytest.mark.parametrize("partner", ["referral", "strategy_discussion", "sign_off", "case_closed"])
@pytest.mark.parametrize("kind", EVENT_TYPES)
def test_each_event_type_beside_a_trigger_stays_linear(kind: str, partner: str) -> None:
    # every event type as a satisfier, ender, decider or giver of a common trigger's rules,
    # all on one day (where a rescan per trigger would show at once)
    evaluator = _shared()
    small, large = (_lines(evaluator, _shape([partner, kind], n, step=0)) for n in (25, 250))
    assert large <= 12 * small, (partner, kind, small, large)
