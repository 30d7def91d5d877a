"""``wtguidance lint-packs``: validate packs and report how precisely they cite.

For each edition: rules citing a verified paragraph versus a section only, rules marked
provisional, and rules by confidence. Any pack error is printed (every problem, sorted
by location) and makes the exit code 1.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from wtguidance._pack.compile import compile_pack
from wtguidance._pack.load import edition_dirs, load_pack
from wtguidance._pack.validate import check_pack
from wtguidance._resources import data_dir
from wtguidance.errors import PackError

__all__ = ["lint_packs"]


def lint_packs(root: Path | None, *, as_json: bool = False) -> tuple[str, int]:
    base = root if root is not None else data_dir("rules")
    shown = str(root) if root is not None else "rules"
    reports: list[dict[str, Any]] = []
    problems: list[PackError] = []
    for entry in edition_dirs(base, shown):
        try:
            pack, found = check_pack(load_pack(entry, shown_as=f"{shown}/{entry.name}"))
            if pack is not None:
                compile_pack(pack)
        except PackError as error:
            found = [error]
            pack = None
        problems.extend(found)
        if pack is None:
            reports.append({"edition": entry.name, "valid": False})
            continue
        confidence = Counter(r.confidence or "unrated" for r in pack.rules)
        reports.append(
            {
                "edition": pack.edition,
                "valid": True,
                "status": pack.meta.status,
                "rules": len(pack.rules),
                "cite_paragraph": sum(1 for r in pack.rules if r.citation.paragraph),
                "cite_section_only": sum(1 for r in pack.rules if not r.citation.paragraph),
                "provisional": sorted(r.id for r in pack.rules if r.provisional),
                "confidence": dict(sorted(confidence.items())),
            }
        )
    code = 1 if problems else 0
    if as_json:
        payload = {
            "valid": not problems,
            "editions": reports,
            "errors": [
                {
                    "code": p.code,
                    "message": p.message,
                    "location": str(p.location),
                    "rule": p.rule_id,
                    "hint": p.hint,
                }
                for p in problems
            ],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False), code
    lines = [p.one_line() for p in problems]
    for report in reports:
        if not report["valid"]:
            lines.append(f"{report['edition']}: INVALID")
            continue
        lines.append(
            f"{report['edition']} [{report['status']}]: {report['rules']} rules; "
            f"{report['cite_paragraph']} cite a paragraph, {report['cite_section_only']} a "
            f"section only; {len(report['provisional'])} provisional; confidence "
            + ", ".join(f"{k} {v}" for k, v in report["confidence"].items())
        )
        lines.extend(f"    provisional: {rule_id}" for rule_id in report["provisional"])
    return "\n".join(lines), code
