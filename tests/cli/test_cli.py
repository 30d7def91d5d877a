"""The command line (DESIGN §11): every command's happy path, and the bad-input matrix.

Commands run in-process through ``wtguidance.cli.main`` with injected streams; one test
runs ``python -m wtguidance --help`` as a real subprocess. Every bad input must exit 2
with exactly one line on stderr that names the field, flag or position — never a
traceback.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from _helpers import ROOT
from wtguidance.cli import main

EXAMPLE = ROOT / "examples" / "cases" / "s17-met.json"
AS_OF = "2024-03-01"
ANSI = "\x1b["


class _Tty(io.StringIO):
    """A captured stream that claims to be a terminal."""

    def isatty(self) -> bool:
        return True


def run(*argv: str, stdin: str = "", stdout: io.StringIO | None = None) -> tuple[int, str, str]:
    out = stdout if stdout is not None else io.StringIO()
    err = io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=io.StringIO(stdin))
    return code, out.getvalue(), err.getvalue()


# -- evaluate ----------------------------------------------------------------------------


def test_evaluate_json_is_the_outcome() -> None:
    code, out, err = run("evaluate", str(EXAMPLE), "--as-of", AS_OF, "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["case_id"] == "EXS-24-0107"
    assert data["as_of"] == AS_OF
    assert data["editions"] == ["2023"]
    statuses = {o["id"]: (o["due"], o["status"]) for o in data["obligations"]}
    assert statuses["assessment.complete"] == ("2024-03-08", "met")
    assert statuses["referral.decision"] == ("2024-01-08", "met")


def test_evaluate_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, err = run("evaluate", str(EXAMPLE), "--as-of", AS_OF)
    assert (code, err) == (0, "")
    assert "Case EXS-24-0107" in out
    # (not "assessment.complete": the 120-column table currently ellipsizes long ids)
    for text in ("Obligations", "referral.decision", "2024-03-08", "Case-holders", "Sign-offs"):
        assert text in out
    assert ANSI not in out  # a StringIO is not a terminal


def test_evaluate_markdown() -> None:
    code, out, err = run("evaluate", str(EXAMPLE), "--as-of", AS_OF, "--format", "markdown")
    assert (code, err) == (0, "")
    assert out.startswith("# Case EXS-24-0107")
    assert "| assessment.complete |" in out
    assert "|---|" in out


def test_evaluate_reads_stdin() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    code, out, err = run("evaluate", "-", "--as-of", AS_OF, "--format", "json", stdin=text)
    assert (code, err) == (0, "")
    _, from_file, _ = run("evaluate", str(EXAMPLE), "--as-of", AS_OF, "--format", "json")
    assert out == from_file


def test_evaluate_pinned_edition() -> None:
    code, out, _ = run(
        "evaluate", str(EXAMPLE), "--as-of", AS_OF, "--edition", "2023", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["editions"] == ["2023"]


# -- colour ----------------------------------------------------------------------------


def test_table_is_coloured_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, _ = run("evaluate", str(EXAMPLE), "--as-of", AS_OF, stdout=_Tty())
    assert code == 0
    assert ANSI in out  # so the NO_COLOR test below is meaningful


def test_no_color_is_respected_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = run("evaluate", str(EXAMPLE), "--as-of", AS_OF, stdout=_Tty())
    assert code == 0
    assert ANSI not in out
    assert "referral.decision" in out


# -- editions, schema, explain, lint-packs -----------------------------------------------


def test_editions_text() -> None:
    code, out, err = run("editions")
    assert (code, err) == (0, "")
    line = next(row for row in out.splitlines() if row.startswith("2023 "))
    assert "in force 2023-12-15" in line
    assert "rules" in line


def test_editions_json() -> None:
    code, out, _ = run("editions", "--format", "json")
    assert code == 0
    rows = {row["edition"]: row for row in json.loads(out)}
    assert rows["2023"]["in_force_from"] == "2023-12-15"
    assert rows["2023"]["status"] in ("verified", "provisional")
    assert rows["2023"]["rules"] > 0


@pytest.mark.parametrize("name", ["case", "rule-pack"])
def test_schema_prints_json_schema(name: str, tmp_path: Path) -> None:
    code, out, err = run("schema", name)
    assert (code, err) == (0, "")
    schema = json.loads(out)
    assert "$defs" in schema or "properties" in schema
    target = tmp_path / f"{name}.json"
    code, out, err = run("schema", name, "-o", str(target))
    assert (code, out) == (0, "")
    assert err.strip() == f"wrote {target}"
    assert json.loads(target.read_text(encoding="utf-8")) == schema


def test_case_schema_knows_the_event_types() -> None:
    _, out, _ = run("schema", "case")
    assert "strategy_discussion" in out
    assert "initiates_s47" in out


def test_explain_by_rule_id() -> None:
    code, out, err = run("explain", "wt2023.icpc.hold")
    assert (code, err) == (0, "")
    assert out.startswith("wt2023.icpc.hold")
    assert "icpc.hold" in out
    assert "Initial child protection conferences" in out
    assert "rules/2023/child-protection.yaml:" in out


def test_explain_by_stable_id_json() -> None:
    code, out, _ = run("explain", "icpc.hold", "--format", "json")
    assert code == 0
    data = json.loads(out)
    items = data if isinstance(data, list) else [data]
    rules = {item["rule"] for item in items}
    assert "wt2023.icpc.hold" in rules
    mine = next(item for item in items if item["rule"] == "wt2023.icpc.hold")
    assert mine["citation"]["chapter"] == "3"


def test_explain_unknown_rule_is_a_one_line_error() -> None:
    code, out, err = run("explain", "icpc.hodl")
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "icpc.hodl" in err


def test_lint_packs() -> None:
    code, out, err = run("lint-packs")
    assert (code, err) == (0, "")
    assert "2023" in out
    code, out, _ = run("lint-packs", "--format", "json")
    assert code == 0
    json.loads(out)


def test_python_dash_m_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "wtguidance", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "usage: wtguidance" in done.stdout
    for command in ("evaluate", "editions", "schema", "explain", "lint-packs"):
        assert command in done.stdout
    assert ANSI not in done.stdout


# -- bad input: exit 2, one line on stderr naming the problem, no traceback ---------------

GOOD_EVENT = '{"type": "referral", "date": "2024-01-05"}'
BAD_CASES = {
    "malformed-json": ('{"case_id": "X", "child": {},\n "events": [' + GOOD_EVENT + ",]}\n"),
    "empty-file": "",
    "impossible-date": '{"case_id": "X", "child": {}, "events": '
    '[{"type": "referral", "date": "2024-02-30"}]}',
    "unknown-event-type": '{"case_id": "X", "child": {}, "events": '
    '[{"type": "referal", "date": "2024-02-05"}]}',
    "unknown-field": '{"case_id": "X", "child": {}, "events": '
    '[{"type": "referral", "date": "2024-02-05", "urgent": true}]}',
}
# what the one stderr line must name: a line:column position, or the field
BAD_CASES_NAME = {
    "malformed-json": ":2:",
    "empty-file": "empty",
    "impossible-date": "events[0].date",
    "unknown-event-type": "events[0].type",
    "unknown-field": "'urgent'",
}


def _assert_one_line_error(code: int, out: str, err: str, *names: str) -> None:
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n"), repr(err)
    assert err.count("\n") == 1, repr(err)
    assert err.startswith("wtguidance: ")
    for name in names:
        assert name in err, f"{name!r} not named in {err!r}"


@pytest.mark.parametrize("kind", sorted(BAD_CASES))
def test_bad_case_file(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.json"
    path.write_text(BAD_CASES[kind], encoding="utf-8")
    code, out, err = run("evaluate", str(path), "--as-of", AS_OF)
    _assert_one_line_error(code, out, err, str(path), BAD_CASES_NAME[kind])


@pytest.mark.parametrize("kind", sorted(BAD_CASES))
def test_bad_case_on_stdin(kind: str) -> None:
    code, out, err = run("evaluate", "-", "--as-of", AS_OF, stdin=BAD_CASES[kind])
    _assert_one_line_error(code, out, err, BAD_CASES_NAME[kind])


def test_unknown_event_type_suggests_the_right_one(tmp_path: Path) -> None:
    path = tmp_path / "typo.json"
    path.write_text(BAD_CASES["unknown-event-type"], encoding="utf-8")
    _, _, err = run("evaluate", str(path), "--as-of", AS_OF)
    assert "did you mean 'referral'?" in err


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["evaluate", str(EXAMPLE), "--format", "xml"], ["--format", "'xml'"]),
        (["evaluate", str(EXAMPLE), "--as-of", "2024-02-30"], ["--as-of", "2024-02-30"]),
        (["evaluate", str(EXAMPLE), "--as-of", "1/3/2024"], ["--as-of", "1/3/2024"]),
        (["evaluate", str(EXAMPLE), "--as-of", AS_OF, "--edition", "1999"], ["1999"]),
        (["editions", "--format", "yaml"], ["--format", "'yaml'"]),
        (["schema", "nope"], ["'nope'"]),
        (["explain"], ["rule_id"]),
        (["frobnicate"], ["'frobnicate'"]),
        (["evaluate"], ["case"]),
    ],
    ids=[
        "bad-format",
        "impossible-as-of",
        "as-of-not-iso",
        "unknown-edition",
        "editions-bad-format",
        "unknown-schema",
        "explain-no-rule",
        "unknown-command",
        "evaluate-no-file",
    ],
)
def test_bad_flags(argv: list[str], names: list[str]) -> None:
    code, out, err = run(*argv)
    _assert_one_line_error(code, out, err, *names)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "no-such-case.json"
    code, out, err = run("evaluate", str(path), "--as-of", AS_OF)
    _assert_one_line_error(code, out, err, str(path), "no such")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    code, out, err = run("evaluate", str(tmp_path), "--as-of", AS_OF)
    _assert_one_line_error(code, out, err, str(tmp_path), "directory")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"case_id": "Z\xe9", "child": {}, "events": []}')
    code, out, err = run("evaluate", str(path), "--as-of", AS_OF)
    _assert_one_line_error(code, out, err, str(path), "UTF-8")
