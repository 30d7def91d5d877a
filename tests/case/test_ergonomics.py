"""Building cases and calling the API from Python without ceremony or self-contradicting errors.

- an event built in code needs no ``type=`` (each class defaults it to its one literal),
  while the JSON contract is unchanged: a JSON event without ``type`` is still refused and
  the case schema still requires it;
- an edition given as a number (``edition=2023``) is a ``bad-argument`` error saying to
  pass a string, wherever the public API takes an edition, never ``unknown-edition``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, get_args

import pytest

from wtguidance import diff_editions, evaluate, load_edition
from wtguidance.case import EVENT_TYPES, Case, Child, ReferralEvent, parse_case_obj
from wtguidance.case.events import Event
from wtguidance.case.record import case_json_schema
from wtguidance.caseload import Settings, evaluate_partition
from wtguidance.caseload.run import evaluate_cases
from wtguidance.diff import diff_case
from wtguidance.editions import shipped_editions
from wtguidance.errors import CaseError, UnknownIdError, UsageError
from wtguidance.evaluation import Evaluator
from wtguidance.protocol.check import validate_protocol_text

ROOT = Path(__file__).resolve().parents[2]
EVENT_CLASSES = {
    get_args(cls.model_fields["type"].annotation)[0]: cls for cls in get_args(get_args(Event)[0])
}
EXAMPLE_EVENTS = [
    event
    for path in sorted((ROOT / "examples" / "cases").glob("*.json"))
    for event in json.loads(path.read_text(encoding="utf-8"))["events"]
]
AS_OF = dt.date(2024, 3, 1)


def _case() -> Case:
    return Case(case_id="c1", child=Child(), events=(ReferralEvent(date=dt.date(2024, 1, 5)),))


# -- event type defaults ---------------------------------------------------------------------


@pytest.mark.parametrize("name", EVENT_TYPES)
def test_every_event_class_defaults_its_type_to_its_literal(name: str) -> None:
    field = EVENT_CLASSES[name].model_fields["type"]
    assert field.default == name
    assert get_args(field.annotation) == (name,)


def test_the_example_events_build_in_code_without_type() -> None:
    seen = set()
    for data in EXAMPLE_EVENTS:
        cls = EVENT_CLASSES[data["type"]]
        fields = {key: value for key, value in data.items() if key != "type"}
        built = cls.model_validate(fields)  # as a caller passing keyword arguments would
        assert built == cls.model_validate(data)
        assert built.model_dump(mode="json") == cls.model_validate(data).model_dump(mode="json")
        seen.add(data["type"])
    assert len(seen) >= 15  # the examples exercise many event classes, not one


def test_a_case_built_in_code_dumps_the_json_contract() -> None:
    case = _case()
    dumped = case.model_dump(mode="json")
    assert dumped["events"][0]["type"] == "referral"
    assert parse_case_obj(json.loads(json.dumps(dumped))) == case


@pytest.mark.parametrize(
    "event",
    [
        {"date": "2024-01-05"},  # no type at all
        {"type": None, "date": "2024-01-05"},
        {"type": "", "date": "2024-01-05"},
    ],
)
def test_json_events_must_still_name_their_type(event: dict[str, Any]) -> None:
    with pytest.raises(CaseError):
        parse_case_obj({"case_id": "c1", "events": [event]})


def test_a_wrong_type_given_in_code_is_still_refused() -> None:
    with pytest.raises(ValueError, match="type"):
        ReferralEvent(type="icpc", date=dt.date(2024, 1, 5))  # type: ignore[arg-type]


def test_the_case_schema_still_requires_every_event_type_without_a_default() -> None:
    definitions = case_json_schema()["$defs"]
    events = [d for d in definitions.values() if "type" in d.get("properties", {})]
    event_types = {d["properties"]["type"].get("const") for d in events}
    assert set(EVENT_TYPES) <= event_types
    for definition in events:
        if definition["properties"]["type"].get("const") in EVENT_TYPES:
            assert "type" in definition["required"], definition["title"]
            assert "default" not in definition["properties"]["type"], definition["title"]


# -- an edition is text ----------------------------------------------------------------------

CALLS: dict[str, Any] = {
    "evaluate": lambda e: evaluate(_case(), edition=e, as_of=AS_OF),
    "Evaluator.evaluate": lambda e: Evaluator.create().evaluate(_case(), edition=e, as_of=AS_OF),
    "evaluate_cases": lambda e: list(evaluate_cases([_case()], as_of=AS_OF, edition=e)),
    "load_edition": lambda e: load_edition(e),
    "Editions.get": lambda e: shipped_editions().get(e),
    "diff_editions a": lambda e: diff_editions(e, "2023"),
    "diff_editions b": lambda e: diff_editions("2018", e),
    "diff_case a": lambda e: diff_case(shipped_editions(), e, "2023", _case(), AS_OF),
    "diff_case b": lambda e: diff_case(shipped_editions(), "2018", e, _case(), AS_OF),
    "validate_protocol_text": lambda e: validate_protocol_text("edition: '2023'\n", "p.yaml", e),
    "Settings": lambda e: Settings(AS_OF, e),
    "evaluate_partition": lambda e: evaluate_partition([], as_of=AS_OF, edition=e),
    "Editions.window": lambda e: shipped_editions().window(e),
    "Editions.with_rules": lambda e: shipped_editions().with_rules(e, ()),
}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("edition", [2023, 2018, 1999])
def test_an_int_edition_is_a_bad_argument_saying_pass_a_string(call: str, edition: int) -> None:
    with pytest.raises(UsageError) as raised:
        CALLS[call](edition)
    assert raised.value.code == "bad-argument"
    message = str(raised.value)
    assert "must be a str" in message
    assert f"'{edition}'" in message  # the hint shows the string to pass
    assert "unknown-edition" not in message
    assert "known editions" not in message


@pytest.mark.parametrize("edition", [2023.0, b"2023", ("2023",), None])
def test_other_non_text_editions_are_bad_arguments_too(edition: object) -> None:
    for call in ("evaluate", "load_edition", "evaluate_cases"):
        if edition is None and call == "evaluate":
            continue  # evaluate's edition has a default; None is still not an edition
        with pytest.raises(UsageError) as raised:
            CALLS[call](edition)
        assert raised.value.code == "bad-argument", call
        assert "must be a str" in str(raised.value), call


def test_a_text_edition_still_works_and_an_unknown_one_is_still_unknown() -> None:
    assert evaluate(_case(), edition="2023", as_of=AS_OF).editions == ("2023",)
    with pytest.raises(UnknownIdError) as unknown:
        load_edition("1999")
    assert unknown.value.code == "unknown-edition"


def test_a_wrong_kind_of_editions_reads_as_english() -> None:
    with pytest.raises(UsageError, match="editions must be an Editions"):
        Evaluator.create("2023")  # type: ignore[arg-type]
