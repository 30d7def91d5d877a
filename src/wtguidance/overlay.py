"""A local protocol's effect on evaluation, as plain immutable data.

A local assessment protocol (DESIGN §8) is validated against one edition; once valid it
can *tighten* that edition: shorter time limits, limits the edition leaves to local
decision (e.g. ``child.seen``), fewer roles allowed to lead a stage, stricter sign-off
roles, extra non-working days and a counting policy for weekend triggers; and it can add
obligations of its own (``local.`` ids: "child seen within 24 hours of a strategy
discussion", statutory visits every 10 working days while a plan lasts).

An overlay is applied once, as data: ``Editions.tightened_by(overlay)`` returns new
editions whose protocol edition holds the tightened rules, and the engine never sees the
overlay. Limits, roles and sign-offs apply to what is judged under the protocol's own
edition. The extra non-working days and the counting policy apply only to the protocol's
own limits: a national duty stays due on its national count (a closure cannot lengthen a
statutory time limit), so a tightened national duty is due on the earlier of the two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from wtguidance._pack.model import PersonSpec, ProtocolSource, Rule, Timescale
from wtguidance.calendar import Trigger

__all__ = ["Overlay"]


def _empty() -> Mapping[str, object]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Overlay:
    """Local tightening of one edition."""

    edition: str
    source: str
    timescales: Mapping[str, Timescale] = field(default_factory=_empty)  # type: ignore[arg-type]
    sign_offs: Mapping[str, PersonSpec] = field(default_factory=_empty)  # type: ignore[arg-type]
    lead_roles: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)  # type: ignore[arg-type]
    non_working_days: frozenset[dt.date] = frozenset()
    trigger: Trigger = "same_day"
    #: the protocol's own obligations (``local.`` ids), as rules of its edition
    rules: tuple[Rule, ...] = ()
    #: who published the protocol, when and where (outcomes and reports name it)
    authority: str = ""
    published: dt.date | None = None
    url: str | None = None

    @property
    def protocol(self) -> ProtocolSource:
        """The protocol as outcomes and citations name it."""
        return ProtocolSource(self.authority, self.edition, self.published, self.url)

    def _key(self) -> tuple[object, ...]:
        return (
            self.edition,
            self.source,
            tuple(sorted(self.timescales.items())),
            tuple(sorted(self.sign_offs.items())),
            tuple(sorted(self.lead_roles.items())),
            self.non_working_days,
            self.trigger,
            self.rules,
            self.authority,
            self.published,
            self.url,
        )

    @cached_property
    def _hash(self) -> int:  # worked out once: hashing every limit and rule is not cheap
        return hash(self._key())

    def __hash__(self) -> int:  # usable as a cache key (evaluators are cached per overlay)
        return self._hash

    def __reduce__(self) -> tuple[Any, ...]:  # sent to worker processes (mappings as dicts)
        return (
            _rebuild,
            (
                self.edition,
                self.source,
                dict(self.timescales),
                dict(self.sign_offs),
                dict(self.lead_roles),
                self.non_working_days,
                self.trigger,
                self.rules,
                self.authority,
                self.published,
                self.url,
            ),
        )


def _rebuild(edition: str, source: str, *rest: Any) -> Overlay:
    timescales, sign_offs, lead_roles, *others = rest
    return Overlay(
        edition,
        source,
        MappingProxyType(timescales),
        MappingProxyType(sign_offs),
        MappingProxyType(lead_roles),
        *others,
    )
