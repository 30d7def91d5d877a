"""The caseload summary: what a performance manager needs from a run over many cases.

Built one result at a time (:meth:`SummaryBuilder.add`), in memory that does not grow with
the number of cases (counters, plus the long lists kept in a :class:`RowStore`):

- counts per obligation × status × edition (and per sign-off and case-holder stage);
- the overdue list (child, obligation, due date, working days late) and what falls due in
  the next :data:`DUE_SOON_WORKING_DAYS` working days;
- data-quality findings per code, with a few examples each;
- the ``InitialCPCtarget`` cross-check (see :mod:`wtguidance.caseload.targets`);
- timeliness per month of the due date, and the working days each duty took;
- outcome and rejected counts, which always add up to the records read.

Every count is read from the outcomes as the engine judged them: obligations, sign-offs
and case-holder verdicts the source cannot evidence carry ``not_evidenced`` in the outcome
itself, so a report and the outcomes it summarises can never disagree. How late an overdue
item is comes from the outcome too (``late_by``). Under a local protocol the summary names
it and lists each obligation's limit beside the national one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import msgspec

from wtguidance._arguments import require, require_date, require_iterable
from wtguidance._pack.model import describe_limit
from wtguidance.calendar import WIDE_FIRST_YEAR, WIDE_LAST_YEAR, WorkingCalendar
from wtguidance.case import Rejected, SourceEvidence
from wtguidance.caseload.run import Evaluated
from wtguidance.caseload.store import RowStore
from wtguidance.caseload.targets import CAUSES, ICPC_WORKING_DAYS, classify
from wtguidance.errors import CalendarError, UsageError
from wtguidance.results import ObligationResult, ProtocolView, TimescaleView
from wtguidance.sources.sourced import SourceNote, StatedTarget

__all__ = [
    "DUE_SOON_WORKING_DAYS",
    "CaseloadSummary",
    "SummaryBuilder",
    "histogram_limit",
    "late_text",
]

DUE_SOON_WORKING_DAYS = 10
EXAMPLES_PER_FINDING = 5
_MAX_TAKEN = 120  # working days taken above this are counted in one "more" bucket


@dataclass
class CaseloadSummary:
    """Counts and lists for one run; the long lists are read lazily from its store."""

    source: str | None
    as_of: dt.date
    edition: str
    evidence: SourceEvidence | None
    complete: bool = True
    outcomes: int = 0
    rejected: int = 0
    obligations: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    sign_offs: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    case_holders: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    by_month: dict[str, Counter[str]] = field(default_factory=dict)
    taken: dict[str, Counter[int]] = field(default_factory=dict)
    #: the limit of each obligation's working-days-taken histogram (working days or months)
    limits: dict[str, TimescaleView] = field(default_factory=dict)
    #: the local protocol the run applied (None: national rules only)
    protocol: ProtocolView | None = None
    #: (obligation, edition) → (limit, its source, the national limit when tightened)
    limit_sources: dict[tuple[str, str], tuple[TimescaleView | None, str, TimescaleView | None]] = (
        field(default_factory=dict)
    )
    findings: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    target_causes: Counter[str] = field(default_factory=Counter)
    targets_agreed: int = 0
    store: RowStore = field(default_factory=RowStore)

    @property
    def records(self) -> int:
        """Every record read: evaluated plus rejected."""
        return self.outcomes + self.rejected

    @property
    def targets_compared(self) -> int:
        return self.targets_agreed + sum(self.target_causes.values())

    @property
    def agreement_rate(self) -> float | None:
        compared = self.targets_compared
        return None if compared == 0 else self.targets_agreed / compared

    def protocol_line(self) -> str | None:
        """``the local protocol of X (edition 2023, published 2024-04-01)``, or None."""
        p = self.protocol
        if p is None:
            return None
        published = f", published {p.published}" if p.published else ""
        return f"the local protocol of {p.authority} (edition {p.edition}{published})"

    def limit_rows(self) -> list[tuple[str, str, str, str, str]]:
        """(obligation, edition, limit, source, national limit) for every limit a local
        protocol set, in id order (empty without a protocol)."""
        rows = []
        for (obligation, edition), (limit, source, national) in sorted(self.limit_sources.items()):
            if source != "local":
                continue
            rows.append(
                (obligation, edition, _words(limit), source, _words(national) if national else "—")
            )
        return rows

    def status_totals(self) -> Counter[str]:
        totals: Counter[str] = Counter()
        for (_id, _edition, status), n in self.obligations.items():
            totals[status] += n
        return totals

    def overdue(self, *, largest: int | None = None) -> Iterator[dict[str, Any]]:
        """Overdue items in case order, or the ``largest`` n by working days late."""
        return self.store.rows("overdue", largest=largest)

    def due_soon(self) -> Iterator[dict[str, Any]]:
        return self.store.rows("due_soon")

    def target_rows(self) -> Iterator[dict[str, Any]]:
        return self.store.rows("target")

    def rejected_rows(self) -> Iterator[dict[str, Any]]:
        return self.store.rows("rejected")

    def counts(self) -> dict[str, int]:
        return {"records": self.records, "outcomes": self.outcomes, "rejected": self.rejected}

    def to_json(self, *, rows: bool = True) -> dict[str, Any]:
        """The summary as JSON-able data (``rows=False`` leaves out the long lists)."""

        def table(counter: Counter[tuple[str, str, str]], key: str) -> list[dict[str, Any]]:
            return [
                {key: k[0], "edition": k[1], "status": k[2], "count": n}
                for k, n in sorted(counter.items())
            ]

        data: dict[str, Any] = {
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "edition": self.edition,
            "complete": self.complete,
            "protocol": None if self.protocol is None else self.protocol.model_dump(mode="json"),
            "counts": self.counts(),
            "not_evidenced_by_source": None
            if self.evidence is None
            else {
                "source": self.evidence.source,
                "events": sorted(self.evidence.absent_events),
            },
            "obligations": table(self.obligations, "obligation"),
            "limits": [
                {
                    "obligation": obligation,
                    "edition": edition,
                    "timescale": None if limit is None else limit.model_dump(mode="json"),
                    "source": source,
                    "national_timescale": None
                    if national is None
                    else national.model_dump(mode="json"),
                }
                for (obligation, edition), (limit, source, national) in sorted(
                    self.limit_sources.items()
                )
            ],
            "sign_offs": table(self.sign_offs, "sign_off"),
            "case_holders": table(self.case_holders, "stage"),
            "overdue_count": self.store.count("overdue"),
            "due_soon_working_days": DUE_SOON_WORKING_DAYS,
            "due_soon_count": self.store.count("due_soon"),
            "findings": [
                {
                    "code": code,
                    "severity": severity,
                    "count": n,
                    "examples": self.examples.get(code, []),
                }
                for (code, severity), n in sorted(self.findings.items())
            ],
            "icpc_target_check": {
                "compared": self.targets_compared,
                "agree": self.targets_agreed,
                "agreement_rate": self.agreement_rate,
                "causes": {c: self.target_causes.get(c, 0) for c in CAUSES},
            },
            "by_month": [
                {"month": month, **dict(sorted(counts.items()))}
                for month, counts in sorted(self.by_month.items())
            ],
            "working_days_taken": [
                {
                    "obligation": obligation,
                    "limit": histogram_limit(self.limits.get(obligation)),
                    "histogram": {str(k): n for k, n in sorted(counts.items())},
                }
                for obligation, counts in sorted(self.taken.items())
            ],
        }
        if rows:
            data["overdue"] = list(self.overdue())
            data["due_soon"] = list(self.due_soon())
            data["icpc_target_check"]["rows"] = list(self.target_rows())
        return data

    def close(self) -> None:
        self.store.close()


def histogram_limit(view: TimescaleView | None) -> str | None:
    """A histogram's limit as the JSON report has always written it (``45 working days``,
    ``3 months``), or None."""
    if view is None:
        return None
    if view.working_days is not None:
        return f"{view.working_days} working days"
    if view.months is not None:
        return f"{view.months} months"
    return None


def late_text(row: dict[str, Any]) -> str:
    """How late an overdue row is, in words (``12 working days``, ``3 calendar days``)."""
    late = row.get("late_by") or {}
    for unit, amount in late.items():
        return describe_limit(unit, amount)
    return "" if row.get("working_days_late") is None else str(row["working_days_late"])


def _words(view: TimescaleView | None) -> str:
    if view is None:
        return "none set"
    for unit, amount in msgspec.structs.asdict(view).items():
        if amount is not None:
            return describe_limit(unit, amount)
    return "none set"


def _late(item: ObligationResult) -> int | None:
    """Working days late, as the engine judged it (None for a limit in another unit)."""
    return item.late_by.working_days if item.late_by is not None else None


def _amount(view: TimescaleView | None) -> int:
    if view is None:
        return 0
    return next((v for v in msgspec.structs.astuple(view) if v is not None), 0)


def _check_builder(
    as_of: object, calendar: object, edition: object, evidence: object, source: object
) -> None:
    """``bad-argument`` for a wrongly typed :class:`SummaryBuilder` argument (issue 19)."""
    function = "SummaryBuilder"
    day = require_date(as_of, "as_of", function)
    if day is None:
        raise UsageError(f"{function}: as_of is required (a datetime.date)", code="bad-argument")
    if not WIDE_FIRST_YEAR <= day.year <= WIDE_LAST_YEAR:
        raise CalendarError(
            f"as of {day.isoformat()}: a caseload report counts working days (due soon, days "
            f"late) from {WIDE_FIRST_YEAR}-01-01 to {WIDE_LAST_YEAR}-12-31 only"
        )
    require(calendar, WorkingCalendar, "calendar", function, "pass default_calendar()")
    require(edition, str, "edition", function)
    if evidence is not None:
        require(evidence, SourceEvidence, "evidence", function)
    if source is not None:
        require(source, str, "source", function)


class SummaryBuilder:
    """Feed every result of a run (in order) with :meth:`add`, then read :attr:`summary`."""

    def __init__(
        self,
        *,
        as_of: dt.date,
        calendar: WorkingCalendar,
        edition: str = "auto",
        evidence: SourceEvidence | None = None,
        source: str | None = None,
        protocol: ProtocolView | None = None,
    ) -> None:
        _check_builder(as_of, calendar, edition, evidence, source)
        if protocol is not None:
            require(protocol, ProtocolView, "protocol", "SummaryBuilder")
        self.summary = CaseloadSummary(source, as_of, edition, evidence, protocol=protocol)
        self.calendar = calendar
        self._wide: WorkingCalendar | None = None
        self._soon_end = self._covering(as_of).add_working_days(as_of, DUE_SOON_WORKING_DAYS)

    def add_all(self, results: Iterable[Evaluated | Rejected]) -> Iterator[Evaluated | Rejected]:
        """Pass ``results`` through, adding each on the way."""
        require_iterable(results, "results", "SummaryBuilder.add_all")
        return self._add_all(results)

    def _add_all(self, results: Iterable[Evaluated | Rejected]) -> Iterator[Evaluated | Rejected]:
        for result in results:
            self.add(result)
            yield result

    def add_file_notes(self, notes: Iterable[SourceNote], source: str) -> None:
        require_iterable(notes, "notes", "SummaryBuilder.add_file_notes")
        require(source, str, "source", "SummaryBuilder.add_file_notes")
        for note in notes:
            require(note, SourceNote, "each note", "SummaryBuilder.add_file_notes")
            self._finding(note.code, note.severity, source, note.message)

    def add(self, result: Evaluated | Rejected) -> None:
        if not isinstance(result, Evaluated | Rejected):
            raise UsageError(
                f"SummaryBuilder.add: result must be an Evaluated or a Rejected entry, not "
                f"{type(result).__name__}",
                code="bad-argument",
                hint="feed it what evaluate_stream yields",
            )
        s = self.summary
        if isinstance(result, Rejected):
            s.rejected += 1
            s.store.append("rejected", result.model_dump(mode="json", exclude_none=True))
            return
        s.outcomes += 1
        outcome = result.outcome
        child_id = result.child_id
        as_of = s.as_of
        # the due dates of the obligations the source states targets for (the census's
        # InitialCPCtarget for icpc.hold): no stated target, no cross-check, no card
        stated = {t.obligation for t in result.source.targets} if result.source else set()
        dues: dict[tuple[str, dt.date], dt.date | None] = {}
        for item in outcome.obligations:
            s.obligations[(item.id, item.edition, item.status)] += 1
            if (item.id, item.edition) not in s.limit_sources:
                s.limit_sources[(item.id, item.edition)] = (
                    item.timescale,
                    item.timescale_source,
                    item.national_timescale,
                )
            if item.id in stated:
                dues.setdefault((item.id, item.clock.date), item.due)
            due = item.due
            if due is None:
                continue
            if item.status in ("met", "met_late", "overdue", "pending"):
                month = s.by_month.setdefault(due.strftime("%Y-%m"), Counter())
                month[item.status] += 1
            if item.satisfied_on is not None and item.status in ("met", "met_late"):
                self._taken(item.id, item.clock.date, item.satisfied_on, item.timescale)
            if item.status == "overdue":
                late = _late(item)
                s.store.append(
                    "overdue",
                    {
                        "case_id": outcome.case_id,
                        "child_id": child_id,
                        "obligation": item.id,
                        "edition": item.edition,
                        "clock": item.clock.date.isoformat(),
                        "due": due.isoformat(),
                        "working_days_late": late,
                        "late_by": None
                        if item.late_by is None
                        else item.late_by.model_dump(mode="json"),
                    },
                    sort=late if late is not None else _amount(item.late_by),
                )
            elif item.status == "pending" and due <= self._soon_end:
                left = self._covering(due, as_of).working_days_between(as_of, due)
                left = max(left, 0)
                s.store.append(
                    "due_soon",
                    {
                        "case_id": outcome.case_id,
                        "child_id": child_id,
                        "obligation": item.id,
                        "edition": item.edition,
                        "due": due.isoformat(),
                        "working_days_left": left,
                    },
                )
        for sign_off in outcome.sign_offs:
            s.sign_offs[(sign_off.id, sign_off.edition, sign_off.status)] += 1
        for holder in outcome.case_holders:
            s.case_holders[(holder.stage, holder.edition, holder.status)] += 1
        for finding in outcome.findings:
            self._finding(finding.code, finding.severity, outcome.case_id, finding.message)
        if result.source is not None:
            for target in result.source.targets:
                self._target(outcome.case_id, child_id, target, dues)

    def _covering(self, *days: dt.date) -> WorkingCalendar:
        """The run's calendar, or (for dates outside its span, e.g. the 1970 DfE sample) one
        built once over every year the holiday rules cover."""
        if all(self.calendar.first <= day <= self.calendar.last for day in days):
            return self.calendar
        if self._wide is None:
            self._wide = WorkingCalendar(
                self.calendar.extra_non_working,
                first_year=WIDE_FIRST_YEAR,
                last_year=WIDE_LAST_YEAR,
            )
        return self._wide

    def _finding(self, code: str, severity: str, where: str, message: str) -> None:
        s = self.summary
        s.findings[(code, severity)] += 1
        examples = s.examples.setdefault(code, [])
        if len(examples) < EXAMPLES_PER_FINDING:
            examples.append({"case_id": where, "message": message})

    def _taken(self, obligation: str, clock: dt.date, done: dt.date, timescale: Any) -> None:
        s = self.summary
        calendar = self._covering(clock, done)
        days = calendar.working_days_between(clock, done) if done > clock else 0
        s.taken.setdefault(obligation, Counter())[min(days, _MAX_TAKEN)] += 1
        if histogram_limit(timescale) is not None and obligation not in s.limits:
            s.limits[obligation] = timescale

    def _target(
        self,
        case_id: str,
        child_id: str | None,
        stated: StatedTarget,
        dues: dict[tuple[str, dt.date], dt.date | None],
    ) -> None:
        s = self.summary
        clock, target = stated.clock, stated.target
        calendar = self._covering(clock, target)
        ours = dues.get((stated.obligation, clock))
        basis = stated.obligation
        if ours is None:
            # no instance judged this clock (before the earliest edition, say): the counting
            # rule itself, 15 working days with the discussion as day 0 (DESIGN §5)
            ours = calendar.add_working_days(clock, ICPC_WORKING_DAYS)
            basis = "rule"
        cause = classify(clock, target, ours, calendar)
        if cause is None:
            s.targets_agreed += 1
        else:
            s.target_causes[cause] += 1
        row: dict[str, Any] = {
            "case_id": case_id,
            "child_id": child_id,
            "s47": clock.isoformat(),
            "census_target": target.isoformat(),
            "ours": ours.isoformat(),
            "ours_from": basis,
            "agree": cause is None,
            "cause": cause,
        }
        s.store.append("target", row)
