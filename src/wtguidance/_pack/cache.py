"""Caches of rule packs, keyed by content: parsed (the YAML, as plain data with positions)
and validated (the :class:`RulePack` the validator makes of it).

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

A validated pack (:func:`validated_cached`) spares a start the validator as well (and
importing it): about 1% of a cold ``evaluate``'s instructions (docs/performance.md). Its key
adds the digest of the code that turns YAML text into a ``RulePack`` (:data:`CODE`: the
pack and case modules and the helpers they import), the flavour of the validation and
the msgspec version, so a changed validator is a different key too. The entry is a
pickle, read by an unpickler that can build nothing but the rule pack's own classes, a
date and a frozen mapping: no function is called and no other class made, whatever the
file holds. It is written with the SHA-256 of its bytes beside the key; an entry whose
bytes do not match, that names another key, or that does not unpickle to a ``RulePack``
is ignored and written again. (Like the parsed entries, the cache trusts whoever can
write to it as much as the user who runs the command.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import marshal
import os
import pickle
import tempfile
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import msgspec

from wtguidance._pack import model
from wtguidance._version import __version__
from wtguidance._yaml_document import YamlDocument
from wtguidance.errors import SourceLocation

__all__ = ["CODE", "cache_directory", "parse_cached", "validated_cached"]

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


def _key(label: str, sources: Sources, kind: str = "") -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{label}\0{kind}".encode())
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
    except ValueError:
        return
    _write_atomically(path, blob)


def _write_atomically(path: Path, blob: bytes) -> None:
    """``blob`` as the file ``path``, renamed into place whole; any failure: no entry."""
    try:
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


# --- validated packs ----------------------------------------------------------------------

#: the package's modules (relative to it) whose code turns a pack's YAML text into a
#: ``RulePack``: the loader, the validator and the model, the case models the vocabulary is
#: read from, and the helpers they import (tests/pack/test_validated_cache.py checks the list
#: against the import graph). Their text is part of a validated entry's key.
CODE = (
    "__init__.py",
    "_arguments.py",
    "_code_types.py",
    "_codes_errors.py",
    "_codes_findings.py",
    "_ids.py",
    "_resources.py",
    "_version.py",
    "_yaml.py",
    "_yaml_document.py",
    "codes.py",
    "errors.py",
    "limits.py",
    "_pack/",
    "case/",
)
_MAGIC = b"wtguidance validated pack 1\n"
_DIGEST = 64  # hex characters of a SHA-256


def validated_cached(
    label: str, sources: Sources, flavour: str, build: Callable[[], model.RulePack]
) -> model.RulePack:
    """``build()`` (parse and validate these files), or the pack validated from these exact
    files by this exact code before. ``flavour`` names how ``build`` validates."""
    directory = cache_directory()
    code = _code_digest()
    if directory is None or code is None:
        return build()
    key = _key(label, sources, f"validated\0{flavour}\0{code}\0{msgspec.__version__}\0")
    path = directory / f"rulepack-{key[:32]}.pickle"
    found = _read_pack(path, key)
    if found is not None:
        return found
    pack = build()
    _write_pack(path, key, pack)
    return pack


@cache
def _code_digest() -> str | None:
    """The SHA-256 of :data:`CODE`'s files, or None when they cannot all be read."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    try:
        for entry in CODE:
            files = (
                sorted((package / entry).glob("*.py")) if entry.endswith("/") else [package / entry]
            )
            if not files:
                return None
            for file in files:
                text = file.read_bytes()
                name = file.relative_to(package).as_posix()
                digest.update(f"{name}\0{len(text)}\0".encode())
                digest.update(text)
    except OSError:
        return None
    return digest.hexdigest()


def _frozen_mapping(entries: dict[Any, Any]) -> Mapping[Any, Any]:
    """How a pickled pack rebuilds its read-only mappings (``MappingProxyType``)."""
    return MappingProxyType(entries)


class _PackPickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is MappingProxyType:
            return _frozen_mapping, (dict(obj),)
        return NotImplemented


def _allowed() -> dict[tuple[str, str], Any]:
    """Everything an entry may name: the rule pack's classes, a location, a date, and
    :func:`_frozen_mapping`. Nothing else can be found, so nothing else is called."""
    classes = {
        (model.__name__, name): cls
        for name, cls in vars(model).items()
        if isinstance(cls, type)
        and issubclass(cls, msgspec.Struct)
        and cls.__module__ == model.__name__
    }
    return {
        **classes,
        (SourceLocation.__module__, SourceLocation.__qualname__): SourceLocation,
        ("datetime", "date"): dt.date,
        (__name__, _frozen_mapping.__name__): _frozen_mapping,
    }


class _PackUnpickler(pickle.Unpickler):
    allowed = MappingProxyType(_allowed())

    def find_class(self, module: str, name: str) -> Any:
        found = self.allowed.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a rule pack")
        return found


def _read_pack(path: Path, key: str) -> model.RulePack | None:
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC)
    body = head + 2 * _DIGEST
    if blob[:head] != _MAGIC or blob[head : head + _DIGEST] != key.encode():
        return None
    payload = blob[body:]
    if blob[head + _DIGEST : body] != hashlib.sha256(payload).hexdigest().encode():
        return None  # corrupt or altered: not the bytes that were written
    try:
        found = _PackUnpickler(io.BytesIO(payload)).load()
    except Exception:  # whatever the bytes: an entry that cannot be read is no entry
        return None
    return found if isinstance(found, model.RulePack) else None


def _write_pack(path: Path, key: str, pack: model.RulePack) -> None:
    out = io.BytesIO()
    try:
        _PackPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(pack)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return
    payload = out.getvalue()
    digest = hashlib.sha256(payload).hexdigest().encode()
    _write_atomically(path, _MAGIC + key.encode() + digest + payload)
