"""The result objects: msgspec structs with the pydantic-style methods callers use.

- every outcome of generated cases converts back from its JSON with full type checking
  (the engine's values are not re-validated when built, so this is where a type slip in
  the engine would show);
- ``model_dump``, ``model_dump_json``, ``model_copy`` and ``model_validate`` behave as the
  pydantic methods they stand in for, and a pydantic model can hold a result;
- every field of every result is documented in its class docstring, and the OpenAPI
  document generated from the structs types and describes every field;
- ``trace=False`` changes nothing but the trace; the one-edition path agrees with an
  edition pinned for the whole case.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from _helpers import DrawChooser, realistic_case
from wtguidance.case import Case
from wtguidance.evaluation import Evaluator
from wtguidance.results import (
    Clock,
    ObligationResult,
    Outcome,
    TimescaleEntry,
    TimescaleView,
)

AS_OF = dt.date(2025, 12, 31)
EVALUATOR = Evaluator.create()


@st.composite
def cases(draw: st.DrawFn) -> Case:
    return Case.model_validate(realistic_case(DrawChooser(draw)))


@given(cases())
def test_outcomes_convert_back_from_json_with_every_type_checked(case: Case) -> None:
    outcome = EVALUATOR.evaluate(case, as_of=AS_OF)
    text = outcome.model_dump_json()
    assert msgspec.json.decode(text, type=Outcome, strict=True) == outcome
    assert json.loads(text) == outcome.model_dump(mode="json")


@given(cases())
def test_trace_off_changes_nothing_but_the_trace(case: Case) -> None:
    full = EVALUATOR.evaluate(case, as_of=AS_OF)
    quick = EVALUATOR.evaluate(case, as_of=AS_OF, trace=False)
    assert quick.trace == ()
    assert quick == full.model_copy(update={"trace": ()})


@given(cases())
def test_one_edition_path_agrees_with_the_edition_pinned(case: Case) -> None:
    # every generated event falls in 2024-25, which the 2023 edition alone governs
    auto = EVALUATOR.evaluate(case, as_of=AS_OF)
    pinned = EVALUATOR.evaluate(case, as_of=AS_OF, edition="2023")
    assert auto.editions == ("2023",)
    assert auto == pinned


def test_a_wrongly_typed_value_is_refused_on_the_way_back() -> None:
    data = EVALUATOR.evaluate(Case.model_validate(realistic_case_fixed()), as_of=AS_OF).model_dump(
        mode="json"
    )
    data["obligations"][0]["status"] = "done"
    with pytest.raises(ValueError, match="invalid Outcome"):
        Outcome.model_validate(data)
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(json.dumps(data), type=Outcome, strict=True)


def realistic_case_fixed() -> dict[str, Any]:
    import random

    from _helpers import RandomChooser

    return realistic_case(RandomChooser(random.Random(3)))


def test_dumps_in_python_and_json_mode() -> None:
    view = TimescaleView(working_days=45)
    entry = TimescaleEntry(
        obligation="assessment.complete",
        edition="2023",
        timescale=view,
        from_="referral",
        source="statute",
    )
    assert view.model_dump() == {"working_days": 45}
    assert TimescaleView(months=3).model_dump(mode="json") == {"months": 3}
    assert entry.model_dump(mode="json")["from"] == "referral"
    assert entry.model_dump(exclude={"timescale", "source"}) == {
        "obligation": "assessment.complete",
        "edition": "2023",
        "from": "referral",
    }
    clock = Clock(event="referral", date=dt.date(2024, 1, 5))
    assert clock.model_dump() == {"event": "referral", "date": dt.date(2024, 1, 5)}
    assert clock.model_dump(mode="json") == {"event": "referral", "date": "2024-01-05"}
    assert clock.model_dump_json() == '{"event":"referral","date":"2024-01-05"}'
    assert json.loads(clock.model_dump_json(indent=2)) == clock.model_dump(mode="json")
    assert clock.model_dump_json(indent=2).splitlines()[1] == '  "event": "referral",'


def test_reason_is_serialised_only_when_set() -> None:
    outcome = EVALUATOR.evaluate(Case.model_validate(realistic_case_fixed()), as_of=AS_OF)
    first = outcome.obligations[0]
    assert "reason" not in first.model_dump(mode="json")
    ended = first.model_copy(update={"status": "ended", "reason": "the case closed"})
    assert ended.model_dump(mode="json")["reason"] == "the case closed"
    assert ended != first
    assert first.reason is None


def test_results_are_immutable_and_hashable() -> None:
    clock = Clock(event="referral", date=dt.date(2024, 1, 5))
    with pytest.raises(AttributeError):
        clock.event = "icpc"  # type: ignore[misc]
    assert hash(clock) == hash(Clock(event="referral", date=dt.date(2024, 1, 5)))


def test_a_pydantic_model_can_hold_a_result() -> None:
    class Holder(BaseModel):
        outcome: Outcome
        clock: Clock | None = None

    outcome = EVALUATOR.evaluate(Case.model_validate(realistic_case_fixed()), as_of=AS_OF)
    held = Holder(outcome=outcome)
    assert held.outcome is outcome
    again = Holder.model_validate(held.model_dump(mode="json"))
    assert again.outcome == outcome
    assert held.model_dump(mode="json")["outcome"] == outcome.model_dump(mode="json")
    assert held.model_dump()["outcome"]["as_of"] == AS_OF


def _result_structs() -> dict[str, type[msgspec.Struct]]:
    import wtguidance.results as results

    return {
        name: cls
        for name, cls in vars(results).items()
        if isinstance(cls, type) and issubclass(cls, msgspec.Struct) and not name.startswith("_")
    }


@pytest.mark.parametrize("name", sorted(_result_structs()))
def test_every_result_field_is_documented_in_its_class_docstring(name: str) -> None:
    # the docstring's "Attributes:" section is what the OpenAPI document describes each
    # field with; a field added without a line there would go undocumented for clients
    struct = _result_structs()[name]
    doc = struct.__doc__ or ""
    assert "\nAttributes:\n" in inspect.cleandoc(doc), name
    for field in struct.__struct_fields__:
        assert re.search(rf"^\s+{field}: \S", doc, re.MULTILINE), (name, field)


def test_openapi_types_every_field_of_every_result() -> None:
    pytest.importorskip("fastapi", reason="the OpenAPI document needs the 'server' extra")
    from wtguidance.service.openapi import result_schemas

    schemas = result_schemas()
    structs = _result_structs()
    assert set(schemas) == set(structs)  # every result struct is reachable from Outcome
    for name, struct in structs.items():
        properties = schemas[name]["properties"]
        assert tuple(properties) == struct.__struct_encode_fields__, name
        for field, schema in properties.items():
            assert schema.get("description"), (name, field)
            assert schema != {"description": schema["description"]}, (name, field)  # typed
        assert schemas[name]["additionalProperties"] is False, name


def test_obligation_result_keeps_its_field_order() -> None:
    # the JSON key order is part of the output contract (DESIGN §6)
    assert ObligationResult.__struct_fields__ == (
        "id",
        "edition",
        "rule",
        "summary",
        "actor",
        "modality",
        "clock",
        "timescale",
        "timescale_source",
        "national_timescale",
        "due",
        "status",
        "late_by",
        "satisfied_on",
        "citation",
        "reason",
        "due_at",
        "satisfied_at",
    )
