"""Stage 1, load: a rule-pack directory → :class:`RawPack` (YAML documents with positions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wtguidance._yaml_document import YamlDocument, YamlProblem
from wtguidance.errors import PackSyntaxError, SourceLocation

if TYPE_CHECKING:
    from wtguidance._resources import Traversable

__all__ = [
    "PackFiles",
    "RawPack",
    "Sources",
    "edition_dirs",
    "load_pack",
    "parse_pack",
    "read_pack_files",
]

MANIFEST = "pack.yaml"
#: (shown path, text) of each file of one pack, in the order they are parsed
Sources = Sequence[tuple[str, str]]
#: a pack's label (its directory as shown in locations) and its files
PackFiles = tuple[str, list[tuple[str, str]]]


@dataclass(frozen=True)
class RawPack:
    """A pack as read from disk: the manifest and its topic files, unvalidated."""

    root: str
    manifest: YamlDocument
    topics: tuple[YamlDocument, ...]


def _text(entry: Traversable | Path, shown: str) -> str:
    try:
        return entry.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackSyntaxError(
            f"file is not UTF-8 text ({exc.reason})", location=SourceLocation(shown, 1, 1)
        ) from None


def _parse(text: str, shown: str) -> YamlDocument:
    # imported here: PyYAML is needed only on a cache miss (docs/performance.md)
    from wtguidance._yaml import load_yaml

    try:
        return load_yaml(text, shown)
    except YamlProblem as problem:
        raise PackSyntaxError(
            problem.message, code=problem.code, location=problem.location, hint=problem.hint
        ) from None


def load_pack(
    root: Traversable | Path, *, shown_as: str | None = None, cache: bool = False
) -> RawPack:
    """Read ``pack.yaml`` and every other ``*.yaml`` file (sorted by name) in ``root``.

    ``shown_as`` is the directory name used in error locations (e.g. ``rules/2023``).
    ``cache=True`` takes the parsed YAML from the content-keyed cache when these exact
    files were parsed before (see :mod:`wtguidance._pack.cache`).
    """
    label, sources = read_pack_files(root, shown_as=shown_as)
    return parse_pack(label, sources, cache=cache)


def read_pack_files(root: Traversable | Path, *, shown_as: str | None = None) -> PackFiles:
    """The pack's label and the (shown path, text) of ``pack.yaml`` and every other
    ``*.yaml`` file in ``root``, in the order they are parsed."""
    label = shown_as or str(root)
    if not root.is_dir():
        raise PackSyntaxError(
            f"rule-pack directory {label!r} does not exist",
            code="missing-pack",
            location=SourceLocation(label),
        )
    entries = {entry.name: entry for entry in root.iterdir() if entry.name.endswith(".yaml")}
    if MANIFEST not in entries:
        raise PackSyntaxError(
            f"rule pack {label!r} has no {MANIFEST}",
            code="missing-pack",
            location=SourceLocation(f"{label}/{MANIFEST}"),
            hint="every edition directory needs a pack.yaml with its metadata",
        )
    names = [MANIFEST, *sorted(n for n in entries if n != MANIFEST)]
    return label, [(f"{label}/{n}", _text(entries[n], f"{label}/{n}")) for n in names]


def parse_pack(label: str, sources: Sources, *, cache: bool = False) -> RawPack:
    """The files :func:`read_pack_files` read, parsed (``cache``: see :func:`load_pack`)."""
    if cache:
        from wtguidance._pack.cache import parse_cached

        documents = parse_cached(label, sources, _parse)
    else:
        documents = [_parse(text, shown) for shown, text in sources]
    return RawPack(label, documents[0], tuple(documents[1:]))


def edition_dirs(root: Traversable | Path, shown: str) -> list[Traversable | Path]:
    """The edition directories under a rules root, by name; refuse a root that has none.

    A missing root, a file, and a directory with no edition directories in it are each a
    :class:`~wtguidance.errors.PackSyntaxError`, so a mistyped path in CI never passes as
    "every pack valid".
    """
    where = SourceLocation(shown)
    if not root.is_dir():
        if root.is_file():
            raise PackSyntaxError(
                f"{shown!r} is a file, not a rules directory",
                code="missing-pack",
                location=where,
                hint="give the directory that holds one folder per edition (e.g. rules/)",
            )
        raise PackSyntaxError(
            f"rules directory {shown!r} does not exist", code="missing-pack", location=where
        )
    entries = sorted((e for e in root.iterdir() if e.is_dir()), key=lambda e: e.name)
    if not entries:
        is_pack = any(e.name == MANIFEST for e in root.iterdir())
        raise PackSyntaxError(
            f"{shown!r} holds no edition directories",
            code="no-packs",
            location=where,
            hint="this is one edition's folder: give its parent directory"
            if is_pack
            else "each edition is a folder holding a pack.yaml",
        )
    return entries
