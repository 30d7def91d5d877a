"""Every missing-extra message and install instruction gives a command that works today.

The package is not on a package index yet, so ``pip install 'wtguidance[server]'`` fails
for everyone. The message names how *this* copy was installed (a checkout, a wheel file,
an index), with the running interpreter's pip; and no page, README line or message tells
users to install by the bare project name.
"""

from __future__ import annotations

import json
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from wtguidance import _install_hint
from wtguidance._install_hint import install_command

ROOT = Path(__file__).resolve().parents[2]
#: an install by the bare project name, which cannot work before publication
BY_NAME = re.compile(r"pip install (-U |--upgrade )?['\"]?wtguidance\b(?!/)")


def test_from_this_checkout_the_command_is_an_editable_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    command = install_command("server")
    assert command.endswith(" -m pip install -e '.[server]'")
    python = command.split(" -m pip", 1)[0]
    assert Path(python).resolve() == Path(sys.executable).resolve()


def test_from_elsewhere_the_checkout_is_named_by_its_full_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert install_command("report").endswith(f" -m pip install -e '{ROOT}[report]'")


class _Distribution:
    def __init__(self, direct_url: dict[str, Any] | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return None if self.direct_url is None else json.dumps(self.direct_url)


def _installed(monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, Any] | None) -> None:
    monkeypatch.setattr(_install_hint, "_checkout", lambda: None)
    monkeypatch.setattr(metadata, "distribution", lambda name: _Distribution(direct_url))


def test_from_a_wheel_file_the_command_names_the_wheel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    wheel = tmp_path / "dist" / "wtguidance-1.0.0-py3-none-any.whl"
    _installed(monkeypatch, {"url": wheel.as_uri(), "archive_info": {}})
    monkeypatch.chdir(tmp_path)
    assert install_command("server").endswith(
        " -m pip install 'dist/wtguidance-1.0.0-py3-none-any.whl[server]'"
    )


def test_a_wheel_path_with_spaces_is_decoded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    wheel = tmp_path / "my wheels" / "wtguidance-1.0.0-py3-none-any.whl"
    _installed(monkeypatch, {"url": wheel.as_uri(), "archive_info": {}})
    assert f"'{wheel}[durable]'" in install_command("durable")


@pytest.mark.parametrize(
    "direct_url",
    [None, {"url": "https://example.org/wtguidance-1.0.0.tar.gz"}, {"no": "url"}, ["odd"]],
    ids=["from-an-index", "remote-archive", "no-url", "not-an-object"],
)
def test_otherwise_the_command_names_the_project(
    monkeypatch: pytest.MonkeyPatch, direct_url: Any
) -> None:
    _installed(monkeypatch, direct_url)
    assert install_command("annex-a").endswith(" -m pip install 'wtguidance[annex-a]'")


def test_not_installed_at_all_still_gives_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> Any:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(_install_hint, "_checkout", lambda: None)
    monkeypatch.setattr(metadata, "distribution", missing)
    assert install_command("server").endswith("pip install 'wtguidance[server]'")


def _user_facing_texts() -> list[Path]:
    docs = sorted((ROOT / "docs").rglob("*.md"))
    source = sorted((ROOT / "src").rglob("*.py"))
    return [ROOT / "README.md", ROOT / "bench" / "README.md", *docs, *source]


@pytest.mark.parametrize("path", _user_facing_texts(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_text_tells_users_to_install_by_the_unpublished_name(path: Path) -> None:
    if path.name == "_install_hint.py":
        return  # the fallback for an installation from an index, documented there
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        assert not BY_NAME.search(line), f"{path.relative_to(ROOT)}:{number}: {line.strip()}"


def test_the_by_name_pattern_can_fail() -> None:
    assert BY_NAME.search("$ pip install 'wtguidance[server]'")
    assert BY_NAME.search("- run: pip install wtguidance")
    assert not BY_NAME.search("pip install -e '.[server]'")
    assert not BY_NAME.search("pip install 'dist/wtguidance-1.0.0-py3-none-any.whl[server]'")
