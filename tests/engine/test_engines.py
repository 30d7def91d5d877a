"""The durable_rules engine gives the native engine's outcome, byte for byte (DESIGN §12).

Differential tests over every example case, every golden scenario of every edition, every
protocol overlay example, and generated cases for every edition; then the engine's
process-global state (ruleset names, sessions, threads) and its errors. Where
durable_rules cannot be imported (not installed, or CPython 3.13+, which its last release
does not build on), the durable tests skip with that reason.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given, reject
from hypothesis import strategies as st
from pydantic import ValidationError

from _helpers import EXAMPLES, ROOT, DrawChooser, example_case, random_cases, realistic_case
from wtguidance import Case
from wtguidance._engine.durable import durable_available
from wtguidance._pack.vocabulary import case_vocabulary
from wtguidance._yaml import load_yaml
from wtguidance.case.events import Event
from wtguidance.editions import Editions, shipped_editions
from wtguidance.evaluation import Evaluator
from wtguidance.overlay import Overlay
from wtguidance.protocol import protocol_overlay, validate_protocol

UNAVAILABLE = durable_available()
needs_durable = pytest.mark.skipif(UNAVAILABLE is not None, reason=UNAVAILABLE or "")

EDITIONS = shipped_editions()
CASES = sorted((EXAMPLES / "cases").glob("*.json"))
SCENARIOS = sorted((ROOT / "tests" / "scenarios").glob("*/*.yaml"))
PROTOCOLS = sorted((EXAMPLES / "protocols").glob("*.yaml"))
AS_OF = (dt.date(2024, 3, 1), dt.date(2026, 12, 31))


def _scenario(path: Path) -> dict[str, Any]:
    value = load_yaml(path.read_text(encoding="utf-8"), str(path)).value
    assert isinstance(value, dict)
    return value


def _overlay(path: Path) -> Overlay:
    return protocol_overlay(validate_protocol(path))


class Pair:
    """The same editions and overlay under both engines."""

    def __init__(self, overlay: Overlay | None = None, editions: Editions = EDITIONS) -> None:
        self.native = Evaluator.create(editions, overlay)
        self.durable = Evaluator.create(editions, overlay, engine="durable")

    def same(self, case: Case, *, edition: str = "auto", as_of: dt.date) -> dict[str, Any]:
        """Both outcomes as JSON; assert they are identical; return the native one."""
        native = self.native.evaluate(case, edition=edition, as_of=as_of)
        durable = self.durable.evaluate(case, edition=edition, as_of=as_of)
        left, right = native.model_dump(mode="json"), durable.model_dump(mode="json")
        assert json.dumps(right, indent=1) == json.dumps(left, indent=1)
        return left


def test_durable_rules_is_installed_where_make_installs_it() -> None:
    """``make test`` installs the extra; there a skip would hide a broken install."""
    import os
    import sys

    if not os.environ.get("WTGUIDANCE_REQUIRE_DURABLE") or sys.version_info >= (3, 13):
        pytest.skip("checked under make test (WTGUIDANCE_REQUIRE_DURABLE=1), CPython < 3.13")
    assert UNAVAILABLE is None, UNAVAILABLE


@pytest.fixture(scope="module")
def pair() -> Pair:
    if UNAVAILABLE is not None:
        pytest.skip(UNAVAILABLE)
    return Pair()


# -- differential: examples, scenarios, protocols, generated cases -------------------------


@needs_durable
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_example_case_gives_the_same_outcome(pair: Pair, path: Path) -> None:
    case = Case.model_validate(example_case(path.name))
    judged = 0
    for edition in ("auto", *EDITIONS.ids):
        for as_of in AS_OF:
            judged += len(pair.same(case, edition=edition, as_of=as_of)["obligations"])
    assert judged > 0  # the comparison covered real conclusions


@needs_durable
@pytest.mark.parametrize("path", SCENARIOS, ids=[f"{p.parent.name}/{p.stem}" for p in SCENARIOS])
def test_every_golden_scenario_gives_the_same_outcome(pair: Pair, path: Path) -> None:
    spec = _scenario(path)
    case = Case.model_validate(spec["case"])
    as_of = dt.date.fromisoformat(str(spec["as_of"]))
    pair.same(case, edition=str(spec.get("edition", "auto")), as_of=as_of)
    pair.same(case, edition=path.parent.name, as_of=as_of)  # pinned to its directory too


@needs_durable
@pytest.mark.parametrize("protocol", PROTOCOLS, ids=[p.stem for p in PROTOCOLS])
def test_every_protocol_overlay_example_gives_the_same_outcome(protocol: Path) -> None:
    overlay = _overlay(protocol)
    pair = Pair(overlay)
    local = 0
    cases = [Case.model_validate(example_case(p.name)) for p in CASES]
    cases += [
        Case.model_validate(_scenario(p)["case"])
        for p in SCENARIOS
        if p.parent.name == overlay.edition
    ]
    cases += [Case.model_validate(r) for r in random_cases(40, first=_start(overlay.edition))]
    for case in cases:
        for edition in ("auto", overlay.edition):
            outcome = pair.same(case, edition=edition, as_of=AS_OF[1])
            local += sum(t["source"] == "local" for t in outcome["timescales"])
    assert local > 0  # the overlay's local limits were in play


def _start(edition: str) -> dt.date:
    return EDITIONS.get(edition).pack.meta.in_force_from


@needs_durable
@pytest.mark.parametrize("edition", EDITIONS.ids)
@given(data=st.data())
def test_generated_cases_give_the_same_outcome(pair: Pair, edition: str, data: Any) -> None:
    record = realistic_case(DrawChooser(data.draw), first=_start(edition), days=500)
    case = Case.model_validate(record)
    as_of = _start(edition) + dt.timedelta(days=data.draw(st.integers(0, 900)))
    pair.same(case, edition=edition, as_of=as_of)
    pair.same(case, edition="auto", as_of=as_of)


EVENT_CLASSES = {
    get_args(cls.model_fields["type"].annotation)[0]: cls for cls in get_args(get_args(Event)[0])
}
VOCABULARY = case_vocabulary()
FREE_TEXT = ["assessment", "cin_plan", "allocation", "cp_plan", "lead_practitioner", "moved"]


@st.composite
def any_case(draw: st.DrawFn, start: dt.date) -> dict[str, Any]:
    """Any schema-valid case: every event type, every field value the packs can test for,
    optional fields (a supervisor, a reason) present or absent, a child who may turn 18 or
    die — what ``where`` tests (``in``, ``not_in``, on missing fields) must agree on."""

    def day(span: int) -> str:
        return (start + dt.timedelta(days=draw(st.integers(-30, span)))).isoformat()

    events = []
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.sampled_from(sorted(EVENT_CLASSES)))
        fields = EVENT_CLASSES[kind].model_fields
        event: dict[str, Any] = {"type": kind, "date": day(500)}
        left_out = {
            name for name in fields if not fields[name].is_required() and draw(st.booleans())
        }
        for path, allowed in sorted(VOCABULARY.fields_of(kind).items()):
            *parents, leaf = path.split(".")
            if (parents and parents[0] in left_out) or (not parents and leaf in left_out):
                continue
            options = sorted(allowed, key=repr) if allowed is not None else FREE_TEXT
            target = event
            for parent in parents:
                target = target.setdefault(parent, {})
            target[leaf] = draw(st.sampled_from(options))
        events.append(event)
    child: dict[str, Any] = {"disabled": draw(st.booleans())}
    if draw(st.booleans()):
        child["date_of_birth"] = (start - dt.timedelta(days=draw(st.integers(0, 6600)))).isoformat()
    if draw(st.integers(0, 5)) == 0:
        child["date_of_death"] = day(600)
    return {"case_id": "any", "child": child, "events": events}


@needs_durable
@pytest.mark.parametrize("edition", EDITIONS.ids)
@given(data=st.data())
def test_any_schema_valid_case_gives_the_same_outcome(pair: Pair, edition: str, data: Any) -> None:
    record = data.draw(any_case(_start(edition)))
    try:
        case = Case.model_validate(record)
    except ValidationError:  # e.g. a death before the birth: not a case to compare on
        reject()
    as_of = _start(edition) + dt.timedelta(days=data.draw(st.integers(0, 900)))
    pair.same(case, edition=edition, as_of=as_of)
    pair.same(case, edition="auto", as_of=as_of)


# -- durable_rules' process-global state ------------------------------------------------------


def _names(evaluator: Evaluator) -> list[str]:
    engine = evaluator._run_pack.__self__  # type: ignore[attr-defined]
    names: list[str] = engine.names
    return names


@needs_durable
def test_ruleset_names_never_clash_across_editions_evaluators_and_threads() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        evaluators = list(pool.map(lambda _: Evaluator.create(engine="durable"), range(8)))
    names = [name for e in evaluators for name in _names(e)]
    assert len(names) == 8 * len(EDITIONS.ids) == len(set(names))
    # named by edition and content: the same pack hashes the same in every evaluator
    first, second = (_names(e) for e in evaluators[:2])
    assert [n.rsplit("-", 1)[0] for n in first] == [n.rsplit("-", 1)[0] for n in second]
    assert len({n.rsplit("-", 1)[0] for n in first}) == len(EDITIONS.ids)


@needs_durable
def test_an_overlay_gets_its_own_rulesets() -> None:
    overlay = _overlay(PROTOCOLS[0])
    plain, local = (
        Evaluator.create(engine="durable"),
        Evaluator.create(None, overlay, engine="durable"),
    )
    assert not set(_names(plain)) & set(_names(local))


@needs_durable
@pytest.mark.parametrize("how", ["dropped", "closed"])
def test_rulesets_are_deleted_with_their_evaluator(how: str) -> None:
    import durable_rules_engine

    evaluator = Evaluator.create(engine="durable")
    engine = evaluator._run_pack.__self__  # type: ignore[attr-defined]
    handles = [r.handle for r in engine.rulesets.values()]
    for handle in handles:
        with pytest.raises(durable_rules_engine.error, match="error code: 309"):
            durable_rules_engine.get_state(handle, "s0")  # 309: no such session (yet)
    if how == "closed":
        engine.close()
    else:
        del evaluator, engine  # no reference cycle: deleted at once, no collector needed
    for handle in handles:
        with pytest.raises(durable_rules_engine.error, match="error code: 111"):
            durable_rules_engine.get_state(handle, "s0")  # 111: invalid handle


@needs_durable
def test_sessions_are_deleted_so_the_live_state_limit_never_bites() -> None:
    # durable_rules refuses a 1,025th live session per ruleset (error 101, out of memory)
    pair = Pair(editions=Editions((EDITIONS.get("2023"),)))
    case = Case.model_validate(
        {"case_id": "one", "child": {}, "events": [{"type": "referral", "date": "2024-01-05"}]}
    )
    for _ in range(1_100):
        pair.durable.evaluate(case, edition="2023", as_of=AS_OF[1])
    engine = pair.durable._run_pack.__self__  # type: ignore[attr-defined]
    (ruleset,) = engine.rulesets.values()
    assert not ruleset.actions.sessions
    import durable_rules_engine

    for sid in ("s0", "s1099"):
        with pytest.raises(durable_rules_engine.error, match="error code: 309"):
            ruleset.ruleset.get_state(sid)  # 309: no such session: deleted


@needs_durable
def test_one_durable_evaluator_shared_by_eight_threads(pair: Pair) -> None:
    cases = [Case.model_validate(r) for r in random_cases(120, seed=11)]
    sequential = [pair.native.evaluate(c, as_of=AS_OF[1]) for c in cases]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(2):
            concurrent = list(pool.map(lambda c: pair.durable.evaluate(c, as_of=AS_OF[1]), cases))
            assert concurrent == sequential


@needs_durable
def test_durable_matching_and_chaining_never_fall_back_to_the_native_code(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wtguidance._engine.context import RunContext

    cases = [Case.model_validate(example_case(p.name)) for p in CASES]
    expected = [pair.native.evaluate(c, as_of=AS_OF[1]) for c in cases]

    def refuse(*_args: Any) -> Any:
        raise AssertionError("the native matcher or chainer ran")

    monkeypatch.setattr(RunContext, "matching", refuse)
    monkeypatch.setattr(RunContext, "derive", refuse)
    assert [pair.durable.evaluate(c, as_of=AS_OF[1]) for c in cases] == expected


@needs_durable
@pytest.mark.parametrize("sabotage", ["where tests ignored", "derived facts not asserted"])
def test_the_outcome_depends_on_durable_rules_matching_and_chaining(
    pair: Pair, monkeypatch: pytest.MonkeyPatch, sabotage: str
) -> None:
    """Break durable_rules' side and the differential tests must notice: so they test it."""
    from wtguidance._engine import durable_ruleset as durable

    if sabotage == "where tests ignored":
        monkeypatch.setattr(durable, "_where_term", lambda *_args: {"$ex": {"kind": 1}})
    else:
        real = durable.Actions._deriver

        def deriver(self: Any, index: int) -> Any:
            action = real(self, index)
            return lambda c: action(
                type("NoChain", (), {"m": c.m, "s": c.s, "assert_fact": lambda _fact: None})
            )

        monkeypatch.setattr(durable.Actions, "_deriver", deriver)
    broken = Evaluator.create(engine="durable")
    cases = [Case.model_validate(example_case(p.name)) for p in CASES]
    cases += [Case.model_validate(r) for r in random_cases(30, first=_start("2023"))]
    differ = [
        c.case_id
        for c in cases
        if broken.evaluate(c, as_of=AS_OF[1]) != pair.native.evaluate(c, as_of=AS_OF[1])
    ]
    assert differ


def _chain_pack(root: Path) -> Editions:
    """Facts derived from facts, three deep, with conditions on derived facts: the shipped
    packs chain one step (events → stages), so this is what exercises chaining."""
    from _helpers import obligation, write_pack
    from wtguidance.editions import load_pack_dir

    def derive(name: str, match: dict[str, Any], fact: str, **more: Any) -> dict[str, Any]:
        return {"name": name, "match": match, **more, "then": {"assert": {"fact": fact}}}

    open_ = {"fact": "stage.open"}  # read by a derivation and an obligation
    rules = [
        derive("open.referral", {"event": "referral"}, "stage.open"),
        derive(
            "open.decision",
            {
                "event": "referral_decision",
                "where": {"response": {"not_in": ["no_further_action"]}},
            },
            "stage.open",
        ),
        derive("closed", {"event": "case_closed"}, "stage.closed"),
        derive(
            "assessing",
            open_,
            "stage.assessing",
            when={
                "any": [
                    {"exists": {"event": "assessment_started"}, "relative": "until_next_trigger"},
                    {"exists": {"event": "strategy_discussion", "where": {"initiates_s47": True}}},
                ]
            },
        ),
        derive(
            "enquiring",
            {"fact": "stage.assessing", "where": {"response": {"not_in": ["early_help"]}}},
            "stage.enquiring",
            when={"not": {"exists": {"fact": "stage.closed"}, "relative": "before"}},
        ),
        obligation(
            "assess",
            {"fact": "stage.enquiring"},
            {"event": "assessment_completed"},
            id_="assessment.complete",
            ended_by=[{"fact": "stage.closed"}],
        ),
        obligation(
            "seen",
            {"fact": "stage.open"},
            {"event": "child_seen", "where": {"alone": True}},
            id_="child.seen",
            when={
                "all": [
                    {"not": {"exists": {"fact": "stage.closed"}, "relative": "on_or_before"}},
                    {"child": {"field": "disabled", "is": False}},
                ]
            },
            on_repeat="keep_first",
        ),
        {
            "name": "holder",
            "match": {"fact": "stage.enquiring"},
            "then": {"case_holder": {"stage": "s47", "lead": {"roles": ["social_worker"]}}},
        },
    ]
    facts = ("stage.open", "stage.closed", "stage.assessing", "stage.enquiring")
    return Editions((load_pack_dir(write_pack(root, rules, facts=facts)),))


@needs_durable
@given(data=st.data())
def test_a_pack_that_chains_deeply_gives_the_same_outcome(chain: Pair, data: Any) -> None:
    record = data.draw(any_case(_start("2023")))
    try:
        case = Case.model_validate(record)
    except ValidationError:
        reject()
    as_of = _start("2023") + dt.timedelta(days=data.draw(st.integers(0, 900)))
    chain.same(case, as_of=as_of)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    if UNAVAILABLE is not None:
        pytest.skip(UNAVAILABLE)
    pair = Pair(editions=_chain_pack(tmp_path_factory.mktemp("chain") / "pack"))
    # the pack does chain three deep on a real case
    case = Case.model_validate(
        {
            "case_id": "chain",
            "child": {},
            "events": [
                {"type": "referral", "date": "2024-01-05"},
                {"type": "assessment_started", "date": "2024-01-08", "kind": "single"},
            ],
        }
    )
    outcome = pair.same(case, as_of=dt.date(2024, 6, 1))
    assert {o["id"] for o in outcome["obligations"]} == {"assessment.complete", "child.seen"}
    return pair


def test_the_native_engine_never_imports_durable_rules() -> None:
    import subprocess
    import sys

    script = (
        "import sys, datetime as dt, json\n"
        "from wtguidance import Case, evaluate\n"
        f"case = Case.model_validate(json.loads(open({str(CASES[0])!r}).read()))\n"
        "evaluate(case, as_of=dt.date(2024, 6, 1))\n"
        "print(sorted(m for m in sys.modules if m.startswith('durable')))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rete", "Durable", "", "native "])
def test_an_unknown_engine_is_a_library_error_and_exit_2(name: str) -> None:
    from _helpers import run_cli
    from wtguidance import evaluate
    from wtguidance.errors import EngineError

    with pytest.raises(EngineError) as raised:
        Evaluator.create(engine=name)
    assert raised.value.code == "unknown-engine"
    assert "native, durable" in raised.value.message
    with pytest.raises(EngineError):
        evaluate(Case.model_validate(example_case(CASES[0].name)), engine=name)
    code, out, err = run_cli("evaluate", str(CASES[0]), "--engine", name)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "error[unknown-engine]" in err


def test_without_durable_rules_the_durable_engine_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    from _helpers import run_cli
    from wtguidance.errors import EngineError

    for module in ("durable", "durable.engine", "durable_rules_engine"):
        monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    with pytest.raises(EngineError) as raised:
        Evaluator.create(engine="durable")
    assert raised.value.code == "missing-extra"
    from wtguidance._install_hint import install_command

    assert raised.value.hint == install_command("durable")
    assert "durable" in raised.value.message
    assert durable_available() is not None
    code, out, err = run_cli("evaluate", str(CASES[0]), "--engine", "durable")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "error[missing-extra]" in err
    assert err.count(install_command("durable")) == 1  # said once, not twice
    assert "Traceback" not in err


@needs_durable
@pytest.mark.parametrize("values", [513, 600])
def test_a_where_test_durable_rules_cannot_match_is_refused_with_the_rule(
    tmp_path: Path, values: int
) -> None:
    from _helpers import obligation, write_pack
    from wtguidance.editions import load_pack_dir
    from wtguidance.errors import EngineError

    reasons = {"in": [f"reason-{i}" for i in range(values)]}  # a free-text field
    root = write_pack(
        tmp_path / "pack",
        [
            obligation("ok", {"event": "referral"}, {"event": "referral_decision"}),
            obligation(
                "wide",
                {"event": "referral"},
                {"event": "case_closed", "where": {"reason": reasons}},
                id_="child.seen",
            ),
        ],
    )
    editions = Editions((load_pack_dir(root),))
    with pytest.raises(EngineError) as raised:
        Evaluator.create(editions, engine="durable")
    error = raised.value
    assert (error.code, error.rule_id) == ("engine-failed", "wt2023.wide")
    assert error.location is not None
    assert error.location.line is not None
    assert f"{values} values" in error.message
    Evaluator.create(editions)  # the native engine has no such limit


@needs_durable
@pytest.mark.parametrize("event", ["icpc", "child_seen", "allocation"])
def test_a_ruleset_durable_rules_refuses_names_the_rule(
    monkeypatch: pytest.MonkeyPatch, event: str
) -> None:
    import durable.engine

    from wtguidance.errors import EngineError

    real = durable.engine.Ruleset.__init__

    def refuse(self: Any, name: str, host: Any, definition: dict[str, Any]) -> None:
        if f'"name": "{event}"' in json.dumps({k: v["all"] for k, v in definition.items()}):
            raise durable.engine.durable_rules_engine.error("Could not create ruleset, code: 113")
        real(self, name, host, definition)

    monkeypatch.setattr(durable.engine.Ruleset, "__init__", refuse)
    with pytest.raises(EngineError) as raised:
        Evaluator.create(Editions((EDITIONS.get("2023"),)), engine="durable")
    error = raised.value
    assert error.code == "engine-failed"
    rule = EDITIONS.get("2023").pack.rule(error.rule_id or "")
    assert rule is not None
    assert error.location is not None
    assert str(error.location.path).endswith(".yaml")
    assert "code: 113" in error.message


def _cp_case() -> Case:
    return Case.model_validate(example_case("cp-pathway.json"))


@needs_durable
def test_a_failing_action_surfaces_as_our_error_with_the_rule(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    from _helpers import run_cli
    from wtguidance._engine.context import RunContext
    from wtguidance.errors import EngineError

    def broken(*_args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(RunContext, "triggers", broken)  # the first deriving action fails
    with pytest.raises(EngineError) as raised:
        pair.durable.evaluate(_cp_case(), as_of=AS_OF[1])
    error = raised.value
    assert error.code == "engine-failed"
    assert error.rule_id is not None
    assert ".stage." in error.rule_id
    assert "RuntimeError: boom" in error.message
    code, out, err = run_cli(
        "evaluate", str(EXAMPLES / "cases" / "cp-pathway.json"), "--engine", "durable"
    )
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert "error[engine-failed]" in err
    assert "(rule wt20" in err


@needs_durable
def test_a_durable_rules_failure_mid_run_names_the_rule_and_leaves_no_session(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    import durable_rules_engine

    from wtguidance.errors import EngineError

    def broken(*_args: Any) -> Any:
        raise durable_rules_engine.error("Could not complete action, error code: 101")

    with monkeypatch.context() as patched:
        patched.setattr(durable_rules_engine, "complete_and_start_action", broken)
        with pytest.raises(EngineError) as raised:
            pair.durable.evaluate(_cp_case(), as_of=AS_OF[1])
    assert raised.value.rule_id is not None
    assert "error code: 101" in raised.value.message
    engine = pair.durable._run_pack.__self__  # type: ignore[attr-defined]
    assert not any(r.actions.sessions for r in engine.rulesets.values())
    pair.same(_cp_case(), as_of=AS_OF[1])  # and the evaluator still works
