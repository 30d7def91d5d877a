"""Scaling within one edition: cases with 20, 200 and 2,000 review conferences, and one
case of 100,000 events. Every case is re-dated into the 2023 edition's window (its
events spread evenly, in their generated order, over 2024-01-01 … 2026-03-01) so that
the figures measure more events, not a second edition."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from typing import Any

from _helpers import RandomChooser, realistic_case, spread
from measure import repeat_cpu
from wtguidance.case import Case
from wtguidance.evaluation import Evaluator

FIRST, LAST = dt.date(2024, 1, 1), dt.date(2026, 3, 1)


def one_edition_case(reviews: int, seed: int = 1) -> dict[str, Any]:
    """A realistic case with ``reviews`` review conferences, all inside the 2023 window."""
    return spread(
        realistic_case(RandomChooser(random.Random(seed)), 0, reviews=reviews), FIRST, LAST
    )


@dataclass(frozen=True)
class Scaled:
    label: str
    events: int
    validate_ms: float
    evaluate_ms: float
    editions: tuple[str, ...]


def measure(evaluator: Evaluator, reviews: int, *, times: int) -> Scaled:
    record = one_edition_case(reviews)
    case = Case.model_validate(record)
    as_of = max(e.date for e in case.events)
    outcome = evaluator.evaluate(case, as_of=as_of)
    validate = repeat_cpu(lambda: Case.model_validate(record), times=times)
    evaluate = repeat_cpu(lambda: evaluator.evaluate(case, as_of=as_of), times=times)
    return Scaled(
        f"{reviews:,} reviews", len(case.events), validate * 1e3, evaluate * 1e3, outcome.editions
    )


def hundred_thousand(evaluator: Evaluator) -> Scaled:
    """One case of about 100,000 events (49,992 reviews, each with a core group meeting)."""
    record = one_edition_case(49_992)
    begin = time.thread_time()
    case = Case.model_validate(record)
    middle = time.thread_time()
    outcome = evaluator.evaluate(case, as_of=max(e.date for e in case.events))
    end = time.thread_time()
    return Scaled(
        "one case", len(case.events), (middle - begin) * 1e3, (end - middle) * 1e3, outcome.editions
    )
