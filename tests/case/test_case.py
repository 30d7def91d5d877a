"""Tests for the case record (wtguidance.case) and reading it from JSON (wtguidance.case.parse)."""

from __future__ import annotations

import itertools
import json
import sys
import types
import typing
from datetime import date, datetime
from datetime import time as dt_time
from pathlib import Path
from typing import Any, get_args, get_origin

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from _helpers import ROOT
from wtguidance.case import (
    EVENT_TYPES,
    ROLES,
    AllocationEvent,
    Case,
    Child,
    Event,
    ReferralEvent,
    case_json_schema,
    parse_case_json,
    parse_case_obj,
)
from wtguidance.errors import CaseError

SCHEMA_PATH = ROOT / "schemas" / "case.schema.json"
MALFORMED = Path(__file__).resolve().parents[1] / "malformed" / "cases"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (MALFORMED / "expected.json").read_text(encoding="utf-8")
)["expected"]

DESIGN_EXAMPLE = """
{
  "case_id": "EX-1",
  "child": {"date_of_birth": "2016-05-01", "disabled": false},
  "events": [
    {"type": "referral", "date": "2024-01-05"},
    {"type": "referral_decision", "date": "2024-01-08", "response": "assessment"},
    {"type": "allocation", "date": "2024-01-08", "stage": "s17",
     "practitioner": {"role": "family_support_worker", "social_work_qualified": false},
     "supervisor": {"role": "practice_supervisor", "social_work_qualified": true}},
    {"type": "assessment_started", "date": "2024-01-08", "kind": "single"},
    {"type": "child_seen", "date": "2024-01-10", "alone": true},
    {"type": "assessment_completed", "date": "2024-02-20", "kind": "single"},
    {"type": "sign_off", "date": "2024-02-21", "subject": "assessment",
     "by": {"role": "practice_supervisor", "social_work_qualified": true}}
  ]
}
"""

SW = {"role": "social_worker", "social_work_qualified": True}

# One valid example per event type: the extra fields of DESIGN §4 (plus cin_plan_*).
EVENT_EXAMPLES: dict[str, dict[str, Any]] = {
    "icpc_not_required": {},
    "case_closed": {"reason": "needs met"},
    "referral": {},
    "referral_decision": {"response": "early_help"},
    "assessment_started": {"kind": "initial"},
    "assessment_completed": {"kind": "core"},
    "child_seen": {"alone": False},
    "strategy_discussion": {"initiates_s47": True},
    "s47_started": {},
    "s47_completed": {"outcome": "icpc"},
    "icpc": {"outcome": "cp_plan"},
    "cp_plan_started": {},
    "cp_plan_ended": {},
    "core_group_meeting": {},
    "cin_plan_started": {},
    "cin_plan_ended": {},
    "review_conference": {"outcome": "end_plan"},
    "transfer_in_notified": {},
    "transfer_in_conference": {},
    "serious_incident_known": {"kind": "serious_harm"},
    "serious_incident_notified": {},
    "rapid_review_completed": {},
    "practice_review_decision": {"decision": "local_review"},
    "practice_review_completed": {},
    "family_group_decision_making_offered": {},
    "care_proceedings_application": {},
    "allocation": {"stage": "family_help", "practitioner": SW, "practitioner_agreed": True},
    "sign_off": {"subject": "cin_plan", "by": SW},
    # additive v1.1 event types for the duties the fidelity audit found missing
    "referral_acknowledged": {},
    "serious_incident_reported_locally": {},
    "looked_after_child_death_known": {},
    "looked_after_child_death_notified": {},
    "rapid_review_sent": {},
    "practice_review_shared": {},
    "practice_review_published": {},
    "practice_review_publication_withheld": {},
    "letter_before_proceedings": {},
    "family_group_decision_making_accepted": {},
    "family_group_decision_making_meeting": {},
    "family_group_decision_making_not_in_best_interests": {"step": "meeting"},
    "visit": {"time": "14:30"},
}

# The enumerations of DESIGN §4, field by field.
CONTRACT_ENUMS: dict[tuple[str, str], set[str]] = {
    ("referral_decision", "response"): {
        "no_further_action",
        "early_help",
        "assessment",
        "strategy_discussion",
    },
    ("assessment_started", "kind"): {"initial", "core", "single"},
    ("assessment_completed", "kind"): {"initial", "core", "single"},
    ("s47_completed", "outcome"): {"not_substantiated", "cin", "icpc"},
    ("icpc", "outcome"): {"cp_plan", "no_plan"},
    ("review_conference", "outcome"): {"continue", "end_plan"},
    ("serious_incident_known", "kind"): {"death", "serious_harm"},
    ("practice_review_decision", "decision"): {"local_review", "no_review"},
    ("allocation", "stage"): {"early_help", "s17", "s47", "cp_plan", "family_help"},
    ("family_group_decision_making_not_in_best_interests", "step"): {"offer", "meeting"},
}


def minimal_case(*events: dict[str, Any]) -> dict[str, Any]:
    return {"case_id": "T-1", "child": {}, "events": list(events)}


def event_class(event_type: str) -> type[BaseModel]:
    members: tuple[type[BaseModel], ...] = get_args(get_args(Event)[0])
    (cls,) = [m for m in members if get_args(m.model_fields["type"].annotation) == (event_type,)]
    return cls


# --- The DESIGN example and the contract ------------------------------------------------------


def test_design_example_parses() -> None:
    case = parse_case_json(DESIGN_EXAMPLE)
    assert case.case_id == "EX-1"
    assert case.child == Child(date_of_birth=date(2016, 5, 1), disabled=False)
    assert [e.type for e in case.events][:3] == ["referral", "referral_decision", "allocation"]
    allocation = case.events[2]
    assert isinstance(allocation, AllocationEvent)
    assert allocation.practitioner.role == "family_support_worker"
    assert allocation.supervisor is not None
    assert allocation.supervisor.social_work_qualified is True


def test_event_types_are_the_contract() -> None:
    assert set(EVENT_TYPES) == set(EVENT_EXAMPLES)
    assert len(EVENT_TYPES) == len(set(EVENT_TYPES))


@pytest.mark.parametrize(("event_type", "field"), sorted(CONTRACT_ENUMS))
def test_enumerations_are_the_contract(event_type: str, field: str) -> None:
    annotation = event_class(event_type).model_fields[field].annotation
    assert set(get_args(annotation)) == CONTRACT_ENUMS[(event_type, field)]


def test_roles() -> None:
    assert "social_worker" in ROLES
    assert "independent_reviewing_officer" in ROLES
    assert "designated_safeguarding_lead" in ROLES
    assert len(ROLES) == 19


@pytest.mark.parametrize("event_type", list(EVENT_EXAMPLES))
def test_each_event_type_round_trips(event_type: str) -> None:
    raw = {"type": event_type, "date": "2024-03-01", "id": "e1", "note": "seen at school"}
    raw |= EVENT_EXAMPLES[event_type]
    case = parse_case_obj(minimal_case(raw))
    (event,) = case.events
    assert type(event) is event_class(event_type)
    assert event.date == date(2024, 3, 1)
    dumped = case.model_dump(mode="json")
    assert {k: v for k, v in dumped["events"][0].items() if v is not None} == raw
    assert Case.model_validate(dumped) == case
    assert parse_case_json(json.dumps(dumped)) == case


def test_child_and_optional_fields_default() -> None:
    case = parse_case_obj(minimal_case({"type": "referral", "date": "2024-01-05"}))
    assert case.child == Child()
    assert case.child.date_of_birth is None
    assert case.child.disabled is False
    assert case.events[0].id is None
    assert case.events[0].note is None


def test_events_may_be_empty() -> None:
    assert parse_case_obj(minimal_case()).events == ()


def test_events_in_any_order_and_sorted_stably() -> None:
    raw = minimal_case(
        {"type": "child_seen", "date": "2024-01-10", "alone": True},
        {"type": "referral_decision", "date": "2024-01-08", "response": "assessment"},
        {"type": "referral", "date": "2024-01-05"},
        {"type": "assessment_started", "date": "2024-01-08", "kind": "single"},
    )
    case = parse_case_obj(raw)
    assert [e.type for e in case.events] == [
        "child_seen",
        "referral_decision",
        "referral",
        "assessment_started",
    ]
    assert [e.type for e in case.sorted_events] == [
        "referral",
        "referral_decision",
        "assessment_started",
        "child_seen",
    ]


def test_models_are_frozen() -> None:
    case = parse_case_json(DESIGN_EXAMPLE)
    with pytest.raises(ValidationError):
        case.case_id = "other"  # type: ignore[misc]
    assert hash(case) == hash(parse_case_json(DESIGN_EXAMPLE))


def test_python_dates_are_accepted_but_not_datetimes() -> None:
    ok = ReferralEvent(type="referral", date=date(2024, 1, 5))
    assert ok.date == date(2024, 1, 5)
    with pytest.raises(ValidationError, match="without a time of day"):
        ReferralEvent(type="referral", date=datetime(2024, 1, 5))


@pytest.mark.parametrize(
    "value", [True, 1704412800, 1704412800.0, "2024-1-5", "05/01/2024", "2024-01-05 ", "٢٠٢٤-٠١-٠٥"]
)
def test_dates_must_be_iso_strings(value: object) -> None:
    with pytest.raises(CaseError, match=r"events\[0\]\.date: Input should be"):
        parse_case_obj(minimal_case({"type": "referral", "date": value}))


# --- The malformed corpus ---------------------------------------------------------------------


def corpus() -> list[str]:
    return sorted(p.name for p in MALFORMED.glob("*.json") if p.name != "expected.json")


def test_corpus_and_expectations_match() -> None:
    assert len(corpus()) >= 15
    assert set(corpus()) == set(EXPECTED)


@pytest.mark.parametrize("name", corpus())
def test_malformed_case(name: str) -> None:
    expected = EXPECTED[name]
    text = (MALFORMED / name).read_text(encoding="utf-8")
    with pytest.raises(CaseError) as caught:
        parse_case_json(text, source=f"cases/{name}")
    error = caught.value
    if sys.version_info >= (3, 13) and "py313" in expected:
        # Python 3.13 reworded some json errors and points at the offending comma
        expected = {**expected, **expected["py313"]}
    assert error.code == expected["code"]
    assert expected["message"] in error.message
    assert "\n" not in error.message
    assert "\n" not in error.one_line()
    assert error.one_line().startswith(f"cases/{name}")
    assert error.location is not None
    assert error.location.path == f"cases/{name}"
    if "pointer" in expected:
        assert error.location.pointer == expected["pointer"]
    if "line" in expected:
        assert error.location.line == expected["line"]
        assert error.location.column is not None
    if "hint" in expected:
        assert error.hint is not None
        assert expected["hint"] in error.hint


@pytest.mark.parametrize(
    "name", [n for n in corpus() if EXPECTED[n]["code"] == "invalid-case" and "line" in EXPECTED[n]]
)
def test_malformed_object_gives_the_same_error_without_text(name: str) -> None:
    """parse_case_obj reports what parse_case_json does, minus the line and column."""
    obj = json.loads((MALFORMED / name).read_text(encoding="utf-8"))
    with pytest.raises(CaseError) as caught:
        parse_case_obj(obj, source=name)
    assert caught.value.code == "invalid-case"
    assert EXPECTED[name]["message"] in caught.value.message
    assert caught.value.location is not None
    assert caught.value.location.pointer == EXPECTED[name]["pointer"]
    assert caught.value.location.line is None


def test_positions_account_for_escapes_and_nesting() -> None:
    text = '{"case_id": "a\\"b", "child": {},\n "events": [[1, {"x": "}"}], {"type": "referral"}]}'
    with pytest.raises(CaseError) as caught:
        parse_case_json(text)
    assert caught.value.message.startswith("events[0]: Input should be an object (got an array)")
    assert (caught.value.location.line, caught.value.location.column) == (2, 13)  # type: ignore[union-attr]


# --- The JSON Schema --------------------------------------------------------------------------


def test_schema_is_valid_and_accepts_the_design_example() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(DESIGN_EXAMPLE))


@pytest.mark.parametrize(
    "name",
    [
        "date-compact-digits.json",
        "date-with-time.json",
        "event-type-unknown.json",
        "event-unknown-field.json",
        "role-unknown.json",
        "social-work-qualified-string.json",
        "allocation-missing-practitioner.json",
        "case-id-empty.json",
    ],
)
def test_schema_rejects_malformed_cases(name: str) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    instance = json.loads((MALFORMED / name).read_text(encoding="utf-8"))
    assert not jsonschema.Draft202012Validator(schema).is_valid(instance)


# --- Properties -------------------------------------------------------------------------------


def json_values(annotation: Any) -> st.SearchStrategy[Any]:
    """JSON values a field with this annotation accepts."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return json_values(get_args(annotation)[0])
    if origin is typing.Literal:
        return st.sampled_from(get_args(annotation))
    if origin is typing.Union or origin is types.UnionType:
        return st.one_of([json_values(arg) for arg in get_args(annotation)])
    if annotation is type(None):
        return st.none()
    if annotation is bool:
        return st.booleans()
    if annotation is date:
        return st.dates(date(1990, 1, 1), date(2100, 12, 31)).map(date.isoformat)
    if annotation is dt_time:
        return st.times().map(lambda t: t.strftime("%H:%M"))
    if annotation is str:
        return st.text(min_size=1, max_size=12)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return json_objects(annotation)
    raise AssertionError(f"no strategy for {annotation!r}")


def _required_in_json(name: str, field: Any) -> bool:
    # an event's ``type`` has a default in Python (its one literal) but JSON must name it
    return bool(field.is_required()) or name == "type"


def json_objects(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    fields = model.model_fields
    return st.fixed_dictionaries(
        {n: json_values(f.annotation) for n, f in fields.items() if _required_in_json(n, f)},
        optional={
            n: json_values(f.annotation) for n, f in fields.items() if not _required_in_json(n, f)
        },
    )


def _born_before_died(child: dict[str, Any]) -> bool:
    """A child cannot die before being born (the model refuses it; JSON Schema cannot say it)."""
    born, died = child.get("date_of_birth"), child.get("date_of_death")
    return born is None or died is None or born <= died


raw_events = st.sampled_from(EVENT_TYPES).flatmap(lambda t: json_objects(event_class(t)))
raw_cases = st.fixed_dictionaries(
    {
        "case_id": st.text(min_size=1, max_size=12),
        "child": json_objects(Child).filter(_born_before_died),
        "events": st.lists(raw_events, max_size=12),
    }
)


@given(raw_cases)
def test_generated_cases_parse_and_round_trip(raw: dict[str, Any]) -> None:
    case = parse_case_json(json.dumps(raw), source="generated.json")
    assert parse_case_obj(raw) == case
    assert Case.model_validate(case.model_dump(mode="json")) == case
    assert Case.model_validate(case.model_dump()) == case
    assert parse_case_json(case.model_dump_json()) == case


_SCHEMA_VALIDATOR = jsonschema.Draft202012Validator(case_json_schema())


@given(raw_cases)
def test_generated_cases_satisfy_the_schema(raw: dict[str, Any]) -> None:
    _SCHEMA_VALIDATOR.validate(raw)


@given(raw_cases)
def test_sorted_events_are_in_date_order_keeping_ties_in_record_order(raw: dict[str, Any]) -> None:
    case = parse_case_obj(raw)
    position = {id(event): index for index, event in enumerate(case.events)}
    ordered = case.sorted_events
    assert sorted(map(id, ordered)) == sorted(position)
    for before, after in itertools.pairwise(ordered):
        assert (before.date, position[id(before)]) < (after.date, position[id(after)])


json_anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def reads_or_fails_cleanly(text: str) -> None:
    """Reading gives a case or a one-line CaseError, never another exception."""
    message = ""
    try:
        parse_case_json(text, source="fuzz.json")
    except CaseError as error:
        message = error.one_line()
    assert "\n" not in message


@given(st.text(max_size=60))
def test_any_text_reads_or_fails_with_a_case_error(text: str) -> None:
    reads_or_fails_cleanly(text)


@given(json_anything)
def test_any_json_value_reads_or_fails_with_a_case_error(value: object) -> None:
    reads_or_fails_cleanly(json.dumps(value))


@given(st.data())
def test_damaged_example_reads_or_fails_with_a_case_error(data: st.DataObject) -> None:
    text = DESIGN_EXAMPLE
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start, min(len(text), start + 8)))
    insert = data.draw(st.sampled_from(["", '"', "{", "}", "[", ",", ":", "1", "x", '"a":1,']))
    reads_or_fails_cleanly(text[:start] + insert + text[end:])


@given(raw_cases, st.data())
def test_damaged_valid_case_fails_with_a_pointer_into_the_text(
    raw: dict[str, Any], data: st.DataObject
) -> None:
    """Replacing one value of a valid case with junk gives an error located in the text."""
    if not raw["events"]:
        return
    index = data.draw(st.integers(0, len(raw["events"]) - 1))
    event = dict(raw["events"][index])
    field = data.draw(st.sampled_from(sorted(event)))
    event[field] = {"junk": [1, "}"]}
    raw["events"][index] = event
    with pytest.raises(CaseError) as caught:
        parse_case_json(json.dumps(raw, indent=data.draw(st.sampled_from([None, 2]))))
    location = caught.value.location
    assert location is not None
    assert location.line is not None
    assert location.pointer is not None
    assert location.pointer.startswith(f"/events/{index}")
