"""``_pack/lint.py`` returns a report (data, each pack read once); ``_render/lint.py`` writes it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import wtguidance._pack.lint as lint_module
from _helpers import RULES, run_cli
from wtguidance._pack.lint import LintReport, lint_packs
from wtguidance._render.lint import lint_json, lint_text


def _copy(tmp_path: Path, *editions: str) -> Path:
    root = tmp_path / "rules"
    for edition in editions:
        shutil.copytree(RULES / edition, root / edition)
    return root


def test_the_shipped_packs_lint_clean_as_data() -> None:
    report = lint_packs(None)
    assert isinstance(report, LintReport)
    assert report.valid
    assert report.exit_code == 0
    assert [e.edition for e in report.editions] == sorted(e.edition for e in report.editions)
    for e in report.editions:
        assert e.valid
        assert e.rules == e.cite_paragraph + e.cite_section_only
        assert sum(n for _, n in e.confidence) == e.rules


def test_each_pack_is_read_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = _copy(tmp_path, "2018", "2023")
    calls: list[str] = []
    real = lint_module.load_pack

    def counting(entry, **kw):  # type: ignore[no-untyped-def]
        calls.append(str(entry))
        return real(entry, **kw)

    monkeypatch.setattr(lint_module, "load_pack", counting)
    lint_packs(root)
    assert sorted(calls) == sorted({*calls})
    assert len(calls) == 2


@pytest.mark.parametrize("broken", ["implicit-source", "invalid-yaml", "both"])
def test_a_broken_pack_is_in_the_report_and_both_formats(tmp_path: Path, broken: str) -> None:
    root = _copy(tmp_path, "2018", "2023")
    if broken in ("implicit-source", "both"):
        for path in (root / "2023").glob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            kept = [line for line in text.splitlines() if "timescale_source:" not in line]
            path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    if broken in ("invalid-yaml", "both"):
        target = sorted((root / "2018").glob("*.yaml"))[-1]
        target.write_text(target.read_text(encoding="utf-8") + "rules: [unclosed\n")
    report = lint_packs(root)
    assert report.exit_code == 1
    invalid = {e.edition for e in report.editions if not e.valid}
    expected = {"implicit-source": {"2023"}, "invalid-yaml": {"2018"}, "both": {"2018", "2023"}}
    assert invalid == expected[broken]
    codes = {p.code for p in report.problems}
    if broken != "invalid-yaml":
        assert "implicit-timescale-source" in codes
    if broken != "implicit-source":
        assert "invalid-yaml" in codes
    document = json.loads(lint_json(report))
    assert document["valid"] is False
    assert len(document["errors"]) == len(report.problems)
    text = lint_text(report)
    for edition in invalid:
        assert f"{edition}: INVALID" in text
    # the command writes the same bytes and exits 1
    for fmt, rendered in (("json", lint_json(report)), ("text", text)):
        code, out, _ = run_cli("lint-packs", str(root), "--format", fmt)
        assert code == 1
        assert out.rstrip("\n") == rendered
