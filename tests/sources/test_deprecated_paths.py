"""The importers' old import paths still work for one release, and each warns."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from _helpers import ROOT

CASE = json.loads((ROOT / "examples" / "cases" / "cp-pathway.json").read_text(encoding="utf-8"))

# old path, new path, a name that must be the same object through both
MOVED = [
    ("wtguidance.case.cin_census", "wtguidance.sources.cin_census", "read_cin_census"),
    ("wtguidance.case.cin_census", "wtguidance.sources.cin_census", "CIN_CENSUS_EVIDENCE"),
    ("wtguidance.case.cin_census", "wtguidance.sources.cin_census", "iter_cin_census_cases"),
    ("wtguidance.case.annex_a", "wtguidance.sources.annex_a", "read_annex_a"),
    ("wtguidance.case.annex_a", "wtguidance.sources.annex_a", "AnnexAError"),
    ("wtguidance.case.annex_a", "wtguidance.sources.annex_a", "MAX_RECORDS"),
    ("wtguidance.case.sourced", "wtguidance.sources.sourced", "SourcedCase"),
    ("wtguidance.case.sourced", "wtguidance.sources.sourced", "StatedTarget"),
    ("wtguidance.caseload.batch", "wtguidance.sources.jsonl", "read_jsonl"),
    ("wtguidance.caseload.batch", "wtguidance.sources.jsonl", "MAX_LINE_CHARS"),
]


def _fresh_import(name: str) -> object:
    sys.modules.pop(name, None)
    return importlib.import_module(name)


@pytest.mark.parametrize(("old", "new", "name"), MOVED)
def test_an_old_module_path_warns_and_hands_on_the_new_module(
    old: str, new: str, name: str
) -> None:
    with pytest.warns(DeprecationWarning, match=f"{old} moved to {new}"):
        module = _fresh_import(old)
    assert getattr(module, name) is getattr(importlib.import_module(new), name)
    assert set(importlib.import_module(new).__all__) <= set(dir(module))


def test_the_old_annex_a_path_still_reaches_private_names() -> None:
    # callers that reached into the package keep working for the release too
    with pytest.warns(DeprecationWarning, match="the old path is deprecated"):
        module = _fresh_import("wtguidance.case.annex_a")
    assert module._sheets is importlib.import_module("wtguidance.sources.annex_a._sheets")  # type: ignore[attr-defined]


def test_read_jsonl_through_the_caseload_face_warns_and_still_reads() -> None:
    import io

    import wtguidance.caseload as caseload
    from wtguidance.sources.jsonl import read_jsonl

    with pytest.warns(DeprecationWarning, match="wtguidance.sources.jsonl.read_jsonl"):
        old = caseload.read_jsonl  # type: ignore[attr-defined]
    assert old is read_jsonl
    with pytest.warns(DeprecationWarning, match="the old path is deprecated"):
        from wtguidance.caseload import read_jsonl as imported  # noqa: F401
    line = json.dumps(CASE) + "\n"
    assert [type(item).__name__ for item in old(io.StringIO(line), name="x.jsonl")] == ["Case"]
    with pytest.raises(AttributeError):
        caseload.no_such_name  # type: ignore[attr-defined]  # noqa: B018


@pytest.mark.parametrize("old", sorted({old for old, _, _ in MOVED}))
def test_the_warning_points_at_the_importing_line(old: str) -> None:
    # shown by default (DeprecationWarning is shown for __main__), naming the caller's file
    script = f"import {old}\n"
    result = subprocess.run(
        [sys.executable, "-W", "always::DeprecationWarning", "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
    )
    assert "<string>:1: DeprecationWarning" in result.stderr, result.stderr
    assert "the old path is deprecated" in result.stderr


def test_nothing_in_the_package_uses_an_old_path() -> None:
    # the package, its benchmarks and its docs import the new paths only
    olds = sorted({old for old, _, _ in MOVED})
    for folder in ("src", "bench", "docs", "examples"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".md"} or not path.is_file():
                continue
            if path.parent.name in {"case", "caseload"} and path.stem in {
                "cin_census",
                "annex_a",
                "sourced",
                "batch",
            }:
                continue  # the shims themselves
            text = path.read_text(encoding="utf-8")
            for old in olds:
                assert f"{old} import" not in text, (path, old)
                assert f"import {old}" not in text, (path, old)
