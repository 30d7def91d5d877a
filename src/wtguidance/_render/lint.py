"""``lint-packs`` output: the :class:`~wtguidance._pack.lint.LintReport` as text or JSON."""

from __future__ import annotations

import json

from wtguidance._pack.lint import LintReport

__all__ = ["lint_json", "lint_text"]


def lint_json(report: LintReport) -> str:
    """The report as one JSON document (``lint-packs --format json``)."""
    editions: list[dict[str, object]] = []
    for e in report.editions:
        if not e.valid:
            editions.append({"edition": e.edition, "valid": False})
            continue
        editions.append(
            {
                "edition": e.edition,
                "valid": True,
                "status": e.status,
                "rules": e.rules,
                "cite_paragraph": e.cite_paragraph,
                "cite_section_only": e.cite_section_only,
                "provisional": list(e.provisional),
                "confidence": dict(e.confidence),
            }
        )
    payload = {
        "valid": report.valid,
        "editions": editions,
        "errors": [
            {
                "code": p.code,
                "message": p.message,
                "location": str(p.location),
                "rule": p.rule_id,
                "hint": p.hint,
            }
            for p in report.problems
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)


def lint_text(report: LintReport) -> str:
    """Every problem on one line, then one line per edition (and its provisional rules)."""
    lines = [p.one_line() for p in report.problems]
    for e in report.editions:
        if not e.valid:
            lines.append(f"{e.edition}: INVALID")
            continue
        lines.append(
            f"{e.edition} [{e.status}]: {e.rules} rules; "
            f"{e.cite_paragraph} cite a paragraph, {e.cite_section_only} a "
            f"section only; {len(e.provisional)} provisional; confidence "
            + ", ".join(f"{k} {v}" for k, v in e.confidence)
        )
        lines.extend(f"    provisional: {rule_id}" for rule_id in e.provisional)
    return "\n".join(lines)
