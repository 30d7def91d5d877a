"""The cache of validated packs: keyed by the pack files and the validator's code, never
stale, never trusted when damaged or altered, unable to build anything but a rule pack,
optional; outputs are the same with it, without it, and when it was just written."""

from __future__ import annotations

import ast
import hashlib
import io
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import wtguidance._pack.cache as cache_module
import wtguidance._pack.validate as validate_module
from _helpers import EXAMPLES, ROOT, RULES
from wtguidance._pack.model import RulePack
from wtguidance.editions import load_editions, load_pack_dir

PACKAGE = ROOT / "src" / "wtguidance"


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The packs actually validated (not taken from the cache)."""
    seen: list[str] = []
    real = validate_module.validate_pack

    def counting(raw: object, *args: object, **kwargs: object) -> RulePack:
        seen.append(raw.root)  # type: ignore[attr-defined]
        return real(raw, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(validate_module, "validate_pack", counting)
    return seen


def _pack(tmp_path: Path, edition: str = "2023") -> Path:
    return Path(shutil.copytree(RULES / edition, tmp_path / edition))


def _load(root: Path) -> RulePack:
    return load_pack_dir(root, shown_as=f"rules/{root.name}", check_schema=False, cache=True).pack


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("rulepack-*.pickle"))


@pytest.mark.parametrize("edition", ["2010", "2018", "2023", "2026"])
def test_a_second_load_is_the_validated_pack_from_the_cache(
    cache: Path, validations: list[str], tmp_path: Path, edition: str
) -> None:
    root = _pack(tmp_path, edition)
    first = _load(root)
    assert validations == [f"rules/{edition}"]
    assert len(_entries(cache)) == 1
    second = _load(root)
    assert validations == [f"rules/{edition}"]  # not validated again
    assert second == first
    assert second is not first
    fresh = load_pack_dir(root, shown_as=f"rules/{edition}", check_schema=False).pack
    assert second == fresh


def test_a_changed_pack_file_is_validated_again(
    cache: Path, validations: list[str], tmp_path: Path
) -> None:
    root = _pack(tmp_path)
    before = _load(root)
    topic = root / "referral.yaml"
    topic.write_text(topic.read_text("utf-8").replace("one working day", "1 WD"), "utf-8")
    after = _load(root)
    assert len(validations) == 2
    assert after != before
    assert "1 WD" in repr(after)
    assert "1 WD" not in repr(before)
    assert len(_entries(cache)) == 2


def test_an_added_pack_file_is_validated_again(
    cache: Path, validations: list[str], tmp_path: Path
) -> None:
    root = _pack(tmp_path)
    _load(root)
    (root / "zz-empty.yaml").write_text("rules: []\n", "utf-8")
    _load(root)
    assert len(validations) == 2


def test_changed_validator_code_is_a_different_key(
    cache: Path, validations: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _pack(tmp_path)
    _load(root)
    monkeypatch.setattr(cache_module, "_code_digest", lambda: "0" * 64)
    _load(root)
    assert len(validations) == 2
    assert len(_entries(cache)) == 2


def test_a_schema_checked_load_does_not_share_the_entry(
    cache: Path, validations: list[str], tmp_path: Path
) -> None:
    root = _pack(tmp_path)
    _load(root)
    load_pack_dir(root, shown_as="rules/2023", check_schema=True, cache=True)
    assert len(validations) == 2


def _imports(tree: ast.AST) -> list[str]:
    """Every module an import in ``tree`` may name, outside ``if TYPE_CHECKING:`` blocks."""
    found: list[str] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found += [m for child in node.orelse for m in _imports(child)]
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [f"{node.module}.{a.name}" for a in node.names]
            if node.module != "wtguidance":  # the package's face imports its names lazily
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        found += _imports(node)
    return found


def _import_closure(*start: str) -> set[str]:
    """The package's modules these import, at any depth (function-local imports too)."""
    modules = {
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
        for p in PACKAGE.rglob("*.py")
    }
    seen: set[str] = set()
    todo = list(start)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if "." in name:  # a package's __init__ runs before its module
            todo.append(name.rsplit(".", 1)[0])
        todo += [m for m in _imports(ast.parse(modules[name].read_text("utf-8"))) if m in modules]
    return seen


def test_the_code_key_covers_everything_that_validates_a_pack() -> None:
    closure = _import_closure(
        "wtguidance._pack.load", "wtguidance._pack.validate", "wtguidance._yaml"
    )
    covered = set()
    for entry in cache_module.CODE:
        files = (PACKAGE / entry).glob("*.py") if entry.endswith("/") else [PACKAGE / entry]
        for file in files:
            parts = file.relative_to(PACKAGE.parent).with_suffix("").parts
            covered.add(".".join(parts).removesuffix(".__init__"))
    assert closure <= covered, sorted(closure - covered)


def _tampered(entry: Path) -> bytes:
    blob = bytearray(entry.read_bytes())
    blob[-40] ^= 0x01  # one bit of the pickle, digest left as it was
    return bytes(blob)


def _with_digest(entry: Path, payload: bytes) -> bytes:
    """``payload`` written as a well-formed entry of the same key (digest recomputed)."""
    head = entry.read_bytes()[: len(cache_module._MAGIC) + 64]
    return head + hashlib.sha256(payload).hexdigest().encode() + payload


class _Runs:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("echo pwned > /dev/null",))


@pytest.mark.parametrize(
    "damage",
    [
        "empty",
        "truncated",
        "garbage",
        "tampered",
        "another-key",
        "not-a-pack",
        "runs-code",
        "names-a-module",
    ],
)
def test_a_damaged_or_altered_entry_is_ignored_and_rewritten(
    cache: Path,
    validations: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    damage: str,
) -> None:
    root = _pack(tmp_path)
    good = _load(root)
    (entry,) = _entries(cache)
    blob = entry.read_bytes()
    written = {
        "empty": b"",
        "truncated": blob[: len(blob) // 2],
        "garbage": b"\x80\x05not a pickle at all",
        "tampered": _tampered(entry),
        "another-key": blob.replace(blob[28:92], b"f" * 64, 1),
        "not-a-pack": _with_digest(entry, pickle.dumps(("a", "tuple"))),
        "runs-code": _with_digest(entry, pickle.dumps(_Runs())),
        "names-a-module": _with_digest(entry, pickle.dumps(io.BytesIO)),
    }[damage]
    called: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a: called.append(a))
    entry.write_bytes(written)
    assert _load(root) == good
    assert len(validations) == 2  # validated again
    assert not called  # nothing in the entry was run
    assert _load(root) == good
    assert len(validations) == 2  # and the entry was written again
    assert entry.read_bytes() == blob


def test_no_validated_entries_when_the_cache_is_off(
    cache: Path, validations: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WTGUIDANCE_NO_CACHE", "1")
    root = _pack(tmp_path)
    assert _load(root) == _load(root)
    assert len(validations) == 2
    assert not cache.exists()


def test_an_unwritable_cache_only_means_validating(
    tmp_path: Path, validations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    monkeypatch.setenv("WTGUIDANCE_CACHE_DIR", str(blocker / "cache"))
    root = _pack(tmp_path)
    assert _load(root) == _load(root)
    assert len(validations) == 2


def test_a_custom_vocabulary_never_uses_the_entry(
    cache: Path, validations: list[str], tmp_path: Path
) -> None:
    from wtguidance._pack.vocabulary import case_vocabulary

    root = _pack(tmp_path)
    for _ in range(2):
        load_pack_dir(root, vocabulary=case_vocabulary(), check_schema=False, cache=True)
    assert len(validations) == 2
    assert not _entries(cache)


def test_the_shipped_editions_come_from_the_cache(
    cache: Path, validations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_editions()
    assert len(_entries(cache)) == len(first.packs) == len(validations)
    again = load_editions()
    assert len(validations) == len(first.packs)
    assert [p.pack for p in again.packs] == [p.pack for p in first.packs]
    monkeypatch.setenv("WTGUIDANCE_NO_CACHE", "1")
    assert [p.pack for p in load_editions().packs] == [p.pack for p in again.packs]


CASES = sorted((EXAMPLES / "cases").glob("*.json"))


def _evaluate(case: Path, env: dict[str, str], *extra: str) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "wtguidance",
            "evaluate",
            str(case),
            "--as-of",
            "2024-03-01",
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.mark.parametrize("case", CASES[:4], ids=lambda p: p.stem)
def test_outputs_are_identical_with_and_without_the_cache(tmp_path: Path, case: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env["WTGUIDANCE_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("WTGUIDANCE_NO_CACHE", None)
    for extra in (("--format", "json"), ("--format", "markdown")):
        written = _evaluate(case, env, *extra)  # the cache is written
        read = _evaluate(case, env, *extra)  # and read
        off = _evaluate(case, {**env, "WTGUIDANCE_NO_CACHE": "1"}, *extra)
        assert written == read == off
        assert written
