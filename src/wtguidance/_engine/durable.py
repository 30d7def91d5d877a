"""The optional durable_rules engine: the same packs, matched and chained by durable_rules.

Each compiled edition becomes one durable_rules ruleset (docs/engines.md has the full map):

- every distinct pattern a rule reads (its trigger, ``exists`` conditions, satisfiers,
  enders, sign-off events) is a durable_rules rule whose condition is the pattern — event
  type or derived-fact name, and each ``where`` test (``in`` → ``$or`` of equalities,
  ``not_in`` → absent or ``$and`` of inequalities) — and whose action records the facts
  it matched;
- every fact-deriving rule is a durable_rules rule on its trigger pattern whose action
  asserts the derived fact back into durable_rules, where it matches further rules
  (forward chaining inside durable_rules). Its salience (``pri``) is its depth in the
  pack's dependency order, so a rule acts only once every fact it reads is in (the
  native engine's dependency order, enforced by durable_rules' agenda);
- one catch-all rule records derived facts by name and keeps durable_rules from
  refusing a case event that no rule of the edition reads.

A case's events are asserted as facts under a fresh session id, the actions run, and the
session is deleted. What the facts *mean* — ``when`` conditions relative to the trigger,
in-force dates, clocks, due dates, statuses, precedence, citations — is judged by the
native code (:mod:`wtguidance._engine.context` and the ``conclude_*`` modules) over the
facts durable_rules matched, so the two engines differ only in matching and chaining.

durable_rules keeps a process-wide table of rulesets (at most 131,072 handles) and at most
1,024 live sessions per ruleset. Here every ruleset belongs to one :class:`DurableEngine`
(one per evaluator), is named by the pack's content hash plus the engine's own token, and
is deleted when the engine is garbage collected. A lock per ruleset serialises the
durable_rules part of an evaluation (threads share an evaluator safely; at most one live
session per ruleset, so the session limit cannot bite), while judging runs outside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import threading
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from wtguidance._engine.case_run import CaseRun
from wtguidance._engine.context import PackRun
from wtguidance._engine.durable_ruleset import Actions, DurableContext, Session, Slot
from wtguidance._engine.facts import Fact
from wtguidance._engine.plan import PackPlan
from wtguidance._engine.run import conclude
from wtguidance._install_hint import install_command
from wtguidance._pack.compile import CompiledPack
from wtguidance.errors import EngineError

__all__ = ["DurableEngine", "durable_available"]


def durable_available() -> str | None:
    """None when durable_rules can be imported, else why not."""
    try:
        import durable.engine  # noqa: F401
    except ImportError as exc:  # also a failed build: no compiled durable_rules_engine
        return f"durable_rules cannot be imported ({exc})"
    return None


def _durable() -> Any:
    """The ``durable.engine`` module, or an EngineError saying how to install it."""
    try:
        import durable.engine
    except ImportError as exc:
        raise EngineError(
            f"the durable engine needs durable_rules, which cannot be imported ({exc}); "
            "install the 'durable' extra (CPython before 3.13; builds with a C compiler)",
            code="missing-extra",
            hint=install_command("durable"),
        ) from None
    return durable.engine


class _Ruleset:
    """One edition compiled into a durable_rules ruleset, with its lock and sessions."""

    def __init__(self, engine: Any, pack: CompiledPack, token: str) -> None:
        self.pack = pack
        self.actions = Actions(pack)
        definition = self.actions.definition()
        digest = hashlib.sha256(_canonical(definition).encode()).hexdigest()[:16]
        self.name = f"wtguidance-{pack.edition}-{digest}-{token}"
        self.ruleset = _create(engine, self.name, definition, self.actions)
        self.handle: int = self.ruleset._handle
        self.lock = threading.Lock()
        self.sids = itertools.count()

    def run(self, plan: PackPlan, run: CaseRun) -> PackRun:
        ctx = DurableContext(self.actions.keys, plan, run)
        facts = run.facts
        objects: dict[str, Fact] = {}
        events: list[dict[str, Any]] = []
        for (kind, _name), found in facts.items():
            for fact in found:
                fact_id = f"e{fact.seq}"
                objects[fact_id] = fact
                events.append(
                    {"id": fact_id, "kind": kind, "name": fact.name, "e": _event_json(fact.event)}
                )
        session = Session(ctx, objects)
        with self.lock:  # one live durable_rules session per ruleset at a time
            sid = f"s{next(self.sids)}"
            self.actions.sessions[sid] = session
            try:
                self._match(sid, events, session)
            finally:
                del self.actions.sessions[sid]
                _quietly(self.ruleset.delete_state, sid)
        return conclude(ctx)

    def _match(self, sid: str, events: list[dict[str, Any]], session: Session) -> None:
        """Assert the case's events and run every action durable_rules schedules."""
        errors: list[BaseException] = []
        if events:
            for event in events:
                event["sid"] = sid
            try:
                state = self.ruleset.assert_facts(events)
                self.ruleset.do_actions(state, lambda error, _state: errors.append(error))
            except Exception as error:
                errors.append(error)
        failure = session.failure
        if failure is None and any(e is not None for e in errors):
            failure = session.current, next(e for e in errors if e is not None)
        if failure is not None:
            slot, cause = failure
            raise _failed(slot, f"durable_rules failed while matching a case: {_describe(cause)}")


def _canonical(definition: Mapping[str, Mapping[str, Any]]) -> str:
    """The ruleset without its Python actions, as canonical JSON (what the hash names)."""
    plain = {
        name: {k: v for k, v in rule.items() if k != "run"} for name, rule in definition.items()
    }
    return json.dumps(plain, sort_keys=True, default=sorted)


def _event_json(event: Any) -> dict[str, Any]:
    value: dict[str, Any] = event.model_dump(mode="json", exclude_none=True)
    return value


def _describe(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}".splitlines()[0][:300]


def _failed(slot: Slot | None, message: str) -> EngineError:
    if slot is None:
        return EngineError(message, code="engine-failed")
    return EngineError(message, code="engine-failed", location=slot.location, rule_id=slot.rule.id)


def _quietly(call: Callable[..., Any], *args: Any) -> None:
    """Clean up, ignoring failure (the state or ruleset may never have been created)."""
    with contextlib.suppress(Exception):
        call(*args)


def _create(engine: Any, name: str, definition: dict[str, Any], actions: Actions) -> Any:
    """Create the ruleset; if durable_rules refuses it, find and name the rule it refused."""
    try:
        return engine.Ruleset(name, None, definition)
    except Exception as exc:
        culprit = None
        for rule_name in list(definition):
            probe = {rule_name: actions.definition()[rule_name]}
            try:
                created = engine.Ruleset(f"{name}-probe", None, probe)
            except Exception:
                culprit = actions.slot(rule_name)
                break
            _delete(created._handle)
        raise _failed(culprit, f"durable_rules refused the ruleset: {_describe(exc)}") from None


def _delete(handle: int) -> None:
    import durable_rules_engine

    _quietly(durable_rules_engine.delete_ruleset, handle)


def _delete_all(handles: list[int]) -> None:
    for handle in handles:
        _delete(handle)


class DurableEngine:
    """Every edition of an evaluator as durable_rules rulesets, deleted with the engine.

    ``run_pack`` has the native :func:`wtguidance._engine.run.run_pack` signature.
    """

    def __init__(self, packs: Sequence[CompiledPack]) -> None:
        engine = _durable()
        self.token = uuid.uuid4().hex[:12]  # this engine's own: names never clash
        self.rulesets: dict[int, _Ruleset] = {}
        handles: list[int] = []
        # registered first, so rulesets created before a failure are deleted too
        self._finalizer = weakref.finalize(self, _delete_all, handles)
        for pack in packs:
            ruleset = _Ruleset(engine, pack, self.token)
            handles.append(ruleset.handle)
            self.rulesets[id(pack)] = ruleset

    @property
    def names(self) -> list[str]:
        """The durable_rules ruleset names this engine registered."""
        return [r.name for r in self.rulesets.values()]

    def close(self) -> None:
        """Delete the rulesets now (otherwise when the engine is garbage collected)."""
        self._finalizer()

    def run_pack(self, plan: PackPlan, run: CaseRun) -> PackRun:
        """Evaluate one planned edition over a case's facts, matched by durable_rules."""
        pack = plan.pack
        ruleset = self.rulesets.get(id(pack))
        if ruleset is None:
            raise EngineError(
                f"edition {pack.edition} was not compiled into this durable engine",
                code="engine-failed",
            )
        return ruleset.run(plan, run)
