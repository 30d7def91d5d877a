"""A cache of parsed rule packs (the YAML, as plain data with positions), keyed by content.

Parsing YAML is most of the cost of loading the shipped editions (several times
validating and compiling them together), and a command that evaluates one case pays it
on every start. So the parsed documents of the shipped packs are kept in the user's cache
directory (``platformdirs.user_cache_dir("wtguidance")``, or ``WTGUIDANCE_CACHE_DIR``;
``WTGUIDANCE_NO_CACHE=1`` turns the cache off) under the SHA-256 of everything that
could change them: the cache format, the package version, the pack's name and every
file's name and text. A changed pack is a different key, never a stale hit.

The entries are :mod:`marshal` data (strings, numbers, lists, dicts, tuples): loading
one runs no code, unlike a pickle. An entry that cannot be read, is of the wrong shape or
names another key is ignored and written again; writes go to a temporary file renamed
into place, so a reader never sees half an entry; any failure to read or write just means
parsing the YAML as if there were no cache. What comes out of the cache is validated like
freshly parsed YAML.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from wtguidance._version import __version__
from wtguidance._yaml_document import YamlDocument

__all__ = ["cache_directory", "parse_cached"]

FORMAT = 1
#: (shown path, text) of each file of one pack, in the order they are parsed
Sources = Sequence[tuple[str, str]]


def cache_directory() -> Path | None:
    """Where entries live, or None when the cache is turned off."""
    if os.environ.get("WTGUIDANCE_NO_CACHE"):
        return None
    chosen = os.environ.get("WTGUIDANCE_CACHE_DIR")
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("wtguidance"))


def parse_cached(
    label: str, sources: Sources, parse: Callable[[str, str], YamlDocument]
) -> list[YamlDocument]:
    """``parse(text, shown)`` for each file, or the documents cached for these texts."""
    directory = cache_directory()
    if directory is None:
        return [parse(text, shown) for shown, text in sources]
    key = _key(label, sources)
    path = directory / f"pack-{key[:32]}.marshal"
    found = _read(path, key, len(sources))
    if found is not None:
        return found
    documents = [parse(text, shown) for shown, text in sources]
    _write(path, key, documents)
    return documents


def _key(label: str, sources: Sources) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{label}\0".encode())
    for shown, text in sources:
        digest.update(f"{shown}\0{len(text)}\0".encode())
        digest.update(text.encode("utf-8", errors="surrogatepass"))
    return digest.hexdigest()


def _read(path: Path, key: str, count: int) -> list[YamlDocument] | None:
    try:
        data: Any = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not (isinstance(data, tuple) and len(data) == 2 and data[0] == key):
        return None
    entries = data[1]
    if not (isinstance(entries, list) and len(entries) == count):
        return None
    documents = []
    for entry in entries:
        if not (
            isinstance(entry, tuple)
            and len(entry) == 4
            and isinstance(entry[0], str)
            and isinstance(entry[2], dict)
            and isinstance(entry[3], tuple)
        ):
            return None
        shown, value, positions, lines = entry
        documents.append(YamlDocument(shown, value, positions, lines))
    return documents


def _write(path: Path, key: str, documents: list[YamlDocument]) -> None:
    entries = [(d.path, d.value, dict(d.positions), d.lines) for d in documents]
    try:
        blob = marshal.dumps((key, entries))
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".pack-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(blob)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, ValueError):
        return  # no cache this time; the packs were parsed anyway
