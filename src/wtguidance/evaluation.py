"""Evaluate a case: choose editions, run each, keep what the governing edition says.

``edition="auto"`` (the default) judges every conclusion under the edition in force on
its anchor date (clock start, allocation date or trigger date), so one case can mix
editions; an explicit edition pins the whole case. Events dated after ``as_of`` are not
used (the case is judged as it stood that day) and are reported as a finding.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from wtguidance._arguments import require, require_date
from wtguidance._engine.run import PackRun, base_facts, run_pack
from wtguidance._findings import child_findings, order_findings
from wtguidance._pack.compile import CompiledPack
from wtguidance.calendar import WorkingCalendar
from wtguidance.case import Case
from wtguidance.editions import Editions, shipped_editions
from wtguidance.overlay import Overlay
from wtguidance.results import (
    CaseHolderVerdict,
    Finding,
    ObligationResult,
    Outcome,
    PersonView,
    SignOffResult,
    TimescaleEntry,
    TraceEntry,
)

__all__ = ["Evaluator", "default_calendar", "evaluate"]


@cache
def default_calendar() -> WorkingCalendar:
    """England and Wales working days 1990–2075 (built once per process; immutable)."""
    return WorkingCalendar()


@dataclass(frozen=True)
class Evaluator:
    """A reusable evaluation context: editions, optional local overlay and the calendar."""

    editions: Editions
    overlay: Overlay | None = None
    calendar: WorkingCalendar | None = None

    @classmethod
    def create(cls, editions: Editions | None = None, overlay: Overlay | None = None) -> Evaluator:
        if editions is not None:
            require(editions, Editions, "editions", "Evaluator.create", _EDITIONS_HINT)
        if overlay is not None:
            require(overlay, Overlay, "overlay", "Evaluator.create", _OVERLAY_HINT)
        calendar = default_calendar()
        if overlay is not None and overlay.non_working_days:
            calendar = calendar.with_extra_non_working(overlay.non_working_days)
        return cls(editions or shipped_editions(), overlay, calendar)

    @cached_property
    def _windows(self) -> Mapping[str, tuple[dt.date, dt.date | None]]:
        """Each edition's window (see :meth:`Editions.window`), worked out once."""
        return {pack.edition: self.editions.window(pack.edition) for pack in self.editions.packs}

    def evaluate(
        self, case: Case, *, edition: str = "auto", as_of: dt.date | None = None
    ) -> Outcome:
        require(case, Case, "case", "evaluate", _CASE_HINT)
        day = require_date(as_of, "as_of", "evaluate") or dt.date.today()
        calendar = self.calendar or default_calendar()
        events = case.sorted_events
        findings: list[Finding] = []
        later = [e for e in events if e.date > day]
        if later:
            events = tuple(e for e in events if e.date <= day)
            findings.append(
                Finding(
                    code="event-after-as-of",
                    severity="warning",
                    message=f"{len(later)} event(s) dated after {day.isoformat()} were not "
                    f"used: " + ", ".join(f"{e.type}@{e.date.isoformat()}" for e in later),
                )
            )
        findings.extend(order_findings(events))
        findings.extend(child_findings(case.child, events))
        facts = base_facts(events)
        if edition == "auto":
            chosen = self._auto_packs(events)
            first = self.editions.packs[0].pack.meta.in_force_from
            early = [e for e in events if e.date < first]
            if early:
                findings.append(
                    Finding(
                        code="before-earliest-edition",
                        severity="warning",
                        message=f"{len(early)} event(s) predate the earliest encoded edition "
                        f"({self.editions.packs[0].edition}, in force from {first.isoformat()}) "
                        "and were not judged: "
                        + ", ".join(f"{e.type}@{e.date.isoformat()}" for e in early),
                    )
                )
        else:
            chosen = [self.editions.get(edition)]
        pinned = edition != "auto"
        runs = [
            (
                pack,
                run_pack(
                    pack,
                    facts,
                    case.child,
                    as_of=day,
                    calendar=calendar,
                    overlay=self.overlay,
                    window=(None, None) if pinned else self._windows[pack.edition],
                ),
            )
            for pack in chosen
        ]
        outcome = self._assemble(case, day, runs, findings, pinned=pinned)
        unjudged = _unjudged_allocations(events, outcome, self.editions, pinned=pinned)
        if not pinned:
            unjudged += _unjudged_obligations(runs, self.editions)
        if unjudged:
            outcome = outcome.model_copy(update={"findings": (*outcome.findings, *unjudged)})
        return outcome

    def _auto_packs(self, events: Sequence[Any]) -> list[CompiledPack]:
        """The editions in force on some event's date, oldest first."""
        dates = [e.date for e in events]  # sorted
        wanted: list[CompiledPack] = []
        for pack in self.editions.packs:
            start, end = self._windows[pack.edition]
            index = bisect_left(dates, start)
            if index < len(dates) and (end is None or dates[index] < end):
                wanted.append(pack)
        return wanted

    def _assemble(
        self,
        case: Case,
        day: dt.date,
        runs: list[tuple[CompiledPack, PackRun]],
        findings: list[Finding],
        *,
        pinned: bool,
    ) -> Outcome:
        obligations: list[ObligationResult] = []
        holders: list[CaseHolderVerdict] = []
        sign_offs: list[SignOffResult] = []
        traced: list[tuple[dt.date, int, str, tuple[str, ...], CompiledPack]] = []
        timescales: list[TimescaleEntry] = []
        seen_timescales: set[tuple[str, str, tuple[int | None, int | None], str, str]] = set()
        used: list[str] = []
        for pack, run in runs:
            edition = pack.edition
            # the span of anchor dates this edition governs (all of them when pinned)
            start: dt.date = _NO_DATE
            end: dt.date | None = None
            if not pinned:
                start, end = self._windows[edition]
            overlay = self.overlay
            if overlay is not None and overlay.edition != edition:
                overlay = None
            kept = 0
            for anchor, item, spec in run.obligations:
                if anchor < start or (end is not None and anchor >= end):
                    continue
                kept += 1
                obligations.append(item)
                if item.timescale is not None:
                    local = overlay is not None and spec.id in overlay.timescales
                    source = "local" if local else spec.timescale_source
                    limit = (item.timescale.working_days, item.timescale.months)
                    key = (item.id, item.edition, limit, item.clock.event, source)
                    if key not in seen_timescales:
                        seen_timescales.add(key)
                        timescales.append(
                            TimescaleEntry(
                                obligation=item.id,
                                edition=item.edition,
                                timescale=item.timescale,
                                from_=item.clock.event,
                                source=source,
                            )
                        )
            for anchor, verdict in run.case_holders:
                if anchor >= start and (end is None or anchor < end):
                    kept += 1
                    holders.append(verdict)
            for anchor, result in run.sign_offs:
                if anchor >= start and (end is None or anchor < end):
                    kept += 1
                    sign_offs.append(result)
            ranks = pack.ranks
            traced.extend(
                (anchor, ranks[rule.id], rule.id, labels, pack)
                for anchor, rule, labels in run.trace
                if anchor >= start and (end is None or anchor < end)
            )
            if kept or pinned:
                used.append(edition)
        # Every list is sorted on its content, so the outcome never depends on event, rule
        # or file order (items equal on every key are equal in value).
        obligations.sort(key=_obligation_key)
        holders.sort(key=_holder_key)
        sign_offs.sort(key=_sign_off_key)
        timescales.sort(key=lambda t: (t.obligation, t.edition, t.from_, t.source))
        traced.sort(key=_trace_key)
        trace = [
            TraceEntry(
                rule=rule_id,
                edition=pack.edition,
                fired_on=labels,
                citation=pack.citations[rule_id],
            )
            for _anchor, _rank, rule_id, labels, pack in traced
        ]
        return Outcome(
            case_id=case.case_id,
            as_of=day,
            editions=tuple(sorted(used)),
            obligations=tuple(obligations),
            case_holders=tuple(holders),
            sign_offs=tuple(sign_offs),
            timescales=tuple(timescales),
            findings=tuple(findings),
            trace=tuple(trace),
        )


_NO_DATE = dt.date.min
_CASE_HINT = "build it with wtguidance.case.parse_case_obj(data) or Case.model_validate(data)"
_EDITIONS_HINT = "pass load_editions(path), or leave it out for the shipped editions"
_OVERLAY_HINT = "pass protocol_overlay(validate_protocol(path))"


def _trace_key(
    t: tuple[dt.date, int, str, tuple[str, ...], CompiledPack],
) -> tuple[dt.date, int, str, tuple[str, ...]]:
    return t[0], t[1], t[2], t[3]


def _obligation_key(o: ObligationResult) -> tuple[object, ...]:
    return (
        o.clock.date,
        o.id,
        o.edition,
        o.rule,
        o.due or _NO_DATE,
        o.satisfied_on or _NO_DATE,
        o.status,
        o.clock.event,
    )


def _person_key(p: PersonView | None) -> tuple[str, bool]:
    return ("", False) if p is None else (p.role, p.social_work_qualified)


def _holder_key(h: CaseHolderVerdict) -> tuple[object, ...]:
    a = h.allocation
    if a is None:
        return (_NO_DATE, h.stage, h.edition, h.rule, ("", False), ("", False), h.compliant)
    return (
        a.date,
        h.stage,
        h.edition,
        h.rule,
        _person_key(a.practitioner),
        _person_key(a.supervisor),
        h.compliant,
    )


def _sign_off_key(s: SignOffResult) -> tuple[object, ...]:
    return (
        s.subject_date or dt.date.max,
        s.id,
        s.edition,
        s.rule,
        s.status,
        s.given_on or _NO_DATE,
    )


def _unjudged_obligations(
    runs: list[tuple[CompiledPack, PackRun]], editions: Editions
) -> list[Finding]:
    """Obligations that fall between two editions: never silently dropped.

    Each edition opens obligation instances over the whole case and keeps those whose
    anchor it governs. When two editions start the same duty's clock from different
    events (one from the referral, the next from the decision, say), a case crossing the
    changeover can leave an instance that the edition governing its anchor never judged.
    An instance counts as covered when the governing edition judged the same obligation
    at an anchor it governs, somewhere between this instance's neighbours.
    """

    memo: dict[dt.date, str | None] = {}

    def governed_by(day: dt.date) -> str | None:
        if day not in memo:
            pack = editions.in_force_on(day)
            memo[day] = pack.edition if pack is not None else None
        return memo[day]

    judged: dict[tuple[str, str], list[dt.date]] = {}
    for pack, run in runs:
        for obligation, anchor, _clock in run.considered:
            if governed_by(anchor) == pack.edition:
                judged.setdefault((pack.edition, obligation), []).append(anchor)
    for days in judged.values():
        days.sort()
    missing: dict[str, list[str]] = {}
    for pack, run in runs:
        by_obligation: dict[str, list[tuple[dt.date, str]]] = {}
        for obligation, anchor, clock in run.considered:
            by_obligation.setdefault(obligation, []).append((anchor, clock))
        for obligation, instances in by_obligation.items():
            instances.sort()
            for index, (anchor, clock) in enumerate(instances):
                governing = governed_by(anchor)
                if governing is None or governing == pack.edition:
                    continue
                rules = editions.get(governing).obligations
                if not any(r.output_id == obligation for r in rules):
                    continue  # the governing edition has no such duty: nothing to judge
                low = instances[index - 1][0] if index > 0 else None
                high = instances[index + 1][0] if index + 1 < len(instances) else None
                days = judged.get((governing, obligation), [])
                first = bisect_right(days, low) if low is not None else 0
                if first < len(days) and (high is None or days[first] < high):
                    continue
                missing.setdefault(obligation, []).append(
                    f"{clock} (as {pack.edition} counts it; {governing} governs that date)"
                )
    return [
        Finding(
            code="unjudged-obligation",
            severity="warning",
            message=f"{obligation} was not judged: the editions either side of a changeover "
            f"start its clock from different events; clock {'; '.join(sorted(set(clocks)))}",
        )
        for obligation, clocks in sorted(missing.items())
    ]


def _unjudged_allocations(
    events: Sequence[Any], outcome: Outcome, editions: Editions, *, pinned: bool
) -> list[Finding]:
    """Allocations no edition judged (no case-holder rule for that stage): never silent."""
    judged = Counter(
        (v.allocation.date, v.stage) for v in outcome.case_holders if v.allocation is not None
    )
    first = editions.packs[0].pack.meta.in_force_from
    findings = []
    for event in events:
        if event.type != "allocation" or (not pinned and event.date < first):
            continue
        key = (event.date, event.stage)
        if judged[key] > 0:
            judged[key] -= 1
            continue
        findings.append(
            Finding(
                code="unjudged-allocation",
                severity="warning",
                message=f"allocation on {event.date.isoformat()} for stage {event.stage} was not "
                "judged: the governing edition has no case-holder rule for that stage",
            )
        )
    return findings


def evaluate(
    case: Case,
    *,
    edition: str = "auto",
    as_of: dt.date | None = None,
    editions: Editions | None = None,
    overlay: Overlay | None = None,
) -> Outcome:
    """Evaluate one case (see :class:`Evaluator` to reuse a context over many cases)."""
    return Evaluator.create(editions, overlay).evaluate(case, edition=edition, as_of=as_of)
