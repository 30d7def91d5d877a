"""Old import paths kept for one release: each warns once and hands on the new module.

The importers moved from ``wtguidance.case`` and ``wtguidance.caseload`` to
``wtguidance.sources`` (DESIGN.md §17, v1.2). A shim module calls :func:`moved` as it is
imported; the warning names the new path, and every name of the new module (private ones
too) stays reachable through the old one until the shims are removed.
"""

from __future__ import annotations

import importlib
import warnings
from types import ModuleType

__all__ = ["moved", "warn_moved"]


def warn_moved(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated in favour of ``new``."""
    warnings.warn(
        f"{old} moved to {new}; the old path is deprecated and will be removed in the next release",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def moved(old: str, new: str) -> ModuleType:
    """Warn that module ``old`` moved to ``new`` and return the new module."""
    warn_moved(old, new, stacklevel=4)
    return importlib.import_module(new)
