"""``wtguidance explain``: the rules behind a rule id or a stable id, as data.

:func:`explained` finds them and describes each as plain data (the pack's own description
of the rule, and its citation); :mod:`wtguidance._render.explain` turns that into text or
JSON, and the command line picks which.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wtguidance._ids import did_you_mean
from wtguidance._pack.describe import rule_record
from wtguidance._pack.model import Citation
from wtguidance.editions import Editions
from wtguidance.errors import UnknownIdError, UsageError

__all__ = ["Explained", "explained"]


@dataclass(frozen=True)
class Explained:
    """One rule described: its record (trigger, actor, limit, … as plain data) and citation."""

    record: Mapping[str, Any]
    citation: Citation


def explained(editions: Editions, wanted: str) -> list[Explained]:
    """The rule ``wanted`` (a rule id), or every rule behind a stable obligation, sign-off
    or stage id, described; an unknown id is an :class:`UnknownIdError` with a did-you-mean."""
    if not isinstance(wanted, str):
        raise UsageError(
            f"explain needs a rule id, not {type(wanted).__name__}", code="bad-argument"
        )
    rules = [r for p in editions.packs for r in p.pack.rules if r.id == wanted]
    if not rules:
        rules = [
            r
            for p in editions.packs
            for r in p.pack.rules
            if r.kind != "assert" and r.output_id == wanted
        ]
    if not rules:
        known = [r.id for p in editions.packs for r in p.pack.rules]
        known += [r.output_id for p in editions.packs for r in p.pack.rules]
        hint = did_you_mean(wanted, known)
        raise UnknownIdError(f"no rule or stable id {wanted!r}", code="unknown-rule", hint=hint)
    return [Explained(rule_record(r), r.citation) for r in rules]
