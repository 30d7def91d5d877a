"""Sign-offs: who must approve what, and whether a permitted person did (DESIGN §6).

One entry per instance of the subject: per trigger event, where triggers of one rule on
the same day and stage (two allocations decided together) share one entry, as they share
one sign-off. Each entry names its instance (the trigger's event, date and stage). When
the case's source never records sign-offs (the CIN census), a subject that was done has a
sign-off that is ``not_evidenced`` (with the reason), not ``missing``, unless an event the
source does record gave it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from typing import Any

from msgspec.structs import replace

from wtguidance._engine.context import Conclusion, Conclusions, RunContext
from wtguidance._engine.facts import NO_FACTS, Fact, fact_date
from wtguidance._engine.plan import SignOffPlan
from wtguidance._pack.compile import field_of
from wtguidance._pack.model import PersonSpec
from wtguidance.results import Instance, PersonView, SignOffResult, SignOffStatus

__all__ = ["conclude_sign_offs", "judge_sign_off"]


def conclude_sign_offs(ctx: RunContext) -> None:
    """Judge every sign-off the edition requires: given, missing, pending or invalid."""
    if not ctx.plan.sign_offs:
        return
    facts = ctx.facts
    active = [plan for plan in ctx.plan.sign_offs if facts.get(plan.match.key)]
    if not active:
        return  # no subject of a sign-off occurred
    produced: Conclusions[SignOffResult] = Conclusions()
    by_subject: dict[str, list[Fact]] = {}
    for signature in facts.get(("event", "sign_off"), NO_FACTS):
        by_subject.setdefault(signature.event.subject, []).append(signature)
    new = tuple.__new__  # what Conclusion(...) does, without its Python-level frame
    for plan in active:
        mine = by_subject.get(plan.spec.subject, NO_FACTS)
        givers = ctx.matching(plan.given_by) if plan.given_by is not None else NO_FACTS
        triggers = ctx.triggers(plan)
        # the signatures this sign-off's signer may give, filtered once (not per trigger)
        permitted = [s for s in mine if _permits(plan.required, s.event.by)]
        previous_done: dt.date | None = None
        seen: set[tuple[dt.date, str | None]] = set()
        for index, trigger in enumerate(triggers):
            stage = _stage(trigger)
            instance = (trigger.date, stage)
            if instance in seen:
                continue  # the same instance: one sign-off answers both
            seen.add(instance)
            # the subject's window runs to the next trigger on a later day: triggers on the
            # same day (two allocations decided together) share it, so one sign-off that
            # day gives each of them
            after = bisect_right(triggers, trigger.date, lo=index + 1, key=fact_date)
            until = triggers[after].date if after < len(triggers) else None
            done = _done(ctx, plan, trigger, until)
            result = judge_sign_off(
                ctx,
                plan,
                trigger,
                done,
                until,
                mine,
                givers,
                previous_done,
                permitted=permitted,
                stage=stage,
            )
            previous_done = done.date if done is not None else previous_done
            key = (plan.spec.id, trigger.seq)
            produced.keep(key, new(Conclusion, (trigger.date, result, plan.rule, None)))
    ctx.out.sign_offs.extend(produced)


def _done(ctx: RunContext, plan: SignOffPlan, trigger: Fact, until: dt.date | None) -> Fact | None:
    """The fact that completes the subject (the trigger itself when nothing else is named)."""
    if plan.done_when is None:
        return trigger
    facts = ctx.matching(plan.done_when)
    index = bisect_left(facts, trigger.date, key=fact_date)
    if index < len(facts) and (until is None or facts[index].date < until):
        return facts[index]
    return None


def judge_sign_off(
    ctx: RunContext,
    plan: SignOffPlan,
    trigger: Fact,
    done: Fact | None,
    until: dt.date | None,
    signatures: list[Fact],
    givers: list[Fact],
    previous_done: dt.date | None,
    *,
    permitted: list[Fact] | None = None,
    stage: str | None,
) -> SignOffResult:
    """The sign-off of one subject: ``signatures`` and ``givers`` are sorted by date;
    ``permitted``, when given, is those of ``signatures`` the required signer may give;
    ``stage`` is the trigger's stage (None for a subject without one)."""
    given_on: dt.date | None = None
    signed_by: PersonView | None = None
    status: SignOffStatus
    if done is None:
        status = "pending"
    else:
        # signatures from the day the subject was done until the next trigger
        low = bisect_left(signatures, done.date, key=fact_date)
        high = len(signatures) if until is None else bisect_left(signatures, until, key=fact_date)
        required = plan.required
        # the first permitted signature (signatures are in date, then case, order)
        if permitted is None:
            permitted = [s for s in signatures[low:high] if _permits(required, s.event.by)]
            first_ok = 0
        else:
            first_ok = bisect_left(permitted, done.date, key=fact_date)
        signer = permitted[first_ok] if first_ok < len(permitted) else None
        if signer is not None and until is not None and signer.date >= until:
            signer = None
        signed = signer.date if signer is not None else None
        # an event that gives the sign-off, after the last subject done and by this one
        first = 0 if previous_done is None else bisect_right(givers, previous_done, key=fact_date)
        given = givers[first].date if first < len(givers) else None
        if given is not None and given > done.date:
            given = None
        dates = [d for d in (signed, given) if d is not None]
        if dates:
            status, given_on = "given", min(dates)
            # who signed: the first permitted signature that day (none when an event,
            # such as a conference's decision, gave the sign-off)
            if signer is not None and signed == given_on:
                signed_by = _person(signer.event.by)
        elif high > low:
            status = "invalid"
            signed_by = _person(signatures[low].event.by)
        else:
            status = "missing"
    reason: str | None = None
    if status == "missing" and ctx.evidence is not None:
        absent = ctx.evidence.absent_events
        if "sign_off" in absent:
            status, reason = "not_evidenced", ctx.evidence.reason(("sign_off",))
    ctx.traced(plan.rule, trigger.date, trigger, done)
    # the rule's own parts come from its template; the case's are put in here
    return replace(
        plan.template,
        instance=Instance(trigger.name, trigger.date, stage),
        subject_date=done.date if done is not None else None,
        status=status,
        reason=reason,
        given_on=given_on,
        signed_by=signed_by,
    )


def _stage(fact: Fact) -> str | None:
    stage = field_of(fact.event, "stage")
    return stage if isinstance(stage, str) else None


def _person(person: Any) -> PersonView:
    return PersonView(person.role, person.social_work_qualified)  # positionally


def _permits(required: PersonSpec, person: Any) -> bool:
    if person.role not in required.roles:
        return False
    return not (required.social_work_qualified and not person.social_work_qualified)
