"""One compiled edition as a durable_rules ruleset definition, and its actions.

The definition is durable_rules' JSON ruleset format with Python actions
(docs/engines.md has the full map): one rule per distinct pattern (its condition is the
pattern; its action records the matches), one per fact-deriving rule (salience = its depth
in the pack's dependency order; its action asserts the derived fact back into
durable_rules) and a catch-all that indexes derived facts by name. The actions write into
the :class:`Session` of the case being evaluated; :mod:`wtguidance._engine.durable` runs
them.
"""

from __future__ import annotations

import json
from bisect import insort
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from wtguidance._engine.case_run import CaseRun
from wtguidance._engine.context import RunContext
from wtguidance._engine.facts import Fact, fact_order
from wtguidance._engine.plan import PackPlan, Selection
from wtguidance._pack.compile import CompiledPack
from wtguidance._pack.model import AssertSpec, Pattern, Rule, rule_patterns
from wtguidance.errors import EngineError, SourceLocation

__all__ = ["Actions", "DurableContext", "Session", "Slot"]

#: durable_rules delivers up to this many matches to one action (its ``cap`` is 16-bit)
CAP = 65_535
#: durable_rules 2.0.28 hangs compiling an ``$or`` of more than 512 terms, and silently
#: stops matching an ``$and`` of more; such a ``where`` test is refused instead
MAX_WHERE_VALUES = 512

PatternKey = tuple[str, str, tuple[tuple[tuple[str, ...], bool, frozenset[Any]], ...]]


def _key(pattern: Pattern) -> PatternKey:
    return pattern.kind, pattern.name, tuple((w.path, w.negate, w.values) for w in pattern.where)


def _where_term(path: tuple[str, ...], negate: bool, values: Iterable[Any]) -> dict[str, Any]:
    """One ``where`` test as a durable_rules expression over the fact's event (``e``)."""
    field = ".".join(("e", *path))
    ordered = sorted(values, key=json.dumps)
    if not negate:  # the value is one of these (a missing value never is)
        return {"$or": [{field: v} for v in ordered]} if ordered else {"$nex": {"kind": 1}}
    # absent (None) or none of these, as the native matcher reads `value not in values`
    unequal: dict[str, Any] = {"$and": [{"$neq": {field: v}} for v in ordered]}
    return {"$or": [{"$nex": {field: 1}}, unequal]} if ordered else {"$ex": {"kind": 1}}


def _condition(pattern: Pattern) -> dict[str, Any]:
    terms: list[dict[str, Any]] = [{"kind": pattern.kind}, {"name": pattern.name}]
    terms.extend(_where_term(w.path, w.negate, w.values) for w in pattern.where)
    return {"$and": terms}


class Slot:
    """One durable_rules rule of a ruleset: what it is for, and the pack rule it speaks for."""

    def __init__(self, name: str, rule: Rule, location: SourceLocation) -> None:
        self.name = name
        self.rule = rule
        self.location = location


class Session:
    """One case evaluated under one edition: the facts durable_rules matched, by pattern."""

    def __init__(self, ctx: DurableContext, objects: dict[str, Fact]) -> None:
        self.ctx = ctx
        self.objects = objects  # durable fact id -> the Fact it stands for
        self.fired: dict[int, set[int]] = {}  # deriving rule index -> ids of its triggers
        self.failure: tuple[Slot | None, BaseException] | None = None
        self.current: Slot | None = None  # the rule whose action ran last


class DurableContext(RunContext):
    """A run context whose pattern matches come from durable_rules, not from the pack."""

    def __init__(self, keys: Mapping[int, PatternKey], plan: PackPlan, run: CaseRun) -> None:
        super().__init__(plan, run)
        #: each memo slot of the plan as the pattern key durable_rules matched it under
        self.slot_keys = [_key(pattern) for pattern in plan.patterns]
        #: what durable_rules matched, per distinct pattern, kept in (date, case) order
        self.durable_lists: dict[PatternKey, list[Fact]] = {
            key: [] for key in (*keys.values(), *self.slot_keys)
        }

    def matching(self, selection: Selection) -> list[Fact]:
        return self.durable_lists[self.slot_keys[selection.slot]]


Body = Callable[["Session", list[dict[str, Any]]], list[dict[str, Any]]]


class Actions:
    """The Python side of one ruleset's actions. Holds no reference to the ruleset."""

    def __init__(self, pack: CompiledPack) -> None:
        self.pack = pack
        self.sessions: dict[str, Session] = {}
        self.keys: dict[int, PatternKey] = {}  # id(pattern) -> its key
        self.patterns: list[tuple[PatternKey, Pattern, Slot]] = []
        seen: set[PatternKey] = set()
        for rule in pack.pack.rules:
            for pattern in rule_patterns(rule):
                key = self.keys[id(pattern)] = _key(pattern)
                if key not in seen:
                    seen.add(key)
                    slot = Slot(f"p{len(self.patterns)}", rule, pattern.location)
                    self.patterns.append((key, pattern, slot))
        self.derivations = [
            Slot(f"d{index}", rule, rule.location) for index, rule in enumerate(pack.derivations)
        ]

    def definition(self) -> dict[str, dict[str, Any]]:
        """The ruleset, as durable_rules' JSON ruleset definition with Python actions."""
        rules: dict[str, dict[str, Any]] = {}
        for key, pattern, slot in self.patterns:
            rules[slot.name] = self._rule(slot, pattern, 0, self._recorder(key, slot))
        for index, slot in enumerate(self.derivations):
            rank = self.pack.ranks[slot.rule.id]
            rules[slot.name] = self._rule(slot, slot.rule.match, rank, self._deriver(index))
        # every fact, so no case event is refused as unhandled; derived ones indexed by name
        rules["facts"] = {"cap": CAP, "all": [{"m": {"$ex": {"kind": 1}}}], "run": self._indexer()}
        return rules

    def slot(self, name: str) -> Slot | None:
        """The slot of a durable_rules rule name (``p3``, ``d1``), if it is one."""
        for _key, _pattern, slot in self.patterns:
            if slot.name == name:
                return slot
        return next((s for s in self.derivations if s.name == name), None)

    def _rule(self, slot: Slot, pattern: Pattern, pri: int, action: Any) -> dict[str, Any]:
        for where in pattern.where:
            if len(where.values) > MAX_WHERE_VALUES:
                raise EngineError(
                    f"durable_rules cannot match a 'where' test with {len(where.values)} "
                    f"values (at most {MAX_WHERE_VALUES}): {pattern.describe()}",
                    code="engine-failed",
                    location=pattern.location,
                    rule_id=slot.rule.id,
                    hint="split the rule, or use the native engine",
                )
        return {"pri": pri, "cap": CAP, "all": [{"m": _condition(pattern)}], "run": action}

    # -- actions: durable_rules calls each with a closure ``c``; ``c.m`` lists the matches --
    def _action(self, slot: Slot | None, body: Body) -> Any:
        """Run ``body`` on the matches and assert what it derives; never raise into
        durable_rules (it would swallow the error into its state): keep it for later."""

        def action(c: Any) -> None:
            session = self.sessions[c.s.sid]
            if session.failure is not None:
                return
            messages = [m._d for m in c.m]
            session.current = slot or self._producer(messages)
            try:
                for derived in body(session, messages):
                    c.assert_fact(derived)  # chaining: durable_rules matches it further
            except Exception as exc:
                session.failure = (session.current, exc)

        return action

    def _recorder(self, key: PatternKey, slot: Slot) -> Any:
        def record(session: Session, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
            found = session.ctx.durable_lists[key]
            for message in messages:
                insort(found, session.objects[message["id"]], key=fact_order)
            return []

        return self._action(slot, record)

    def _deriver(self, index: int) -> Any:
        slot = self.derivations[index]
        rule = slot.rule
        assert isinstance(rule.then, AssertSpec)
        name = rule.then.fact

        def derive(session: Session, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
            ctx = session.ctx
            fired = session.fired.get(index)
            if fired is None:  # its rank guarantees every fact it reads is in by now
                plan = ctx.plan.derivations[index]
                fired = session.fired[index] = {id(f) for f in ctx.triggers(plan)}
            derived: list[dict[str, Any]] = []
            for message in messages:
                trigger = session.objects[message["id"]]
                if id(trigger) not in fired:
                    continue
                day = trigger.date
                fact_id = f"f{trigger.seq}.{index}"
                session.objects[fact_id] = Fact("fact", name, day, trigger.seq, trigger.event)
                ctx.traced(rule, day, trigger)
                derived.append({"id": fact_id, "kind": "fact", "name": name, "e": message["e"]})
            return derived

        return self._action(slot, derive)

    def _producer(self, messages: list[dict[str, Any]]) -> Slot | None:
        """The deriving rule behind the first derived fact (``f<seq>.<index>``), if any."""
        for message in messages:
            if message["kind"] == "fact":
                return self.derivations[int(message["id"].rsplit(".", 1)[1])]
        return None

    def _indexer(self) -> Any:
        def index(session: Session, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
            facts = session.ctx.facts
            for message in messages:
                if message["kind"] == "fact":  # case events are indexed already
                    fact = session.objects[message["id"]]
                    found = facts.setdefault(("fact", fact.name), [])
                    insort(found, fact, key=fact_order)
            return []

        return self._action(None, index)
