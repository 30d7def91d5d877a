"""The one-call ``evaluate()`` reuses an evaluator per (editions, overlay, engine): built
once, bounded, shared across threads, and giving what a fresh evaluator gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from _helpers import EXAMPLES, random_cases
from wtguidance import Evaluator, evaluate
from wtguidance._engine import plan as plan_module
from wtguidance._engine.durable import durable_available
from wtguidance.case import Case
from wtguidance.editions import Editions, shipped_editions
from wtguidance.errors import EngineError, UsageError
from wtguidance.evaluation import EVALUATORS_KEPT, _evaluator
from wtguidance.protocol import protocol_overlay, validate_protocol

AS_OF = dt.date(2025, 12, 31)
CASES = [Case.model_validate(r) for r in random_cases(12, seed=23)]
PROTOCOL = EXAMPLES / "protocols" / "exampleshire-2023-local-obligations.yaml"


def _overlay() -> object:
    return protocol_overlay(validate_protocol(PROTOCOL))


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The editions planned from now on (each plan is built once per evaluator)."""
    seen: list[str] = []
    original = plan_module.plan_pack

    def counting(pack, calendar):  # type: ignore[no-untyped-def]
        seen.append(pack.edition)
        return original(pack, calendar)

    monkeypatch.setattr("wtguidance.evaluation.plan_pack", counting)
    _evaluator.cache_clear()
    yield seen
    _evaluator.cache_clear()


def test_repeated_calls_plan_each_edition_once(planned: list[str]) -> None:
    for case in CASES:
        evaluate(case, as_of=AS_OF)
    assert planned, "the first call plans"
    assert len(planned) == len(set(planned)), planned


@pytest.mark.parametrize("variant", ["same object", "equal overlay", "editions given"])
def test_equal_keys_share_one_evaluator(planned: list[str], variant: str) -> None:
    overlay = _overlay()
    editions = shipped_editions() if variant == "editions given" else None
    evaluate(CASES[0], as_of=AS_OF, overlay=overlay, editions=editions)  # type: ignore[arg-type]
    first = len(planned)
    again = _overlay() if variant == "equal overlay" else overlay
    assert again == overlay
    evaluate(CASES[1], as_of=AS_OF, overlay=again, editions=editions)  # type: ignore[arg-type]
    assert len(planned) == first
    assert _evaluator.cache_info().currsize == 1


def test_different_keys_get_their_own_evaluator(planned: list[str]) -> None:
    overlay = _overlay()
    national = evaluate(CASES[0], as_of=AS_OF)
    local = evaluate(CASES[0], as_of=AS_OF, overlay=overlay)  # type: ignore[arg-type]
    # other editions, even with equal content: keyed by identity
    copy = Editions(shipped_editions().packs)
    evaluate(CASES[0], as_of=AS_OF, editions=copy)
    assert _evaluator.cache_info().currsize == 3
    assert national.protocol is None
    assert local.protocol is not None


def test_the_cache_is_bounded(planned: list[str]) -> None:
    packs = shipped_editions().packs
    kept = [Editions(packs) for _ in range(EVALUATORS_KEPT + 5)]
    for editions in kept:
        evaluate(CASES[0], as_of=AS_OF, editions=editions)
    assert _evaluator.cache_info().currsize == EVALUATORS_KEPT
    # the oldest were let go: using the first again builds a new evaluator
    before = len(planned)
    evaluate(CASES[0], as_of=AS_OF, editions=kept[0])
    assert len(planned) > before


@pytest.mark.parametrize("trace", [True, False])
@pytest.mark.parametrize("protocol", [False, True])
def test_same_outcomes_as_a_fresh_evaluator(trace: bool, protocol: bool) -> None:
    overlay = _overlay() if protocol else None
    fresh = Evaluator.create(overlay=overlay)  # type: ignore[arg-type]
    for case in CASES:
        for edition in ("auto", "2018", "2023"):
            expected = fresh.evaluate(case, as_of=AS_OF, edition=edition, trace=trace)
            got = evaluate(case, as_of=AS_OF, edition=edition, trace=trace, overlay=overlay)  # type: ignore[arg-type]
            assert got == expected


def test_threads_share_the_cache(planned: list[str]) -> None:
    expected = [Evaluator.create().evaluate(c, as_of=AS_OF) for c in CASES]
    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(lambda c: evaluate(c, as_of=AS_OF), CASES * 4))
    assert got == expected * 4
    assert _evaluator.cache_info().currsize == 1


@pytest.mark.parametrize(
    ("arguments", "error", "text"),
    [
        ({"engine": "rete"}, EngineError, "unknown engine"),
        ({"engine": ["native"]}, EngineError, "unknown engine"),
        ({"overlay": {"edition": "2023"}}, UsageError, "overlay must be an Overlay"),
        ({"editions": ("2023",)}, UsageError, "editions must be an Editions"),
    ],
)
def test_bad_arguments_are_refused_not_cached(
    planned: list[str], arguments: dict[str, object], error: type[Exception], text: str
) -> None:
    with pytest.raises(error, match=text):
        evaluate(CASES[0], as_of=AS_OF, **arguments)  # type: ignore[arg-type]
    assert _evaluator.cache_info().currsize == 0


@pytest.mark.skipif(durable_available() is not None, reason=durable_available() or "")
def test_durable_one_call_compiles_its_rulesets_once(planned: list[str]) -> None:
    fresh = Evaluator.create(engine="durable")
    for case in CASES[:4]:
        assert evaluate(case, as_of=AS_OF, engine="durable") == fresh.evaluate(case, as_of=AS_OF)
    assert _evaluator.cache_info().currsize == 1
    assert len(planned) == 2 * len(set(planned))  # the fresh one and the cached one


def test_an_overlay_that_cannot_be_a_key_is_evaluated_uncached(planned: list[str]) -> None:
    base = _overlay()
    unhashable = dataclasses.replace(base, lead_roles={"s47": ["social_worker"]})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hash(unhashable)
    expected = Evaluator.create(overlay=unhashable).evaluate(CASES[0], as_of=AS_OF)  # type: ignore[arg-type]
    assert evaluate(CASES[0], as_of=AS_OF, overlay=unhashable) == expected  # type: ignore[arg-type]
    assert _evaluator.cache_info().currsize == 0
