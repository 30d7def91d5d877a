"""Compiled packs are immutable and safe to share across threads (DESIGN §14)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from _helpers import random_cases
from wtguidance.case import Case
from wtguidance.editions import Editions, load_pack_dir
from wtguidance.evaluation import Evaluator

RULES_2023 = Path(__file__).resolve().parents[2] / "rules" / "2023"
AS_OF = dt.date(2025, 6, 30)


def test_shared_pack_evaluates_the_same_in_eight_threads() -> None:
    evaluator = Evaluator.create(Editions((load_pack_dir(RULES_2023),)))
    cases = [Case.model_validate(record) for record in random_cases(200, seed=7)]
    sequential = [evaluator.evaluate(case, as_of=AS_OF) for case in cases]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            concurrent = list(pool.map(lambda c: evaluator.evaluate(c, as_of=AS_OF), cases))
            assert concurrent == sequential


def test_compiled_pack_and_rule_pack_are_frozen() -> None:
    compiled = load_pack_dir(RULES_2023)
    with pytest.raises(dataclasses.FrozenInstanceError):
        compiled.obligations = ()  # type: ignore[misc]
    # the rule pack's parts are frozen msgspec structs: AttributeError (of which
    # FrozenInstanceError is one)
    with pytest.raises(AttributeError, match="immutable"):
        compiled.pack.rules = ()  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        compiled.pack.rules[0].id = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        compiled.pack.meta.local_protocol.citation = None  # type: ignore[misc]
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
