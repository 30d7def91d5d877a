"""Stage 3, compile: :class:`RulePack` → :class:`CompiledPack` (indexed, immutable).

Compilation orders the fact-deriving rules so that every rule runs after the rules
whose facts it reads (a topological order of the rule dependency graph). A pack whose
rules could feed each other in a loop is rejected here with ``rule-cycle``, which is
what guarantees that evaluation terminates: each rule fires once per matching fact,
over a finite, growing set of facts, in a fixed order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from wtguidance._pack.model import (
    AssertSpec,
    CaseHolderSpec,
    ObligationSpec,
    Pattern,
    Rule,
    RulePack,
    SignOffSpec,
    rule_patterns,
)
from wtguidance._pack.views import citation_view, permitted_holder, required_signer, timescale_view
from wtguidance.errors import PackCompileError
from wtguidance.results import CitationView, PermittedHolder, RequiredSigner, TimescaleView

__all__ = [
    "CompiledPack",
    "Matcher",
    "compile_pack",
    "field_of",
    "make_matcher",
]

Matcher = Callable[[Any], bool]


def field_of(record: Any, name: str) -> Any:
    """``getattr(record, name, None)``, without pydantic's slow path for a field the record
    does not have: a case record (a pydantic model) keeps its fields in its ``__dict__``,
    while looking up a missing attribute raises and catches an error inside pydantic (about
    twenty times the cost of a present one; patterns name model fields only, and a derived
    fact carries its trigger's event, which may lack the field)."""
    if isinstance(record, BaseModel):
        return record.__dict__.get(name)
    return getattr(record, name, None)


def make_matcher(pattern: Pattern) -> Matcher:
    """A predicate over a case event testing the pattern's ``where`` clauses.

    A missing value (``None`` anywhere along the path) is never in ``values``: it fails
    an ``in`` test and passes a ``not in`` test. The common shape, one clause on a field
    of the event itself, gets a predicate of its own.
    """
    clauses = tuple((w.path, w.negate, w.values) for w in pattern.where)
    if not clauses:
        return _always
    if len(clauses) == 1 and len(clauses[0][0]) == 1:
        ((field,), negate, values) = clauses[0]

        def one_field(event: Any) -> bool:
            return (field_of(event, field) in values) != negate

        return one_field

    def matches(event: Any) -> bool:
        for path, negate, values in clauses:
            value = event
            for part in path:
                value = field_of(value, part)
                if value is None:
                    break
            if (value in values) == negate:
                return False
        return True

    return matches


def _always(_event: Any) -> bool:
    return True


@dataclass(frozen=True)
class CompiledPack:
    """An edition ready to evaluate: rules split by kind, derivations in dependency order."""

    pack: RulePack
    derivations: tuple[Rule, ...]
    obligations: tuple[Rule, ...]
    case_holders: tuple[Rule, ...]
    sign_offs: tuple[Rule, ...]
    matchers: Mapping[int, Matcher]
    # rules enacted but awaiting commencement (``in_force_from: pending``): kept for the
    # reference, diffs and ``explain``, never evaluated
    dormant: tuple[Rule, ...]
    overridden: frozenset[str]
    citations: Mapping[str, CitationView]
    ranks: Mapping[str, int]
    # Output objects that do not depend on the case, built once per rule (by rule id);
    # a local overlay that changes one of them makes the engine build its own.
    timescales: Mapping[str, TimescaleView]
    permitted: Mapping[str, PermittedHolder]
    signers: Mapping[str, RequiredSigner]

    @cached_property
    def edition(self) -> str:
        return self.pack.meta.edition

    def matcher(self, pattern: Pattern) -> Matcher:
        return self.matchers[id(pattern)]


def _reads(rule: Rule) -> set[str]:
    return {p.name for p in rule_patterns(rule) if p.kind == "fact"}


def _order_derivations(rules: list[Rule]) -> tuple[Rule, ...]:
    producers: dict[str, list[Rule]] = {}
    for rule in rules:
        assert isinstance(rule.then, AssertSpec)
        producers.setdefault(rule.then.fact, []).append(rule)
    ordered: list[Rule] = []
    state: dict[str, str] = {}

    def visit(rule: Rule, path: list[Rule]) -> None:
        mark = state.get(rule.id)
        if mark == "done":
            return
        if mark == "active":
            loop = [*path[path.index(rule) :], rule]
            raise PackCompileError(
                "rules feed each other in a loop: " + " -> ".join(r.id for r in loop),
                code="rule-cycle",
                location=rule.location,
                rule_id=rule.id,
                hint="derived facts must not depend on themselves; split the fact in two",
                related=tuple(r.location for r in loop[1:-1]),
            )
        state[rule.id] = "active"
        for fact in sorted(_reads(rule)):
            for producer in producers.get(fact, []):
                visit(producer, [*path, rule])
        state[rule.id] = "done"
        ordered.append(rule)

    for rule in rules:
        visit(rule, [])
    return tuple(ordered)


def compile_pack(pack: RulePack) -> CompiledPack:
    """Index a validated pack for evaluation; reject loops between rules."""
    by_kind: dict[str, list[Rule]] = {
        "assert": [],
        "obligation": [],
        "case_holder": [],
        "sign_off": [],
    }
    dormant = tuple(rule for rule in pack.rules if rule.commencement_pending)
    for rule in pack.rules:
        if not rule.commencement_pending:
            by_kind[rule.kind].append(rule)
    matchers: dict[int, Matcher] = {}
    for rule in pack.rules:
        for pattern in rule_patterns(rule):
            matchers[id(pattern)] = make_matcher(pattern)
    overridden = frozenset(r.overrides for r in pack.rules if r.overrides is not None)
    return CompiledPack(
        pack=pack,
        derivations=_order_derivations(by_kind["assert"]),
        obligations=tuple(by_kind["obligation"]),
        case_holders=tuple(by_kind["case_holder"]),
        sign_offs=tuple(by_kind["sign_off"]),
        matchers=MappingProxyType(matchers),
        dormant=dormant,
        overridden=overridden,
        citations=MappingProxyType({r.id: citation_view(r.citation) for r in pack.rules}),
        ranks=MappingProxyType(_ranks(pack.rules)),
        timescales=MappingProxyType(
            {
                r.id: timescale_view(r.then.timescale)
                for r in by_kind["obligation"]
                if isinstance(r.then, ObligationSpec) and r.then.timescale is not None
            }
        ),
        permitted=MappingProxyType(
            {
                r.id: permitted_holder(r.then, r.then.lead.roles)
                for r in by_kind["case_holder"]
                if isinstance(r.then, CaseHolderSpec)
            }
        ),
        signers=MappingProxyType(
            {
                r.id: required_signer(r.then.required_from)
                for r in by_kind["sign_off"]
                if isinstance(r.then, SignOffSpec)
            }
        ),
    )


_KIND_RANK = {"obligation": 10_000, "case_holder": 20_000, "sign_off": 30_000}


def _ranks(rules: tuple[Rule, ...]) -> dict[str, int]:
    """A rule-order-independent rank for presenting the trace in causal order.

    A deriving rule ranks one above the deepest rule producing a fact it reads; concluding
    rules rank after every derivation, by kind.
    """
    producers: dict[str, list[Rule]] = {}
    for rule in rules:
        if isinstance(rule.then, AssertSpec):
            producers.setdefault(rule.then.fact, []).append(rule)
    ranks: dict[str, int] = {}

    def depth(rule: Rule) -> int:
        if rule.id not in ranks:
            ranks[rule.id] = 1 + max(
                (depth(p) for fact in _reads(rule) for p in producers.get(fact, [])), default=0
            )
        return ranks[rule.id]

    for rule in rules:
        if isinstance(rule.then, AssertSpec):
            depth(rule)
        else:
            ranks[rule.id] = _KIND_RANK[rule.kind]
    return ranks
