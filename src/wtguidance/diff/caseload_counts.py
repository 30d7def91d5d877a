"""Adding up a caseload diff: record comparisons into one :class:`CaseloadDiff`.

:class:`CaseloadCounter` counts each record once (judged, or rejected with its reason),
each id's statuses on both sides, and the obligations that become or stop being overdue.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from wtguidance.case import Case, Rejected
from wtguidance.diff.caseload_records import RecordDiff
from wtguidance.diff.caseload_result import (
    ABSENT,
    CHANGE_KINDS,
    CaseloadDiff,
    DiffSide,
    InstanceChange,
    ItemChanges,
    Kind,
    OverdueChange,
    RejectedRecord,
    StatusMove,
)
from wtguidance.sources.sourced import SourcedCase

__all__ = ["CaseloadCounter"]

_KIND_ORDER = {"obligation": 0, "sign_off": 1, "case_holder": 2}


def _rejected_record(item: Rejected) -> RejectedRecord:
    return RejectedRecord(**item.model_dump())


def _failed(item: Case | SourcedCase, number: int, reason: str) -> RejectedRecord:
    if isinstance(item, SourcedCase):
        where = f"line {item.line}: " if item.line is not None else ""
        return RejectedRecord(
            child_id=item.child_id,
            reason=f"{where}case {item.case.case_id} {reason}",
            line=item.line,
        )
    return RejectedRecord(
        child_id=item.case_id, reason=f"record {number}: case {item.case_id} {reason}"
    )


class CaseloadCounter:
    """Adds up record comparisons into a :class:`CaseloadDiff`."""

    def __init__(self) -> None:
        self.records = self.outcomes = self.cases_changed = 0
        self.rejected: list[RejectedRecord] = []
        self.changes: list[InstanceChange] = []
        self.statuses: dict[tuple[Kind, str], tuple[Counter[str], Counter[str]]] = {}
        self.unchanged: Counter[tuple[Kind, str]] = Counter()

    def add(self, item: Case | SourcedCase | Rejected, result: RecordDiff | str | None) -> None:
        self.records += 1
        if isinstance(item, Rejected):
            self.rejected.append(_rejected_record(item))
            return
        if isinstance(result, str) or result is None:
            self.rejected.append(_failed(item, self.records, result or "could not be judged"))
            return
        self.outcomes += 1
        for tally in result.tallies:
            key = (tally.kind, tally.id)
            sides = self.statuses.get(key)
            if sides is None:
                sides = self.statuses[key] = (Counter(), Counter())
            if tally.side == 2:
                self.unchanged[key] += 1
                sides[0][tally.status] += 1
                sides[1][tally.status] += 1
            else:
                sides[tally.side][tally.status] += 1
        if result.changes:
            self.cases_changed += 1
            self.changes.extend(result.changes)

    def result(
        self,
        a: DiffSide,
        b: DiffSide,
        as_of: dt.date,
        source: str | None,
        kind: str | None,
        complete: bool,
    ) -> CaseloadDiff:
        per_item: dict[tuple[Kind, str], list[InstanceChange]] = {}
        becomes: list[OverdueChange] = []
        stops: list[OverdueChange] = []
        for change in self.changes:
            per_item.setdefault((change.kind, change.id), []).append(change)
            if change.kind != "obligation" or change.date is None:
                continue
            was = change.from_.status if change.from_ is not None else ABSENT
            now = change.to.status if change.to is not None else ABSENT
            if (was == "overdue") == (now == "overdue"):
                continue
            row = OverdueChange(
                case_id=change.case_id,
                child_id=change.child_id,
                obligation=change.id,
                clock=change.date,
                from_status=was,
                to_status=now,
                from_due=change.from_.due if change.from_ is not None else None,
                to_due=change.to.due if change.to is not None else None,
            )
            (becomes if now == "overdue" else stops).append(row)
        items = []
        for key in sorted(self.statuses, key=lambda k: (_KIND_ORDER[k[0]], k[1])):
            found = per_item.get(key, [])
            appeared = sum(1 for c in found if c.from_ is None)
            disappeared = sum(1 for c in found if c.to is None)
            counted: Counter[str] = Counter(kind for c in found for kind in c.changes)
            moves: Counter[tuple[str, str]] = Counter(
                (
                    c.from_.status if c.from_ is not None else ABSENT,
                    c.to.status if c.to is not None else ABSENT,
                )
                for c in found
            )
            from_statuses, to_statuses = self.statuses[key]
            items.append(
                ItemChanges(
                    kind=key[0],
                    id=key[1],
                    from_instances=sum(from_statuses.values()),
                    to_instances=sum(to_statuses.values()),
                    unchanged=self.unchanged[key],
                    changed=len(found) - appeared - disappeared,
                    appeared=appeared,
                    disappeared=disappeared,
                    changes={k: counted[k] for k in CHANGE_KINDS if counted[k]},
                    moves=tuple(
                        StatusMove(from_=f, to=t, count=n)
                        for (f, t), n in sorted(moves.items(), key=lambda m: (-m[1], m[0]))
                        if f != t
                    ),
                    from_statuses=dict(sorted(from_statuses.items())),
                    to_statuses=dict(sorted(to_statuses.items())),
                )
            )
        return CaseloadDiff(
            from_=a,
            to=b,
            as_of=as_of,
            source=source,
            source_kind=kind,
            complete=complete,
            records=self.records,
            outcomes=self.outcomes,
            rejected=len(self.rejected),
            cases_changed=self.cases_changed,
            items=tuple(items),
            becomes_overdue=tuple(becomes),
            stops_overdue=tuple(stops),
            changes=tuple(self.changes),
            rejected_records=tuple(self.rejected),
        )
