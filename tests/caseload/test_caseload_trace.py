"""Caseload reports that never show a trace evaluate without one (about a fifth of the
work); what they print is unchanged, and the JSON report keeps every trace."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest

from _helpers import ROOT, run_cli
from wtguidance.caseload import Settings
from wtguidance.caseload import run as run_module
from wtguidance.errors import UsageError

SOURCES = {
    "cin-census": ROOT / "tests" / "data" / "cin" / "CIN_Census_2024.xml",
    "annex-a": ROOT / "tests" / "annex_a" / "Annex_A_2024_Jan.xlsx",
}


def _run(command: str, fmt: str, *extra: str) -> str:
    code, out, _err = run_cli(
        command, str(SOURCES[command]), "--as-of", "2024-03-31", "--format", fmt, *extra
    )
    assert code == 0
    return out


@pytest.fixture
def traces(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The ``trace`` of every case evaluated from now on."""
    seen: list[bool] = []
    original = run_module.evaluate_one

    def spying(case: Any, settings: Settings, evidence: Any = None, notes: Any = ()) -> Any:
        seen.append(settings.trace)
        return original(case, settings, evidence, notes)

    monkeypatch.setattr(run_module, "evaluate_one", spying)
    return seen


@pytest.mark.parametrize("command", sorted(SOURCES))
@pytest.mark.parametrize(("fmt", "traced"), [("csv", False), ("table", False), ("json", True)])
def test_only_the_json_report_is_traced(
    traces: list[bool], command: str, fmt: str, traced: bool
) -> None:
    _run(command, fmt)
    assert traces
    assert set(traces) == {traced}


@pytest.mark.parametrize("command", sorted(SOURCES))
@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_untraced_reports_print_what_traced_ones_did(
    monkeypatch: pytest.MonkeyPatch, command: str, fmt: str
) -> None:
    untraced = _run(command, fmt)
    real = run_module.evaluate_one

    def traced(case: Any, settings: Settings, evidence: Any = None, notes: Any = ()) -> Any:
        return real(case, dataclasses.replace(settings, trace=True), evidence, notes)

    monkeypatch.setattr(run_module, "evaluate_one", traced)
    assert _run(command, fmt) == untraced


@pytest.mark.parametrize("command", sorted(SOURCES))
def test_the_json_report_keeps_each_trace(command: str) -> None:
    outcomes = json.loads(_run(command, "json"))["outcomes"]
    assert outcomes
    assert any(o["trace"] for o in outcomes)


@pytest.mark.parametrize("value", [None, 1, "no"])
def test_settings_refuse_a_trace_that_is_not_a_bool(value: object) -> None:
    with pytest.raises(UsageError, match="trace must be a bool"):
        Settings(dt.date(2024, 3, 31), trace=value)  # type: ignore[arg-type]
