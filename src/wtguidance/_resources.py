"""Locate the package data: rule packs, JSON Schemas and examples.

An installed wheel carries them under ``wtguidance/_data`` (see pyproject's
``force-include``); an editable install or a source checkout reads the repository's
top-level ``rules/``, ``schemas/`` and ``examples/`` directories instead.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["data_dir", "read_schema_text"]


def data_dir(name: str) -> Traversable:
    """The ``rules``, ``schemas`` or ``examples`` directory shipped with the package."""
    packaged = resources.files("wtguidance").joinpath("_data", name)
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    return checkout


def read_schema_text(file_name: str) -> str:
    """The text of one shipped JSON Schema."""
    return data_dir("schemas").joinpath(file_name).read_text(encoding="utf-8")
