"""Case events as dated facts, indexed by (kind, name) and kept in case order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, NamedTuple

__all__ = ["NO_FACTS", "Fact", "FactKey", "base_facts", "fact_date", "fact_order", "label"]

FactKey = tuple[str, str]


class Fact(NamedTuple):
    """A dated fact: a case event (``kind='event'``) or one derived from it.

    ``seq`` is the event's position in the date-sorted case, which keeps every ordering
    deterministic; :attr:`label` (``referral@2024-01-05``) is what the trace shows, built
    only when a trace is.
    """

    kind: str
    name: str
    date: dt.date
    seq: int
    event: Any

    @property
    def label(self) -> str:
        return f"{self.name}@{self.date.isoformat()}"


NO_FACTS: list[Fact] = []  # never mutated: stands in for a fact key with no facts


def label(name: str, day: dt.date) -> str:
    """How the trace names a fact: ``name@YYYY-MM-DD``."""
    return f"{name}@{day.isoformat()}"


fact_order: Callable[[Fact], tuple[dt.date, int]] = attrgetter("date", "seq")
"""Date, then position in the case: the order of every list of facts (C speed)."""


fact_date: Callable[[Fact], dt.date] = attrgetter("date")
"""A fact's date: the key for bisecting a date-sorted list of facts (C speed)."""


def base_facts(events: Sequence[Any]) -> dict[FactKey, list[Fact]]:
    """Index case events (already sorted by date, then input position) as facts.

    The one pass over a case's events: each becomes a fact under its type, so every
    rule reads only the events of the types it names, already in date order.
    """
    by_type: dict[str, list[Fact]] = {}
    new = tuple.__new__  # what Fact(...) does, without its Python-level frame
    for seq, event in enumerate(events):
        name = event.type
        found = by_type.get(name)
        if found is None:
            by_type[name] = [new(Fact, ("event", name, event.date, seq, event))]
        else:
            found.append(new(Fact, ("event", name, event.date, seq, event)))
    return {("event", name): found for name, found in by_type.items()}
