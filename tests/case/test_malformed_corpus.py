"""The malformed-input corpus (issue 13): cases, protocols, packs, CLI flags and the API.

Every item is bad input a newcomer or an adversary could give. Each must end in exit code 2
with exactly one line on stderr naming the error code and where the problem is (a
``file:line:col``, a field or the flag), never a traceback; through the Python API, in one
of the documented errors (a :class:`~wtguidance.errors.WtGuidanceError`) with that code,
whose ``str()`` is the same one line the command line prints.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from _helpers import EXAMPLES, ROOT, run_cli
from wtguidance import Case, diff_editions, evaluate, load_edition, load_editions
from wtguidance._render.explain import explain_rule
from wtguidance.case import parse_case_json
from wtguidance.diff import diff_case
from wtguidance.editions import Editions, shipped_editions
from wtguidance.errors import PackError, WtGuidanceError
from wtguidance.limits import Limits
from wtguidance.protocol import protocol_overlay, validate_protocol, validate_protocol_text

GOOD_CASE = EXAMPLES / "cases" / "s17-met.json"
GOOD_PROTOCOL = EXAMPLES / "protocols" / "exampleshire-2023.yaml"
MINIMAL_PACK = ROOT / "tests" / "packs" / "valid-minimal"
AS_OF = "2024-06-01"


def _case(**changes: Any) -> str:
    data: dict[str, Any] = json.loads(GOOD_CASE.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if key.startswith("event_"):  # event_8_subject="x": events[8].subject = x
            _, index, field = key.split("_", 2)
            data["events"][int(index)][field] = value
        elif key.startswith("child_"):
            data["child"][key.removeprefix("child_")] = value
        else:
            data[key] = value
    return json.dumps(data, indent=1)


def _protocol(old: str, new: str) -> str:
    text = GOOD_PROTOCOL.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


def _one_line_error(code: int, out: str, err: str, error_code: str, *where: str) -> None:
    assert code == 2, (out, err)
    assert "Traceback" not in err
    assert err.count("\n") == 1, repr(err)
    assert err.endswith("\n"), repr(err)
    assert err.startswith("wtguidance: "), err
    assert f"error[{error_code}]" in err, err
    for place in where:
        assert place in err, f"{place!r} not in {err!r}"


# --- case records, through `wtguidance evaluate FILE` -------------------------------------------


class BadCase(NamedTuple):
    content: bytes
    code: str
    where: str  # besides the file name: ":line:col" or the field
    flags: tuple[str, ...] = ()


def _b(text: str) -> bytes:
    return text.encode("utf-8")


BAD_CASES: dict[str, BadCase] = {
    "trailing-comma": BadCase(
        _b('{"case_id": "X", "child": {}, "events": [],}'), "invalid-json", ":1:"
    ),
    "truncated": BadCase(_b('{"case_id": "X", "child": {'), "invalid-json", ":1:"),
    "empty": BadCase(b"", "empty-input", "empty"),
    "whitespace": BadCase(b" \n\t\n", "empty-input", "empty"),
    "null": BadCase(b"null", "invalid-case", "not null"),
    "array": BadCase(b"[]", "invalid-case", "not an array"),
    "nan": BadCase(_b('{"case_id": NaN}'), "invalid-json", "NaN"),
    "duplicate-key": BadCase(_b('{"case_id": "A", "case_id": "B"}'), "duplicate-key", ":1:"),
    "bom-then-bad-json": BadCase(b"\xef\xbb\xbf{,}", "invalid-json", ":1:2"),
    "nul-bytes": BadCase(b"\x00\x00", "invalid-json", ":1:1"),
    "raw-control-character": BadCase(
        _b('{"case_id": "a\x01b", "child": {}, "events": []}'), "invalid-json", ":1:"
    ),
    "deep-nesting": BadCase(b"[" * 100_000, "invalid-json", "nested too deeply"),
    "huge-integer": BadCase(_b('{"case_id": ' + "9" * 5000 + "}"), "invalid-json", "digits"),
    "impossible-date": BadCase(
        _b(_case(event_0_date="2023-02-29")), "invalid-case", "events[0].date"
    ),
    "date-with-time": BadCase(
        _b(_case(event_0_date="2024-01-05T10:00:00")), "invalid-case", "events[0].date"
    ),
    "event-type-misspelt": BadCase(
        _b(_case(event_0_type="referal")), "invalid-case", "did you mean 'referral'"
    ),
    "unknown-field": BadCase(_b(_case(event_0_urgent=True)), "invalid-case", "'urgent'"),
    "sign-off-subject-misspelt": BadCase(
        _b(_case(event_8_subject="assesment")), "invalid-case", "did you mean 'assessment'"
    ),
    "sign-off-subject-unknown": BadCase(
        _b(_case(event_8_subject="nonsense")), "invalid-case", "events[8].subject"
    ),
    "sign-off-subject-empty": BadCase(
        _b(_case(event_8_subject="")), "invalid-case", "events[8].subject"
    ),
    "sign-off-subject-number": BadCase(
        _b(_case(event_8_subject=1)), "invalid-case", "events[8].subject"
    ),
    "died-before-born": BadCase(
        _b(_case(child_date_of_death="2010-01-01")), "invalid-case", "child.date_of_death"
    ),
    "disabled-string": BadCase(_b(_case(child_disabled="yes")), "invalid-case", "child.disabled"),
    "alone-integer": BadCase(_b(_case(event_6_alone=1)), "invalid-case", "events[6].alone"),
    "role-unknown": BadCase(
        _b(_case(event_8_by={"role": "wizard", "social_work_qualified": True})),
        "invalid-case",
        "events[8].by.role",
    ),
    "case-id-number": BadCase(_b(_case(case_id=123)), "invalid-case", "case_id"),
    "events-object": BadCase(_b(_case(events={})), "invalid-case", "events"),
    "latin-1": BadCase('{"case_id": "Zoë"}'.encode("latin-1"), "invalid-input", ":1:16"),
    "utf-16": BadCase('{"case_id": "X"}'.encode("utf-16"), "invalid-input", ":1:1"),
    "binary": BadCase(bytes(range(128, 256)) * 8, "invalid-input", ":1:1"),
    "too-many-events": BadCase(_b(_case()), "too-many-events", ":7:2", ("--max-events", "5")),
    "too-large": BadCase(_b(_case()), "input-too-large", "100 bytes", ("--max-bytes", "100")),
}


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_case_file(name: str, tmp_path: Path) -> None:
    item = BAD_CASES[name]
    path = tmp_path / f"{name}.json"
    path.write_bytes(item.content)
    code, out, err = run_cli("evaluate", str(path), "--as-of", AS_OF, *item.flags)
    _one_line_error(code, out, err, item.code, str(path), item.where)


@pytest.mark.parametrize(
    ("make", "what"),
    [(lambda tmp: tmp / "absent.json", "no such case file"), (lambda tmp: tmp, "is a directory")],
    ids=["missing", "directory"],
)
def test_unreadable_case_file(make: Callable[[Path], Path], what: str, tmp_path: Path) -> None:
    path = make(tmp_path)
    code, out, err = run_cli("evaluate", str(path), "--as-of", AS_OF)
    _one_line_error(code, out, err, "missing-file", f"{path}: ", what)


# --- local protocols, through `wtguidance evaluate CASE --protocol FILE` -------------------------


class BadProtocol(NamedTuple):
    content: bytes
    code: str  # the error code, then the finding code and its line:col
    where: str


BAD_PROTOCOLS: dict[str, BadProtocol] = {
    "working-days-true": BadProtocol(
        _b(_protocol("child.seen: {working_days: 5}", "child.seen: {working_days: true}")),
        "invalid-protocol",
        "[schema]",
    ),
    "working-days-string": BadProtocol(
        _b(_protocol("child.seen: {working_days: 5}", 'child.seen: {working_days: "5"}')),
        "invalid-protocol",
        "[schema]",
    ),
    "months-float": BadProtocol(
        _b(_protocol("child.seen: {working_days: 5}", "child.seen: {months: 1.0}")),
        "invalid-protocol",
        "[schema]",
    ),
    "qualified-integer": BadProtocol(
        _b(_protocol("social_work_qualified: true", "social_work_qualified: 1")),
        "invalid-protocol",
        "[schema]",
    ),
    "authority-number": BadProtocol(
        _b(_protocol("authority: Exampleshire County Council", "authority: 42")),
        "invalid-protocol",
        "[schema]",
    ),
    "key-misspelt": BadProtocol(
        _b(_protocol("timescales:", "timescale:")), "invalid-protocol", "[schema]"
    ),
    "unclosed-bracket": BadProtocol(
        _b(_protocol("child.seen: {working_days: 5}", "child.seen: {working_days: 5")),
        "invalid-protocol",
        "[invalid-yaml]",
    ),
    "alias": BadProtocol(_b("a: &x 1\nb: *x\n"), "invalid-protocol", "[invalid-yaml]"),
    "python-tag": BadProtocol(
        _b("a: !!python/object/apply:os.system [echo]\n"), "invalid-protocol", "[invalid-yaml]"
    ),
    "duplicate-key": BadProtocol(
        _b(_protocol("authority:", "authority: X\nauthority:")), "invalid-protocol", "duplicate key"
    ),
    "tab-indent": BadProtocol(
        _b("timescales:\n\tchild.seen: 1\n"), "invalid-protocol", "[invalid-yaml]"
    ),
    "empty": BadProtocol(b"", "invalid-protocol", "file is empty"),
    "a-list": BadProtocol(b"- 1\n- 2\n", "invalid-protocol", "[schema]"),
    "unknown-obligation": BadProtocol(
        _b(_protocol("child.seen:", "child.sen:")), "invalid-protocol", "[unknown-obligation]"
    ),
    "looser-than-statute": BadProtocol(
        _b(
            _protocol(
                "assessment.complete: {working_days: 35}", "assessment.complete: {working_days: 50}"
            )
        ),
        "invalid-protocol",
        "[timescale-looser-than-statute]",
    ),
    "unknown-edition": BadProtocol(
        _b(_protocol('edition: "2023"', 'edition: "2021"')), "invalid-protocol", "[unknown-edition]"
    ),
    "not-utf-8": BadProtocol(b"authority: Zo\xeb\n", "invalid-input", ":1:14"),
}


@pytest.mark.parametrize("name", sorted(BAD_PROTOCOLS))
def test_bad_protocol_is_refused_in_one_line(name: str, tmp_path: Path) -> None:
    item = BAD_PROTOCOLS[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(item.content)
    code, out, err = run_cli("evaluate", str(GOOD_CASE), "--as-of", AS_OF, "--protocol", str(path))
    _one_line_error(code, out, err, item.code, f"{path}:", item.where)
    if item.code == "invalid-protocol":
        assert "validate-protocol" in err  # the hint says where every finding is listed


def test_a_protocol_with_a_byte_order_mark_is_read_like_a_case(tmp_path: Path) -> None:
    protocol, case = tmp_path / "bom.yaml", tmp_path / "bom.json"
    protocol.write_bytes(b"\xef\xbb\xbf" + GOOD_PROTOCOL.read_bytes())
    case.write_bytes(b"\xef\xbb\xbf" + GOOD_CASE.read_bytes())
    code, out, err = run_cli("evaluate", str(case), "--as-of", AS_OF, "--protocol", str(protocol))
    assert (code, err) == (0, "")
    assert "EXS-24-0107" in out
    assert validate_protocol(protocol).valid
    assert parse_case_json((b"\xef\xbb\xbf" + GOOD_CASE.read_bytes()).decode()).case_id


# --- rule packs: `lint-packs ROOT` and load_editions(ROOT) ----------------------------------------


def _rules_root(tmp_path: Path, old: str = "", new: str = "", raw: bytes | None = None) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(MINIMAL_PACK, root / "2023")
    rules = root / "2023" / "rules.yaml"
    if raw is not None:
        rules.write_bytes(raw)
    elif old:
        text = rules.read_text(encoding="utf-8")
        assert old in text, old
        rules.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


BAD_PACKS: dict[str, tuple[dict[str, Any], str, str]] = {
    "sign-off-subject-unknown": (
        {"old": "subject: cp_plan_end", "new": "subject: plan_end"},
        "unknown-value",
        "rules.yaml:39:9",
    ),
    "timescale-boolean": (
        {"old": "timescale: {working_days: 1}", "new": "timescale: {working_days: true}"},
        "schema",
        "rules.yaml:14:",
    ),
    "not-utf-8": ({"raw": b"topic: Zo\xeb\n"}, "invalid-yaml", "rules.yaml:1:1"),
}


@pytest.mark.parametrize("name", sorted(BAD_PACKS))
def test_bad_pack_is_a_pack_error_with_its_place(name: str, tmp_path: Path) -> None:
    change, error_code, where = BAD_PACKS[name]
    root = _rules_root(tmp_path, **change)
    with pytest.raises(PackError) as caught:
        load_editions(root)
    assert caught.value.code == error_code
    assert where in str(caught.value.location)
    code, out, err = run_cli("lint-packs", str(root))
    assert code == 1  # pack errors are findings of lint-packs (exit 1), one line each
    assert f"error[{error_code}]" in out
    assert err == ""


@pytest.mark.parametrize(
    ("make", "error_code", "what"),
    [
        (lambda tmp: tmp / "absent", "missing-pack", "does not exist"),
        (lambda tmp: GOOD_CASE, "missing-pack", "is a file"),
        (lambda tmp: tmp, "no-packs", "holds no edition directories"),
        (lambda tmp: ROOT / "rules" / "2023", "no-packs", "give its parent directory"),
    ],
    ids=["missing", "a-file", "empty", "one-edition"],
)
def test_bad_rules_root(
    make: Callable[[Path], Path], error_code: str, what: str, tmp_path: Path
) -> None:
    root = make(tmp_path)
    for fmt in ("text", "json"):
        code, out, err = run_cli("lint-packs", str(root), "--format", fmt)
        _one_line_error(code, out, err, error_code, str(root), what)
    with pytest.raises(PackError) as caught:
        load_editions(root)
    assert caught.value.code == error_code


# --- command-line flags ------------------------------------------------------------------------

FLAGS: dict[str, tuple[list[str], str, str]] = {
    "as-of-empty": (["evaluate", str(GOOD_CASE), "--as-of", ""], "bad-flag", "--as-of"),
    "as-of-impossible": (
        ["evaluate", str(GOOD_CASE), "--as-of", "2024-02-30"],
        "bad-flag",
        "--as-of",
    ),
    "as-of-words": (
        ["evaluate", str(GOOD_CASE), "--as-of", "yesterday"],
        "bad-flag",
        "'yesterday'",
    ),
    "diff-as-of-empty": (
        ["diff", "2018", "2023", "--case", str(GOOD_CASE), "--as-of", ""],
        "bad-flag",
        "--as-of",
    ),
    "edition-empty": (["evaluate", str(GOOD_CASE), "--edition", ""], "unknown-edition", "''"),
    "edition-unknown": (
        ["evaluate", str(GOOD_CASE), "--edition", "2021"],
        "unknown-edition",
        "2021",
    ),
    "format-unknown": (["evaluate", str(GOOD_CASE), "--format", "xml"], "usage", "'xml'"),
    "case-name-empty": (["evaluate", "", "--as-of", AS_OF], "missing-file", "name is empty"),
    "protocol-name-empty": (
        ["evaluate", str(GOOD_CASE), "--as-of", AS_OF, "--protocol", ""],
        "missing-file",
        "name is empty",
    ),
    "diff-case-empty": (["diff", "2018", "2023", "--case", ""], "missing-file", "name is empty"),
    "diff-as-of-without-case": (["diff", "2018", "2023", "--as-of", AS_OF], "usage", "--case"),
    "lint-packs-empty-name": (["lint-packs", ""], "missing-file", "name is empty"),
    "stdin-twice-evaluate": (["evaluate", "-", "--protocol", "-"], "usage", "stdin"),
    "stdin-twice-validate": (["validate-protocol", "-", "-"], "usage", "stdin"),
    "max-events-zero": (
        ["evaluate", str(GOOD_CASE), "--max-events", "0"],
        "bad-flag",
        "--max-events",
    ),
    "max-bytes-words": (
        ["evaluate", str(GOOD_CASE), "--max-bytes", "lots"],
        "bad-flag",
        "--max-bytes",
    ),
    "schema-to-missing-folder": (
        ["schema", "case", "-o", "/nonexistent/folder/case.json"],
        "cannot-write",
        "does not exist",
    ),
    "schema-to-read-only-file": (
        ["schema", "case", "-o", "/proc/version"],
        "cannot-write",
        "/proc/version",
    ),
    "schema-to-empty-name": (["schema", "case", "-o", ""], "cannot-write", "-o"),
    "explain-unknown": (["explain", "icpc.hodl"], "unknown-rule", "did you mean 'icpc.hold'"),
}


@pytest.mark.parametrize("name", sorted(FLAGS))
def test_bad_flag(name: str) -> None:
    argv, error_code, where = FLAGS[name]
    code, out, err = run_cli(*argv, stdin=GOOD_CASE.read_text(encoding="utf-8"))
    _one_line_error(code, out, err, error_code, where)


def test_schema_to_a_directory(tmp_path: Path) -> None:
    code, out, err = run_cli("schema", "case", "-o", str(tmp_path))
    _one_line_error(code, out, err, "cannot-write", str(tmp_path), "is a directory")


@pytest.mark.parametrize("variable", ["WTGUIDANCE_MAX_BYTES", "WTGUIDANCE_MAX_EVENTS"])
@pytest.mark.parametrize("value", ["lots", "0", "-5"])
def test_bad_limit_in_the_environment(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    code, out, err = run_cli("evaluate", str(GOOD_CASE), "--as-of", AS_OF)
    _one_line_error(code, out, err, "bad-flag", variable)


# --- the Python API ------------------------------------------------------------------------------


def _good_case() -> Case:
    return parse_case_json(GOOD_CASE.read_text(encoding="utf-8"))


def _not_utf8(tmp: Path) -> Path:
    path = tmp / "latin1.yaml"
    path.write_bytes(b"authority: Zo\xeb\n")
    return path


API: dict[str, tuple[Callable[[Path], object], str, str]] = {
    "evaluate-as-of-iso-string": (
        lambda tmp: evaluate(_good_case(), as_of="2024-03-01"),  # type: ignore[arg-type]
        "bad-argument",
        "as_of",
    ),
    "evaluate-as-of-number": (
        lambda tmp: evaluate(_good_case(), as_of=20240301),  # type: ignore[arg-type]
        "bad-argument",
        "as_of",
    ),
    "evaluate-as-of-datetime": (
        lambda tmp: evaluate(_good_case(), as_of=dt.datetime(2024, 3, 1)),
        "bad-argument",
        "as_of",
    ),
    "evaluate-none": (lambda tmp: evaluate(None), "bad-argument", "case"),  # type: ignore[arg-type]
    "evaluate-dict": (
        lambda tmp: evaluate(json.loads(GOOD_CASE.read_text())),  # type: ignore[arg-type]
        "bad-argument",
        "parse_case_obj",
    ),
    "evaluate-editions-string": (
        lambda tmp: evaluate(_good_case(), editions="2023"),  # type: ignore[arg-type]
        "bad-argument",
        "editions",
    ),
    "evaluate-overlay-string": (
        lambda tmp: evaluate(_good_case(), overlay="x"),  # type: ignore[arg-type]
        "bad-argument",
        "overlay",
    ),
    "evaluate-edition-unknown": (
        lambda tmp: evaluate(_good_case(), edition="2021"),
        "unknown-edition",
        "2021",
    ),
    "load-edition-none": (lambda tmp: load_edition(None), "bad-argument", "None"),  # type: ignore[arg-type]
    "load-editions-missing": (lambda tmp: load_editions(tmp / "absent"), "missing-pack", "absent"),
    "load-editions-file": (lambda tmp: load_editions(GOOD_CASE), "missing-pack", "is a file"),
    "load-editions-empty": (lambda tmp: load_editions(tmp), "no-packs", "no edition"),
    "load-editions-empty-string": (lambda tmp: load_editions(""), "bad-argument", "empty"),
    "load-editions-number": (lambda tmp: load_editions(123), "bad-argument", "int"),  # type: ignore[arg-type]
    "editions-empty": (lambda tmp: Editions(()), "no-packs", "at least one"),
    "validate-protocol-none": (lambda tmp: validate_protocol(None), "bad-argument", "path"),  # type: ignore[arg-type]
    "validate-protocol-bytes": (
        lambda tmp: validate_protocol(b"protocol: x"),  # type: ignore[arg-type]
        "bad-argument",
        "path",
    ),
    "validate-protocol-missing": (
        lambda tmp: validate_protocol("missing-protocol.txt"),
        "missing-file",
        "missing-protocol.txt",
    ),
    "validate-protocol-directory": (
        lambda tmp: validate_protocol(tmp),
        "missing-file",
        "directory",
    ),
    "validate-protocol-not-utf-8": (
        lambda tmp: validate_protocol(_not_utf8(tmp)),
        "invalid-input",
        "latin1.yaml",
    ),
    "validate-protocol-text-number": (
        lambda tmp: validate_protocol_text(123, "x"),  # type: ignore[arg-type]
        "bad-argument",
        "text",
    ),
    "protocol-overlay-none": (lambda tmp: protocol_overlay(None), "bad-argument", "None"),  # type: ignore[arg-type]
    "diff-editions-unknown-id": (
        lambda tmp: diff_editions("2018", "2099"),
        "unknown-edition",
        "2099",
    ),
    "diff-editions-none": (lambda tmp: diff_editions(None, "2023"), "bad-argument", "a"),  # type: ignore[arg-type]
    "diff-case-as-of-string": (
        lambda tmp: diff_case(shipped_editions(), "2018", "2023", _good_case(), "2024"),  # type: ignore[arg-type]
        "bad-argument",
        "as_of",
    ),
    "parse-case-json-bytes": (
        lambda tmp: parse_case_json(GOOD_CASE.read_bytes()),  # type: ignore[arg-type]
        "bad-argument",
        "decode",
    ),
    "parse-case-json-too-many-events": (
        lambda tmp: parse_case_json(GOOD_CASE.read_text(), limits=Limits(max_events=2)),
        "too-many-events",
        "events",
    ),
    "parse-case-json-too-large": (
        lambda tmp: parse_case_json(GOOD_CASE.read_text(), limits=Limits(max_bytes=10)),
        "input-too-large",
        "10 bytes",
    ),
    "limits-zero": (lambda tmp: Limits(max_bytes=0), "bad-argument", "max_bytes"),
    "limits-boolean": (lambda tmp: Limits(max_events=True), "bad-argument", "max_events"),
    "explain-none": (
        lambda tmp: explain_rule(shipped_editions(), None),  # type: ignore[arg-type]
        "bad-argument",
        "rule id",
    ),
}


@pytest.mark.parametrize("name", sorted(API))
def test_api_raises_a_documented_error(name: str, tmp_path: Path) -> None:
    call, error_code, where = API[name]
    with pytest.raises(WtGuidanceError) as caught:
        call(tmp_path)
    error = caught.value
    assert error.code == error_code, str(error)
    assert where in str(error), str(error)
    assert "\n" not in str(error)
    assert str(error) == error.one_line()


def test_diff_editions_accepts_edition_ids() -> None:
    editions = shipped_editions()
    assert diff_editions("2018", "2023") == diff_editions(
        editions.get("2018"), editions.get("2023")
    )


def test_the_corpus_is_large_enough() -> None:
    items = (
        len(BAD_CASES) + 2 + len(BAD_PROTOCOLS) + len(BAD_PACKS) + 4 + len(FLAGS) + 1 + 6 + len(API)
    )
    assert items >= 60, items
