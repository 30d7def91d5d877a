"""Input is bounded (DESIGN §14): a stated maximum size and event count, configurable.

``/dev/zero``, a 5 GB file or a flood on stdin is refused with exit 2 after reading at most
the limit plus one byte; a regular file larger than the limit is refused from its size
alone. The limits are documented and can be raised by flag, environment or API.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from _helpers import EXAMPLES, ROOT, run_cli
from wtguidance.case import parse_case_json, parse_case_obj
from wtguidance.errors import CaseError
from wtguidance.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_EVENTS, Limits

GOOD_CASE = EXAMPLES / "cases" / "s17-met.json"


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wtguidance", *argv],
        capture_output=True,
        text=True,
        timeout=120,  # a hang (reading /dev/zero to the end) fails the test here
        check=False,
        cwd=ROOT,
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
@pytest.mark.parametrize("command", ["evaluate", "validate-protocol"])
def test_dev_zero_is_refused(command: str) -> None:
    done = _run(command, "/dev/zero")
    assert done.returncode == 2
    assert "error[input-too-large]" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_huge_file_is_refused_from_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:
        handle.truncate(5_000_000_000)  # sparse: 5 GB on paper, nothing on disk
    code, out, err = run_cli("evaluate", str(huge))
    assert (code, out) == (2, "")
    assert "error[input-too-large]" in err
    assert f"{DEFAULT_MAX_BYTES:,} bytes" in err


def test_stdin_is_bounded_too() -> None:
    flood = " " * 2_000
    code, _, err = run_cli("evaluate", "-", "--max-bytes", "1000", stdin=flood)
    assert code == 2
    assert "<stdin>: error[input-too-large]" in err


def _case_with(events: int) -> dict[str, Any]:
    return {
        "case_id": "MANY",
        "child": {},
        "events": [{"type": "child_seen", "date": "2024-01-05", "alone": True}] * events,
    }


@pytest.mark.parametrize("limit", [1, 5, 50])
def test_the_event_limit_is_inclusive(limit: int, tmp_path: Path) -> None:
    limits = Limits(max_events=limit)
    assert len(parse_case_obj(_case_with(limit), limits=limits).events) == limit
    with pytest.raises(CaseError) as caught:
        parse_case_obj(_case_with(limit + 1), limits=limits)
    assert caught.value.code == "too-many-events"
    path = tmp_path / "many.json"
    path.write_text(json.dumps(_case_with(limit + 1)), encoding="utf-8")
    code, _, err = run_cli("evaluate", str(path), "--max-events", str(limit))
    assert code == 2
    assert "error[too-many-events]" in err
    assert run_cli("evaluate", str(path), "--max-events", str(limit + 1))[0] == 0


def test_the_environment_sets_limits_and_flags_win(monkeypatch: pytest.MonkeyPatch) -> None:
    size = len(GOOD_CASE.read_bytes())
    monkeypatch.setenv("WTGUIDANCE_MAX_BYTES", str(size - 1))
    code, _, err = run_cli("evaluate", str(GOOD_CASE), "--as-of", "2024-03-01")
    assert code == 2
    assert "error[input-too-large]" in err
    code, _, _ = run_cli(
        "evaluate", str(GOOD_CASE), "--as-of", "2024-03-01", "--max-bytes", str(size)
    )
    assert code == 0
    monkeypatch.setenv("WTGUIDANCE_MAX_EVENTS", "3")
    monkeypatch.delenv("WTGUIDANCE_MAX_BYTES")
    assert run_cli("evaluate", str(GOOD_CASE))[0] == 2
    assert Limits.from_env().max_events == 3


def test_a_case_exactly_at_the_byte_limit_is_read() -> None:
    text = GOOD_CASE.read_text(encoding="utf-8")
    size = len(text.encode("utf-8"))
    assert parse_case_json(text, limits=Limits(max_bytes=size)).case_id
    with pytest.raises(CaseError) as caught:
        parse_case_json(text, limits=Limits(max_bytes=size - 1))
    assert caught.value.code == "input-too-large"
    multibyte = '{"case_id": "' + "é" * 100 + '", "child": {}, "events": []}'
    size = len(multibyte.encode("utf-8"))  # bytes, not characters, are counted
    assert parse_case_json(multibyte, limits=Limits(max_bytes=size)).case_id
    with pytest.raises(CaseError):
        parse_case_json(multibyte, limits=Limits(max_bytes=size - 1))


def test_the_limits_are_stated_in_the_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    errors = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    for text in (readme, errors):
        assert f"{DEFAULT_MAX_BYTES:,}" in text
        assert f"{DEFAULT_MAX_EVENTS:,}" in text
        assert "WTGUIDANCE_MAX_BYTES" in text
        assert "WTGUIDANCE_MAX_EVENTS" in text
    assert os.environ.get("WTGUIDANCE_MAX_BYTES") is None  # the suite runs with the defaults
