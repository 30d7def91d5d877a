"""JSON encoded once, straight from the result structs, is byte for byte what the earlier
route (``model_dump(mode="json")`` then ``json.dumps``) wrote: for evaluate/service
documents, batch lines and caseload JSON, over generated cases and hostile text."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from _helpers import EXAMPLES, ROOT, example_case, random_cases, run_cli
from wtguidance import Evaluator
from wtguidance._render.documents import json_line, outcome_document
from wtguidance._render.text import visible
from wtguidance.case import Case
from wtguidance.protocol import protocol_overlay, validate_protocol
from wtguidance.results import Outcome

AS_OF = dt.date(2025, 12, 31)
CENSUS = "CIN_Census_2024.xml"
#: text that JSON escapes, text it keeps, and text the safety pass must make visible
HOSTILE = [
    "Siôn-Ærø",
    "\u202eevil",
    "\x1b[31mred\x1b[0m",
    'quote"back\\slash/',
    "tab\there\nnew line\r",
    "sep\u2028par\u2029",
    "del\x7f c1\x85 \x9b",
    "bidi\u2066iso\u2069 \u200e\u061c",
    "child 🧒 </script> <b>",
    "\x00\x08\x0c\x1f",
    " ",
]


def _old_document(outcome: Outcome) -> str:
    text = visible(json.dumps(outcome.model_dump(mode="json"), indent=2, ensure_ascii=False))
    return text if text.endswith("\n") else text + "\n"


def _old_line(value: Any) -> str:
    data = value.model_dump(mode="json") if isinstance(value, Outcome) else value
    return json.dumps(data, ensure_ascii=False)


def _outcomes() -> list[Outcome]:
    plain = Evaluator.create()
    local = Evaluator.create(
        overlay=protocol_overlay(
            validate_protocol(EXAMPLES / "protocols" / "exampleshire-2023-local-obligations.yaml")
        )
    )
    records = random_cases(60, seed=31)
    for index, text in enumerate(HOSTILE):
        records[index]["case_id"] = text
    outcomes = []
    for number, record in enumerate(records):
        case = Case.model_validate(record)
        evaluator = local if number % 2 else plain
        outcomes.append(evaluator.evaluate(case, as_of=AS_OF, trace=number % 3 != 0))
    for name in sorted(p.name for p in (EXAMPLES / "cases").glob("*.json")):
        outcomes.append(plain.evaluate(Case.model_validate(example_case(name)), as_of=AS_OF))
    return outcomes


OUTCOMES = _outcomes()


def test_documents_are_byte_identical_to_the_earlier_route() -> None:
    assert len(OUTCOMES) > 60
    for outcome in OUTCOMES:
        assert outcome_document(outcome) == _old_document(outcome)


def test_outcome_lines_are_byte_identical_to_the_earlier_route() -> None:
    for outcome in OUTCOMES:
        line = json_line(outcome)
        assert line == _old_line(outcome)
        assert "\n" not in line


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_rows_are_byte_identical(text: str) -> None:
    row = {
        "rejected": {"line": 3, "reason": text, "field": f"/events/0/{text}", "column": None},
        text or "empty": [[], {}, True, 0, -12, {"nested": [text]}],
    }
    assert json_line(row) == _old_line(row)


def test_hostile_text_is_escaped_in_documents() -> None:
    for outcome in OUTCOMES[: len(HOSTILE)]:
        document = outcome_document(outcome)
        for character in "\u202e\x1b\u2028\x7f\x85\u2066\u200e\u061c\x00":
            assert character not in document


def test_batch_writes_each_outcome_as_the_earlier_route_did(tmp_path: Path) -> None:
    records = random_cases(25, seed=5)
    for index, text in enumerate(HOSTILE):
        records[index]["case_id"] = text
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(4, '{"case_id": "bad\u202e", "events": [')  # a rejected line
    lines.insert(9, '{"case_id": 7, "child": {}, "events": []}')
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _err = run_cli("batch", str(source), "--as-of", AS_OF.isoformat())
    assert code == 0
    got = out.split("\n")[:-1]  # JSON keeps U+2028 and friends as themselves
    assert len(got) == len(lines)
    evaluator = Evaluator.create()
    written = iter(got)
    for index, line in enumerate(lines):
        row = next(written)
        if index in (4, 9):
            assert json.loads(row)["rejected"]["line"] == index + 1
            assert row == json.dumps(json.loads(row), ensure_ascii=False)
            continue
        expected = evaluator.evaluate(Case.model_validate_json(line), as_of=AS_OF)
        assert row == _old_line(expected)


@pytest.mark.parametrize(
    ("command", "source"),
    [
        ("cin-census", "tests/data/cin/{cin}"),
        ("annex-a", "tests/annex_a/Annex_A_2024_Jan.xlsx"),
    ],
)
def test_caseload_json_is_byte_identical_to_the_earlier_route(
    monkeypatch: pytest.MonkeyPatch, command: str, source: str
) -> None:
    path = ROOT / source.format(cin=CENSUS)
    argv = (command, str(path), "--as-of", "2024-03-31", "--format", "json")
    code, new, _ = run_cli(*argv)
    assert code == 0
    monkeypatch.setattr("wtguidance._render.caseload.json_out.json_line", _old_line)
    code, old, _ = run_cli(*argv)
    assert code == 0
    assert new == old
    assert json.loads(new)["outcomes"]
