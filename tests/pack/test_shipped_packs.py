"""Every shipped pack passes the full check, JSON Schema included.

At run time the shipped packs skip the (slow) JSON Schema pass; this test is what makes
that safe: a pack that fails the schema cannot be merged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wtguidance._pack.lint import lint_packs
from wtguidance._pack.load import load_pack
from wtguidance._pack.validate import check_pack
from wtguidance._render.lint import lint_text

RULES = Path(__file__).resolve().parents[2] / "rules"
EDITIONS = sorted(p.name for p in RULES.iterdir() if p.is_dir())


@pytest.mark.parametrize("edition", EDITIONS)
def test_shipped_pack_passes_schema_and_semantic_checks(edition: str) -> None:
    pack, problems = check_pack(load_pack(RULES / edition, shown_as=f"rules/{edition}"))
    assert problems == [], [p.one_line() for p in problems]
    assert pack is not None
    assert pack.edition == edition


def test_every_rule_cites_its_own_edition_with_a_web_address() -> None:
    for edition in EDITIONS:
        pack, _ = check_pack(load_pack(RULES / edition))
        assert pack is not None
        for rule in pack.rules:
            assert rule.id.startswith(f"wt{edition}.")
            assert rule.citation.edition == edition
            assert rule.citation.url.startswith(("https://", "http://"))
            assert rule.citation.section


def test_lint_packs_reports_every_edition_and_exits_zero() -> None:
    report = lint_packs(None)
    text = lint_text(report)
    assert report.exit_code == 0, text
    for edition in EDITIONS:
        assert f"{edition} [" in text
