"""Importers: what their source cannot show is not overdue (the shipped packs over a census and
an Annex A workbook).
"""

from __future__ import annotations

from pathlib import Path

from wtguidance.editions import shipped_editions

# --- importers: what their source cannot show is not overdue ----------------------------------


def _satisfiers() -> set[str]:
    """Every event type that can satisfy a shipped obligation."""
    return {
        r.then.satisfied_by.name
        for p in shipped_editions().packs
        for r in (*p.obligations, *p.dormant)
        if r.then.satisfied_by.kind == "event"
    }


def test_every_satisfying_event_is_produced_or_declared_absent_by_each_importer() -> None:
    """A duty only an event the source never carries could meet is not evidenced, never
    overdue (DESIGN §10): each importer's evidence must list every satisfying event it
    does not produce from its test fixtures. Adding a duty with a new event fails here
    until the importers say whether they can carry it."""
    from wtguidance.sources.annex_a import read_annex_a
    from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, read_cin_census

    root = Path(__file__).parents[1]
    census_events = {
        e.type
        for path in sorted((root / "data" / "cin").glob("*.xml"))
        for item in read_cin_census(path)
        if getattr(item, "case", None) is not None
        for e in item.case.events
    }
    annex = read_annex_a(root / "annex_a" / "Annex_A_2024_Jan.xlsx")
    annex_events = {e.type for episode in annex.episodes for e in episode.case.events}
    annex_absent = {a for episode in annex.episodes for a in episode.evidence.absent_events}
    wanted = _satisfiers()
    assert wanted - census_events - CIN_CENSUS_EVIDENCE.absent_events == set()
    assert wanted - annex_events - annex_absent == set()
