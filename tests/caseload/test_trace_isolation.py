"""A kept trace is built inside its record's isolation (issue 23 with DESIGN §14).

The engine keeps the trace raw and builds it on first read (``results.Trace``). A run
builds it while judging each record, so a fault in building one record's trace rejects
that record, named, and the run goes on; it never surfaces later, in whatever writes the
outcomes out. With ``trace=False`` there is nothing to build.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from _helpers import RandomChooser, realistic_case
from wtguidance import evaluation
from wtguidance.case import Case, Rejected
from wtguidance.caseload import evaluate_cases
from wtguidance.caseload.run import Settings, evaluate_stream
from wtguidance.results import Outcome, Trace

AS_OF = dt.date(2025, 12, 31)
CASES = [
    Case.model_validate({**realistic_case(RandomChooser(random.Random(seed)), seed)})
    for seed in range(12)
]


def _failing_for(case_ids: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Building the trace fails for the outcomes of ``case_ids`` (a fault of ours)."""
    real = evaluation._trace_entries

    def build(runs: Any) -> Any:
        entries = real(runs)
        fired = {label.split("@")[1] for entry in entries for label in entry.fired_on}
        if fired & bad_dates:
            raise RuntimeError("planted fault while building a trace")
        return entries

    bad_dates = {e.date.isoformat() for c in CASES if c.case_id in case_ids for e in c.events} - {
        e.date.isoformat() for c in CASES if c.case_id not in case_ids for e in c.events
    }
    assert bad_dates  # the planted fault can tell the bad records apart
    monkeypatch.setattr(evaluation, "_trace_entries", build)


@pytest.mark.parametrize("bad", [{0}, {5}, {11}, {2, 7}])
def test_a_trace_that_cannot_be_built_rejects_its_record_and_the_run_goes_on(
    bad: set[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad_ids = {CASES[i].case_id for i in bad}
    _failing_for(bad_ids, monkeypatch)
    results = list(evaluate_cases(CASES, as_of=AS_OF))
    assert len(results) == len(CASES)  # every record evaluated or rejected
    for case, result in zip(CASES, results, strict=True):
        if case.case_id in bad_ids:
            assert isinstance(result, Rejected)
            assert result.child_id == case.case_id
            assert "engine-failed" in result.reason or "evaluation failed" in result.reason
        else:
            assert isinstance(result, Outcome)
            assert isinstance(result.trace, Trace)
            assert result.trace.entries  # already built, inside the isolation


def test_without_a_trace_nothing_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    _failing_for({case.case_id for case in CASES[:3]}, monkeypatch)
    settings = Settings(as_of=AS_OF, trace=False)
    judged = list(evaluate_stream(CASES, settings))
    assert len(judged) == len(CASES)
    assert not any(isinstance(item, Rejected) for item in judged)
