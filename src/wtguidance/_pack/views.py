"""Pack parts in their output form: citations, time limits, who may lead, who must sign.

Built once per rule at compile time (a local protocol's tightening is compiled too: it
yields a new edition). Neither compiling nor evaluating: both use it.
"""

from __future__ import annotations

from wtguidance._pack.model import (
    CaseHolderSpec,
    Citation,
    PersonSpec,
    ProtocolSource,
    Timescale,
)
from wtguidance.results import (
    CitationView,
    PermittedHolder,
    ProtocolView,
    RequiredSigner,
    TimescaleView,
)

__all__ = [
    "citation_view",
    "permitted_holder",
    "protocol_view",
    "required_signer",
    "timescale_view",
]


def citation_view(citation: Citation) -> CitationView:
    """The output form of a citation (built once per rule, at compile time)."""
    return CitationView(
        edition=citation.edition,
        chapter=citation.chapter,
        section=citation.section,
        paragraph=citation.paragraph,
        url=citation.url,
        protocol=protocol_view(citation.protocol) if citation.protocol is not None else None,
    )


def protocol_view(source: ProtocolSource) -> ProtocolView:
    """The output form of the local protocol that tightened an edition."""
    return ProtocolView(
        authority=source.authority,
        edition=source.edition,
        published=source.published,
        url=source.url,
    )


def timescale_view(timescale: Timescale) -> TimescaleView:
    """The output form of a time limit."""
    return TimescaleView(**timescale.as_dict())


def permitted_holder(spec: CaseHolderSpec, roles: tuple[str, ...]) -> PermittedHolder:
    """Who may lead ``spec.stage`` (``roles``: the lead roles after any local narrowing)."""
    oversight = spec.oversight
    return PermittedHolder(
        roles=roles,
        social_work_qualified=spec.lead.social_work_qualified,
        supervisor_required=oversight.required if oversight else "never",
        supervisor_roles=oversight.roles if oversight else (),
        supervisor_social_work_qualified=oversight.social_work_qualified if oversight else None,
    )


def required_signer(person: PersonSpec) -> RequiredSigner:
    """The output form of who must sign."""
    return RequiredSigner(roles=person.roles, social_work_qualified=person.social_work_qualified)
