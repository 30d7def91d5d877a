"""The built wheel carries the rule packs, schemas and examples, and works without the repo."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from _helpers import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="hatchling (dev extra) builds the wheel")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (built,) = out.glob("wtguidance-*.whl")
    return built


def test_wheel_ships_packs_schemas_examples_and_py_typed(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "wtguidance/py.typed" in names
    assert "wtguidance/_data/schemas/case.schema.json" in names
    assert "wtguidance/_data/schemas/rule-pack.schema.json" in names
    for pack in sorted(p.name for p in (ROOT / "rules").iterdir() if p.is_dir()):
        assert f"wtguidance/_data/rules/{pack}/pack.yaml" in names


def test_unpacked_wheel_loads_every_edition_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    code = (
        "import wtguidance, wtguidance.editions as e; "
        "from wtguidance._resources import data_dir; "
        "print(data_dir('rules')); print(','.join(e.load_editions().ids))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    where, ids = result.stdout.splitlines()
    assert str(tmp_path / "site") in where
    assert "_data" in where
    shipped = sorted(p.name for p in (ROOT / "rules").iterdir() if p.is_dir())
    assert sorted(ids.split(",")) == shipped
