"""The package face: a small ``__all__``, every name importable, the three lists agree."""

from __future__ import annotations

import ast
import importlib

import wtguidance
from _helpers import ROOT
from wtguidance._version import __version__

FACE = ROOT / "src" / "wtguidance" / "__init__.py"


def test_all_is_small_and_sorted() -> None:
    assert len(wtguidance.__all__) <= 15
    assert list(wtguidance.__all__) == sorted(wtguidance.__all__)


def test_every_name_resolves_to_its_home() -> None:
    homes = wtguidance._HOMES
    assert set(homes) == set(wtguidance.__all__)
    for name, home in homes.items():
        module = importlib.import_module(f"wtguidance.{home}")
        assert getattr(wtguidance, name) is getattr(module, name)


def test_type_checking_imports_name_the_same_objects() -> None:
    tree = ast.parse(FACE.read_text(encoding="utf-8"))
    (guard,) = [n for n in tree.body if isinstance(n, ast.If)]
    imported = {
        alias.name: node.module
        for node in guard.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert set(imported) == set(wtguidance.__all__)
    for name, module in imported.items():
        assert module == f"wtguidance.{wtguidance._HOMES[name]}"


def test_the_version_is_written_once() -> None:
    assert wtguidance.__version__ == __version__
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert "\nversion =" not in pyproject
