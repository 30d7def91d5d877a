"""``wtguidance explain`` in words or JSON, from :func:`wtguidance.explain.explained`."""

from __future__ import annotations

import json
from collections.abc import Sequence

from wtguidance._pack.describe import citation_line, plain_value
from wtguidance.editions import Editions
from wtguidance.explain import Explained, explained

__all__ = ["explain_json", "explain_rule", "explain_text"]

_FIELDS = (
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
)


def explain_rule(editions: Editions, wanted: str, *, as_json: bool = False) -> str:
    """Rule ``wanted`` described in words (or JSON): :func:`explained`, then rendered."""
    found = explained(editions, wanted)
    return explain_json(found) if as_json else explain_text(found)


def explain_json(found: Sequence[Explained]) -> str:
    """One rule's record, or a list of them when a stable id names several."""
    records = [dict(item.record) for item in found]
    return json.dumps(records if len(records) > 1 else records[0], indent=2, ensure_ascii=False)


def explain_text(found: Sequence[Explained]) -> str:
    """Each rule in a few indented lines, ending with its citation and where it is defined."""
    return "\n\n".join(_text(item) for item in found)


def _text(item: Explained) -> str:
    record, citation = item.record, item.citation
    lines = [
        f"{record['rule']}  ({record['kind']} → {record['concludes']}, edition {record['edition']})"
    ]
    lines.append(f"  {record['summary']}")
    for key in _FIELDS:
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
