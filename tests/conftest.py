"""Shared test set-up: hypothesis profiles, and a private cache of parsed packs.

``make test`` runs the ``dev`` profile (quick, deterministic). Set
``HYPOTHESIS_PROFILE=thorough`` for a nightly-style run with many more examples:
``HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest``. The per-format fuzz harness
(``test_fuzz_formats.py``) runs a third of the profile's examples per property, since each
example runs a whole command.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# the tests live in one folder per wing (tests/<wing>/); the helpers they share
# (_helpers, cin_builder, annex_a_helpers, _server) stay here, importable from every folder
TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

# the suite (and the commands it starts) keeps parsed packs in a folder of its own, never
# in the user's cache directory (see wtguidance._pack.cache)
_CACHE = tempfile.mkdtemp(prefix="wtguidance-test-cache-")
os.environ["WTGUIDANCE_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

settings.register_profile(
    "dev",
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# --- headless Chromium: one finder for every test that renders a page -----------------------
def find_chromium() -> str | None:
    """The Chromium on PATH (Debian: ``apt-get install -y chromium``), if any."""
    names = ("chromium", "chromium-browser", "google-chrome")
    return next((found for name in names if (found := shutil.which(name))), None)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable; the test is skipped (saying how to install it) without one."""
    found = find_chromium()
    if found is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install -y chromium)")
    return found


@pytest.fixture(scope="session")
def playwright_chromium(chromium: str) -> str:
    """The Chromium executable, for a test that drives it with playwright (dev extra)."""
    pytest.importorskip(
        "playwright.sync_api",
        reason="the playwright package is not installed (pip install -e '.[dev]')",
    )
    return chromium
