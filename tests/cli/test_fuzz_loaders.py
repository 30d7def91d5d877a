"""Fuzz every public loader: only documented errors may escape (issue 13).

Generated JSON and YAML, arbitrary and mutated from the valid examples, is thrown at
``parse_case_json``, ``parse_case_obj``, ``evaluate``, ``validate_protocol_text``,
``validate_protocol``, ``protocol_overlay``, ``load_editions`` / ``load_pack_dir``,
``diff_case`` and the command line. Each may succeed or raise a
:class:`~wtguidance.errors.WtGuidanceError`; ``Case.model_validate`` may also raise
pydantic's ``ValidationError`` (its documented error). Anything else is a bug.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pydantic
import yaml
from hypothesis import given
from hypothesis import strategies as st

from _helpers import EXAMPLES, ROOT, run_cli
from wtguidance import Case, evaluate
from wtguidance.case import parse_case_json, parse_case_obj
from wtguidance.diff import diff_case
from wtguidance.editions import load_editions, load_pack_dir, shipped_editions
from wtguidance.errors import WtGuidanceError
from wtguidance.protocol import protocol_overlay, validate_protocol, validate_protocol_text

CASES = [json.loads(p.read_text("utf-8")) for p in sorted((EXAMPLES / "cases").glob("*.json"))]
PROTOCOL = yaml.safe_load((EXAMPLES / "protocols" / "exampleshire-2023.yaml").read_text("utf-8"))
MINIMAL = ROOT / "tests" / "packs" / "valid-minimal"
RULES = yaml.safe_load((MINIMAL / "rules.yaml").read_text("utf-8"))

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)
    | st.sampled_from(["referral", "assessment", "2024-02-30", "", "social_worker", "[/]"])
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, originals: list[Any]) -> Any:
    """A valid document with one to three values replaced, removed or added."""
    document = copy.deepcopy(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)))
        if not path:
            document = draw(json_values)
            continue
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "remove" and isinstance(parent, dict):
            parent.pop(path[-1], None)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(json_values)
        else:
            parent[path[-1]] = draw(json_values)
    return document


def _documented(call: Any, *args: Any, **kwargs: Any) -> Any:
    """``call``'s result, or None when it raised a documented error (on one line)."""
    try:
        return call(*args, **kwargs)
    except WtGuidanceError as error:
        message = str(error)
    assert "\n" not in message
    return None


@given(json_values | mutated(CASES))
def test_case_loaders_raise_only_documented_errors(value: Any) -> None:
    text = json.dumps(value)
    case = _documented(parse_case_json, text, "fuzz.json")
    assert (case is None) == (_documented(parse_case_obj, value) is None)
    with contextlib.suppress(pydantic.ValidationError, WtGuidanceError):
        Case.model_validate(value)
    if case is not None:
        for as_of in (dt.date(2024, 6, 1), dt.date(2030, 1, 1)):
            _documented(evaluate, case, as_of=as_of)
            _documented(evaluate, case, as_of=as_of, edition="2018")
        _documented(diff_case, shipped_editions(), "2018", "2023", case, dt.date(2025, 1, 1))


@given(st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_any_text_is_a_case_error_or_a_case(text: str) -> None:
    _documented(parse_case_json, text)
    code, _, err = run_cli("evaluate", "-", "--as-of", "2024-06-01", stdin=text)
    assert code in (0, 2)
    assert "Traceback" not in err


@given(json_values | mutated([PROTOCOL]))
def test_protocol_loaders_raise_only_documented_errors(value: Any) -> None:
    text = yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
    report = validate_protocol_text(text, "fuzz.yaml")  # a report, never an exception
    if report.valid:
        overlay = protocol_overlay(report)
        case = parse_case_obj(CASES[0])
        _documented(evaluate, case, as_of=dt.date(2025, 1, 1), overlay=overlay)
    else:
        _documented(protocol_overlay, report)


@given(st.text(max_size=300))
def test_any_yaml_text_gives_a_report(text: str) -> None:
    report = validate_protocol_text(text, "fuzz.yaml")
    assert report.findings or report.valid


@given(st.binary(max_size=300))
def test_any_protocol_file_gives_a_report_or_a_protocol_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(data)
        _documented(validate_protocol, path)
        code, out, err = run_cli("validate-protocol", str(path), "--format", "sarif")
        assert code in (0, 1, 2)
        json.loads(out)  # a document, whatever the bytes
        assert "Traceback" not in err


@given(mutated([RULES]))
def test_pack_loaders_raise_only_documented_errors(rules: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(MINIMAL, root / "2023")
        (root / "2023" / "rules.yaml").write_text(
            yaml.safe_dump(rules, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        _documented(load_pack_dir, root / "2023")
        editions = _documented(load_editions, root)
        if editions is not None:
            case = parse_case_obj(CASES[0])
            _documented(evaluate, case, as_of=dt.date(2025, 1, 1), editions=editions)
