"""Plain descriptions of rules as JSON-ready data, shared by ``explain`` and the diffs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from wtguidance._pack.model import (
    TIMESCALE_UNITS,
    AssertSpec,
    CaseHolderSpec,
    ObligationSpec,
    Rule,
    SignOffSpec,
    describe_limit,
)

if TYPE_CHECKING:
    from pydantic import JsonValue

__all__ = [
    "PARAGRAPHS_NOT_VERIFIED",
    "CitationLike",
    "citation_line",
    "plain_value",
    "rule_record",
]

PARAGRAPHS_NOT_VERIFIED = (
    "Paragraph not verified: a citation without “para N” names the edition, chapter and "
    "section only."
)


class CitationLike(Protocol):
    """Anything shaped like a citation (a pack's ``Citation`` or a result's ``CitationView``)."""

    @property
    def edition(self) -> str: ...
    @property
    def chapter(self) -> str | None: ...
    @property
    def section(self) -> str: ...
    @property
    def paragraph(self) -> str | None: ...
    @property
    def url(self) -> str: ...


def citation_line(citation: CitationLike, *, say_unverified: bool = True) -> str:
    """``WT2023 ch.3 “Referral” (paragraph not verified)``: a citation in one line.

    With ``say_unverified=False`` a citation without a paragraph number ends at its section
    (``WT2023 ch.3 “Referral”``): for tables that say once, below, that paragraphs are not
    verified (see :data:`PARAGRAPHS_NOT_VERIFIED`). A local protocol's own duty is cited to
    the protocol, never to the edition:
    ``Local protocol of Exampleshire County Council (published 2024-04-01)``.
    """
    protocol = getattr(citation, "protocol", None)
    if protocol is not None:
        published = f" (published {protocol.published})" if protocol.published else ""
        return f"Local protocol of {protocol.authority}{published}"
    chapter = f" ch.{citation.chapter}" if citation.chapter else ""
    if citation.paragraph:
        paragraph = f" para {citation.paragraph}"
    else:
        paragraph = " (paragraph not verified)" if say_unverified else ""
    return f"WT{citation.edition}{chapter} “{citation.section}”{paragraph}"


def plain_value(value: JsonValue) -> str:
    """A field value in words: timescales, role lists, yes/no, nested settings."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in TIMESCALE_UNITS:
            ((unit, n),) = value.items()
            if isinstance(n, int):
                return describe_limit(unit, n)
        if set(value) == {"chapter", "section", "paragraph"}:
            chapter = f"ch.{value['chapter']} " if value["chapter"] else ""
            para = f" para {value['paragraph']}" if value["paragraph"] else ""
            return f"{chapter}“{value['section']}”{para}"
        return "; ".join(f"{k.replace('_', ' ')}: {plain_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return ", ".join(str(v) for v in value) if value else "(none)"
        return " | ".join(plain_value(v) for v in value)
    return str(value)


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
        "in_force_from": "pending"
        if rule.commencement_pending
        else rule.in_force_from.isoformat()
        if rule.in_force_from
        else None,
        "overrides": rule.overrides,
        "defined_at": str(rule.location),
    }
    if isinstance(then, ObligationSpec):
        record.update(
            actor=then.actor,
            modality=then.modality,
            timescale=then.timescale.as_dict() if then.timescale else None,
            timescale_source=then.timescale_source if then.timescale else None,
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
            agreement_required=then.agreement_required,
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
