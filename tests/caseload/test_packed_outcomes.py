"""An outcome a worker process sends back (MessagePack from the result structs) is the
outcome it evaluated: equal, struct for struct, and written the same byte for byte."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from _helpers import EXAMPLES, RandomChooser, random_cases, realistic_case
from wtguidance._render.documents import json_line, outcome_document
from wtguidance.case import Case, parse_case_json
from wtguidance.caseload.run import evaluator_for, packed, unpacked
from wtguidance.errors import EngineError
from wtguidance.protocol import protocol_overlay, validate_protocol

PROTOCOL = EXAMPLES / "protocols" / "exampleshire-2023-local-obligations.yaml"


def _cases() -> list[Case]:
    pick = RandomChooser(random.Random(7))
    cases = [Case.model_validate(r) for r in random_cases(60, seed=4)]
    cases += [Case.model_validate(realistic_case(pick, i)) for i in range(60)]
    cases += [parse_case_json(p.read_text()) for p in sorted((EXAMPLES / "cases").glob("*.json"))]
    return cases


@pytest.mark.parametrize("trace", [True, False])
@pytest.mark.parametrize("protocol", [False, True])
@pytest.mark.parametrize("as_of", [dt.date(2025, 12, 31), dt.date(2016, 6, 1)])
def test_an_outcome_comes_back_as_it_went(trace: bool, protocol: bool, as_of: dt.date) -> None:
    overlay = protocol_overlay(validate_protocol(PROTOCOL)) if protocol else None
    evaluator = evaluator_for(overlay)
    for case in _cases():
        outcome = evaluator.evaluate(case, as_of=as_of, trace=trace)
        back = unpacked(packed(outcome))
        assert back == outcome
        assert json_line(back) == json_line(outcome)
        assert outcome_document(back) == outcome_document(outcome)
        assert json.loads(json_line(back))["case_id"] == case.case_id


def test_an_error_goes_back_as_it_is() -> None:
    error = EngineError("evaluation failed", code="engine-failed")
    assert packed(error) is error
    assert unpacked(error) is error
