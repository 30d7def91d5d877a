"""Evaluate a case: choose editions, run each, keep what the governing edition says.

``edition="auto"`` (the default) judges every conclusion under the edition in force on
its anchor date (clock start, allocation date or trigger date), so one case can mix
editions; an explicit edition pins the whole case. Events dated after ``as_of`` are not
used (the case is judged as it stood that day) and are reported as a finding.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache, partial
from operator import itemgetter
from typing import Any, cast

from msgspec.structs import replace

from wtguidance._arguments import require, require_date, require_edition
from wtguidance._engine.case_run import CaseRun
from wtguidance._engine.context import PackRun
from wtguidance._engine.dates import locating_dates
from wtguidance._engine.engines import PackRunner, pack_runner
from wtguidance._engine.facts import Fact, base_facts
from wtguidance._engine.plan import PackPlan, plan_pack
from wtguidance._findings import (
    adult_at_referral_findings,
    after_as_of_findings,
    before_earliest_findings,
    child_findings,
    order_findings,
    protocol_reach_findings,
    unjudged_allocations,
    unjudged_obligations,
)
from wtguidance._pack.compile import CompiledPack
from wtguidance._pack.model import Rule
from wtguidance._pack.views import protocol_view
from wtguidance.calendar import EVERY_DAY, DateWindow, WorkingCalendar
from wtguidance.case import Case, SourceEvidence
from wtguidance.editions import Editions, shipped_editions
from wtguidance.errors import UsageError
from wtguidance.overlay import Overlay
from wtguidance.results import (
    CaseHolderVerdict,
    CitationView,
    Finding,
    ObligationResult,
    Outcome,
    PersonView,
    ProtocolView,
    SignOffResult,
    TimescaleEntry,
    Trace,
    TraceEntry,
)

__all__ = ["EVALUATORS_KEPT", "Evaluator", "cached_evaluator", "default_calendar", "evaluate"]


@cache
def default_calendar() -> WorkingCalendar:
    """England and Wales working days 1990–2075 (built once per process; immutable)."""
    return WorkingCalendar()


@dataclass(frozen=True)
class Evaluator:
    """A reusable evaluation context: editions, an optional local protocol (its overlay),
    and the engine that matches and chains (``native``, the default, or ``durable``).

    Build it once and evaluate many cases with it; it is immutable and safe to share
    across threads. A protocol is applied once, as data, when the evaluator is built:
    ``editions`` becomes ``editions.tightened_by(overlay)`` (see
    :meth:`~wtguidance.editions.Editions.tightened_by`), so however the evaluator is
    built — ``Evaluator(editions, overlay)``, ``Evaluator.create(...)``, or
    ``Evaluator(editions.tightened_by(overlay))`` — the protocol is applied whole (limits,
    roles, sign-offs, its own duties, its closure days for its own limits) or refused.
    With ``engine="durable"`` the editions are compiled into durable_rules rulesets when
    the evaluator is built and deleted with it (docs/engines.md); an unknown engine, or
    durable_rules not installed, raises :class:`~wtguidance.errors.EngineError`.
    """

    editions: Editions
    overlay: Overlay | None = None
    engine: str = "native"
    _run_pack: PackRunner = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        require(self.editions, Editions, "editions", "Evaluator", _EDITIONS_HINT)
        if self.overlay is not None:
            require(self.overlay, Overlay, "overlay", "Evaluator", _OVERLAY_HINT)
            object.__setattr__(self, "editions", self.editions.tightened_by(self.overlay))
        object.__setattr__(self, "_run_pack", pack_runner(self.engine, self.editions.packs))

    @classmethod
    def create(
        cls,
        editions: Editions | None = None,
        overlay: Overlay | None = None,
        *,
        engine: str = "native",
    ) -> Evaluator:
        """An evaluator over ``editions`` (default: the shipped ones) tightened by ``overlay``."""
        if editions is not None:
            require(editions, Editions, "editions", "Evaluator.create", _EDITIONS_HINT)
        if overlay is not None:
            require(overlay, Overlay, "overlay", "Evaluator.create", _OVERLAY_HINT)
        return cls(editions or shipped_editions(), overlay, engine)

    @property
    def calendar(self) -> WorkingCalendar:
        """England and Wales working days (a protocol's closure days count only for its
        own limits, inside the tightened edition)."""
        return default_calendar()

    @cached_property
    def protocol(self) -> ProtocolView | None:
        """The local protocol applied, as outcomes name it (None without one)."""
        policy = self.editions.protocol
        return protocol_view(policy.source) if policy is not None else None

    @cached_property
    def _windows(self) -> Mapping[str, DateWindow]:
        """Each edition's window (see :meth:`Editions.window`), worked out once."""
        return {pack.edition: self.editions.window(pack.edition) for pack in self.editions.packs}

    @cached_property
    def _plans(self) -> Mapping[str, PackPlan]:
        """Each edition planned over the national calendar (once per evaluator)."""
        calendar = self.calendar
        return {pack.edition: plan_pack(pack, calendar) for pack in self.editions.packs}

    @locating_dates
    def evaluate(
        self,
        case: Case,
        *,
        edition: str = "auto",
        as_of: dt.date | None = None,
        evidence: SourceEvidence | None = None,
        trace: bool = True,
        notes: Sequence[Finding] = (),
    ) -> Outcome:
        """Judge ``case`` as it stood on ``as_of`` (default: today).

        ``edition="auto"`` judges each conclusion under the edition in force on its anchor
        date; an edition id pins the whole case. ``evidence`` names the events the case's
        source never records (an importer's), so obligations only they could satisfy are
        ``not_evidenced`` rather than ``overdue``. ``trace=False`` leaves the trace empty
        and skips recording it (a few percent of the work: with the trace on, the rules
        that fired are kept raw and the trace is built only when read or encoded, see
        :class:`~wtguidance.results.Trace`); nothing else changes. ``notes``: findings the
        case's source made about the record (an importer's), reported last among the
        outcome's findings.
        """
        require(case, Case, "case", "evaluate", _CASE_HINT)
        if evidence is not None:
            require(evidence, SourceEvidence, "evidence", "evaluate")
        if not isinstance(notes, (tuple, list)) or (
            notes and not all(isinstance(n, Finding) for n in notes)
        ):
            raise UsageError("evaluate: notes must be Finding values", code="bad-argument")
        day = require_date(as_of, "as_of", "evaluate") or dt.date.today()
        pinned = require_edition(edition, "edition", "evaluate") != "auto"
        events = case.sorted_events
        findings: list[Finding] = after_as_of_findings(events, day)
        if findings:
            events = tuple(e for e in events if e.date <= day)
        # the one pass over the case's events: each indexed under its type, in date order
        facts = base_facts(events)
        findings.extend(order_findings(facts))
        findings.extend(child_findings(case.child, events))
        findings.extend(adult_at_referral_findings(case.child, events))
        chosen: list[tuple[CompiledPack, DateWindow]]
        if pinned:
            chosen = [(self.editions.get(edition), EVERY_DAY)]
        else:
            chosen = [(pack, self._windows[pack.edition]) for pack in self._auto_packs(events)]
            findings.extend(before_earliest_findings(events, self.editions))
            if len(chosen) == 1 and chosen[0][1].contains(events[0].date):
                # One edition governs every event, hence every anchor (all are event
                # dates): nothing to filter, nothing can fall between two editions.
                chosen = [(chosen[0][0], EVERY_DAY)]
        plans = self._plans
        run = CaseRun(facts, case.child, day, evidence=evidence, trace=trace)
        runs = [
            (pack, window, self._run_pack(plans[pack.edition], run.within(window)))
            for pack, window in chosen
        ]
        allocations = [f.event for f in facts.get(("event", "allocation"), ())]
        return self._assemble(
            case, day, runs, findings, pinned=pinned, allocations=allocations, notes=notes
        )

    def _auto_packs(self, events: Sequence[Any]) -> list[CompiledPack]:
        """The editions in force on some event's date, oldest first."""
        if not events:
            return []
        first, last = events[0].date, events[-1].date  # sorted
        spans = self._spans
        for pack, start, end in spans:  # the usual case: one edition governs every event
            if (start is None or first >= start) and (end is None or first < end):
                if end is None or last < end:
                    return [pack]
                break
        dates = [e.date for e in events]
        wanted: list[CompiledPack] = []
        for pack, start, end in spans:
            index = bisect_left(dates, start) if start is not None else 0
            if index < len(dates) and (end is None or dates[index] < end):
                wanted.append(pack)
        return wanted

    @cached_property
    def _spans(self) -> tuple[tuple[CompiledPack, dt.date | None, dt.date | None], ...]:
        """Each edition with the first and the end (excluded) of the dates it governs."""
        windows = self._windows
        return tuple(
            (pack, windows[pack.edition].start, windows[pack.edition].end)
            for pack in self.editions.packs
        )

    def _assemble(
        self,
        case: Case,
        day: dt.date,
        runs: list[tuple[CompiledPack, DateWindow, PackRun]],
        findings: list[Finding],
        *,
        pinned: bool,
        allocations: Sequence[Any] = (),
        notes: Sequence[Finding] = (),
    ) -> Outcome:
        obligations: list[ObligationResult] = []
        holders: list[CaseHolderVerdict] = []
        sign_offs: list[SignOffResult] = []
        traced: list[tuple[CompiledPack, DateWindow, RawTrace]] = []
        entries: list[TimescaleEntry | None] = []
        used: list[str] = []
        # findings the runs made, reported once each, in a fixed order
        run_findings: dict[tuple[str, str, str], Finding] = {}
        for pack, window, run in runs:
            before = len(obligations) + len(holders) + len(sign_offs)
            if window is EVERY_DAY:  # the usual case: this edition judges everything
                obligations += [c.item for c in run.obligations]
                entries += [c.entry for c in run.obligations]
                holders += [c.item for c in run.case_holders]
                sign_offs += [c.item for c in run.sign_offs]
                found = [finding for _, finding in run.findings]
            else:  # only what is anchored in the span of dates this edition governs
                governs = window.contains
                kept = [c for c in run.obligations if governs(c.anchor)]
                obligations += [c.item for c in kept]
                entries += [c.entry for c in kept]
                holders += [c.item for c in run.case_holders if governs(c.anchor)]
                sign_offs += [c.item for c in run.sign_offs if governs(c.anchor)]
                found = [finding for anchor, finding in run.findings if governs(anchor)]
            for finding in found:
                run_findings[(finding.code, finding.message, finding.severity)] = finding
            if run.trace:
                traced.append((pack, window, run.trace))
            if pinned or len(obligations) + len(holders) + len(sign_offs) > before:
                used.append(pack.edition)
        # Every list is sorted on its content, so the outcome never depends on event, rule
        # or file order (items equal on every key are equal in value).
        if run_findings:
            findings = findings + [run_findings[key] for key in sorted(run_findings)]
        protocol = self.protocol
        if protocol is not None:
            findings.extend(protocol_reach_findings(protocol.edition, used))
        if len(obligations) > 1:
            obligations.sort(key=_obligation_key)
        if len(holders) > 1:
            holders.sort(key=_holder_key)
        # what no edition judged, said once the runs are in (never left silent), then the
        # findings the case's source made: the outcome is built once, never patched
        if allocations:
            findings.extend(
                unjudged_allocations(allocations, holders, self.editions, pinned=pinned)
            )
        if len(runs) > 1:
            findings.extend(unjudged_obligations([(p, r) for p, _, r in runs], self.editions))
        findings.extend(notes)
        if len(sign_offs) > 1:
            sign_offs.sort(key=_sign_off_key)
        # each limit once (each plan made its entry once, so equal ones are mostly the
        # same object), in a fixed order
        timescales = list(dict.fromkeys(e for e in entries if e is not None))
        if len(timescales) > 1:
            timescales.sort(key=_timescale_key)
        # the trace is labelled, sorted and cited only when read or encoded
        trace = Trace(partial(_trace_entries, traced)) if traced else ()
        # the evaluator's empty outcome, with this case's values put in (a struct copy
        # with the fields replaced costs a fraction of building one by keyword)
        return replace(
            self._empty,
            case_id=case.case_id,
            as_of=day,
            editions=tuple(sorted(used)),
            obligations=tuple(obligations),
            case_holders=tuple(holders),
            sign_offs=tuple(sign_offs),
            timescales=tuple(timescales),
            findings=tuple(findings),
            trace=cast("tuple[TraceEntry, ...]", trace),  # a Trace reads as that tuple
        )

    @cached_property
    def _empty(self) -> Outcome:
        """An outcome of no case under this evaluator (its protocol named)."""
        return Outcome(
            case_id="",
            as_of=dt.date.min,
            editions=(),
            protocol=self.protocol,
            obligations=(),
            case_holders=(),
            sign_offs=(),
            timescales=(),
            findings=(),
            trace=(),
        )


RawTrace = list[tuple[dt.date, Rule, tuple[Fact, ...]]]
"""What a run recorded of the rules that fired: (anchor, rule, the facts it fired on)."""


def _trace_entries(runs: list[tuple[CompiledPack, DateWindow, RawTrace]]) -> tuple[TraceEntry, ...]:
    """The trace of the rules that fired in ``runs``, each entry kept by the edition that
    governs its anchor date, in causal order (by anchor, then the rule's rank)."""
    made: dict[tuple[str, dt.date], str] = {}  # a fact is often in several entries
    traced: list[tuple[dt.date, int, str, tuple[str, ...], CitationView, str]] = []
    for pack, window, raw in runs:
        edition, ranks, citations = pack.edition, pack.ranks, pack.citations
        everything, governs = window is EVERY_DAY, window.contains
        for anchor, rule, facts in raw:
            if everything or governs(anchor):
                labels = []
                for fact in facts:
                    key = (fact.name, fact.date)
                    found = made.get(key)
                    if found is None:
                        found = made[key] = f"{fact.name}@{fact.date.isoformat()}"
                    labels.append(found)
                rule_id = rule.id
                traced.append(
                    (anchor, ranks[rule_id], rule_id, tuple(labels), citations[rule_id], edition)
                )
    # entries equal up to the edition are equal (rule ids name it), so the citation, which
    # the rule id decides, never breaks a tie
    traced.sort(key=_trace_order)
    return tuple(  # positionally: rule, edition, fired_on, citation
        TraceEntry(rule_id, edition, labels, citation)
        for _anchor, _rank, rule_id, labels, citation, edition in traced
    )


_trace_order = itemgetter(0, 1, 2, 3, 5)  # anchor, rank, rule, facts, edition

_NO_DATE = dt.date.min


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


def _timescale_key(t: TimescaleEntry) -> tuple[str, str, str, str]:
    return (t.obligation, t.edition, t.from_, t.source)


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


_CASE_HINT = "build it with wtguidance.case.parse_case_obj(data) or Case.model_validate(data)"
_EDITIONS_HINT = "pass load_editions(path), or leave it out for the shipped editions"
_OVERLAY_HINT = "pass protocol_overlay(validate_protocol(path))"


#: how many evaluators the one-call :func:`evaluate` keeps, least recently used first out
EVALUATORS_KEPT = 16


class _Same:
    """Editions as a cache key, by identity: hashing every compiled pack's content would
    cost more than the evaluation. The cache holds the editions while their entry lives,
    so their id cannot be reused by another object meanwhile."""

    __slots__ = ("editions",)

    def __init__(self, editions: Editions) -> None:
        self.editions = editions

    def __hash__(self) -> int:
        return id(self.editions)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.editions is self.editions


@lru_cache(maxsize=EVALUATORS_KEPT)
def _evaluator(editions: _Same, overlay: Overlay | None, engine: str) -> Evaluator:
    # lru_cache is thread-safe; two threads missing at once may each build one (both
    # equal and immutable; one is kept).
    return Evaluator(editions.editions, overlay, engine)


def evaluate(
    case: Case,
    *,
    edition: str = "auto",
    as_of: dt.date | None = None,
    editions: Editions | None = None,
    overlay: Overlay | None = None,
    evidence: SourceEvidence | None = None,
    trace: bool = True,
    engine: str = "native",
) -> Outcome:
    """Evaluate one case.

    The evaluator for (``editions``, ``overlay``, ``engine``) is built on the first call
    and reused by later ones (the last :data:`EVALUATORS_KEPT` are kept, per process; the
    editions by identity, the overlay by value), so calling this per case costs about what
    a reused :class:`Evaluator` does. Equal results either way.
    """
    if editions is not None:
        require(editions, Editions, "editions", "evaluate", _EDITIONS_HINT)
    if overlay is not None:
        require(overlay, Overlay, "overlay", "evaluate", _OVERLAY_HINT)
    return cached_evaluator(editions, overlay, engine).evaluate(
        case, edition=edition, as_of=as_of, evidence=evidence, trace=trace
    )


def cached_evaluator(
    editions: Editions | None = None, overlay: Overlay | None = None, engine: str = "native"
) -> Evaluator:
    """The evaluator :func:`evaluate` uses for these arguments: built on first use, then
    reused (see :data:`EVALUATORS_KEPT`). Arguments are checked as :meth:`Evaluator.create`
    checks them."""
    if editions is not None:
        require(editions, Editions, "editions", "cached_evaluator", _EDITIONS_HINT)
    if overlay is not None:
        require(overlay, Overlay, "overlay", "cached_evaluator", _OVERLAY_HINT)
    if not isinstance(engine, str):  # not a cache key: refused by the evaluator itself
        return Evaluator.create(editions, overlay, engine=engine)
    try:
        hash(overlay)
    except TypeError:  # an overlay holding an unhashable value: built for this call only
        return Evaluator.create(editions, overlay, engine=engine)
    key = _Same(editions if editions is not None else shipped_editions())
    return _evaluator(key, overlay, engine)
