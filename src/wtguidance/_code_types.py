"""The shape of the code catalogue: a heading of the reference and its sections."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["CodeEntry", "CodeGroup"]


class CodeEntry(NamedTuple):
    """One section of the reference: the codes it covers and what they mean."""

    codes: tuple[str, ...]
    text: str


class CodeGroup(NamedTuple):
    """A heading of the reference and its sections."""

    title: str
    entries: tuple[CodeEntry, ...]
