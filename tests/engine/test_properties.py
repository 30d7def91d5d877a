"""Property tests (DESIGN §14) over realistic generated 2023 cases.

Strategy: a referral, a decision, usually an assessment, and optionally strategy
discussions, s47 enquiries, an initial conference, a plan with core groups and review
conferences, allocations and sign-offs, all dated 2024-01-01..2025-12-31.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from _helpers import DrawChooser, realistic_case
from wtguidance._pack.vocabulary import case_vocabulary
from wtguidance._yaml import load_yaml
from wtguidance.case import ROLES, Case
from wtguidance.editions import Editions, load_pack_dir, shipped_editions
from wtguidance.evaluation import Evaluator, default_calendar
from wtguidance.results import ObligationResult, Outcome

RULES_2023 = Path(__file__).resolve().parents[2] / "rules" / "2023"
FIRST = dt.date(2024, 1, 1)
LAST = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def evaluator_2023() -> Evaluator:
    return Evaluator.create(Editions((load_pack_dir(RULES_2023),)))


# --- strategies -------------------------------------------------------------------------------

persons = st.fixed_dictionaries(
    {"role": st.sampled_from(ROLES), "social_work_qualified": st.booleans()}
)


@st.composite
def realistic_cases(draw: st.DrawFn) -> dict[str, Any]:
    """The shared realistic case, plus stray allocations and sign-offs on any date."""
    record = realistic_case(DrawChooser(draw), first=FIRST, days=(LAST - FIRST).days - 200)
    events: list[dict[str, Any]] = record["events"]
    for _ in range(draw(st.integers(0, 3))):
        allocation: dict[str, Any] = {
            "stage": draw(st.sampled_from(["early_help", "s17", "s47", "cp_plan", "family_help"])),
            "practitioner": draw(persons),
        }
        if draw(st.booleans()):
            allocation["supervisor"] = draw(persons)
        events.append(
            {"type": "allocation", "date": draw(st.dates(FIRST, LAST)).isoformat()} | allocation
        )
    for _ in range(draw(st.integers(0, 3))):
        subject = draw(st.sampled_from(["allocation", "assessment", "cin_plan", "cp_plan_end"]))
        events.append(
            {
                "type": "sign_off",
                "date": draw(st.dates(FIRST, LAST)).isoformat(),
                "subject": subject,
                "by": draw(persons),
            }
        )
    if draw(st.booleans()):
        events = [e for e in events if draw(st.booleans())]  # any event may be missing
    return {**record, "case_id": "generated", "events": events}


as_of_dates = st.dates(FIRST, dt.date(2026, 3, 31))

# Any schema-valid case: events of every type with any allowed field values, drawn from
# the vocabulary the packs are checked against (so every field the model has is covered).
_VOCABULARY = case_vocabulary()


@st.composite
def any_event(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(_VOCABULARY.events)))
    event: dict[str, Any] = {
        "type": kind,
        "date": draw(st.dates(dt.date(2005, 1, 1), dt.date(2030, 12, 31))).isoformat(),
    }
    supervised = draw(st.booleans())
    for path, allowed in sorted(_VOCABULARY.fields_of(kind).items()):
        head, _, tail = path.partition(".")
        if head == "supervisor" and not supervised:
            continue
        if allowed is None:
            value: Any = draw(st.sampled_from(["allocation", "assessment", "cin_plan", "other"]))
        else:
            value = draw(st.sampled_from(sorted(allowed, key=repr)))
        if tail:
            event.setdefault(head, {})[tail] = value
        else:
            event[path] = value
    return event


any_cases = st.builds(
    lambda events, disabled: {
        "case_id": "any",
        "child": {"disabled": disabled},
        "events": events,
    },
    st.lists(any_event(), max_size=25),
    st.booleans(),
)


# --- helpers ----------------------------------------------------------------------------------

RANK = {"met": 0, "pending": 1, "met_late": 2, "overdue": 3}
"""How bad a status is: met < pending < met_late < overdue. ``unscheduled`` stands alone."""


def _by_instance(outcome: Outcome) -> dict[tuple[str, str, str, dt.date], list[ObligationResult]]:
    groups: dict[tuple[str, str, str, dt.date], list[ObligationResult]] = defaultdict(list)
    for item in outcome.obligations:
        groups[(item.id, item.rule, item.clock.event, item.clock.date)].append(item)
    return groups


def _shuffled_copy(rules: Path, target: Path, seed: int) -> None:
    """Copy a pack with topic files renamed into another order and every file's rules reversed."""
    target.mkdir()
    rng = random.Random(seed)
    topics = sorted(p for p in rules.glob("*.yaml") if p.name != "pack.yaml")
    prefixes = list(range(len(topics)))
    rng.shuffle(prefixes)
    shutil.copy(rules / "pack.yaml", target / "pack.yaml")
    for prefix, topic in zip(prefixes, topics, strict=True):
        doc = load_yaml(topic.read_text(encoding="utf-8"), str(topic)).value
        doc["rules"] = list(reversed(doc["rules"]))
        if "facts" in doc:
            doc["facts"] = list(reversed(doc["facts"]))
        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
        (target / f"{prefix:02d}-{topic.stem[::-1]}.yaml").write_text(text, encoding="utf-8")


# --- properties -------------------------------------------------------------------------------


@given(realistic_cases(), as_of_dates)
def test_evaluation_is_deterministic(
    evaluator_2023: Evaluator, record: dict[str, Any], as_of: dt.date
) -> None:
    case = Case.model_validate(record)
    first = evaluator_2023.evaluate(case, as_of=as_of)
    again = evaluator_2023.evaluate(Case.model_validate(record), as_of=as_of)
    fresh = Evaluator.create(evaluator_2023.editions).evaluate(case, as_of=as_of)
    assert first == again == fresh
    assert first.model_dump(mode="json") == fresh.model_dump(mode="json")


@given(realistic_cases(), as_of_dates, st.randoms(use_true_random=False))
def test_evaluation_is_independent_of_event_order(
    evaluator_2023: Evaluator, record: dict[str, Any], as_of: dt.date, rng: random.Random
) -> None:
    events = list(record["events"])
    rng.shuffle(events)
    shuffled = {**record, "events": events}
    expected = evaluator_2023.evaluate(Case.model_validate(record), as_of=as_of)
    actual = evaluator_2023.evaluate(Case.model_validate(shuffled), as_of=as_of)
    # a finding about the record's own order legitimately depends on that order
    assert actual.model_copy(update={"findings": ()}) == expected.model_copy(
        update={"findings": ()}
    )


def test_evaluation_is_independent_of_rule_and_file_order(tmp_path: Path) -> None:
    original = Evaluator.create(Editions((load_pack_dir(RULES_2023),)))
    reordered = [
        Evaluator.create(Editions((load_pack_dir(_target(tmp_path, seed)),))) for seed in range(3)
    ]

    @given(realistic_cases(), as_of_dates)
    def check(record: dict[str, Any], as_of: dt.date) -> None:
        case = Case.model_validate(record)
        expected = original.evaluate(case, as_of=as_of)
        for evaluator in reordered:
            actual = evaluator.evaluate(case, as_of=as_of)
            unordered = {"trace": (), "timescales": ()}
            assert actual.model_copy(update=unordered) == expected.model_copy(update=unordered)
            assert sorted(actual.trace, key=repr) == sorted(expected.trace, key=repr)
            assert sorted(actual.timescales, key=repr) == sorted(expected.timescales, key=repr)

    check()


def test_trace_and_timescale_order_is_independent_of_rule_order(tmp_path: Path) -> None:
    case = Case.model_validate(
        {
            "case_id": "c",
            "child": {},
            "events": [
                {"type": "referral", "date": "2024-01-01"},
                {"type": "referral_decision", "date": "2024-01-01", "response": "assessment"},
            ],
        }
    )
    day = dt.date(2024, 1, 1)
    expected = Evaluator.create(Editions((load_pack_dir(RULES_2023),))).evaluate(case, as_of=day)
    for seed in range(3):
        reordered = Evaluator.create(Editions((load_pack_dir(_target(tmp_path, seed)),)))
        assert reordered.evaluate(case, as_of=day) == expected


def _target(tmp_path: Path, seed: int) -> Path:
    target = tmp_path / f"shuffled-{seed}"
    _shuffled_copy(RULES_2023, target, seed)
    return target


SATISFIERS = [
    {"type": "assessment_completed", "kind": "single"},
    {"type": "child_seen", "alone": True},
    {"type": "core_group_meeting"},
    {"type": "transfer_in_conference"},
]


@given(
    realistic_cases(),
    as_of_dates,
    st.sampled_from(SATISFIERS),
    st.integers(0, 120),
)
def test_a_satisfying_event_never_makes_an_obligation_worse(
    evaluator_2023: Evaluator,
    record: dict[str, Any],
    as_of: dt.date,
    satisfier: dict[str, Any],
    offset: int,
) -> None:
    """For every obligation (id, rule, clock event, clock date), status never gets worse.

    Worse is the order met < pending < met_late < overdue; unscheduled stays unscheduled.
    The overdue count never goes up. The added event is on or before ``as_of``.
    """
    referral = dt.date.fromisoformat(record["events"][0]["date"])
    when = min(as_of, referral + dt.timedelta(days=offset))
    added = {**satisfier, "date": when.isoformat()}
    before = evaluator_2023.evaluate(Case.model_validate(record), as_of=as_of)
    after = evaluator_2023.evaluate(
        Case.model_validate({**record, "events": [*record["events"], added]}), as_of=as_of
    )
    after_groups = _by_instance(after)
    for key, items in _by_instance(before).items():
        later = after_groups.get(key, [])
        assert len(later) == len(items), key
        for old, new in zip(
            sorted(items, key=lambda o: RANK.get(o.status, -1)),
            sorted(later, key=lambda o: RANK.get(o.status, -1)),
            strict=True,
        ):
            if old.status == "unscheduled":
                assert new.status == "unscheduled"
            else:
                assert RANK[new.status] <= RANK[old.status], (key, old.status, new.status)
    overdue = sum(o.status == "overdue" for o in before.obligations)
    assert sum(o.status == "overdue" for o in after.obligations) <= overdue


@given(any_cases, st.dates(dt.date(2005, 1, 1), dt.date(2031, 12, 31)))
def test_any_schema_valid_case_evaluates_under_every_edition(
    record: dict[str, Any], as_of: dt.date
) -> None:
    case = Case.model_validate(record)
    editions = shipped_editions()
    evaluator = Evaluator.create(editions)
    outcome = evaluator.evaluate(case, as_of=as_of)
    assert set(outcome.editions) <= set(editions.ids)
    for edition in editions.ids:
        pinned = evaluator.evaluate(case, edition=edition, as_of=as_of)
        assert pinned.editions == (edition,)
        assert all(o.edition == edition for o in pinned.obligations)


@given(realistic_cases(), as_of_dates)
def test_realistic_cases_evaluate_under_every_edition(
    record: dict[str, Any], as_of: dt.date
) -> None:
    case = Case.model_validate(record)
    evaluator = Evaluator.create(shipped_editions())
    outcomes = [evaluator.evaluate(case, as_of=as_of)]
    outcomes += [evaluator.evaluate(case, edition=e, as_of=as_of) for e in shipped_editions().ids]
    for outcome in outcomes:
        _holds_its_invariants(outcome, evaluator)


def _holds_its_invariants(outcome: Outcome, evaluator: Evaluator) -> None:
    """What every outcome must say, whatever the case: DESIGN §5 and §6."""
    items = [*outcome.obligations, *outcome.case_holders, *outcome.sign_offs]
    assert {item.edition for item in items} <= set(outcome.editions)
    for o in outcome.obligations:
        assert o.citation.edition == o.edition
        if o.timescale is not None and o.timescale.working_days is not None:
            assert o.due is not None
            assert evaluator.calendar.is_working_day(o.due)
        expected = {
            (True, True): "met",
            (True, False): "met_late",
            (False, True): "pending",
            (False, False): "overdue",
        }
        if o.due is None:
            assert o.status in {"unscheduled", "ended", "not_evidenced"}
        elif o.satisfied_on is not None:
            assert o.status == expected[(True, o.satisfied_on <= o.due)]
        else:
            assert o.status in {expected[(False, outcome.as_of <= o.due)], "ended"}
        assert (o.reason is not None) == (o.status in {"ended", "not_evidenced"})
    for s in outcome.sign_offs:
        assert (s.given_on is not None) == (s.status == "given")


@given(realistic_cases(), as_of_dates)
def test_json_output_round_trips(
    evaluator_2023: Evaluator, record: dict[str, Any], as_of: dt.date
) -> None:
    outcome = evaluator_2023.evaluate(Case.model_validate(record), as_of=as_of)
    assert Outcome.model_validate(outcome.model_dump(mode="json")) == outcome


@given(realistic_cases(), as_of_dates)
def test_working_day_due_dates_are_working_days(record: dict[str, Any], as_of: dt.date) -> None:
    calendar = default_calendar()
    outcome = Evaluator.create(shipped_editions()).evaluate(
        Case.model_validate(record), as_of=as_of
    )
    for item in outcome.obligations:
        if item.timescale is not None and item.timescale.working_days is not None:
            assert item.due is not None
            assert calendar.is_working_day(item.due), item
            assert item.due > item.clock.date
