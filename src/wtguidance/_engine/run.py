"""Run one edition over a case: derive facts, then conclude each kind in turn."""

from __future__ import annotations

from wtguidance._engine.case_holders import conclude_case_holders
from wtguidance._engine.case_run import CaseRun
from wtguidance._engine.context import PackRun, RunContext
from wtguidance._engine.obligations import conclude_obligations
from wtguidance._engine.plan import PackPlan
from wtguidance._engine.sign_offs import conclude_sign_offs
from wtguidance.results import Finding

__all__ = ["conclude", "run_pack"]

#: the conclusion kinds, in the order they run (each reads the derived facts only)
CONCLUSIONS = (conclude_obligations, conclude_case_holders, conclude_sign_offs)


def run_pack(plan: PackPlan, run: CaseRun) -> PackRun:
    """Evaluate one planned edition (see :func:`~wtguidance._engine.plan.plan_pack`).

    ``run.window`` is the span of anchor dates this edition governs (``edition: auto``);
    clocks outside it are still computed (they shape repeats) but are judged elsewhere.
    ``run.evidence`` says which events the case's source can never record;
    ``run.trace=False`` records no trace (batch work that never shows it).
    """
    ctx = RunContext(plan, run)
    ctx.derive()
    return conclude(ctx)


def conclude(ctx: RunContext) -> PackRun:
    """Run every conclusion kind over a context whose facts are derived (any engine's)."""
    for conclude_kind in CONCLUSIONS:
        conclude_kind(ctx)
    _note_dormant(ctx)
    return ctx.out


def _note_dormant(ctx: RunContext) -> None:
    """A ``not-commenced`` finding for each duty awaiting commencement that the case meets.

    Such a rule (``in_force_from: pending``) is never applied, but a case that would
    trigger it is told so, with the rule that judges it meanwhile (if any).
    """
    for plan in ctx.plan.dormant:
        matches = ctx.matching(plan.match)
        for index, fact in enumerate(matches):
            if plan.when is not None:
                since = max((m.date for m in matches[:index] if m.date < fact.date), default=None)
                if not plan.when(ctx, fact, None, since):
                    continue
            rule = plan.rule
            instead = f"; {rule.overrides} judges it meanwhile" if rule.overrides else ""
            ctx.out.findings.append(
                (
                    fact.date,
                    Finding(
                        code="not-commenced",
                        severity="info",
                        message=f"{rule.id} ({rule.output_id}) would apply to {fact.label} "
                        "but awaits commencement (in_force_from: pending) and is not "
                        f"applied{instead}",
                    ),
                )
            )
