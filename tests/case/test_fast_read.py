"""The fast read of a case record (msgspec, then a colon count) is the exact read, sped up:
for every text, the same case or the same error (code, message, location, hint) as the
``json``-with-duplicate-key-hook path alone gives."""

from __future__ import annotations

import json
from typing import Any

import pytest

from _helpers import random_cases
from wtguidance.case import parse as case_parse
from wtguidance.case.parse import parse_case_json
from wtguidance.errors import CaseError
from wtguidance.limits import Limits

BASE = random_cases(1, seed=11)[0]
TEXT = json.dumps(BASE)
EVENT = json.dumps(BASE["events"][0])


def _read(text: str, limits: Limits | None = None) -> tuple[str, Any]:
    try:
        return "case", parse_case_json(text, "f.json", limits=limits)
    except CaseError as error:
        return "error", (error.code, error.message, error.location, error.hint)


def _exactly(text: str, monkeypatch: pytest.MonkeyPatch, limits: Limits | None = None) -> None:
    fast = _read(text, limits)
    with monkeypatch.context() as patch:
        patch.setattr(case_parse, "_fast_case", lambda *_: None)
        exact = _read(text, limits)
    assert fast == exact


# texts the fast path must hand to the exact path (or read the same), one per class
HANDED_ON = {
    "duplicate top-level key": TEXT[:-1] + ', "case_id": "again"}',
    "duplicate key, the dropped value full of colons": TEXT.replace(
        '"case_id": ', '"case_id": "a:b:c:d", "case_id": ', 1
    ),
    "duplicate key in an event": TEXT.replace(EVENT, EVENT[:-1] + ', "date": "2024-01-02"}', 1),
    "duplicate key in the child": TEXT.replace('"child": {', '"child": {"x": 1, "x": 2, ', 1),
    "duplicate object dropped whole": TEXT[:-1] + ', "child": {"a": {"b": 1, "c": ":"}}}',
    "duplicate hidden by an escaped colon": TEXT[:-1]
    + ', "case_id": "one", "case_id": "t\\u003aw\\u003ao"}',
    "escaped colon, no duplicate": TEXT.replace('"case_id": "', '"case_id": "x\\u003a', 1),
    "an escaped backslash before u": TEXT.replace('"case_id": "', '"case_id": "C:\\\\users', 1),
    "NaN": TEXT[:-1] + ', "n": NaN}',
    "Infinity": TEXT[:-1] + ', "n": -Infinity}',
    "a huge number": TEXT[:-1] + ', "n": ' + "9" * 5000 + "}",
    "nested too deeply": '{"case_id": "x", "child": ' + "[" * 5000 + "]" * 5000 + "}",
    "a lone surrogate escape": TEXT.replace('"case_id": "', '"case_id": "\\ud800', 1),
    "not an object": json.dumps([BASE]),
    "a string": '"case"',
    "trailing comma": TEXT[:-1] + ",}",
    "a control character in a string": TEXT.replace('"case_id": "', '"case_id": "\x01', 1),
    "unknown field": TEXT[:-1] + ', "extra": "a:b"}',
    "a colon in a value": TEXT.replace('"case_id": "', '"case_id": "a: b ::', 1),
    "a colon in a key": TEXT[:-1] + ', "a:b": 1}',
    "invalid date": TEXT.replace(BASE["events"][0]["date"], "2024-02-30", 1),
    "spaces around the colons": TEXT.replace('": ', '"  :  ').replace('"case_id"  :', '"case_id":'),
    "a byte-order mark": "\ufeff" + TEXT,
    "trailing data": TEXT + " {}",
}


@pytest.mark.parametrize("name", sorted(HANDED_ON))
def test_every_text_reads_as_the_exact_path_reads_it(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _exactly(HANDED_ON[name], monkeypatch)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_cases_read_the_same(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    for record in random_cases(40, seed=seed):
        _exactly(json.dumps(record, ensure_ascii=False), monkeypatch)
        _exactly(json.dumps(record, indent=2), monkeypatch)


def test_the_event_limit_is_checked_before_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = Limits(max_events=len(BASE["events"]) - 1)
    _exactly(TEXT, monkeypatch, limits)
    assert _read(TEXT, limits)[1][0] == "too-many-events"


def test_plain_records_take_the_fast_path_and_duplicates_do_not() -> None:
    limits = Limits()
    assert case_parse._fast_case(TEXT, limits) == parse_case_json(TEXT)
    for name in (
        "duplicate top-level key",
        "duplicate key in an event",
        "duplicate key, the dropped value full of colons",
        "duplicate object dropped whole",
        "duplicate hidden by an escaped colon",
    ):
        assert case_parse._fast_case(HANDED_ON[name], limits) is None, name
        assert _read(HANDED_ON[name])[1][0] == "duplicate-key", name
