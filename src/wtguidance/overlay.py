"""A local protocol's effect on evaluation, as plain immutable data.

A local assessment protocol (DESIGN §8) is validated against one edition; once valid it
can *tighten* that edition: shorter time limits, limits the edition leaves to local
decision (e.g. ``child.seen``), fewer roles allowed to lead a stage, stricter sign-off
roles, extra non-working days and a counting policy for weekend triggers; and it can add
obligations of its own (``local.`` ids: "child seen within 24 hours of a strategy
discussion", statutory visits every 10 working days while a plan lasts). Limits,
roles and sign-offs apply to what is judged under the protocol's own edition; the extra
non-working days apply to every deadline (a closed office is closed whatever the
edition).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from wtguidance._pack.model import PersonSpec, Rule, Timescale
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
