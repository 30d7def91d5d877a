"""Deadlines the calendar cannot count, reported against the case event they run from.

The working-day calendar covers a fixed span (1990–2075, the bank-holiday table the
package ships; DESIGN §5), and ``date`` itself stops at 9999-12-31. A deadline counted
from an event outside that span, or landing outside it, cannot be known: which days are
bank holidays in 2301 is not known. The engine never guesses one and never raises a bare
``ValueError``/``OverflowError``: the conclusion that needed the deadline raises
:class:`ClockOutOfSpanError` naming the clock's fact, and :func:`locating_dates` (around
:meth:`Evaluator.evaluate <wtguidance.evaluation.Evaluator.evaluate>`) turns it into one
:class:`~wtguidance.errors.CalendarError` (``calendar-range``) located at the case field,
``/events/<i>/date``, with the event's type and date. The caseload runners turn that
error into a rejected record (docs/errors.md, ``calendar-range``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from wtguidance._engine.facts import Fact
from wtguidance.errors import CalendarError, SourceLocation

__all__ = ["ClockOutOfSpanError", "event_index", "locating_dates"]

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S")


class ClockOutOfSpanError(CalendarError):
    """A deadline of ``rule_id`` counted from ``fact`` falls outside what can be counted."""

    def __init__(self, cause: CalendarError, fact: Fact, rule_id: str) -> None:
        super().__init__(cause.message, rule_id=rule_id)
        self.cause = cause
        self.fact = fact

    def located(self, events: Sequence[Any]) -> CalendarError:
        """The error as the caller sees it: at ``/events/<i>/date`` of the case."""
        event = self.fact.event
        index = event_index(events, event)
        day = self.fact.date.isoformat()
        what = f"{getattr(event, 'type', self.fact.name)} on {day}"
        field = f"events[{index}].date" if index is not None else "an event date"
        return CalendarError(
            f"{field}: {what}: a deadline counted from it cannot be known ({self.cause.message})",
            location=SourceLocation(pointer=f"/events/{index}/date" if index is not None else None),
            rule_id=self.rule_id,
        )


def event_index(events: Sequence[Any], event: Any) -> int | None:
    """The position of ``event`` (the very object) in the case's ``events``."""
    return next((i for i, e in enumerate(events) if e is event), None)


def locating_dates(
    method: Callable[Concatenate[S, Any, P], R],
) -> Callable[Concatenate[S, Any, P], R]:
    """Wrap ``Evaluator.evaluate(case, ...)``: a :class:`ClockOutOfSpanError` raised while
    judging ``case`` comes out as a :class:`CalendarError` at the case's event field."""

    @wraps(method)
    def evaluate(self: S, case: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, case, *args, **kwargs)
        except ClockOutOfSpanError as error:
            raise error.located(getattr(case, "events", ())) from None

    return evaluate
