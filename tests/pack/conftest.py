"""Fixtures the pack tests share."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, switched-on pack cache folder for this test (``WTGUIDANCE_CACHE_DIR``)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("WTGUIDANCE_CACHE_DIR", str(folder))
    monkeypatch.delenv("WTGUIDANCE_NO_CACHE", raising=False)
    return folder
