"""Case-holders: who may lead each stage, and whether each allocation complies.

A verdict is given for every allocation event, and for a stage that is active with no
allocation recorded (``not_allocated``, ``compliant: false``) — unless the case's source
never records allocations (the CIN census): that stage is then ``not_evidenced``
(``compliant: null``, with the reason). Each verdict names its instance: the allocation,
or the event that made the stage active.
"""

from __future__ import annotations

from typing import Any

from msgspec.structs import replace

from wtguidance._engine.context import Conclusion, Conclusions, RunContext
from wtguidance._engine.facts import NO_FACTS, Fact
from wtguidance._engine.plan import CaseHolderPlan
from wtguidance._pack.model import CaseHolderSpec
from wtguidance.results import (
    AllocationView,
    CaseHolderVerdict,
    Instance,
    PermittedHolder,
    PersonView,
)

__all__ = ["conclude_case_holders", "judge_allocation"]


def conclude_case_holders(ctx: RunContext) -> None:
    """Judge every allocation, and every active stage with none, against the edition."""
    if not ctx.plan.case_holders:
        return
    produced: Conclusions[CaseHolderVerdict] = Conclusions()
    by_stage: dict[str, list[Fact]] = {}
    for allocation in ctx.facts.get(("event", "allocation"), NO_FACTS):
        by_stage.setdefault(allocation.event.stage, []).append(allocation)
    for plan in ctx.plan.case_holders:
        spec, rule = plan.spec, plan.rule
        mine = by_stage.get(spec.stage)
        if mine:
            for allocation in mine:
                if not rule.in_force_on(allocation.date):
                    continue
                verdict = judge_allocation(ctx, plan, allocation)
                key = (spec.stage, allocation.seq)
                produced.keep(key, Conclusion(allocation.date, verdict, rule))
            continue
        if not ctx.facts.get(plan.match.key):
            continue  # the stage never became active
        active = ctx.triggers(plan)
        if not active:
            continue
        start = active[0]
        ctx.traced(rule, start.date, start)
        evidence = ctx.evidence
        unrecorded = evidence is not None and "allocation" in evidence.absent_events
        verdict = replace(
            plan.template,
            instance=Instance(start.name, start.date, spec.stage),
            allocation=None,
            compliant=None if unrecorded else False,
            status="not_evidenced" if unrecorded else "not_allocated",
            reason=evidence.reason(("allocation",))
            if evidence is not None and unrecorded
            else f"stage {spec.stage} is active (since {start.date.isoformat()}, "
            f"{start.name}) but no allocation is recorded",
        )
        produced.keep((spec.stage, -1), Conclusion(start.date, verdict, rule))
    ctx.out.case_holders.extend(produced)


def judge_allocation(ctx: RunContext, plan: CaseHolderPlan, allocation: Fact) -> CaseHolderVerdict:
    """The verdict on one allocation under the edition (and any local narrowing)."""
    spec, rule, event = plan.spec, plan.rule, allocation.event
    compliant, reason = _judge_allocation(spec, plan.permitted, event)
    ctx.traced(rule, allocation.date, allocation)
    supervisor = event.supervisor
    return replace(
        plan.template,
        instance=Instance(allocation.name, allocation.date, spec.stage),
        allocation=AllocationView(  # positionally: date, practitioner, supervisor
            allocation.date,
            _person(event.practitioner),
            _person(supervisor) if supervisor is not None else None,
        ),
        compliant=compliant,
        status="compliant" if compliant else "not_compliant",
        reason=reason,
    )


def _judge_allocation(
    spec: CaseHolderSpec, permitted: PermittedHolder, allocation: Any
) -> tuple[bool, str]:
    lead = allocation.practitioner
    if spec.agreement_required and getattr(allocation, "practitioner_agreed", None) is False:
        return False, (
            f"the allocation for {spec.stage} records that the lead practitioner "
            f"({lead.role}) did not agree to it; the case is allocated with their agreement"
        )
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
    return PersonView(person.role, person.social_work_qualified)  # positionally
