"""Compiled packs are immutable and safe to share across threads (DESIGN §14)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from wtguidance.case import Case
from wtguidance.editions import Editions, load_pack_dir
from wtguidance.evaluation import Evaluator

RULES_2023 = Path(__file__).resolve().parents[1] / "rules" / "2023"
AS_OF = dt.date(2025, 6, 30)


def _case(seed: int) -> Case:
    rng = random.Random(seed)
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(400))
    events: list[dict[str, Any]] = []

    def add(event_type: str, gap: int, **fields: Any) -> None:
        nonlocal day
        day += dt.timedelta(days=rng.randrange(gap + 1))
        events.append({"type": event_type, "date": day.isoformat(), **fields})

    add("referral", 0)
    add("referral_decision", 2, response=rng.choice(["assessment", "strategy_discussion"]))
    add("assessment_started", 3, kind="single")
    add(
        "allocation",
        2,
        stage="s17",
        practitioner={
            "role": rng.choice(["social_worker", "family_support_worker"]),
            "social_work_qualified": rng.random() < 0.5,
        },
    )
    if rng.random() < 0.7:
        add("assessment_completed", 70, kind="single")
        add(
            "sign_off",
            5,
            subject="assessment",
            by={"role": "practice_supervisor", "social_work_qualified": True},
        )
    if rng.random() < 0.6:
        add("strategy_discussion", 10, initiates_s47=True)
        add("icpc", 30, outcome="cp_plan")
        add("core_group_meeting", 15)
        for _ in range(rng.randrange(4)):
            add("review_conference", 190, outcome="continue")
    return Case.model_validate({"case_id": f"case-{seed}", "child": {}, "events": events})


def test_shared_pack_evaluates_the_same_in_eight_threads() -> None:
    evaluator = Evaluator.create(Editions((load_pack_dir(RULES_2023),)))
    cases = [_case(seed) for seed in range(200)]
    sequential = [evaluator.evaluate(case, as_of=AS_OF) for case in cases]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            concurrent = list(pool.map(lambda c: evaluator.evaluate(c, as_of=AS_OF), cases))
            assert concurrent == sequential


def test_compiled_pack_and_rule_pack_are_frozen() -> None:
    compiled = load_pack_dir(RULES_2023)
    with pytest.raises(dataclasses.FrozenInstanceError):
        compiled.obligations = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        compiled.pack.rules = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        compiled.pack.rules[0].id = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        compiled.matchers[0] = lambda _event: True  # type: ignore[index]
    assert isinstance(compiled.derivations, tuple)
    assert isinstance(compiled.pack.rules, tuple)


def test_evaluator_is_frozen() -> None:
    evaluator = Evaluator.create(Editions((load_pack_dir(RULES_2023),)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        evaluator.overlay = None  # type: ignore[misc]


def test_pack_mappings_are_read_only() -> None:
    compiled = load_pack_dir(RULES_2023)
    with pytest.raises(TypeError):
        compiled.pack.facts["stage.new"] = ("x", None)  # type: ignore[index]
    with pytest.raises(TypeError):
        compiled.pack.meta.chapters["99"] = "x"  # type: ignore[index]
