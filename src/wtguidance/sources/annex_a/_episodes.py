"""Turn a child's Annex A rows into episodes, each a :class:`Case` with its notes and evidence.

The rows are joined into episodes by ``_join`` (the joining rules, explained with their
limits in docs/annex-a.md), each episode's events, snapshot facts and data-quality notes
are built by ``_events``, and what the source cannot show is named by ``_evidence``: where
Annex A cannot say whether a duty was met, the episode's :class:`SourceEvidence` names the
event types it lacks, so the duty is reported as not evidenced, never overdue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wtguidance.case.record import Case, Child
from wtguidance.case.source import SourceEvidence
from wtguidance.sources.annex_a._events import EventBuilder
from wtguidance.sources.annex_a._evidence import (
    ANNEX_A_SOURCE,
    LATEST_ONLY,
    NEVER_RECORDED,
    evidence_for,
)
from wtguidance.sources.annex_a._join import Draft, join, sort_key
from wtguidance.sources.annex_a._notes import Allocation, Latest, finding
from wtguidance.sources.annex_a._rows import Record, RowRef
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


_STAGES = {3: "referral", 4: "assessment", 5: "s47", 6: "cin", 7: "cp_plan"}


def _child(records: Sequence[Record], findings: list[SourceNote]) -> Child:
    births = {r.child.date_of_birth for r in records if r.child.date_of_birth is not None}
    born = min(
        (r for r in records if r.child.date_of_birth is not None), key=sort_key, default=None
    )
    if len(births) > 1:
        findings.append(
            finding(
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


def _case_id(child_id: str, draft: Draft) -> str:
    day = draft.anchor.isoformat()
    return f"{child_id}/{day}" if draft.kind == "referral" else f"{child_id}/{draft.kind}-{day}"


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
        builder = EventBuilder(draft)
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
                finding("annex-a-cell-note", f"{record.ref}: {note}", record.ref)
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
                evidence=evidence_for(memo, builder.absent),
            )
        )
    return episodes
