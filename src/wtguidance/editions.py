"""Loading editions: load → validate → compile, for one pack or the shipped set.

Nothing here is registered globally: :func:`load_editions` returns a value, and two
different sets (say the shipped packs and a pack under development) can live side by
side. The shipped set is memoised by :func:`shipped_editions` because it is immutable.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from wtguidance._pack.compile import CompiledPack, compile_pack
from wtguidance._pack.load import edition_dirs, load_pack
from wtguidance._pack.validate import validate_pack
from wtguidance._pack.vocabulary import Vocabulary, case_vocabulary
from wtguidance._resources import Traversable, data_dir
from wtguidance.calendar import DateWindow
from wtguidance.errors import PackError, UnknownIdError, UsageError

__all__ = [
    "CompiledEdition",
    "Editions",
    "load_edition",
    "load_editions",
    "load_pack_dir",
    "shipped_editions",
]


def load_pack_dir(
    root: Traversable | Path | str,
    *,
    shown_as: str | None = None,
    vocabulary: Vocabulary | None = None,
    check_schema: bool = True,
) -> CompiledPack:
    """Load, validate and compile one edition directory."""
    base = Path(root) if isinstance(root, str) else root
    raw = load_pack(base, shown_as=shown_as)
    return compile_pack(validate_pack(raw, vocabulary, check_schema=check_schema))


CompiledEdition = CompiledPack
"""One edition compiled and ready to evaluate: what :func:`load_edition` returns.

Immutable and safe to share across threads. Its ``edition`` is the id (``"2023"``), its
``pack`` the validated rule pack with every rule and citation."""


@dataclass(frozen=True)
class Editions:
    """A set of compiled editions ordered by the date they came into force."""

    packs: tuple[CompiledPack, ...]

    def __post_init__(self) -> None:
        if not self.packs:
            raise PackError("an edition set needs at least one edition", code="no-packs")
        if not all(isinstance(p, CompiledPack) for p in self.packs):
            raise UsageError(
                "Editions holds compiled packs (from load_editions or load_pack_dir)",
                code="bad-argument",
            )
        ordered = tuple(sorted(self.packs, key=lambda p: p.pack.meta.in_force_from))
        object.__setattr__(self, "packs", ordered)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.edition for p in self.packs)

    def get(self, edition: str) -> CompiledPack:
        for pack in self.packs:
            if pack.edition == edition:
                return pack
        raise UnknownIdError(
            f"unknown edition {edition!r}; known editions: {', '.join(self.ids)}",
            code="unknown-edition",
            hint=self.nearest_hint(edition),
        )

    def nearest_hint(self, edition: object) -> str | None:
        """For a year that is not an edition, the edition in force during that year."""
        text = str(edition).strip()
        if not (len(text) == 4 and text.isdigit()):
            return None
        year = int(text)
        earlier = [p for p in self.packs if p.pack.meta.in_force_from.year <= year]
        if not earlier:
            first = self.packs[0]
            return f"the earliest edition is {first.edition}"
        in_force = earlier[-1].edition
        return f"editions are named by year of publication; {in_force} was in force in {year}"

    def window(self, edition: str) -> DateWindow:
        """The dates an edition governs: from its in-force date until the next one's."""
        index = self.ids.index(self.get(edition).edition)
        start = self.packs[index].pack.meta.in_force_from
        end = self.packs[index + 1].pack.meta.in_force_from if index + 1 < len(self.packs) else None
        return DateWindow(start, end)

    def in_force_on(self, day: dt.date) -> CompiledPack | None:
        """The edition in force on ``day``, or None before the earliest one."""
        for pack in self.packs:
            if self.window(pack.edition).contains(day):
                return pack
        return None


def load_editions(root: Traversable | Path | str | None = None) -> Editions:
    """Load every edition directory under ``root`` (default: the shipped ``rules/``)."""
    base: Traversable | Path
    if root is None:
        base = data_dir("rules")
    elif isinstance(root, (str, os.PathLike)):
        if not os.fspath(root):
            raise UsageError(
                "load_editions: the rules directory path is empty", code="bad-argument"
            )
        base = Path(root)
    elif hasattr(root, "iterdir") and hasattr(root, "is_dir"):
        base = root
    else:
        raise UsageError(
            f"load_editions needs a directory path, not {type(root).__name__}",
            code="bad-argument",
        )
    shown = "rules" if root is None else str(root)
    entries = edition_dirs(base, shown)
    vocabulary = case_vocabulary()
    # The shipped packs are schema-checked by the test suite and `lint-packs`; at run time
    # only the (cheap) semantic checks run again. Any other directory is checked in full.
    return Editions(
        tuple(
            load_pack_dir(
                e,
                shown_as=f"{shown}/{e.name}",
                vocabulary=vocabulary,
                check_schema=root is not None,
            )
            for e in entries
        )
    )


@cache
def shipped_editions() -> Editions:
    """The editions shipped with the package (loaded once per process; immutable)."""
    return load_editions()


def load_edition(edition: str) -> CompiledEdition:
    """One shipped edition by id, e.g. ``load_edition("2023")``."""
    return shipped_editions().get(edition)
