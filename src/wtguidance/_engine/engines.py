"""Choosing an engine: ``native`` (the default) or ``durable`` (durable_rules, an extra).

Both take a compiled edition and a case's facts and return what the edition concluded
(:class:`~wtguidance._engine.context.PackRun`); they differ only in how patterns are
matched and derived facts chained (docs/engines.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from wtguidance import _ids
from wtguidance._engine.case_run import CaseRun
from wtguidance._engine.context import PackRun
from wtguidance._engine.plan import PackPlan
from wtguidance._engine.run import run_pack
from wtguidance._pack.compile import CompiledPack
from wtguidance.errors import EngineError

__all__ = ["ENGINES", "PackRunner", "pack_runner"]

ENGINES = ("native", "durable")
"""The engine names ``Evaluator.create(engine=...)`` and ``--engine`` accept."""


class PackRunner(Protocol):
    """Evaluate one compiled edition over a case's facts (:func:`run_pack`'s signature)."""

    def __call__(self, plan: PackPlan, run: CaseRun) -> PackRun: ...


def pack_runner(engine: str, packs: Sequence[CompiledPack]) -> PackRunner:
    """The runner of ``engine`` for these editions (``durable`` compiles them now)."""
    if engine == "native":
        return run_pack
    if engine == "durable":
        from wtguidance._engine.durable import DurableEngine

        return DurableEngine(packs).run_pack
    suggestion = _ids.did_you_mean(engine, ENGINES) if isinstance(engine, str) else None
    raise EngineError(
        f"unknown engine {engine!r}; known engines: {', '.join(ENGINES)}",
        code="unknown-engine",
        hint=suggestion,
    )
