"""Obligations: open one clock per triggering fact, give it its satisfier, judge it.

Each instance is judged ``met``, ``met_late``, ``pending``, ``overdue`` or ``unscheduled``
(DESIGN §5), or is withdrawn or ended by a later event. Two more outcomes come from the
case and its source rather than from the pack:

- **clocks stop** when the episode closes (``case_closed``), when the child dies, and, for
  duties owed only to children, on the 18th birthday; an unmet obligation due after that
  point is ``ended`` with the reason, one already past due stays ``overdue``. Each rule
  says which stops apply to it (``clock_stops``; duties about a death or a review list
  none);
- **not evidenced**: when the case came from a source that never records the events that
  could satisfy an obligation (the CIN census has no child-seen visits, say), an unmet
  obligation is ``not_evidenced`` with the reason, never ``overdue``. A source that keeps
  only the *latest* event of a kind (Ofsted's Annex A: a plan's latest review, the last
  visit) cannot show whether an earlier one, not kept, met a duty in time: a duty met
  late by such an event is ``not_evidenced`` too (one met on time stands: the latest was
  in time, so one was).

Every ``overdue`` or ``met_late`` result says how late (``late_by``), in the limit's unit.
Which satisfying events clocks have already taken is kept by :mod:`wtguidance._engine.claims`.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from msgspec.structs import replace

from wtguidance._engine.claims import Claims, ReleasableClaims, first_unused
from wtguidance._engine.context import Conclusion, Conclusions, RunContext
from wtguidance._engine.dates import ClockOutOfSpanError
from wtguidance._engine.facts import NO_FACTS, Fact, fact_date
from wtguidance._engine.plan import ObligationPlan, Selection
from wtguidance._pack.model import ClockStop, ObligationSpec
from wtguidance.calendar import EVERY_DAY
from wtguidance.errors import CalendarError
from wtguidance.results import Clock, Finding, ObligationResult, ObligationStatus, TimescaleView

__all__ = [
    "Claims",
    "Episode",
    "ReleasableClaims",
    "conclude_obligations",
    "eighteenth_birthday",
    "judge_episode",
]


class Episode(NamedTuple):
    """One obligation instance: its clock, the fact that satisfies it (if any), its anchor.

    ``repeat`` marks a later interval of a repeating clock (it runs from the previous
    satisfying event, with ``repeat_every``).
    """

    clock: Fact
    satisfier: Fact | None
    anchor: dt.date
    repeat: bool = False


class Stop(NamedTuple):
    """A point after which a clock no longer runs, and why."""

    day: dt.date
    reason: str


def conclude_obligations(ctx: RunContext) -> None:
    """Judge every obligation rule of the edition; add the results to ``ctx.out``."""
    produced: Conclusions[ObligationResult] = Conclusions()
    considered = ctx.out.considered
    facts = ctx.facts
    window = ctx.window
    everything = window is EVERY_DAY
    new = tuple.__new__  # what Conclusion(...) does, without its Python-level frame
    plans, by_trigger = ctx.plan.obligations, ctx.plan.obligations_by_trigger
    # the rules the case's facts can trigger (a rule whose trigger never occurred is
    # never visited), in the edition's order
    active = [i for key, found in facts.items() if found for i in by_trigger.get(key, ())]
    if len(active) > 1:
        active.sort()
    for plan in map(plans.__getitem__, active):
        # the facts that withdraw or end an instance (each list sorted by date)
        withdrawn = _present(ctx, plan.withdrawn_by)
        ended = _present(ctx, plan.ended_by)
        obligation, rule = plan.spec.id, plan.rule
        for episode in _episodes(ctx, plan, withdrawn + ended if withdrawn or ended else ended):
            anchor = episode.anchor
            if not everything:  # one of several editions judging the case
                considered.append((obligation, anchor, episode.clock))
                if not window.contains(anchor):
                    continue  # another edition judges this episode
            item = judge_episode(ctx, plan, episode, withdrawn, ended)
            if item is not None:
                entry = plan.repeat_entry if episode.repeat else plan.entry
                conclusion = new(Conclusion, (anchor, item, rule, entry))
                produced.keep((obligation, episode.clock.seq), conclusion)
    ctx.out.obligations.extend(produced)


def _present(ctx: RunContext, selections: tuple[Selection, ...]) -> list[list[Fact]]:
    """The non-empty fact lists of ``selections`` (most rules name none)."""
    if not selections:
        return []
    return [found for found in map(ctx.matching, selections) if found]


def _episodes(ctx: RunContext, plan: ObligationPlan, enders: list[list[Fact]]) -> list[Episode]:
    """Open one obligation per clock event and give each its own satisfying event.

    A satisfying event answers one clock only (the earliest clock that can use it), so
    one notification cannot meet two incidents and one decision cannot answer two
    referrals. ``keep_first`` ignores a repeat of the clock while an earlier instance
    is still running; ``restart`` replaces that instance (and frees its satisfier).

    Each instance also carries its *anchor*: the date of the clock event that began
    its episode. It decides which edition judges the instance, so an episode begun
    under one edition is judged by it even when ``restart`` moves the clock to a date
    the next edition governs (otherwise neither edition would judge it).
    """
    satisfiers = ctx.matching(plan.satisfied_by)
    on_repeat = plan.spec.on_repeat
    clocks = ctx.triggers(plan)
    if not enders and plan.repeat_due is None and (on_repeat == "separate" or len(clocks) < 2):
        new = tuple.__new__
        if not satisfiers:
            # nothing can meet, withdraw or end any clock: one open instance per clock
            return [new(Episode, (clock, None, clock.date, False)) for clock in clocks]
        if len(clocks) == 1 and plan.window != "on_or_before":
            # one clock, nothing taken yet: the first satisfier in its window meets it
            (clock,) = clocks
            day = clock.date
            bisect = bisect_left if plan.window == "on_or_after" else bisect_right
            index = bisect(satisfiers, day, key=fact_date)
            satisfier = satisfiers[index] if index < len(satisfiers) else None
            return [new(Episode, (clock, satisfier, day, False))]
    claims: Claims = ReleasableClaims(len(satisfiers)) if on_repeat == "restart" else Claims()
    everything = ctx.window is EVERY_DAY
    opened: list[Episode] = []
    taken: list[int] = []  # the satisfier index each opened instance took (-1: none)
    # when each opened instance stopped running (met, withdrawn or ended), if it did
    closes: list[dt.date | None] = []
    for position, clock in enumerate(clocks):
        anchor = clock.date
        if opened and on_repeat != "separate":
            closed = closes[-1]
            if closed is None or closed > clock.date:
                if on_repeat == "keep_first":
                    ctx.traced(plan.rule, opened[-1].anchor, clock)
                    continue
                previous = opened.pop()
                closes.pop()
                anchor = previous.anchor
                assert isinstance(claims, ReleasableClaims)  # restart: built for it above
                claims.release(taken.pop())
        ender = _first_ender(enders, clock.date) if enders else None
        index = first_unused(satisfiers, clock.date, plan.window, claims, ender)
        if index < 0 and plan.window == "on_or_before":
            # Nothing came in time: the first one after the clock meets it late (an offer
            # made after the application is late, not missing), unless it came on or after
            # the next clock, which it then meets on time.
            index = first_unused(satisfiers, clock.date, "after", claims, ender)
            after = bisect_right(clocks, clock.date, lo=position + 1, key=fact_date)
            if index >= 0 and after < len(clocks) and satisfiers[index].date >= clocks[after].date:
                index = -1
        satisfier = satisfiers[index] if index >= 0 else None
        if satisfier is not None and (everything or ctx.window.contains(anchor)):
            # a clock judged by another edition must not take this edition's satisfier
            claims.take(index)
            taken.append(index)
        else:
            taken.append(-1)
        opened.append(tuple.__new__(Episode, (clock, satisfier, anchor, False)))
        if satisfier is not None and (ender is None or satisfier.date < ender):
            closes.append(satisfier.date)
        else:
            closes.append(ender)
    if plan.repeat_due is not None:
        return _repeat(ctx, opened, satisfiers, claims, enders)
    return opened


def _repeat(
    ctx: RunContext,
    first: list[Episode],
    satisfiers: list[Fact],
    claims: Claims,
    enders: list[list[Fact]],
) -> list[Episode]:
    """Chain a repeating clock: each satisfying event opens the next interval.

    The chain of one trigger stops at the first ``ended_by`` event (the plan ended): an
    interval that ends that way before it falls due is dropped by the judge, one already
    overdue stands. Each interval's anchor is its own clock date.
    """
    chained: list[Episode] = []
    for episode in first:
        chained.append(episode)
        current = episode
        while current.satisfier is not None:
            start = current.satisfier
            ender = _first_ender(enders, current.clock.date) if enders else None
            if ender is not None and ender <= start.date:
                break  # the run ended before (or as) this satisfier came
            ender = _first_ender(enders, start.date) if enders else None
            index = first_unused(satisfiers, start.date, "after", claims, ender)
            following = satisfiers[index] if index >= 0 else None
            if following is not None and ctx.governs(start.date):
                claims.take(index)
            current = Episode(start, following, start.date, repeat=True)
            chained.append(current)
    return chained


def _first_ender(enders: list[list[Fact]], day: dt.date) -> dt.date | None:
    """The earliest date on or after ``day`` in any of the date-sorted ``enders``."""
    found: dt.date | None = None
    for facts in enders:
        index = bisect_left(facts, day, key=fact_date)
        if index < len(facts) and (found is None or facts[index].date < found):
            found = facts[index].date
    return found


def judge_episode(
    ctx: RunContext,
    plan: ObligationPlan,
    episode: Episode,
    withdrawn: list[list[Fact]],
    ended: list[list[Fact]],
) -> ObligationResult | None:
    """The result for one episode, or None when it was withdrawn or ended by an event."""
    clock, satisfier, anchor, repeat = episode
    spec = plan.spec
    template = plan.template
    try:
        if repeat and plan.repeat_due is not None:
            due = plan.repeat_due(clock.date)
            template = plan.repeat_template or template
        else:
            due = plan.due(clock.date)
        hours = plan.hours is not None and not repeat
        due_at = _due_at(ctx, plan, clock, satisfier, anchor) if hours else None
    except CalendarError as error:  # a deadline the calendar cannot count (_engine/dates.py)
        raise ClockOutOfSpanError(error, clock, plan.rule.id) from None
    if due_at is not None:
        due = due_at.date()
    limit = satisfier.date if satisfier is not None else None
    for enders, before_due_only in (
        ((withdrawn, False), (ended, True)) if withdrawn or ended else ()
    ):
        for facts in enders:
            # only the first one on or after the clock can qualify (the limits are upper)
            index = bisect_left(facts, clock.date, key=fact_date)
            if index == len(facts):
                continue
            ender = facts[index]
            if limit is not None and ender.date >= limit:
                continue
            if before_due_only and due is not None and ender.date > due:
                continue
            ctx.traced(plan.rule, anchor, clock, ender)
            return None
    status: ObligationStatus
    reason: str | None = None
    if limit is not None:
        assert satisfier is not None
        if due_at is not None:
            status = "met" if _moment(satisfier) <= due_at else "met_late"
        else:
            status = "unscheduled" if due is None else "met" if limit <= due else "met_late"
        if status == "met_late" and _latest_only(ctx, satisfier):
            assert ctx.evidence is not None
            status = "not_evidenced"
            reason = ctx.evidence.latest_reason(satisfier.name, limit.isoformat())
    else:
        stop = _stop(ctx, spec, clock.date) if spec.clock_stops and ctx.stops else None
        if stop is not None and (due is None or due > stop.day):
            status, reason = "ended", f"{stop.reason} before it fell due"
        elif ctx.evidence is not None and _not_evidenced(ctx, spec):
            status = "not_evidenced"
            reason = ctx.evidence.reason((spec.satisfied_by.name,))
        elif due is None:
            status = "unscheduled"
        else:
            status = "pending" if ctx.as_of <= due else "overdue"
    trace = ctx.trace
    if trace is not None:
        trace.append((anchor, plan.rule, (clock,) if satisfier is None else (clock, satisfier)))
    late_by = None
    if status == "overdue":
        assert due is not None
        late_by = plan.late(due, ctx.as_of)
    elif status == "met_late":
        assert due is not None
        assert satisfier is not None
        if due_at is not None:
            hours_late = -(-(_moment(satisfier) - due_at) // dt.timedelta(hours=1))
            late_by = TimescaleView(hours=hours_late)
        else:
            assert limit is not None
            late_by = plan.late(due, limit)
    # the rule's own parts come from its template; the case's are put in here
    return replace(
        template,
        clock=Clock(clock.name, clock.date),
        due=due,
        status=status,
        late_by=late_by,
        satisfied_on=limit,
        reason=reason,
        due_at=due_at,
        satisfied_at=_moment(satisfier) if due_at is not None and satisfier is not None else None,
    )


def _moment(fact: Fact) -> dt.datetime:
    """The date and time of an event (midnight when no time of day is recorded)."""
    return dt.datetime.combine(fact.date, getattr(fact.event, "time", None) or dt.time())


def _due_at(
    ctx: RunContext, plan: ObligationPlan, clock: Fact, satisfier: Fact | None, anchor: dt.date
) -> dt.datetime | None:
    """The due moment of a limit in hours, when the record has the times to count them.

    Without a time of day on the clock (or on the satisfying event) the limit is judged
    by the date (due by the end of the day the hours would run out on, so never earlier
    than the truth), and an ``hours-judged-by-date`` finding says so.
    """
    timescale = plan.timescale
    if timescale is None or timescale.hours is None:
        return None
    start = getattr(clock.event, "time", None)
    if start is not None and (satisfier is None or getattr(satisfier.event, "time", None)):
        try:
            return _moment(clock) + dt.timedelta(hours=timescale.hours)
        except OverflowError:
            raise CalendarError(
                f"{timescale.hours} hours after {clock.date.isoformat()} is outside the "
                "representable dates"
            ) from None
    missing = clock if start is None or satisfier is None else satisfier
    ctx.out.findings.append(
        (
            anchor,
            Finding(
                code="hours-judged-by-date",
                severity="warning",
                message=f"{plan.rule.id} counts {timescale.hours} hours from {clock.label}, "
                f"but {missing.label} has no time of day; judged by date (due by the end "
                f"of {plan.due(clock.date)})",
            ),
        )
    )
    return None


def _not_evidenced(ctx: RunContext, spec: ObligationSpec) -> bool:
    """True when only an event the source never records could satisfy ``spec``."""
    pattern = spec.satisfied_by
    assert ctx.evidence is not None
    return pattern.kind == "event" and pattern.name in ctx.evidence.absent_events


def _latest_only(ctx: RunContext, satisfier: Fact) -> bool:
    """True when the satisfying event is of a kind the source keeps only the latest of."""
    evidence = ctx.evidence
    return (
        evidence is not None
        and satisfier.kind == "event"
        and satisfier.name in evidence.latest_only
    )


def _stop(ctx: RunContext, spec: ObligationSpec, start: dt.date) -> Stop | None:
    """The first point on or after ``start`` (and by ``as_of``) where this clock stops."""
    child = ctx.child
    if (
        ("event", "case_closed") not in ctx.facts
        and getattr(child, "date_of_death", None) is None
        and getattr(child, "date_of_birth", None) is None
    ):
        return None  # nothing in this case can stop a clock
    stops: list[Stop] = []
    wanted: frozenset[ClockStop] = spec.clock_stops
    if "case_closed" in wanted:
        closures = ctx.facts.get(("event", "case_closed"), NO_FACTS)
        index = bisect_left(closures, start, key=fact_date)
        if index < len(closures):
            stops.append(Stop(closures[index].date, f"the case closed on {closures[index].date}"))
    death: dt.date | None = getattr(child, "date_of_death", None)
    if "death" in wanted and death is not None:
        stops.append(Stop(max(death, start), f"the child died on {death}"))
    birth: dt.date | None = getattr(child, "date_of_birth", None)
    adult = eighteenth_birthday(birth) if "eighteenth_birthday" in wanted and birth else None
    if adult is not None:
        stops.append(Stop(max(adult, start), f"the child turned 18 on {adult}"))
    stops = [s for s in stops if s.day <= ctx.as_of]
    return min(stops) if stops else None


def eighteenth_birthday(birth: dt.date) -> dt.date | None:
    """The day a child born on ``birth`` turns 18; a 29 February birthday falls on 1 March.

    ``None`` when that day is after 9999-12-31, the last date there is (a birth date in or
    after 9982, such as the ``9999-12-31`` "unknown" sentinel of some case systems): the
    child is never 18 within any date a case can hold.
    """
    year = birth.year + 18
    if year > dt.MAXYEAR:
        return None
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February, and the 18th year is not a leap year
        return dt.date(year, 3, 1)
