"""Every committed generated artefact is current, and the generator writes and checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from _helpers import ROOT
from wtguidance._generate import artefacts, main


def test_committed_artefacts_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--check", "--root", str(ROOT)])
    assert code == 0, capsys.readouterr().out


def test_every_committed_schema_and_page_has_a_generator() -> None:
    files, owned = artefacts()
    assert {
        "schemas/case.schema.json",
        "schemas/local-protocol.schema.json",
        "docs/changes/README.md",
    } <= set(files)
    assert owned == ("docs/editions", "docs/changes", "docs/codes")
    assert {
        "schemas/openapi.json",
        "docs/reference/cli.md",
        "docs/reference/case-record.md",
    } <= set(files)
    for folder in owned:
        committed = {str(p.relative_to(ROOT)) for p in (ROOT / folder).glob("*.md")}
        assert committed == {name for name in files if name.startswith(folder + "/")}


def test_check_then_write_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", "--root", str(tmp_path)]) == 1
    assert "schemas/case.schema.json is out of date; run: make docs" in capsys.readouterr().out
    (tmp_path / "docs" / "changes").mkdir(parents=True)
    leftover = tmp_path / "docs" / "changes" / "1999-to-2000.md"
    leftover.write_text("old", encoding="utf-8")
    assert main(["--root", str(tmp_path)]) == 0
    assert not leftover.exists()
    assert main(["--check", "--root", str(tmp_path)]) == 0
    (tmp_path / "docs" / "changes" / "README.md").write_text("edited", encoding="utf-8")
    assert main(["--check", "--root", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines()[-1].startswith("docs/changes/README.md")
