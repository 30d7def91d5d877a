"""Case diff (DESIGN §9): one case judged under two pinned editions, lined up item by item.

:func:`diff_case` evaluates one case pinned to each edition and lines up the results:
obligations by (id, clock date), case-holder verdicts by (stage, allocation date) and
sign-offs by (id, subject date), each row flagged ``changed`` when the two editions
judge it differently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from pydantic import BaseModel, Field

from wtguidance._arguments import require, require_date, require_edition
from wtguidance.case import Case, SourceEvidence
from wtguidance.diff.editions import Frozen
from wtguidance.editions import Editions
from wtguidance.overlay import Overlay
from wtguidance.results import (
    CaseHolderVerdict,
    CitationView,
    ObligationResult,
    Outcome,
    PersonView,
    SignOffResult,
)

__all__ = [
    "CaseDiff",
    "CaseHolderRow",
    "CaseHolderSide",
    "ObligationRow",
    "ObligationSide",
    "SignOffRow",
    "SignOffSide",
    "case_holder_key",
    "diff_case",
    "diff_outcomes",
    "obligation_key",
    "pair",
    "sign_off_key",
]

K = TypeVar("K")
T = TypeVar("T")


class ObligationSide(Frozen):
    rule: str
    clock_event: str
    timescale: dict[str, int] | None
    due: dt.date | None
    status: str
    satisfied_on: dt.date | None
    actor: str
    modality: str
    citation: CitationView


class ObligationRow(Frozen):
    """One obligation (by id and clock date) under both editions; None where absent."""

    id: str
    clock: dt.date
    from_: ObligationSide | None = Field(alias="from")
    to: ObligationSide | None
    changed: bool


class CaseHolderSide(Frozen):
    rule: str
    compliant: bool | None
    reason: str
    permitted_roles: tuple[str, ...]
    supervisor_required: str
    citation: CitationView


class CaseHolderRow(Frozen):
    stage: str
    allocation_date: dt.date | None
    practitioner_role: str | None
    from_: CaseHolderSide | None = Field(alias="from")
    to: CaseHolderSide | None
    changed: bool


class SignOffSide(Frozen):
    rule: str
    status: str
    given_on: dt.date | None
    signed_by: PersonView | None = None
    required_roles: tuple[str, ...]
    required_social_work_qualified: bool | None
    citation: CitationView


class SignOffRow(Frozen):
    id: str
    subject_date: dt.date | None
    from_: SignOffSide | None = Field(alias="from")
    to: SignOffSide | None
    changed: bool


class CaseDiff(Frozen):
    """One case judged under two pinned editions, lined up item by item."""

    case_id: str
    as_of: dt.date
    from_: str = Field(alias="from")
    to: str
    obligations: tuple[ObligationRow, ...]
    case_holders: tuple[CaseHolderRow, ...]
    sign_offs: tuple[SignOffRow, ...]
    from_outcome: Outcome
    to_outcome: Outcome

    @property
    def changed_count(self) -> int:
        rows: Iterable[ObligationRow | CaseHolderRow | SignOffRow] = (
            *self.obligations,
            *self.case_holders,
            *self.sign_offs,
        )
        return sum(1 for row in rows if row.changed)


def obligation_key(item: ObligationResult) -> tuple[str, dt.date]:
    """What pairs an obligation across two outcomes of one case: (id, clock date)."""
    return (item.id, item.clock.date)


def case_holder_key(item: CaseHolderVerdict) -> tuple[str, dt.date | None, str | None]:
    """What pairs a case-holder verdict: (stage, allocation date, practitioner role)."""
    allocation = item.allocation
    if allocation is None:
        return (item.stage, None, None)
    return (item.stage, allocation.date, allocation.practitioner.role)


def sign_off_key(item: SignOffResult) -> tuple[str, dt.date | None]:
    """What pairs a sign-off: (id, subject date)."""
    return (item.id, item.subject_date)


def pair(
    old: Sequence[T], new: Sequence[T], key: Callable[[T], K]
) -> list[tuple[K, T | None, T | None]]:
    """Line up two result lists by key (repeats of one key pair up in order)."""

    def numbered(items: Sequence[T]) -> dict[tuple[K, int], T]:
        seen: dict[K, int] = {}
        out: dict[tuple[K, int], T] = {}
        for item in items:
            k = key(item)
            seen[k] = seen.get(k, 0) + 1
            out[(k, seen[k])] = item
        return out

    left, right = numbered(old), numbered(new)
    keys = list(left) + [k for k in right if k not in left]
    return [(k[0], left.get(k), right.get(k)) for k in keys]


def _same(a: BaseModel | None, b: BaseModel | None) -> bool:
    """Sides are the same when the case is judged alike: the rule id, citation, actor and
    modality always or often differ between editions and are shown by the pack diff."""
    if a is None or b is None:
        return a is b
    skip = {"rule", "citation", "actor", "modality"}
    return a.model_dump(exclude=skip) == b.model_dump(exclude=skip)


def diff_case(
    editions: Editions,
    a: str,
    b: str,
    case: Case,
    as_of: dt.date | None = None,
    overlay: Overlay | None = None,
    *,
    evidence: SourceEvidence | None = None,
    national_from: bool = False,
) -> CaseDiff:
    """Evaluate ``case`` pinned to edition ``a`` and to edition ``b`` and line them up.

    ``overlay``: a valid local protocol, applied to its own edition on whichever side
    judges under it (the other side is judged by national rules, with a finding).
    ``national_from=True`` judges the ``a`` side by national rules alone, so
    ``diff_case(editions, "2023", "2023", case, day, overlay, national_from=True)`` is what
    the protocol changes for this case. ``evidence``: what the case's source never records
    (an importer's :class:`~wtguidance.case.SourceEvidence`), as a caseload run uses it.
    """
    from wtguidance.evaluation import Evaluator

    require(
        editions, Editions, "editions", "diff_case", "pass load_editions() or shipped_editions()"
    )
    require(case, Case, "case", "diff_case", "build it with wtguidance.case.parse_case_obj(data)")
    if evidence is not None:
        require(evidence, SourceEvidence, "evidence", "diff_case")
    day = require_date(as_of, "as_of", "diff_case") or dt.date.today()
    editions.get(require_edition(a, "a", "diff_case"))
    editions.get(require_edition(b, "b", "diff_case"))  # unknown ids: the known ones listed
    evaluator = Evaluator.create(editions, overlay)
    national = Evaluator.create(editions) if national_from and overlay is not None else evaluator
    left = national.evaluate(case, edition=a, as_of=day, evidence=evidence)
    right = evaluator.evaluate(case, edition=b, as_of=day, evidence=evidence)
    return diff_outcomes(left, right, a, b)


_OUTCOME_HINT = "pass an Outcome from Evaluator.evaluate(case)"


def diff_outcomes(left: Outcome, right: Outcome, a: str, b: str) -> CaseDiff:
    """Line up two outcomes of one case (``left`` judged under ``a``, ``right`` under ``b``).

    Obligations pair by (id, clock date), case-holder verdicts by (stage, allocation date,
    practitioner role) and sign-offs by (id, subject date); repeats of one key pair up in
    order. Every caseload diff is built from this, so it agrees with :func:`diff_case`.
    """
    require(left, Outcome, "left", "diff_outcomes", _OUTCOME_HINT)
    require(right, Outcome, "right", "diff_outcomes", _OUTCOME_HINT)
    require_edition(a, "a", "diff_outcomes")
    require_edition(b, "b", "diff_outcomes")
    obligations = []
    for (item_id, clock), x, y in pair(left.obligations, right.obligations, obligation_key):
        sides = [
            None
            if o is None
            else ObligationSide(
                rule=o.rule,
                clock_event=o.clock.event,
                timescale=o.timescale.model_dump() if o.timescale else None,
                due=o.due,
                status=o.status,
                satisfied_on=o.satisfied_on,
                actor=o.actor,
                modality=o.modality,
                citation=o.citation,
            )
            for o in (x, y)
        ]
        obligations.append(
            ObligationRow.model_validate(
                {
                    "id": item_id,
                    "clock": clock,
                    "from": sides[0],
                    "to": sides[1],
                    "changed": not _same(sides[0], sides[1]),
                }
            )
        )
    obligations.sort(key=lambda r: (r.clock, r.id))

    holders = []
    for (stage, date, role), hx, hy in pair(left.case_holders, right.case_holders, case_holder_key):
        hsides = [
            None
            if v is None
            else CaseHolderSide(
                rule=v.rule,
                compliant=v.compliant,
                reason=v.reason,
                permitted_roles=tuple(sorted(v.permitted.roles)),
                supervisor_required=v.permitted.supervisor_required,
                citation=v.citation,
            )
            for v in (hx, hy)
        ]
        holders.append(
            CaseHolderRow.model_validate(
                {
                    "stage": stage,
                    "allocation_date": date,
                    "practitioner_role": role,
                    "from": hsides[0],
                    "to": hsides[1],
                    "changed": _holder_changed(hsides[0], hsides[1]),
                }
            )
        )

    sign_offs = []
    for (sign_id, subject_date), sx, sy in pair(left.sign_offs, right.sign_offs, sign_off_key):
        ssides = [
            None
            if s is None
            else SignOffSide(
                rule=s.rule,
                status=s.status,
                given_on=s.given_on,
                signed_by=s.signed_by,
                required_roles=tuple(sorted(s.required_from.roles)),
                required_social_work_qualified=s.required_from.social_work_qualified,
                citation=s.citation,
            )
            for s in (sx, sy)
        ]
        sign_offs.append(
            SignOffRow.model_validate(
                {
                    "id": sign_id,
                    "subject_date": subject_date,
                    "from": ssides[0],
                    "to": ssides[1],
                    "changed": not _same(ssides[0], ssides[1]),
                }
            )
        )

    return CaseDiff.model_validate(
        {
            "case_id": left.case_id,
            "as_of": left.as_of,
            "from": a,
            "to": b,
            "obligations": obligations,
            "case_holders": holders,
            "sign_offs": sign_offs,
            "from_outcome": left,
            "to_outcome": right,
        }
    )


def _holder_changed(a: CaseHolderSide | None, b: CaseHolderSide | None) -> bool:
    """A verdict changes when compliance or its reason changes: what a reader is shown.

    Who else the edition would permit is a change to the edition, shown by the pack diff;
    it does not make this allocation's verdict different.
    """
    if a is None or b is None:
        return a is not b
    return (a.compliant, a.reason) != (b.compliant, b.reason)
