"""Pack parts in their output form: citations, time limits, who may lead, who must sign.

Built once per rule at compile time, and again at evaluation time only where a local
protocol changes a limit or a role list. Neither compiling nor evaluating: both use it.
"""

from __future__ import annotations

from wtguidance._pack.model import CaseHolderSpec, Citation, PersonSpec, Timescale
from wtguidance.results import CitationView, PermittedHolder, RequiredSigner, TimescaleView

__all__ = ["citation_view", "permitted_holder", "required_signer", "timescale_view"]


def citation_view(citation: Citation) -> CitationView:
    """The output form of a citation (built once per rule, at compile time)."""
    return CitationView(
        edition=citation.edition,
        chapter=citation.chapter,
        section=citation.section,
        paragraph=citation.paragraph,
        url=citation.url,
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
