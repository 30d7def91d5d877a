"""What the census mapping builds: the file around a child, census dates with where they
stood, child protection plans, and an episode mapped to events before its case id is fixed.

Shared by :mod:`~wtguidance.sources.cin_census._episode` (a child),
:mod:`~wtguidance.sources.cin_census._cindetails` (an episode),
:mod:`~wtguidance.sources.cin_census._quality` (the DfE-rule findings) and
:mod:`~wtguidance.sources.cin_census._layout` (structure the layout does not allow).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wtguidance.sources.cin_census._values import Fields, Locate
from wtguidance.sources.sourced import SourceNote, StatedTarget

__all__ = ["ChildContext", "Dated", "Episode", "Plan", "dated"]


@dataclass
class ChildContext:
    """What mapping a child needs from the file around it."""

    locate: Locate
    reference_date: dt.date | None
    #: ``True`` the first time a child id is seen in the file (8510 finds repeats)
    first_sighting: Callable[[str], bool]
    #: the n-th use (1, 2 ...) of a ``child/referral-date`` case id in the file
    case_number: Callable[[str], int]


@dataclass
class Episode:
    """An episode mapped to events, before its case id is fixed."""

    referral: dt.date
    line: int | None
    events: list[dict[str, Any]] = field(default_factory=list)
    notes: list[SourceNote] = field(default_factory=list)
    targets: list[StatedTarget] = field(default_factory=list)
    closure: dt.date | None = None
    plans: list[Plan] = field(default_factory=list)


@dataclass(frozen=True)
class Dated:
    """A census date with where it stood: element path and line."""

    day: dt.date
    path: str
    line: int | None

    def at(self) -> str:
        return f"{self.path} {self.day} (line {self.line or '?'})"


@dataclass(frozen=True)
class Plan:
    start: Dated
    end: Dated | None
    reviews: list[Dated]
    empty: int
    referral: dt.date
    line: int | None


def dated(fields: Fields, name: str, *, required: bool = False) -> Dated | None:
    day = fields.date(name, required=required)
    return None if day is None else Dated(day, fields.name(name), fields.line(name))
