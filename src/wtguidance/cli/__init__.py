"""The ``wtguidance`` command line: a leaf that nothing else imports.

Each command lives in its own module and imports its domain only when it runs, so
``wtguidance --version`` and ``--help`` stay quick.
"""

from __future__ import annotations

from wtguidance.cli.main import main

__all__ = ["main"]
