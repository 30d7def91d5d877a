"""Stage 1, load: a rule-pack directory → :class:`RawPack` (YAML documents with positions)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wtguidance._resources import Traversable
from wtguidance._yaml import YamlDocument, YamlProblem, load_yaml
from wtguidance.errors import PackSyntaxError, SourceLocation

__all__ = ["RawPack", "load_pack"]

MANIFEST = "pack.yaml"


@dataclass(frozen=True)
class RawPack:
    """A pack as read from disk: the manifest and its topic files, unvalidated."""

    root: str
    manifest: YamlDocument
    topics: tuple[YamlDocument, ...]


def _read(entry: Traversable | Path, shown: str) -> YamlDocument:
    try:
        text = entry.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise PackSyntaxError(
            f"file is not UTF-8 text ({exc.reason})", location=SourceLocation(shown, 1, 1)
        ) from None
    try:
        return load_yaml(text, shown)
    except YamlProblem as problem:
        raise PackSyntaxError(
            problem.message, code=problem.code, location=problem.location, hint=problem.hint
        ) from None


def load_pack(root: Traversable | Path, *, shown_as: str | None = None) -> RawPack:
    """Read ``pack.yaml`` and every other ``*.yaml`` file (sorted by name) in ``root``.

    ``shown_as`` is the directory name used in error locations (e.g. ``rules/2023``).
    """
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
    manifest = _read(entries.pop(MANIFEST), f"{label}/{MANIFEST}")
    topics = tuple(_read(entries[name], f"{label}/{name}") for name in sorted(entries))
    return RawPack(label, manifest, topics)
