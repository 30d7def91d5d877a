"""Case-holders: who may lead each stage, and whether each allocation complies.

A verdict is given for every allocation event, and for a stage that is active with no
allocation recorded (``compliant: false``).
"""

from __future__ import annotations

from typing import Any

from wtguidance._engine.context import Conclusion, Conclusions, RunContext
from wtguidance._engine.facts import NO_FACTS
from wtguidance._pack.model import CaseHolderSpec, Rule
from wtguidance._pack.views import permitted_holder
from wtguidance.results import AllocationView, CaseHolderVerdict, PermittedHolder, PersonView

__all__ = ["conclude_case_holders"]


def conclude_case_holders(ctx: RunContext) -> None:
    """Judge every allocation, and every active stage with none, against the edition."""
    produced: Conclusions[CaseHolderVerdict] = Conclusions()
    allocations = ctx.facts.get(("event", "allocation"), NO_FACTS)
    for rule in ctx.pack.case_holders:
        spec = rule.then
        assert isinstance(spec, CaseHolderSpec)
        mine = [a for a in allocations if a.event.stage == spec.stage]
        if not mine and ctx.absent(rule.match):
            continue
        permitted = _permitted(ctx, rule, spec)
        for allocation in mine:
            if not rule.in_force_on(allocation.date):
                continue
            compliant, reason = _judge_allocation(spec, permitted, allocation.event)
            ctx.traced(rule, allocation.date, allocation)
            verdict = CaseHolderVerdict(
                stage=spec.stage,
                edition=rule.edition,
                rule=rule.id,
                permitted=permitted,
                allocation=AllocationView(
                    date=allocation.date,
                    practitioner=_person(allocation.event.practitioner),
                    supervisor=_person(allocation.event.supervisor)
                    if allocation.event.supervisor is not None
                    else None,
                ),
                compliant=compliant,
                reason=reason,
                citation=ctx.pack.citations[rule.id],
            )
            produced.keep((spec.stage, allocation.seq), Conclusion(allocation.date, verdict, rule))
        if mine:
            continue
        active = ctx.triggers(rule)
        if not active:
            continue
        start = active[0]
        ctx.traced(rule, start.date, start)
        verdict = CaseHolderVerdict(
            stage=spec.stage,
            edition=rule.edition,
            rule=rule.id,
            permitted=permitted,
            allocation=None,
            compliant=False,
            reason=f"stage {spec.stage} is active (since {start.date.isoformat()}, "
            f"{start.name}) but no allocation is recorded",
            citation=ctx.citation(rule),
        )
        produced.keep((spec.stage, -1), Conclusion(start.date, verdict, rule))
    ctx.out.case_holders.extend(produced)


def _permitted(ctx: RunContext, rule: Rule, spec: CaseHolderSpec) -> PermittedHolder:
    """Who may lead the stage: the edition's roles, narrowed by a local protocol."""
    if ctx.overlay is not None and spec.stage in ctx.overlay.lead_roles:
        local = set(ctx.overlay.lead_roles[spec.stage])
        return permitted_holder(spec, tuple(r for r in spec.lead.roles if r in local))
    return ctx.pack.permitted[rule.id]


def _judge_allocation(
    spec: CaseHolderSpec, permitted: PermittedHolder, allocation: Any
) -> tuple[bool, str]:
    lead = allocation.practitioner
    if lead.role not in permitted.roles:
        return (
            False,
            f"lead role {lead.role} may not lead {spec.stage}; permitted: "
            + ", ".join(permitted.roles),
        )
    if permitted.social_work_qualified and not lead.social_work_qualified:
        return False, f"the lead for {spec.stage} must be social-work qualified"
    needs_supervisor = permitted.supervisor_required == "always" or (
        permitted.supervisor_required == "when_lead_not_social_work_qualified"
        and not lead.social_work_qualified
    )
    if not needs_supervisor:
        return True, f"lead role {lead.role} may lead {spec.stage}"
    supervisor = allocation.supervisor
    if supervisor is None:
        return False, (
            f"lead role {lead.role} may lead {spec.stage} only with a supervisor "
            f"({', '.join(permitted.supervisor_roles)}); none recorded"
        )
    if supervisor.role not in permitted.supervisor_roles:
        return False, (
            f"supervisor role {supervisor.role} cannot oversee {spec.stage}; permitted: "
            + ", ".join(permitted.supervisor_roles)
        )
    if permitted.supervisor_social_work_qualified and not supervisor.social_work_qualified:
        return False, f"the supervisor overseeing {spec.stage} must be social-work qualified"
    return True, (
        f"lead role {lead.role} may lead {spec.stage} under supervisor role {supervisor.role}"
        + (" who is social-work qualified" if supervisor.social_work_qualified else "")
    )


def _person(person: Any) -> PersonView:
    return PersonView(role=person.role, social_work_qualified=person.social_work_qualified)
