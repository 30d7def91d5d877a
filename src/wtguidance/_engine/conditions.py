"""Compiled ``when`` conditions: each a closure answering for one trigger in constant or
logarithmic time from date-sorted facts (no source is generated, nothing ``eval``'d).

Also the compiled pattern a rule reads (:class:`Selection`) and what a condition reads
while a rule runs (:class:`Reader`, the run context).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from typing import Any, Protocol

from wtguidance._engine.facts import Fact, FactKey, fact_date
from wtguidance._pack.compile import Matcher
from wtguidance._pack.model import AllOf, AnyOf, ChildIs, Condition, Exists, NotOf, Pattern

__all__ = [
    "Day",
    "Reader",
    "Selection",
    "Test",
    "compile_condition",
    "condition_key",
    "until_next_patterns",
]


class Reader(Protocol):
    """What a condition reads while a rule runs (the run context)."""

    child: Any

    def matching(self, selection: Selection) -> list[Fact]: ...


#: a compiled ``when`` condition: (reader, trigger fact, next trigger's date, previous
#: trigger's date) → holds?
Test = Callable[[Reader, Fact, "dt.date | None", "dt.date | None"], bool]
Day = dt.date | None


@dataclass(frozen=True, slots=True)
class Selection:
    """A compiled pattern: the facts it reads (``key``), the test on each, its memo slot."""

    key: FactKey
    test: Matcher | None
    slot: int


def compile_condition(condition: Condition, select: Callable[[Pattern], Selection]) -> Test:
    """A closure deciding ``condition`` for one trigger."""
    if isinstance(condition, Exists):
        return _exists(select(condition.pattern), condition.relative)
    if isinstance(condition, AllOf):
        return reduce(_both, (compile_condition(c, select) for c in condition.items))
    if isinstance(condition, AnyOf):
        return reduce(_either, (compile_condition(c, select) for c in condition.items))
    if isinstance(condition, NotOf):
        inner = compile_condition(condition.item, select)
        return lambda reader, fact, until, since: not inner(reader, fact, until, since)
    assert isinstance(condition, ChildIs)
    name, value = condition.field, condition.value
    return lambda reader, _fact, _until, _since: bool(getattr(reader.child, name, None) == value)


def condition_key(
    condition: Condition, select: Callable[[Pattern], Selection]
) -> tuple[object, ...]:
    """``condition`` as a value: equal for conditions that read the same facts the same
    way, wherever they were written (a pattern by its memo slot)."""
    if isinstance(condition, Exists):
        return ("exists", select(condition.pattern).slot, condition.relative)
    if isinstance(condition, AllOf | AnyOf):
        kind = "all" if isinstance(condition, AllOf) else "any"
        return (kind, *(condition_key(c, select) for c in condition.items))
    if isinstance(condition, NotOf):
        return ("not", condition_key(condition.item, select))
    assert isinstance(condition, ChildIs)
    return ("child", condition.field, type(condition.value).__name__, condition.value)


def _both(first: Test, second: Test) -> Test:
    return lambda reader, fact, until, since: (
        first(reader, fact, until, since) and second(reader, fact, until, since)
    )


def _either(first: Test, second: Test) -> Test:
    return lambda reader, fact, until, since: (
        first(reader, fact, until, since) or second(reader, fact, until, since)
    )


def until_next_patterns(condition: Condition | None) -> list[Pattern]:
    """The kinds of fact (any field values) an ``until_next_trigger`` condition reads."""
    found: dict[tuple[str, str], Pattern] = {}
    stack = [condition] if condition is not None else []
    while stack:
        item = stack.pop()
        if isinstance(item, (AllOf, AnyOf)):
            stack.extend(item.items)
        elif isinstance(item, NotOf):
            stack.append(item.item)
        elif isinstance(item, Exists) and item.relative == "until_next_trigger":
            pattern = item.pattern
            found.setdefault(
                (pattern.kind, pattern.name),
                Pattern(pattern.kind, pattern.name, (), pattern.location),
            )
    return [found[key] for key in sorted(found)]


def _exists(selection: Selection, relative: str) -> Test:
    """True when a fact other than the trigger matches, dated as ``relative`` asks.

    The facts are sorted by date, so each relation looks at most at two facts at one end
    of the list (or at a bisection point): the trigger itself is one fact at most.
    """
    if relative == "any_time":

        def any_time(reader: Reader, fact: Fact, _until: Day, _since: Day) -> bool:
            found = reader.matching(selection)
            return len(found) > 1 or (len(found) == 1 and found[0] is not fact)

        return any_time
    if relative in ("before", "on_or_before"):
        strict = relative == "before"

        def earlier(reader: Reader, fact: Fact, _until: Day, _since: Day) -> bool:
            found, day = reader.matching(selection), fact.date
            for other in found[:2]:
                if other.date > day or (strict and other.date == day):
                    return False
                if other is not fact:
                    return True
            return False

        return earlier
    if relative in ("after", "on_or_after"):
        strict = relative == "after"

        def later(reader: Reader, fact: Fact, _until: Day, _since: Day) -> bool:
            found, day = reader.matching(selection), fact.date
            for other in found[-1:-3:-1]:
                if other.date < day or (strict and other.date == day):
                    return False
                if other is not fact:
                    return True
            return False

        return later
    if relative == "since_previous_trigger":

        def since_previous(reader: Reader, fact: Fact, _until: Day, since: Day) -> bool:
            found, day = reader.matching(selection), fact.date
            # the latest facts on or before the trigger, back to the previous trigger
            end = bisect_right(found, day, key=fact_date)
            for other in found[max(0, end - 2) : end][::-1]:
                if since is not None and other.date <= since:
                    return False
                if other is not fact:
                    return True
            return False

        return since_previous
    assert relative == "until_next_trigger"

    def until_next(reader: Reader, fact: Fact, until: Day, _since: Day) -> bool:
        found, day = reader.matching(selection), fact.date
        start = bisect_left(found, day, key=fact_date)
        for other in found[start : start + 2]:
            if until is not None and other.date >= until:
                return False
            if other is not fact:
                return True
        return False

    return until_next
