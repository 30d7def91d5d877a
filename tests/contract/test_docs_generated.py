"""The generated edition reference pages (docs/editions/) match the shipped packs."""

from __future__ import annotations

from pathlib import Path

from wtguidance._render.edition_page import edition_page
from wtguidance.editions import shipped_editions

DOCS = Path(__file__).resolve().parents[2] / "docs" / "editions"


def test_every_edition_has_a_current_reference_page() -> None:
    editions = shipped_editions()
    stale = []
    for compiled in editions.packs:
        page = DOCS / f"{compiled.edition}.md"
        expected = edition_page(compiled.pack, editions)
        if not page.exists() or page.read_text(encoding="utf-8") != expected:
            stale.append(page.name)
    assert not stale, f"stale docs/editions pages {stale}: run `make docs`"


def test_reference_page_lists_every_rule_with_its_citation() -> None:
    editions = shipped_editions()
    for compiled in editions.packs:
        page = edition_page(compiled.pack, editions)
        for rule in compiled.pack.rules:
            assert f"`{rule.id}`" in page
            assert rule.citation.url in page
        if compiled.pack.meta.status == "provisional":
            assert "**provisional**" in page
