"""Plain descriptions of rules as JSON-ready data, shared by ``explain`` and the diffs."""

from __future__ import annotations

from typing import Any

from wtguidance._pack.model import (
    AssertSpec,
    CaseHolderSpec,
    ObligationSpec,
    Rule,
    SignOffSpec,
)

__all__ = ["rule_record"]


def rule_record(rule: Rule) -> dict[str, Any]:
    """Everything about one rule as plain JSON-ready data."""
    then = rule.then
    record: dict[str, Any] = {
        "rule": rule.id,
        "edition": rule.edition,
        "kind": rule.kind,
        "concludes": rule.output_id,
        "summary": rule.summary,
        "trigger": rule.match.describe(),
        "citation": {
            "edition": rule.citation.edition,
            "chapter": rule.citation.chapter,
            "section": rule.citation.section,
            "paragraph": rule.citation.paragraph,
            "url": rule.citation.url,
        },
        "confidence": rule.confidence,
        "provisional": rule.provisional,
        "notes": rule.notes,
        "in_force_from": rule.in_force_from.isoformat() if rule.in_force_from else None,
        "overrides": rule.overrides,
        "defined_at": str(rule.location),
    }
    if isinstance(then, ObligationSpec):
        record.update(
            actor=then.actor,
            modality=then.modality,
            timescale=then.timescale.as_dict() if then.timescale else None,
            clock=rule.match.name,
            on_repeat=then.on_repeat,
            satisfied_by=then.satisfied_by.describe(),
            window=then.window,
        )
    elif isinstance(then, CaseHolderSpec):
        record.update(
            stage=then.stage,
            lead_roles=list(then.lead.roles),
            lead_social_work_qualified=then.lead.social_work_qualified,
            oversight=None
            if then.oversight is None
            else {
                "required": then.oversight.required,
                "roles": list(then.oversight.roles),
                "social_work_qualified": then.oversight.social_work_qualified,
            },
        )
    elif isinstance(then, SignOffSpec):
        record.update(
            subject=then.subject,
            required_roles=list(then.required_from.roles),
            required_social_work_qualified=then.required_from.social_work_qualified,
            done_when=then.done_when.describe() if then.done_when else None,
            given_by=then.given_by.describe() if then.given_by else None,
        )
    elif isinstance(then, AssertSpec):
        record.update(fact=then.fact)
    return record
