"""Deprecated: the JSON Lines importer is :mod:`wtguidance.sources.jsonl`.

Importing this module warns (:class:`DeprecationWarning`) and hands on every name of the
new one; it goes in the next release.
"""

from __future__ import annotations

from typing import Any

from wtguidance._deprecated import moved

# imported by name at run time: the new home stands above this wing, and nothing of the
# library imports this module any more (tests/contract/test_layout.py)
_NEW = moved(__name__, "wtguidance.sources.jsonl")

__all__ = list(_NEW.__all__)


def __getattr__(name: str) -> Any:
    return getattr(_NEW, name)


def __dir__() -> list[str]:
    return sorted(set(dir(_NEW)) | set(globals()))
