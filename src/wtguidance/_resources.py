"""Locate the package data: rule packs, JSON Schemas and examples.

An installed wheel carries them under ``wtguidance/_data`` (see pyproject's
``force-include``); an editable install or a source checkout reads the repository's
top-level ``rules/``, ``schemas/`` and ``examples/`` directories instead.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

__all__ = ["Traversable", "data_dir", "read_schema_text"]


def data_dir(name: str) -> Traversable:
    """The ``rules``, ``schemas`` or ``examples`` directory shipped with the package."""
    packaged = resources.files("wtguidance").joinpath("_data").joinpath(name)
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def read_schema_text(file_name: str) -> str:
    """The text of one shipped JSON Schema."""
    text: str = data_dir("schemas").joinpath(file_name).read_text(encoding="utf-8")
    return text
