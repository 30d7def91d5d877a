"""Locate the package data: rule packs, JSON Schemas and examples.

An installed wheel carries them under ``wtguidance/_data`` (see pyproject's
``force-include``); an editable install or a source checkout reads the repository's
top-level ``rules/``, ``schemas/`` and ``examples/`` directories instead.

A package installed as files (a wheel, a checkout) is read through :mod:`pathlib`;
:mod:`importlib.resources` (with zipfile ...), which a start would otherwise
import, is imported only for a package that is not (in a zip archive, say).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:  # pragma: no cover - Python 3.10
        from importlib.abc import Traversable

__all__ = ["Traversable", "data_dir", "read_schema_text"]


def __getattr__(name: str) -> Any:
    """``Traversable`` (for annotations), imported when asked for."""
    if name == "Traversable":
        if sys.version_info >= (3, 11):
            from importlib.resources.abc import Traversable
        else:  # pragma: no cover - Python 3.10
            from importlib.abc import Traversable
        return Traversable
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def data_dir(name: str) -> Traversable:
    """The ``rules``, ``schemas`` or ``examples`` directory shipped with the package."""
    package = Path(__file__).resolve().parent
    if package.is_dir():  # installed as files
        packaged: Traversable = package / "_data" / name
    else:  # pragma: no cover - a package in an archive
        from importlib import resources

        packaged = resources.files("wtguidance").joinpath("_data").joinpath(name)
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def read_schema_text(file_name: str) -> str:
    """The text of one shipped JSON Schema."""
    text: str = data_dir("schemas").joinpath(file_name).read_text(encoding="utf-8")
    return text
