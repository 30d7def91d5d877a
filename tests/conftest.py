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
import tempfile

from hypothesis import HealthCheck, settings

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
