"""One case as every engine runs it: its facts and child, the day it is judged as of, the
dates this edition governs, what its source cannot record, and whether to keep a trace.

Built once per case by :mod:`wtguidance.evaluation` and handed, unchanged, to each
edition's run (native or durable_rules), so a runner takes one frozen value, not seven.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple

from wtguidance._engine.facts import Fact, FactKey
from wtguidance.calendar import EVERY_DAY, DateWindow
from wtguidance.case import SourceEvidence

__all__ = ["CaseRun"]


class CaseRun(NamedTuple):
    """What an edition's run reads of one case (the facts are never mutated by a run).

    Made once per case, so an immutable tuple (a frozen dataclass sets each field through
    ``object.__setattr__``, several times the cost).
    """

    facts: Mapping[FactKey, list[Fact]]
    child: Any
    as_of: dt.date
    window: DateWindow = EVERY_DAY
    evidence: SourceEvidence | None = None
    trace: bool = True

    def within(self, window: DateWindow) -> CaseRun:
        """The same case for an edition that governs ``window``."""
        return self if window is self.window else self._replace(window=window)
