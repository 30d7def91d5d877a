"""Golden outcomes: every example case in ``examples/cases/`` against its full JSON outcome.

``tests/golden/<name>.json`` holds ``evaluate(case, as_of=D).model_dump(mode="json")`` for
``examples/cases/<name>.json``, with ``D`` fixed per example in ``tests/golden/as_of.json``.
Each golden is checked two ways: through the Python API, and through the CLI
(``wtguidance evaluate X --format json --as-of D``), which must print the same JSON.

Goldens are **reviewed, not rubber-stamped**. Before a golden is (re)written, its due dates
and statuses are checked by hand against DESIGN §5 (day 0 is the clock date; due = the N-th
working day strictly after it, skipping weekends and England and Wales bank holidays;
months are added on the calendar and clipped to month end, with no working-day shift). The
dates checked that way are pinned in ``HAND_CHECKED`` below, so regenerating a golden
cannot silently accept a wrong deadline: the hand-checked test fails first.

Regenerate (then read the diff, and update ``HAND_CHECKED`` if a change is intended)::

    python tests/contract/test_golden.py --regenerate            # every example
    python tests/contract/test_golden.py --regenerate s17-met    # just one

or run pytest with ``WTGUIDANCE_REGENERATE_GOLDEN=1``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from _helpers import ROOT
from wtguidance import Case, evaluate
from wtguidance.cli import main

CASES = ROOT / "examples" / "cases"
GOLDEN = Path(__file__).resolve().parents[1] / "golden"
AS_OF_FILE = GOLDEN / "as_of.json"
REGENERATE = os.environ.get("WTGUIDANCE_REGENERATE_GOLDEN") == "1"

# (example, obligation id, clock date, due, status, satisfied_on), each counted by hand.
HAND_CHECKED: dict[str, list[tuple[str, str, str | None, str, str | None]]] = {
    "s17-met": [
        # Fri 2024-01-05 + 1 WD = Mon 01-08; + 45 WD: nine full weeks from Mon 01-08 -> Fri 03-08.
        ("referral.decision", "2024-01-05", "2024-01-08", "met", "2024-01-08"),
        # referral.acknowledge: same clock and limit as referral.decision (fidelity audit M4).
        ("referral.acknowledge", "2024-01-05", "2024-01-08", "met", "2024-01-08"),
        ("assessment.complete", "2024-01-05", "2024-03-08", "met", "2024-02-20"),
        ("child.seen", "2024-01-05", None, "unscheduled", "2024-01-10"),
    ],
    "s17-overdue": [
        # Tue 2024-12-17 + 45 WD: 18,19,20,23,24 (5); 25/26 Dec holidays; 27 (6); 30,31 (8);
        # 1 Jan holiday; 2,3 Jan (10); then seven full weeks to Fri 2025-02-21 (45).
        ("referral.decision", "2024-12-17", "2024-12-18", "met", "2024-12-18"),
        # referral.acknowledge: same clock and limit as referral.decision (fidelity audit M4).
        ("referral.acknowledge", "2024-12-17", "2024-12-18", "met", "2024-12-18"),
        ("assessment.complete", "2024-12-17", "2025-02-21", "overdue", None),
        ("child.seen", "2024-12-17", None, "unscheduled", None),
    ],
    "decision-late": [
        # Thu 2025-04-17 + 1 WD: Fri 18 (Good Friday), Mon 21 (Easter Monday) -> Tue 04-22.
        ("referral.decision", "2025-04-17", "2025-04-22", "met_late", "2025-04-23"),
        # referral.acknowledge: same clock and limit as referral.decision (fidelity audit M4).
        ("referral.acknowledge", "2025-04-17", "2025-04-22", "met", "2025-04-22"),
    ],
    "cp-pathway": [
        ("referral.decision", "2024-03-01", "2024-03-04", "met", "2024-03-04"),
        # referral.acknowledge: same clock and limit as referral.decision (fidelity audit M4).
        ("referral.acknowledge", "2024-03-01", "2024-03-04", "met", "2024-03-04"),
        # Fri 2024-03-01 + 45 WD: Easter 29 Mar / 1 Apr and 6 May 2024 skipped -> Wed 05-08.
        ("assessment.complete", "2024-03-01", "2024-05-08", "met", "2024-04-26"),
        ("child.seen", "2024-03-01", None, "unscheduled", "2024-03-05"),
        # Mon 2024-03-04 + 15 WD = Mon 03-25 (three full weeks).
        ("icpc.hold", "2024-03-04", "2024-03-25", "met", "2024-03-22"),
        # Fri 2024-03-22 + 10 WD: 25-28 Mar (4), Easter skipped, 2-5 Apr (8), 8, 9 Apr (10).
        ("core_group.first_meeting", "2024-03-22", "2024-04-09", "met", "2024-04-05"),
        # Months: no working-day shift, so a Saturday due date stands.
        ("review_conference.first", "2024-03-22", "2024-06-22", "met", "2024-06-20"),
        ("review_conference.next", "2024-06-20", "2024-12-20", "met", "2024-12-12"),
        ("review_conference.next", "2024-12-12", "2025-06-12", "met", "2025-06-05"),
        ("review_conference.next", "2025-06-05", "2025-12-05", "met", "2025-11-27"),
    ],
    "lead-practitioner-compliant": [
        ("referral.decision", "2025-01-13", "2025-01-14", "met", "2025-01-14"),
        # referral.acknowledge: same clock and limit as referral.decision (fidelity audit M4).
        ("referral.acknowledge", "2025-01-13", "2025-01-14", "met", "2025-01-14"),
        # Mon 2025-01-13 + 45 WD = nine full weeks -> Mon 2025-03-17 (no holidays).
        ("assessment.complete", "2025-01-13", "2025-03-17", "pending", None),
        ("child.seen", "2025-01-13", None, "unscheduled", "2025-01-17"),
    ],
    "lead-practitioner-noncompliant": [
        ("referral.decision", "2024-09-02", "2024-09-03", "met", "2024-09-03"),
        # referral.acknowledge: same clock and limit as referral.decision (fidelity audit M4).
        ("referral.acknowledge", "2024-09-02", "2024-09-03", "met", "2024-09-03"),
        # Mon 2024-09-02 + 45 WD = Mon 2024-11-04 (no holidays in between).
        ("assessment.complete", "2024-09-02", "2024-11-04", "met", "2024-10-30"),
        ("child.seen", "2024-09-02", None, "unscheduled", "2024-09-06"),
    ],
    "s47-non-social-worker": [
        # Fri 2025-06-06 + 1 WD = Mon 06-09; + 45 WD = Fri 2025-08-08 (25 Aug is after it).
        ("referral.decision", "2025-06-06", "2025-06-09", "met", "2025-06-09"),
        # referral.acknowledge: same clock and limit as referral.decision (fidelity audit M4).
        ("referral.acknowledge", "2025-06-06", "2025-06-09", "met", "2025-06-09"),
        ("assessment.complete", "2025-06-06", "2025-08-08", "met", "2025-07-25"),
        ("child.seen", "2025-06-06", None, "unscheduled", "2025-06-10"),
        # icpc.hold is withdrawn: s47 ended with outcome 'cin' before any conference.
    ],
    "serious-incident": [
        # Fri 2024-12-20 + 5 WD: 23, 24, (25/26 holidays), 27, 30, 31 -> Tue 12-31.
        ("serious_incident.notify", "2024-12-20", "2024-12-31", "met", "2024-12-30"),
        # the report to the safeguarding partners: same clock and limit (fidelity audit M1)
        ("serious_incident.notify_partners", "2024-12-20", "2024-12-31", "met", "2024-12-30"),
        # Mon 2024-12-30 + 15 WD: 31 Dec (1), 1 Jan holiday, 2, 3 Jan (3), 6-10 (8),
        # 13-17 (13), 20, 21 (15) -> Tue 2025-01-21.
        ("rapid_review.complete", "2024-12-30", "2025-01-21", "met", "2025-01-20"),
        ("practice_review.decide", "2024-12-30", "2025-01-21", "met", "2025-01-20"),
        # sending the rapid review to the Panel: same clock and limit (fidelity audit M7)
        ("rapid_review.send_to_panel", "2024-12-30", "2025-01-21", "met", "2025-01-20"),
        # 2025-01-20 + 6 months = Sun 2025-07-20 (months: no working-day shift).
        ("practice_review.complete", "2025-01-20", "2025-07-20", "met", "2025-07-11"),
        # publication (fidelity audit M6): the same six months; published Tue 07-22, late.
        ("practice_review.publish", "2025-01-20", "2025-07-20", "met_late", "2025-07-22"),
        # the copy, counted back from publication (day 0): Tue 2025-07-22 - 7 WD: 21, 18,
        # 17, 16, 15, 14, 11 -> Fri 2025-07-11; copied that day: met.
        (
            "practice_review.share_before_publication",
            "2025-07-22",
            "2025-07-11",
            "met",
            "2025-07-11",
        ),
    ],
    "transfer-in": [
        # Mon 2025-05-12 + 15 WD: 13-16 (4), 19-23 (9), 26 May holiday, 27-30 (13),
        # 2, 3 Jun (15) -> Tue 2025-06-03.
        ("transfer_in_conference.hold", "2025-05-12", "2025-06-03", "met", "2025-06-02"),
    ],
    "multiple-strategy-discussions": [
        ("referral.decision", "2024-11-25", "2024-11-26", "met", "2024-11-26"),
        # referral.acknowledge: same clock and limit as referral.decision (fidelity audit M4).
        ("referral.acknowledge", "2024-11-25", "2024-11-26", "met", "2024-11-26"),
        # Mon 2024-11-25 + 45 WD across Christmas/New Year -> Thu 2025-01-30.
        ("assessment.complete", "2024-11-25", "2025-01-30", "met", "2025-01-24"),
        ("child.seen", "2024-11-25", None, "unscheduled", "2024-11-27"),
        # keep_first: clock is the first discussion, Tue 2024-11-26 + 15 WD = Tue 12-17
        # (from the reconvened discussion of 12-05 it would be Mon 12-30).
        ("icpc.hold", "2024-11-26", "2024-12-17", "met_late", "2024-12-19"),
        # Thu 2024-12-19 + 10 WD: 20, 23, 24, 27, 30, 31, 2 Jan, 3, 6, 7 -> Tue 2025-01-07.
        ("core_group.first_meeting", "2024-12-19", "2025-01-07", "met", "2025-01-07"),
        ("review_conference.first", "2024-12-19", "2025-03-19", "pending", None),
    ],
}


def _as_of() -> dict[str, str]:
    data: dict[str, str] = json.loads(AS_OF_FILE.read_text(encoding="utf-8"))
    return data


NAMES = sorted(_as_of())


def _outcome(name: str) -> dict[str, Any]:
    case = Case.model_validate_json((CASES / f"{name}.json").read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(_as_of()[name])
    result: dict[str, Any] = evaluate(case, as_of=as_of).model_dump(mode="json")
    return result


def _dump(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _golden(name: str) -> dict[str, Any]:
    path = GOLDEN / f"{name}.json"
    if REGENERATE:
        path.write_text(_dump(_outcome(name)), encoding="utf-8")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_every_example_has_an_as_of_date_and_a_golden() -> None:
    examples = sorted(p.stem for p in CASES.glob("*.json"))
    assert examples == NAMES, "examples/cases and tests/golden/as_of.json disagree"
    assert sorted(HAND_CHECKED) == NAMES, "every example needs hand-checked due dates"
    for name in NAMES:
        assert (GOLDEN / f"{name}.json").is_file(), f"no golden for {name}"
        assert _as_of()[name] < "2026-03-01", "keep example dates inside the 2023 edition"


def test_every_example_says_what_it_illustrates() -> None:
    for name in NAMES:
        data = json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))
        assert data["events"][0].get("note"), f"{name}: the first event needs a note"


@pytest.mark.parametrize("name", NAMES)
def test_api_outcome_matches_golden(name: str) -> None:
    assert _outcome(name) == _golden(name)


@pytest.mark.parametrize("name", NAMES)
def test_cli_json_matches_golden(name: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = ["evaluate", str(CASES / f"{name}.json"), "--format", "json"]
    code = main([*argv, "--as-of", _as_of()[name]], stdout=out, stderr=err)
    assert (code, err.getvalue()) == (0, "")
    assert json.loads(out.getvalue()) == _golden(name)
    assert out.getvalue() == json.dumps(_outcome(name), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", NAMES)
def test_golden_due_dates_were_checked_by_hand(name: str) -> None:
    golden = _golden(name)
    actual = sorted(
        (o["id"], o["clock"]["date"], o["due"], o["status"], o["satisfied_on"])
        for o in golden["obligations"]
    )
    expected = sorted(HAND_CHECKED[name], key=lambda row: tuple(str(v) for v in row))
    actual.sort(key=lambda row: tuple(str(v) for v in row))
    assert actual == expected
    assert golden["editions"] == ["2023"]
    assert all(o["edition"] == "2023" for o in golden["obligations"])


def _regenerate(names: list[str]) -> None:
    for name in names or NAMES:
        outcome = _outcome(name)
        (GOLDEN / f"{name}.json").write_text(_dump(outcome), encoding="utf-8")
        print(f"{name} (as of {outcome['as_of']}) — review these before committing:")
        for o in outcome["obligations"]:
            print(
                f"  {o['id']:<30} clock {o['clock']['event']}@{o['clock']['date']} "
                f"due {o['due']} {o['status']} done {o['satisfied_on']}"
            )


if __name__ == "__main__":
    if sys.argv[1:2] != ["--regenerate"]:
        sys.exit("usage: python tests/contract/test_golden.py --regenerate [NAME ...]")
    _regenerate(sys.argv[2:])
