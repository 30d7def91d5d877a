"""Shared test set-up: hypothesis profiles.

``make test`` runs the ``dev`` profile (quick, deterministic). Set
``HYPOTHESIS_PROFILE=thorough`` for a nightly-style run with many more examples:
``HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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
