"""Sign-offs: who must approve what, and whether a permitted person did (DESIGN §6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from wtguidance._engine.context import Conclusion, Conclusions, RunContext
from wtguidance._engine.facts import NO_FACTS, Fact
from wtguidance._pack.model import PersonSpec, Rule, SignOffSpec
from wtguidance._pack.views import required_signer
from wtguidance.results import PersonView, RequiredSigner, SignOffResult, SignOffStatus

__all__ = ["conclude_sign_offs"]


def conclude_sign_offs(ctx: RunContext) -> None:
    """Judge every sign-off the edition requires: given, missing, pending or invalid."""
    produced: Conclusions[SignOffResult] = Conclusions()
    signatures = ctx.facts.get(("event", "sign_off"), NO_FACTS)
    for rule in ctx.pack.sign_offs:
        spec = rule.then
        assert isinstance(spec, SignOffSpec)
        if ctx.absent(rule.match):
            continue
        required = spec.required_from
        signer = ctx.pack.signers[rule.id]
        if ctx.overlay is not None and spec.id in ctx.overlay.sign_offs:
            required = ctx.overlay.sign_offs[spec.id]
            signer = required_signer(required)
        mine = [s for s in signatures if s.event.subject == spec.subject]
        givers = ctx.matching(spec.given_by) if spec.given_by is not None else NO_FACTS
        triggers = ctx.triggers(rule)
        previous_done: dt.date | None = None
        for index, trigger in enumerate(triggers):
            until = triggers[index + 1].date if index + 1 < len(triggers) else None
            done = _done(ctx, spec, trigger, until)
            result = _judge_sign_off(
                ctx, rule, spec, required, signer, trigger, done, until, mine, givers, previous_done
            )
            previous_done = done.date if done is not None else previous_done
            produced.keep((spec.id, trigger.seq), Conclusion(trigger.date, result, rule))
    ctx.out.sign_offs.extend(produced)


def _done(ctx: RunContext, spec: SignOffSpec, trigger: Fact, until: dt.date | None) -> Fact | None:
    """The fact that completes the subject (the trigger itself when nothing else is named)."""
    if spec.done_when is None:
        return trigger
    for fact in ctx.matching(spec.done_when):
        if fact.date >= trigger.date and (until is None or fact.date < until):
            return fact
    return None


def _judge_sign_off(
    ctx: RunContext,
    rule: Rule,
    spec: SignOffSpec,
    required: PersonSpec,
    signer: RequiredSigner,
    trigger: Fact,
    done: Fact | None,
    until: dt.date | None,
    signatures: Iterable[Fact],
    givers: Iterable[Fact],
    previous_done: dt.date | None,
) -> SignOffResult:
    given_on: dt.date | None = None
    signed_by: PersonView | None = None
    status: SignOffStatus
    if done is None:
        status = "pending"
    else:
        in_window = [
            s for s in signatures if s.date >= done.date and (until is None or s.date < until)
        ]
        valid = [s for s in in_window if _permits(required, s.event.by)]
        by_event = [
            g
            for g in givers
            if g.date <= done.date and (previous_done is None or g.date > previous_done)
        ]
        dates = [s.date for s in valid] + [g.date for g in by_event]
        if dates:
            status, given_on = "given", min(dates)
            # who signed: the first permitted signature that day (none when an event,
            # such as a conference's decision, gave the sign-off)
            first = min((s for s in valid if s.date == given_on), key=_order, default=None)
            signed_by = _person(first.event.by) if first is not None else None
        elif in_window:
            status = "invalid"
            signed_by = _person(min(in_window, key=_order).event.by)
        else:
            status = "missing"
    ctx.traced(rule, trigger.date, trigger, done)
    return SignOffResult(
        id=spec.id,
        edition=rule.edition,
        rule=rule.id,
        subject=spec.subject,
        summary=rule.summary,
        subject_date=done.date if done is not None else None,
        required_from=signer,
        status=status,
        given_on=given_on,
        signed_by=signed_by,
        citation=ctx.citation(rule),
    )


def _order(fact: Fact) -> tuple[dt.date, int]:
    return fact.date, fact.seq


def _person(person: Any) -> PersonView:
    return PersonView(role=person.role, social_work_qualified=person.social_work_qualified)


def _permits(required: PersonSpec, person: Any) -> bool:
    if person.role not in required.roles:
        return False
    return not (required.social_work_qualified and not person.social_work_qualified)
