"""Join one child's Annex A rows into episodes (drafts the event builder turns into cases).

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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from wtguidance.sources.annex_a._notes import finding
from wtguidance.sources.annex_a._rows import (
    Assessment,
    CinEpisode,
    Enquiry,
    Plan,
    Record,
    Referral,
)
from wtguidance.sources.sourced import SourceNote

__all__ = ["Draft", "join", "sort_key"]


@dataclass
class Draft:
    kind: str
    anchor: dt.date
    records: list[Record]
    nfa: bool = False
    findings: list[SourceNote] = field(default_factory=list)


def sort_key(record: Record) -> tuple[dt.date, int, str]:
    assert record.key_date is not None
    return (record.key_date, record.ref.row, record.ref.sheet)


def join(records: Sequence[Record]) -> list[Draft]:
    """Group one child's placeable rows (each with a key date) into episodes."""
    referrals = [
        Draft("referral", r.key_date, [r], nfa=r.nfa == "yes")  # type: ignore[arg-type]
        for r in sorted((r for r in records if isinstance(r, Referral)), key=sort_key)
    ]
    drafts = list(referrals)

    def host(record: Record) -> Draft | SourceNote | None:
        day = record.key_date
        assert day is not None
        earlier = [d for d in referrals if d.anchor <= day]
        if not earlier:
            return None
        chosen = earlier[-1]
        if chosen.nfa:
            referral = chosen.records[0].ref
            return finding(
                "annex-a-after-nfa-referral",
                f"{record.ref} starts after the referral of {chosen.anchor.isoformat()} "
                f"({referral}), which is recorded as no further action, so it is judged "
                "as an episode of its own",
                record.ref,
            )
        return chosen

    enquiry_drafts: list[tuple[Enquiry, Draft]] = []
    for record in sorted((r for r in records if isinstance(r, Assessment | Enquiry)), key=sort_key):
        found = host(record)
        if isinstance(found, Draft):
            draft = found
        else:
            kind = "assessment" if isinstance(record, Assessment) else "s47"
            draft = Draft(kind, record.key_date, [])  # type: ignore[arg-type]
            if found is not None:
                draft.findings.append(found)
            drafts.append(draft)
        draft.records.append(record)
        if isinstance(record, Enquiry):
            enquiry_drafts.append((record, draft))

    planned: set[int] = set()
    for plan in sorted((r for r in records if isinstance(r, Plan)), key=sort_key):
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
            drafts.append(Draft("cp-plan", plan.start, [plan]))  # type: ignore[arg-type]
        else:
            planned.add(match[0])
            match[1].records.append(plan)

    for cin in sorted((r for r in records if isinstance(r, CinEpisode)), key=sort_key):
        target = next(
            (
                d
                for d in referrals
                if d.anchor == cin.start and not any(isinstance(r, CinEpisode) for r in d.records)
            ),
            None,
        )
        if target is None:
            drafts.append(Draft("cin", cin.start, [cin]))  # type: ignore[arg-type]
        else:
            target.records.append(cin)
    return drafts
