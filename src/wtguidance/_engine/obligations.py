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
  obligation is ``not_evidenced`` with the reason, never ``overdue``.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from wtguidance._engine.context import Conclusion, Conclusions, RunContext
from wtguidance._engine.facts import NO_FACTS, Fact
from wtguidance._pack.model import ClockStop, ObligationSpec, Rule
from wtguidance.results import Clock, ObligationResult, ObligationStatus

__all__ = ["conclude_obligations", "eighteenth_birthday"]


class Episode(NamedTuple):
    """One obligation instance: its clock, the fact that satisfies it (if any), its anchor."""

    clock: Fact
    satisfier: Fact | None
    anchor: dt.date


class Stop(NamedTuple):
    """A point after which a clock no longer runs, and why."""

    day: dt.date
    reason: str


def conclude_obligations(ctx: RunContext) -> None:
    """Judge every obligation rule of the edition; add the results to ``ctx.out``."""
    produced: Conclusions[ObligationResult] = Conclusions()
    for rule in ctx.pack.obligations:
        spec = rule.then
        assert isinstance(spec, ObligationSpec)
        if ctx.absent(rule.match):
            continue
        # the facts that withdraw or end an instance (each list sorted by date)
        withdrawn = [m for m in map(ctx.matching, spec.withdrawn_by) if m]
        ended = [m for m in map(ctx.matching, spec.ended_by) if m]
        for episode in _episodes(ctx, rule, spec, withdrawn + ended):
            ctx.out.considered.append((spec.id, episode.anchor, episode.clock.label))
            if not ctx.governs(episode.anchor):
                continue  # another edition judges this episode
            item = _judge(ctx, rule, spec, episode, withdrawn, ended)
            if item is not None:
                produced.keep((spec.id, episode.clock.seq), Conclusion(episode.anchor, item, rule))
    ctx.out.obligations.extend(produced)


def _episodes(
    ctx: RunContext, rule: Rule, spec: ObligationSpec, enders: list[list[Fact]]
) -> list[Episode]:
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
    satisfiers = ctx.matching(spec.satisfied_by)
    dates = [f.date for f in satisfiers]
    used: set[int] = set()
    opened: list[Episode] = []
    # when each opened instance stopped running (met, withdrawn or ended), if it did
    closes: list[dt.date | None] = []
    for clock in ctx.triggers(rule):
        anchor = clock.date
        if opened and spec.on_repeat != "separate":
            closed = closes[-1]
            if closed is None or closed > clock.date:
                if spec.on_repeat == "keep_first":
                    ctx.traced(rule, opened[-1].anchor, clock)
                    continue
                previous = opened.pop()
                closes.pop()
                anchor = previous.anchor
                if previous.satisfier is not None:
                    used.discard(previous.satisfier.seq)
        ender = _first_ender(enders, clock.date) if enders else None
        satisfier = _first_unused(satisfiers, dates, clock.date, spec.window, used, ender)
        if satisfier is not None and ctx.governs(anchor):
            # a clock judged by another edition must not take this edition's satisfier
            used.add(satisfier.seq)
        opened.append(Episode(clock, satisfier, anchor))
        if satisfier is not None and (ender is None or satisfier.date < ender):
            closes.append(satisfier.date)
        else:
            closes.append(ender)
    return opened


def _first_unused(
    satisfiers: list[Fact],
    dates: list[dt.date],
    day: dt.date,
    window: str,
    used: set[int],
    latest: dt.date | None,
) -> Fact | None:
    """The satisfier this clock takes: unused, in the window, not after an ender."""
    if window == "on_or_before":
        for index in range(bisect_right(dates, day) - 1, -1, -1):
            if satisfiers[index].seq not in used:
                return satisfiers[index]
        return None
    start = (bisect_left if window == "on_or_after" else bisect_right)(dates, day)
    for index in range(start, len(satisfiers)):
        if latest is not None and satisfiers[index].date > latest:
            return None
        if satisfiers[index].seq not in used:
            return satisfiers[index]
    return None


def _first_ender(enders: list[list[Fact]], day: dt.date) -> dt.date | None:
    """The earliest date on or after ``day`` in any of the date-sorted ``enders``."""
    found: dt.date | None = None
    for facts in enders:
        index = bisect_left(facts, day, key=_fact_date)
        if index < len(facts) and (found is None or facts[index].date < found):
            found = facts[index].date
    return found


def _fact_date(fact: Fact) -> dt.date:
    return fact.date


def _judge(
    ctx: RunContext,
    rule: Rule,
    spec: ObligationSpec,
    episode: Episode,
    withdrawn: list[list[Fact]],
    ended: list[list[Fact]],
) -> ObligationResult | None:
    """The result for one episode, or None when it was withdrawn or ended by an event."""
    clock, satisfier, anchor = episode
    timescale = spec.timescale
    view = ctx.pack.timescales.get(rule.id)
    if ctx.overlay is not None and spec.id in ctx.overlay.timescales:
        timescale = ctx.overlay.timescales[spec.id]
        view = ctx.timescale_view(timescale)
    due = ctx.due_date(clock.date, timescale)
    limit = satisfier.date if satisfier is not None else None
    for enders, before_due_only in ((withdrawn, False), (ended, True)):
        for facts in enders:
            for ender in facts:
                if ender.date < clock.date or (limit is not None and ender.date >= limit):
                    continue
                if before_due_only and due is not None and ender.date > due:
                    continue
                ctx.traced(rule, anchor, clock, ender)
                return None
    status: ObligationStatus
    reason: str | None = None
    if limit is not None:
        status = "unscheduled" if due is None else "met" if limit <= due else "met_late"
    else:
        stop = _stop(ctx, spec, clock.date)
        if stop is not None and (due is None or due > stop.day):
            status, reason = "ended", f"{stop.reason} before it fell due"
        elif ctx.evidence is not None and _not_evidenced(ctx, spec):
            status = "not_evidenced"
            reason = ctx.evidence.reason((spec.satisfied_by.name,))
        elif due is None:
            status = "unscheduled"
        else:
            status = "pending" if ctx.as_of <= due else "overdue"
    ctx.traced(rule, anchor, clock, satisfier)
    return ObligationResult(
        id=spec.id,
        edition=rule.edition,
        rule=rule.id,
        summary=rule.summary,
        actor=spec.actor,
        modality=spec.modality,
        clock=Clock(event=clock.name, date=clock.date),
        timescale=view,
        due=due,
        status=status,
        satisfied_on=limit,
        citation=ctx.pack.citations[rule.id],
        reason=reason,
    )


def _not_evidenced(ctx: RunContext, spec: ObligationSpec) -> bool:
    """True when only an event the source never records could satisfy ``spec``."""
    pattern = spec.satisfied_by
    assert ctx.evidence is not None
    return pattern.kind == "event" and pattern.name in ctx.evidence.absent_events


def _stop(ctx: RunContext, spec: ObligationSpec, start: dt.date) -> Stop | None:
    """The first point on or after ``start`` (and by ``as_of``) where this clock stops."""
    stops: list[Stop] = []
    wanted: frozenset[ClockStop] = spec.clock_stops
    if "case_closed" in wanted:
        closures = ctx.facts.get(("event", "case_closed"), NO_FACTS)
        index = bisect_left(closures, start, key=_fact_date)
        if index < len(closures):
            stops.append(Stop(closures[index].date, f"the case closed on {closures[index].date}"))
    child = ctx.child
    death: dt.date | None = getattr(child, "date_of_death", None)
    if "death" in wanted and death is not None:
        stops.append(Stop(max(death, start), f"the child died on {death}"))
    birth: dt.date | None = getattr(child, "date_of_birth", None)
    if "eighteenth_birthday" in wanted and birth is not None:
        adult = eighteenth_birthday(birth)
        stops.append(Stop(max(adult, start), f"the child turned 18 on {adult}"))
    stops = [s for s in stops if s.day <= ctx.as_of]
    return min(stops) if stops else None


def eighteenth_birthday(birth: dt.date) -> dt.date:
    """The day a child born on ``birth`` turns 18; a 29 February birthday falls on 1 March."""
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:  # 29 February, and the 18th year is not a leap year
        return dt.date(birth.year + 18, 3, 1)
