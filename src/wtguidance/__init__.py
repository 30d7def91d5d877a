"""wtguidance: *Working Together to Safeguard Children* as versioned, cited rule packs.

>>> from wtguidance import evaluate, parse_case_json
>>> outcome = evaluate(parse_case_json(text), edition="auto", as_of=date(2024, 3, 1))

Fifteen names, in four groups: the case (``Case``, ``parse_case_json``), evaluation
(``evaluate``, ``Evaluator``, ``Outcome``), editions (``load_edition``, ``load_editions``,
``Editions``, ``CompiledEdition``, ``diff_editions``, ``diff_case``), local protocols
(``validate_protocol``, ``protocol_overlay``, ``Overlay``) and the one error base class
``WtGuidanceError``. Everything else lives in the wings (``wtguidance.case``,
``wtguidance.protocol``, ``wtguidance.diff``, ``wtguidance.errors`` ...).

Names are imported on first use (PEP 562), so ``import wtguidance`` and the command
line start quickly; ``from wtguidance import X`` works as usual and type checkers see
the real objects.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wtguidance.case import Case, parse_case_json
    from wtguidance.diff import diff_case, diff_editions
    from wtguidance.editions import CompiledEdition, Editions, load_edition, load_editions
    from wtguidance.errors import WtGuidanceError
    from wtguidance.evaluation import Evaluator, evaluate
    from wtguidance.overlay import Overlay
    from wtguidance.protocol import protocol_overlay, validate_protocol
    from wtguidance.results import Outcome

__all__ = [
    "Case",
    "CompiledEdition",
    "Editions",
    "Evaluator",
    "Outcome",
    "Overlay",
    "WtGuidanceError",
    "diff_case",
    "diff_editions",
    "evaluate",
    "load_edition",
    "load_editions",
    "parse_case_json",
    "protocol_overlay",
    "validate_protocol",
]

from wtguidance._version import __version__ as __version__

_HOMES = {
    "Case": "case",
    "CompiledEdition": "editions",
    "Editions": "editions",
    "Evaluator": "evaluation",
    "Outcome": "results",
    "Overlay": "overlay",
    "WtGuidanceError": "errors",
    "diff_case": "diff",
    "diff_editions": "diff",
    "evaluate": "evaluation",
    "load_edition": "editions",
    "load_editions": "editions",
    "parse_case_json": "case",
    "protocol_overlay": "protocol",
    "validate_protocol": "protocol",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'wtguidance' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
