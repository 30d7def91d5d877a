"""The command that installs an optional extra, as it works for *this* installation.

A missing-extra message must give a command that works where the user is. Until the
package is on a package index, ``pip install 'wtguidance[server]'`` cannot work, so the
command names where this copy came from:

- a source checkout (``src/wtguidance`` beside a ``pyproject.toml`` naming the project,
  whether installed in editable mode or run with ``PYTHONPATH=src``):
  ``pip install -e '<checkout>[server]'``;
- a wheel or sdist installed from a file (pip records its address, PEP 610
  ``direct_url.json``): ``pip install '<that file>[server]'``;
- otherwise (installed from an index): ``pip install 'wtguidance[server]'``.

The command starts with the running interpreter (``<python> -m pip``), so it installs into
the environment the command ran in (after ``make demo``, ``.venv/bin/python``), not
whichever ``pip`` is first on ``PATH``. Paths under the working directory are shown
relative to it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["install_command"]

_PROJECT = "wtguidance"


def install_command(extra: str) -> str:
    """The shell command that adds ``extra`` to this installation, e.g.
    ``.venv/bin/python -m pip install -e '.[server]'``."""
    pip = f"{_shown(Path(sys.executable))} -m pip install"
    checkout = _checkout()
    if checkout is not None:
        return f"{pip} -e '{_shown(checkout)}[{extra}]'"
    archive = _installed_from_file()
    if archive is not None:
        return f"{pip} '{_shown(archive)}[{extra}]'"
    return f"{pip} '{_PROJECT}[{extra}]'"


def _checkout() -> Path | None:
    """The source checkout this package runs from, if it does."""
    package = Path(__file__).resolve().parent
    root = package.parent.parent  # <checkout>/src/wtguidance
    if package.parent.name != "src":
        return None
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return None
    return root if f'name = "{_PROJECT}"' in text else None


def _installed_from_file() -> Path | None:
    """The wheel or sdist file pip installed this distribution from (PEP 610)."""
    # imported here: importlib.metadata (with email, zipfile, socket ...) costs a command
    # that never shows this hint several per cent of its start (docs/performance.md)
    import json
    from importlib import metadata
    from urllib.parse import unquote, urlsplit

    try:
        recorded = metadata.distribution(_PROJECT).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not recorded:
        return None
    try:
        url = json.loads(recorded).get("url", "")
    except (ValueError, AttributeError):
        return None
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme != "file":
        return None
    return Path(unquote(parts.path))


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is under it, else absolute."""
    try:
        relative = path.relative_to(Path.cwd())
    except ValueError:
        return str(path)
    text = str(relative)
    return "." if text == "." else text if os.sep in text else f".{os.sep}{text}"
