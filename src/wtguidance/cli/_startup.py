"""What a start of the command line spares itself (measured in docs/performance.md).

- pydantic's plugin discovery, which reads the entry points of every installed
  distribution, and the import of ``importlib.metadata`` (with email, zipfile, socket ...)
  that its plugin loader makes even when plugins are off: several per cent of a cold
  ``evaluate``;
- cyclic garbage collection over the modules, classes, schemas and packs an evaluating
  command imports and loads at start, which live as long as the process.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import types
from collections.abc import Iterable

__all__ = ["import_then_freeze", "skip_pydantic_plugins"]

_SWITCH = "PYDANTIC_DISABLE_PLUGINS"
#: the values of the switch with which pydantic loads no plugin at all
_ALL_OFF = frozenset({"__all__", "1", "true"})
#: pydantic's plugin loader, imported by pydantic's schema validator as the first model is
#: built; its only name used is ``get_plugins``
_LOADER = "pydantic.plugin._loader"


def skip_pydantic_plugins() -> None:
    """Turn pydantic's plugins off for this process unless the user set the switch
    (``PYDANTIC_DISABLE_PLUGINS``; an empty value loads them all); the command line uses no
    pydantic plugin. While they are all off, pydantic's loader is replaced by
    :func:`_stand_in_loader`, which finds the same (no) plugins without importing
    ``importlib.metadata``."""
    os.environ.setdefault(_SWITCH, "__all__")
    if os.environ[_SWITCH] in _ALL_OFF and _LOADER not in sys.modules:
        sys.modules[_LOADER] = _stand_in_loader()


def _plugins_off() -> bool:
    return os.environ.get(_SWITCH) in _ALL_OFF


def _stand_in_loader() -> types.ModuleType:
    """A module in place of ``pydantic.plugin._loader`` whose ``get_plugins`` answers no
    plugins while the switch says all are off, exactly as pydantic's own does, and hands
    over to pydantic's own loader (imported then) if the switch is later turned on."""
    stand_in = types.ModuleType(_LOADER, "wtguidance's stand-in: no plugins while all are off")

    def get_plugins() -> Iterable[object]:
        if _plugins_off():
            return ()
        if sys.modules.get(_LOADER) is stand_in:
            del sys.modules[_LOADER]
        real: Iterable[object] = importlib.import_module(_LOADER).get_plugins()
        return real

    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
    return stand_in


def import_then_freeze() -> None:
    """Import what an evaluating command needs, and load the shipped editions, with the
    cyclic garbage collector paused; then freeze all of it (modules, classes, schemas and
    packs live as long as the process), so neither the start nor any later collection
    walks it again. About a sixth of a cold ``evaluate``'s CPU (docs/performance.md). A
    collector the embedding program turned off stays off."""
    if not gc.isenabled():
        return
    gc.disable()
    try:
        import wtguidance.case
        import wtguidance.evaluation  # noqa: F401 - both imported for the command that follows
        from wtguidance.editions import shipped_editions

        shipped_editions()  # every evaluating command judges under the shipped editions
    finally:
        gc.freeze()
        gc.enable()
