"""Golden scenarios: case records with their expected outcome, one YAML file each.

Layout: ``tests/scenarios/<edition>/<name>.yaml``::

    description: what the scenario shows
    edition: auto            # or a pinned edition id
    as_of: "2024-03-01"
    case: {case_id: ..., child: {...}, events: [...]}
    expect:
      obligations:           # exhaustive: every obligation in the outcome is listed
        - {id: referral.decision, clock: "2024-01-05", due: "2024-01-08", status: met}
      case_holders:          # exhaustive when present
        - {stage: s17, compliant: true}
      sign_offs:             # exhaustive when present
        - {id: assessment.approve, status: given}
      findings: [event-order]   # finding codes, exhaustive when present
    commenced:               # optional what-if: rules awaiting commencement, with a date
      wt2026.family_group_decision_making.meeting: "2026-06-01"

Keys left out of an expected item are not compared. A final test checks that every rule
of every shipped pack fires in at least one scenario.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from wtguidance import Case, evaluate
from wtguidance._yaml import load_yaml
from wtguidance.editions import shipped_editions

HERE = Path(__file__).parents[1] / "scenarios"
FILES = sorted(HERE.glob("*/*.yaml"))


def _load(path: Path) -> dict[str, Any]:
    value = load_yaml(path.read_text(encoding="utf-8"), str(path)).value
    assert isinstance(value, dict)
    return value


def _outcome(spec: dict[str, Any]) -> Any:
    case = Case.model_validate(spec["case"])
    editions = shipped_editions()
    if "commenced" in spec:  # what-if: duties awaiting commencement, given a date
        editions = editions.with_commenced(
            {rule: dt.date.fromisoformat(day) for rule, day in spec["commenced"].items()}
        )
    return evaluate(
        case,
        edition=str(spec.get("edition", "auto")),
        as_of=dt.date.fromisoformat(spec["as_of"]),
        editions=editions,
    ).model_dump(mode="json")


def _obligation_view(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"],
        "edition": item["edition"],
        "clock": item["clock"]["date"],
        "clock_event": item["clock"]["event"],
        "due": item["due"],
        "status": item["status"],
        "satisfied_on": item["satisfied_on"],
        "rule": item["rule"],
        "timescale": item["timescale"],
    }


def _holder_view(item: dict[str, Any]) -> dict[str, Any]:
    allocation = item["allocation"]
    return {
        "stage": item["stage"],
        "edition": item["edition"],
        "compliant": item["compliant"],
        "rule": item["rule"],
        "date": allocation["date"] if allocation else None,
        "role": allocation["practitioner"]["role"] if allocation else None,
    }


def _sign_off_view(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": item["id"],
        "edition": item["edition"],
        "status": item["status"],
        "given_on": item["given_on"],
        "subject_date": item["subject_date"],
        "rule": item["rule"],
    }


def _match(expected: list[dict[str, Any]], actual: list[dict[str, Any]], what: str) -> None:
    remaining = list(actual)
    for want in expected:
        want = {k: (str(v) if isinstance(v, dt.date) else v) for k, v in want.items()}
        found = next(
            (got for got in remaining if all(got.get(k) == v for k, v in want.items())), None
        )
        assert found is not None, f"{what}: no item matches {want}; actual: {remaining}"
        remaining.remove(found)
    assert not remaining, f"{what}: unexpected items {remaining}"


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_scenario(path: Path) -> None:
    spec = _load(path)
    outcome = _outcome(spec)
    expect = spec["expect"]
    _match(
        expect["obligations"], [_obligation_view(o) for o in outcome["obligations"]], "obligations"
    )
    if "case_holders" in expect:
        _match(
            expect["case_holders"],
            [_holder_view(h) for h in outcome["case_holders"]],
            "case_holders",
        )
    if "sign_offs" in expect:
        _match(expect["sign_offs"], [_sign_off_view(s) for s in outcome["sign_offs"]], "sign_offs")
    if "findings" in expect:
        assert sorted(f["code"] for f in outcome["findings"]) == sorted(expect["findings"])


def test_every_shipped_rule_is_exercised_by_a_scenario() -> None:
    fired: set[str] = set()
    for path in FILES:
        fired.update(entry["rule"] for entry in _outcome(_load(path))["trace"])
    rules = {rule.id for pack in shipped_editions().packs for rule in pack.pack.rules}
    missing = sorted(rules - fired)
    assert not missing, f"rules no scenario exercises: {missing}"
