"""wtguidance: *Working Together to Safeguard Children* as versioned, cited rule packs.

>>> from wtguidance import Case, evaluate
>>> outcome = evaluate(Case.model_validate(data), edition="auto", as_of=date(2024, 3, 1))
"""

from .case import Case
from .editions import Editions, load_edition, load_editions
from .errors import WtGuidanceError
from .evaluate import Evaluator, evaluate
from .overlay import Overlay
from .results import Outcome

__all__ = [
    "Case",
    "Editions",
    "Evaluator",
    "Outcome",
    "Overlay",
    "WtGuidanceError",
    "evaluate",
    "load_edition",
    "load_editions",
]

__version__ = "0.1.0"
