"""The cache of parsed packs: content-keyed, safe against corruption, optional."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import wtguidance._pack.load as load_module
from _helpers import RULES
from wtguidance._pack.load import load_pack
from wtguidance.editions import load_editions


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files actually parsed as YAML (not taken from the cache)."""
    seen: list[str] = []
    real = load_module._parse

    def counting(text: str, shown: str) -> object:
        seen.append(shown)
        return real(text, shown)

    monkeypatch.setattr(load_module, "_parse", counting)
    return seen


def _pack(tmp_path: Path) -> Path:
    return Path(shutil.copytree(RULES / "2023", tmp_path / "2023"))


def test_second_load_comes_from_the_cache_and_is_equal(
    cache: Path, parses: list[str], tmp_path: Path
) -> None:
    root = _pack(tmp_path)
    first = load_pack(root, shown_as="rules/2023", cache=True)
    files = len(parses)
    assert files == len(list(root.glob("*.yaml")))
    assert len(list(cache.glob("pack-*.marshal"))) == 1
    second = load_pack(root, shown_as="rules/2023", cache=True)
    assert len(parses) == files  # nothing parsed again
    assert second == first
    assert second == load_pack(root, shown_as="rules/2023")


def test_a_changed_file_is_parsed_again(cache: Path, parses: list[str], tmp_path: Path) -> None:
    root = _pack(tmp_path)
    load_pack(root, shown_as="rules/2023", cache=True)
    topic = root / "referral.yaml"
    topic.write_text(topic.read_text("utf-8").replace("one working day", "1 WD"), "utf-8")
    parses.clear()
    changed = load_pack(root, shown_as="rules/2023", cache=True)
    assert len(parses) == len(list(root.glob("*.yaml")))
    assert "1 WD" in str(changed.topics)
    assert len(list(cache.glob("pack-*.marshal"))) == 2


@pytest.mark.parametrize(
    "damage",
    [b"", b"not marshal data", b"\xe9\x00\x01", None],  # None: a valid entry of another key
)
def test_a_damaged_entry_is_ignored_and_rewritten(
    cache: Path, parses: list[str], tmp_path: Path, damage: bytes | None
) -> None:
    import marshal

    root = _pack(tmp_path)
    good = load_pack(root, shown_as="rules/2023", cache=True)
    (entry,) = cache.glob("pack-*.marshal")
    entry.write_bytes(damage if damage is not None else marshal.dumps(("other-key", [])))
    parses.clear()
    assert load_pack(root, shown_as="rules/2023", cache=True) == good
    assert parses  # parsed again
    parses.clear()
    assert load_pack(root, shown_as="rules/2023", cache=True) == good
    assert not parses  # and the entry was written again


def test_no_cache_when_turned_off(
    cache: Path, parses: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WTGUIDANCE_NO_CACHE", "1")
    root = _pack(tmp_path)
    load_pack(root, shown_as="rules/2023", cache=True)
    load_pack(root, shown_as="rules/2023", cache=True)
    assert not cache.exists()
    assert len(parses) == 2 * len(list(root.glob("*.yaml")))


def test_an_unwritable_cache_only_means_parsing(
    tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    monkeypatch.setenv("WTGUIDANCE_CACHE_DIR", str(blocker / "cache"))
    root = _pack(tmp_path)
    assert load_pack(root, shown_as="r", cache=True) == load_pack(root, shown_as="r")


def test_only_the_shipped_editions_use_the_cache(cache: Path, tmp_path: Path) -> None:
    load_editions(Path(shutil.copytree(RULES, tmp_path / "rules")))
    assert not cache.exists()
    shipped = load_editions()
    assert len(list(cache.glob("pack-*.marshal"))) == len(shipped.packs)
    assert [p.pack for p in load_editions().packs] == [p.pack for p in shipped.packs]
