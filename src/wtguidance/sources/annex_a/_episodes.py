"""Join a child's Annex A rows into episodes, and turn each episode into a :class:`Case`.

The joining rules (docs/annex-a.md explains them with their limits):

1. Every referral (list 3) opens an episode.
2. An assessment (list 4) or a section 47 enquiry (list 5) joins the episode of the child's
   latest referral on or before its start. If there is none, or that referral was recorded
   as no further action, the row opens an episode of its own.
3. A child protection plan (list 7) joins the enquiry whose initial conference was held on
   the plan's start date (a plan starts at that conference) unless the enquiry says the
   conference made no plan. Otherwise it opens an episode of its own, in which the
   conference is inferred on the plan's start date and says so.
4. A child-in-need episode (list 6) joins the referral dated on its CIN start date.
   Otherwise it opens an episode of its own.

Annex A is a snapshot: list 7 gives only the latest review conference and the last
statutory visit, list 6 only the date the child was last seen. Those are kept as
``latest`` facts. Where the source cannot say whether a duty was met, the episode's
:class:`SourceEvidence` names the event types it lacks, so the duty is reported as not
evidenced, never overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from wtguidance.case.events import (
    AssessmentCompletedEvent,
    AssessmentStartedEvent,
    CaseClosedEvent,
    ChildSeenEvent,
    CpPlanEndedEvent,
    CpPlanStartedEvent,
    Event,
    IcpcEvent,
    IcpcNotRequiredEvent,
    IcpcOutcome,
    ReferralEvent,
    ReviewConferenceEvent,
    S47StartedEvent,
    StrategyDiscussionEvent,
)
from wtguidance.case.record import Case, Child
from wtguidance.case.source import SourceEvidence, never_recorded
from wtguidance.codes import FindingCode
from wtguidance.sources.annex_a._rows import (
    Assessment,
    CinEpisode,
    Enquiry,
    Plan,
    Record,
    Referral,
    RowRef,
)
from wtguidance.sources.sourced import SourcedCase, SourceNote

__all__ = [
    "ANNEX_A_SOURCE",
    "LATEST_ONLY",
    "NEVER_RECORDED",
    "Allocation",
    "AnnexAEpisode",
    "Latest",
    "build_episodes",
]

ANNEX_A_SOURCE = "Ofsted Annex A return"
"""The source's name, as it appears in "not evidenced" reasons."""

RECORDED = frozenset(
    {
        "referral",
        "assessment_started",
        "assessment_completed",
        "child_seen",
        "strategy_discussion",
        "s47_started",
        "icpc",
        "icpc_not_required",
        "cp_plan_started",
        "cp_plan_ended",
        "review_conference",
        "case_closed",
    }
)
"""The event types Annex A's lists 3–7 can give. Not among them: the referral decision
(list 3 says whether a referral led to no further action, not when it was decided),
allocations (the worker and team are named, never their role or qualification, so a
case-holder verdict is not evidenced, never guessed), sign-offs (an assessment's
authorisation is its completion; who signed is not recorded), core groups, incidents and
reviews, and the run of statutory visits a repeating local clock needs (Annex A keeps only
the last visit)."""

NEVER_RECORDED = never_recorded(RECORDED)
"""Event types no Annex A list 1–7 records."""

LATEST_ONLY = frozenset({"review_conference"})
"""Event types of which Annex A keeps only the latest (list 7: the latest review conference)."""

_SINGLE_ASSESSMENT_FROM = dt.date(2013, 4, 15)


@dataclass(frozen=True)
class Allocation:
    """The team and worker one row names as allocated. Annex A gives no role."""

    stage: str
    team: str | None
    worker: str | None
    row: RowRef


@dataclass(frozen=True)
class Latest:
    """A snapshot fact: the latest review, the last statutory visit, the child last seen."""

    what: str
    date: dt.date
    row: RowRef
    detail: str | None = None


@dataclass(frozen=True)
class AnnexAEpisode:
    """One episode: the case to evaluate and what Annex A said beside it."""

    case: Case
    child_id: str
    rows: tuple[RowRef, ...]
    allocations: tuple[Allocation, ...]
    latest: tuple[Latest, ...]
    findings: tuple[SourceNote, ...]
    evidence: SourceEvidence

    def notes(self) -> tuple[SourceNote, ...]:
        """Everything said beside the case: findings, allocations and the latest facts."""
        allocations = tuple(
            SourceNote(
                "annex-a-allocated-worker",
                f"{a.row}: {a.stage} allocated to "
                + ", ".join(
                    part
                    for part in (
                        f"team {a.team!r}" if a.team else "",
                        f"worker {a.worker!r}" if a.worker else "",
                    )
                    if part
                )
                + "; Annex A records no role, so whether they may hold the case is not "
                "evidenced",
                "info",
            )
            for a in self.allocations
        )
        latest = tuple(
            SourceNote(
                "annex-a-latest",
                f"{fact.row}: {fact.what} on {fact.date.isoformat()}"
                + (f" ({fact.detail})" if fact.detail else ""),
                "info",
            )
            for fact in self.latest
        )
        return (*self.findings, *allocations, *latest)

    def sourced(self) -> SourcedCase:
        """The episode as the caseload runner takes it (notes and evidence travel along)."""
        first = self.rows[0] if self.rows else None
        return SourcedCase(
            self.case,
            child_id=self.child_id,
            notes=self.notes(),
            evidence=self.evidence,
            sheet=first.sheet if first is not None else None,
            row=first.row if first is not None else None,
            source=str(first) if first is not None else None,
        )


@dataclass
class _Draft:
    kind: str
    anchor: dt.date
    records: list[Record]
    nfa: bool = False
    findings: list[SourceNote] = field(default_factory=list)


_INFO = frozenset(
    {
        "annex-a-referral-nfa",
        "annex-a-conference-inferred",
        "annex-a-icpc-outcome-inferred",
        "annex-a-assessment-kind-unknown",
    }
)


def _finding(code: FindingCode, message: str, ref: RowRef | None = None) -> SourceNote:
    """A note about the source; ``ref`` is named in ``message`` already."""
    del ref
    return SourceNote(code, message, "info" if code in _INFO else "warning")


def _key(record: Record) -> tuple[dt.date, int, str]:
    assert record.key_date is not None
    return (record.key_date, record.ref.row, record.ref.sheet)


def join(records: Sequence[Record]) -> list[_Draft]:
    """Group one child's placeable rows (each with a key date) into episodes."""
    referrals = [
        _Draft("referral", r.key_date, [r], nfa=r.nfa == "yes")  # type: ignore[arg-type]
        for r in sorted((r for r in records if isinstance(r, Referral)), key=_key)
    ]
    drafts = list(referrals)

    def host(record: Record) -> _Draft | SourceNote | None:
        day = record.key_date
        assert day is not None
        earlier = [d for d in referrals if d.anchor <= day]
        if not earlier:
            return None
        chosen = earlier[-1]
        if chosen.nfa:
            referral = chosen.records[0].ref
            return _finding(
                "annex-a-after-nfa-referral",
                f"{record.ref} starts after the referral of {chosen.anchor.isoformat()} "
                f"({referral}), which is recorded as no further action, so it is judged "
                "as an episode of its own",
                record.ref,
            )
        return chosen

    enquiry_drafts: list[tuple[Enquiry, _Draft]] = []
    for record in sorted((r for r in records if isinstance(r, Assessment | Enquiry)), key=_key):
        found = host(record)
        if isinstance(found, _Draft):
            draft = found
        else:
            kind = "assessment" if isinstance(record, Assessment) else "s47"
            draft = _Draft(kind, record.key_date, [])  # type: ignore[arg-type]
            if found is not None:
                draft.findings.append(found)
            drafts.append(draft)
        draft.records.append(record)
        if isinstance(record, Enquiry):
            enquiry_drafts.append((record, draft))

    planned: set[int] = set()
    for plan in sorted((r for r in records if isinstance(r, Plan)), key=_key):
        match = next(
            (
                (i, draft)
                for i, (enquiry, draft) in enumerate(enquiry_drafts)
                if i not in planned
                and enquiry.icpc_date == plan.start
                and enquiry.icpc_plan != "no"
            ),
            None,
        )
        if match is None:
            drafts.append(_Draft("cp-plan", plan.start, [plan]))  # type: ignore[arg-type]
        else:
            planned.add(match[0])
            match[1].records.append(plan)

    for cin in sorted((r for r in records if isinstance(r, CinEpisode)), key=_key):
        target = next(
            (
                d
                for d in referrals
                if d.anchor == cin.start and not any(isinstance(r, CinEpisode) for r in d.records)
            ),
            None,
        )
        if target is None:
            drafts.append(_Draft("cin", cin.start, [cin]))  # type: ignore[arg-type]
        else:
            target.records.append(cin)
    return drafts


class _Builder:
    """Builds one episode's events, notes and evidence from its rows."""

    def __init__(self, draft: _Draft) -> None:
        self.draft = draft
        self.events: list[Event] = []
        self.findings = list(draft.findings)
        self.latest: list[Latest] = []
        self.absent: set[str] = set(NEVER_RECORDED)
        self.seen_evidenced = False
        plans = [r for r in draft.records if isinstance(r, Plan)]
        self.plan_starts = {p.start for p in plans}

    def note(self, code: FindingCode, message: str, ref: RowRef | None = None) -> None:
        self.findings.append(_finding(code, message, ref))

    def build(self) -> None:
        for record in self.draft.records:
            if isinstance(record, Referral):
                self.referral(record)
            elif isinstance(record, Assessment):
                self.assessment(record)
            elif isinstance(record, Enquiry):
                self.enquiry(record)
            elif isinstance(record, Plan):
                self.plan(record, matched=self.draft.kind != "cp-plan")
            elif isinstance(record, CinEpisode):
                self.cin(record)
        if not self.seen_evidenced:
            self.absent.add("child_seen")

    def referral(self, record: Referral) -> None:
        assert record.date is not None
        self.events.append(ReferralEvent(type="referral", date=record.date, id=str(record.ref)))
        if record.nfa == "yes":
            self.note(
                "annex-a-referral-nfa",
                f"{record.ref}: referral recorded as no further action; Annex A does not "
                "record when that was decided",
                record.ref,
            )

    def assessment(self, record: Assessment) -> None:
        assert record.start is not None
        ref = str(record.ref)
        if self.draft.kind == "referral" and self.draft.anchor < _SINGLE_ASSESSMENT_FROM:
            self.note(
                "annex-a-assessment-kind-unknown",
                f"{record.ref}: Annex A cannot say whether this was an initial or core "
                "assessment (2010 edition); read as a single assessment",
                record.ref,
            )
        self.events.append(
            AssessmentStartedEvent(
                type="assessment_started", date=record.start, kind="single", id=ref
            )
        )
        if record.authorised is not None:
            self.events.append(
                AssessmentCompletedEvent(
                    type="assessment_completed", date=record.authorised, kind="single", id=ref
                )
            )
        if record.seen_date is not None:
            self.seen_evidenced = True
            self.events.append(
                ChildSeenEvent(
                    type="child_seen",
                    date=record.seen_date,
                    alone=False,
                    id=ref,
                    note="Annex A does not say whether the child was seen alone",
                )
            )
        elif record.seen == "no":
            self.seen_evidenced = True
            self.note(
                "annex-a-child-not-seen",
                f"{record.ref}: the child was not seen during this assessment",
                record.ref,
            )
        elif record.seen == "yes":
            self.note(
                "annex-a-child-seen-undated",
                f"{record.ref}: the child was seen during this assessment, but Annex A gives "
                "no date, so whether that was in time is not evidenced",
                record.ref,
            )

    def enquiry(self, record: Enquiry) -> None:
        assert record.start is not None
        ref = str(record.ref)
        self.events.append(
            StrategyDiscussionEvent(
                type="strategy_discussion", date=record.start, initiates_s47=True, id=ref
            )
        )
        self.events.append(S47StartedEvent(type="s47_started", date=record.start, id=ref))
        if record.icpc_unnecessary == "yes":
            self.events.append(
                IcpcNotRequiredEvent(
                    type="icpc_not_required",
                    date=record.start,
                    id=ref,
                    note="Annex A answer; the date of the decision is not recorded",
                )
            )
            if record.icpc_date is not None:
                self.note(
                    "annex-a-icpc-unnecessary-but-held",
                    f"{record.ref}: a conference deemed unnecessary is dated "
                    f"{record.icpc_date.isoformat()}",
                    record.ref,
                )
        elif record.icpc_unnecessary in (None, "unknown") and record.icpc_date is None:
            self.absent.add("icpc")
            self.note(
                "annex-a-icpc-need-not-recorded",
                f"{record.ref}: no conference date and no answer to whether one was "
                "needed, so the conference deadline is not evidenced",
                record.ref,
            )
        if record.icpc_date is None:
            return
        outcome = self._icpc_outcome(record)
        self.events.append(IcpcEvent(type="icpc", date=record.icpc_date, outcome=outcome, id=ref))

    def _icpc_outcome(self, record: Enquiry) -> IcpcOutcome:
        if record.icpc_plan == "no":
            return "no_plan"
        if record.icpc_date in self.plan_starts:
            return "cp_plan"
        if record.icpc_plan == "yes":
            self.absent.add("review_conference")
            self.note(
                "annex-a-plan-not-listed",
                f"{record.ref}: the conference made a plan, but no plan in list 7 starts on "
                f"{record.icpc_date}; its reviews are not evidenced",
                record.ref,
            )
            return "cp_plan"
        self.note(
            "annex-a-icpc-outcome-inferred",
            f"{record.ref}: the conference's outcome is not recorded and no plan in list 7 "
            "starts that day; read as no plan",
            record.ref,
        )
        return "no_plan"

    def plan(self, record: Plan, *, matched: bool) -> None:
        assert record.start is not None
        ref = str(record.ref)
        if not matched:
            self.events.append(
                IcpcEvent(
                    type="icpc",
                    date=record.start,
                    outcome="cp_plan",
                    id=ref,
                    note="inferred: a plan starts at the conference that agrees it; Annex A "
                    "list 5 has no conference on this date",
                )
            )
            self.note(
                "annex-a-conference-inferred",
                f"{record.ref}: no conference in list 5 matches this plan; the conference is "
                "taken to be on the plan's start date",
                record.ref,
            )
        self.events.append(CpPlanStartedEvent(type="cp_plan_started", date=record.start, id=ref))
        if record.latest_review is not None:
            ended = record.end is not None and record.latest_review == record.end
            self.events.append(
                ReviewConferenceEvent(
                    type="review_conference",
                    date=record.latest_review,
                    outcome="end_plan" if ended else "continue",
                    id=ref,
                    note="the latest review conference (Annex A records no earlier ones)",
                )
            )
            self.latest.append(Latest("latest review conference", record.latest_review, record.ref))
        if record.end is not None:
            self.events.append(CpPlanEndedEvent(type="cp_plan_ended", date=record.end, id=ref))
        if record.last_visit is not None:
            alone = {"yes": "seen alone", "no": "not seen alone"}.get(record.seen_alone or "")
            self.latest.append(Latest("last statutory visit", record.last_visit, record.ref, alone))

    def cin(self, record: CinEpisode) -> None:
        if record.last_seen is not None:
            self.latest.append(Latest("child last seen", record.last_seen, record.ref))
        if record.closed is not None:
            self.events.append(
                CaseClosedEvent(
                    type="case_closed",
                    date=record.closed,
                    reason=record.closure_reason,
                    id=str(record.ref),
                )
            )


_STAGES = {3: "referral", 4: "assessment", 5: "s47", 6: "cin", 7: "cp_plan"}


def _child(records: Sequence[Record], findings: list[SourceNote]) -> Child:
    births = {r.child.date_of_birth for r in records if r.child.date_of_birth is not None}
    born = min((r for r in records if r.child.date_of_birth is not None), key=_key, default=None)
    if len(births) > 1:
        findings.append(
            _finding(
                "annex-a-conflicting-child-details",
                "the rows give different dates of birth ("
                + ", ".join(sorted(d.isoformat() for d in births))
                + f"); {born.ref if born else ''} is used",
            )
        )
    return Child(
        date_of_birth=born.child.date_of_birth if born else None,
        disabled=any(r.child.disability == "yes" for r in records),
    )


def _case_id(child_id: str, draft: _Draft) -> str:
    day = draft.anchor.isoformat()
    return f"{child_id}/{day}" if draft.kind == "referral" else f"{child_id}/{draft.kind}-{day}"


def _evidence(
    memo: dict[frozenset[str], SourceEvidence], absent: Collection[str]
) -> SourceEvidence:
    key = frozenset(absent)
    found = memo.get(key)
    if found is None:
        found = memo[key] = SourceEvidence.of(ANNEX_A_SOURCE, key, LATEST_ONLY)
    return found


def build_episodes(
    child_id: str,
    records: Sequence[Record],
    evidence: dict[frozenset[str], SourceEvidence] | None = None,
) -> list[AnnexAEpisode | tuple[Record, ...]]:
    """One child's episodes, in order; an episode with an unreadable cell comes back as its
    rows, to be rejected whole. Every row must have a readable key date.

    ``evidence`` is a memo shared over a whole source: episodes that lack the same events
    share one (immutable) :class:`SourceEvidence` rather than holding a copy each.
    """
    memo = {} if evidence is None else evidence
    episodes: list[AnnexAEpisode | tuple[Record, ...]] = []
    taken: dict[str, int] = {}
    for draft in join(records):
        case_id = _case_id(child_id, draft)
        taken[case_id] = taken.get(case_id, 0) + 1
        if any(r.problems for r in draft.records):
            episodes.append(tuple(draft.records))
            continue
        builder = _Builder(draft)
        builder.build()
        child = _child(draft.records, builder.findings)
        if taken[case_id] > 1:
            builder.note(
                "annex-a-duplicate-episode",
                f"another episode of this child starts the same day; this one is "
                f"{case_id}#{taken[case_id]}",
            )
            case_id = f"{case_id}#{taken[case_id]}"
        for record in draft.records:
            builder.findings.extend(
                _finding("annex-a-cell-note", f"{record.ref}: {note}", record.ref)
                for note in record.notes
            )
        episodes.append(
            AnnexAEpisode(
                case=Case(case_id=case_id, child=child, events=tuple(builder.events)),
                child_id=child_id,
                rows=tuple(r.ref for r in draft.records),
                allocations=tuple(
                    Allocation(_STAGES[r.ref.list_no], r.team, r.worker, r.ref)
                    for r in draft.records
                    if r.team or r.worker
                ),
                latest=tuple(builder.latest),
                findings=tuple(builder.findings),
                evidence=_evidence(memo, builder.absent),
            )
        )
    return episodes
