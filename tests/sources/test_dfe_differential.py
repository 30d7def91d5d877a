"""bench/dfe_validator.py without the validator: its own arithmetic and its synthetic return.

The differential itself needs the DfE validator in a virtual environment of its own (see the
script's docstring), so it never runs here; what it computes on wtguidance's side does.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from wtguidance.sources.sourced import SourcedCase

BENCH = Path(__file__).resolve().parents[2] / "bench" / "dfe_validator.py"


@pytest.fixture(scope="module")
def diff() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dfe_validator", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["dfe_validator"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("reference", "ruleset"),
    [
        ("2024-03-31", "cin2023_24"),
        ("2022-07-21", "cin2022_23"),  # after 31 March: the next collection
        ("2018-03-31", "cin2022_23"),  # older than any ruleset: the oldest
        ("2031-03-31", "cin2025_26"),  # newer than any: the newest
    ],
)
def test_ruleset_for_a_reference_date(diff: ModuleType, reference: str, ruleset: str) -> None:
    assert diff.ruleset_for(dt.date.fromisoformat(reference)) == ruleset


@pytest.mark.parametrize(
    ("message", "rules"),
    [
        ("x is a Saturday (DfE rule 8875). Effect on timeliness: y", {"8875"}),
        ("plans (8831/8832)", {"8831", "8832"}),
        (
            "2 date(s) after 2024-03-31: CINdetails/CINreferralDate 2024-05-01 (line 9, DfE "
            "rule 8600); CINdetails/CINclosureDate 2024-06-01 (line 10, DfE rule 8620)",
            {"8600", "8620"},
        ),
        ("review 2024-01-01 is on or before the plan start 2024-02-01 (8841)", {"8841"}),
        ("before the collection year, which starts 2023-04-01 (DfE rule 8545Q)", {"8545Q"}),
        ("the 15th working day (line 42)", set()),
    ],
)
def test_rules_named_in_messages(diff: ModuleType, message: str, rules: set[str]) -> None:
    assert diff.rules_named(message) == rules


def test_the_off_by_one_cause_is_named(diff: ModuleType) -> None:
    item = diff.OpenItem("8675Q", "C", dt.date(2023, 3, 10), dt.date(2023, 3, 10))
    text = diff.why(item, dt.date(2023, 3, 31), dt.date(2023, 3, 31), flagged=True)
    assert "working day 1" in text
    weekend = diff.why(item, dt.date(2024, 4, 2), dt.date(2024, 3, 31), flagged=True)
    assert "not a working day" in weekend
    old = diff.OpenItem("8675Q", "C", dt.date(2018, 3, 12), dt.date(2018, 3, 12))
    assert "2018-03-30" in diff.why(old, dt.date(2018, 4, 4), dt.date(2018, 3, 31), flagged=True)


def test_the_synthetic_return_reads_whole_and_exercises_each_check(
    diff: ModuleType, tmp_path: Path
) -> None:
    path = tmp_path / "stress.xml"
    path.write_text(diff.generate(dt.date(2024, 3, 31)), encoding="utf-8")
    ours = diff.run_wtguidance(path, None)
    assert ours.reference == dt.date(2024, 3, 31)
    items = list(diff.open_items(path))
    assert sum(i.rule == "8675Q" for i in items) == 46
    assert sum(i.rule == "8670Q" for i in items) == 46
    # every weekend target is a calendar-days one; every conference a week on is a weekend
    assert ours.targets
    assert {cause for *_rest, cause in ours.targets} == {"calendar_days"}
    assert len(ours.findings["8875"]) == len(ours.targets)
    # the wtguidance statuses the report shows: due on 2 April 2024, pending at R
    assert ours.icpc[("S47O20240308", dt.date(2024, 3, 8))] == "pending"
    assert ours.icpc[("S47O20240307", dt.date(2024, 3, 7))] == "overdue"
    assert all(isinstance(i, SourcedCase) for i in diff.read_cin_census(path))
