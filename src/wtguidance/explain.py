"""``wtguidance explain``: one rule (or every rule behind a stable id), with its citation."""

from __future__ import annotations

import json
from typing import Any

from wtguidance._ids import did_you_mean
from wtguidance._pack.describe import citation_line, plain_value, rule_record
from wtguidance.editions import Editions
from wtguidance.errors import UnknownIdError, UsageError

__all__ = ["explain_rule"]


def explain_rule(editions: Editions, wanted: str, *, as_json: bool = False) -> str:
    """Describe rule ``wanted`` (a rule id, or a stable obligation/sign-off/stage id)."""
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
    records = [rule_record(r) for r in rules]
    if as_json:
        return json.dumps(records if len(records) > 1 else records[0], indent=2, ensure_ascii=False)
    return "\n\n".join(
        _text(record, rule.citation) for record, rule in zip(records, rules, strict=True)
    )


def _text(record: dict[str, Any], citation: Any) -> str:
    lines = [
        f"{record['rule']}  ({record['kind']} → {record['concludes']}, edition {record['edition']})"
    ]
    lines.append(f"  {record['summary']}")
    for key in (
        "trigger",
        "actor",
        "modality",
        "timescale",
        "clock",
        "on_repeat",
        "satisfied_by",
        "stage",
        "lead_roles",
        "oversight",
        "subject",
        "required_roles",
        "done_when",
        "given_by",
        "in_force_from",
        "overrides",
        "confidence",
    ):
        value = record.get(key)
        if value not in (None, [], ""):
            lines.append(f"  {key}: {plain_value(value)}")
    if record["provisional"]:
        lines.append(f"  PROVISIONAL: {record['provisional']}")
    if record["notes"]:
        lines.append(f"  notes: {record['notes']}")
    lines.append(f"  cites: {citation_line(citation)} — {citation.url}")
    lines.append(f"  defined at {record['defined_at']}")
    return "\n".join(lines)
