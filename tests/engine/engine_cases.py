"""What the engine's tests share: tiny packs written in the test, evaluated, and read back.

``run`` writes one pack of the given rules and judges one case of the given events;
``evaluator`` builds an evaluator over several packs; ``case``, ``ev`` and ``statuses``
make and read the records; the assessment rule and its conditions are the fidelity work's.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

from _helpers import obligation, write_pack
from wtguidance.case import Case
from wtguidance.editions import Editions, load_pack_dir
from wtguidance.evaluation import Evaluator
from wtguidance.results import Outcome

_COUNTER = itertools.count()


def evaluator(tmp_path: Path, *packs: tuple[list[dict[str, Any]], dict[str, Any]]) -> Evaluator:
    compiled = []
    for rules, options in packs:
        root = tmp_path / f"pack-{next(_COUNTER)}"
        compiled.append(load_pack_dir(write_pack(root, rules, **options)))
    return Evaluator.create(Editions(tuple(compiled)))


def run(
    tmp_path: Path,
    rules: list[dict[str, Any]],
    events: list[dict[str, Any]],
    *,
    as_of: str = "2024-12-31",
    facts: tuple[str, ...] = (),
    child: dict[str, Any] | None = None,
) -> Outcome:
    ev = evaluator(tmp_path, (rules, {"facts": facts}))
    return ev.evaluate(case(events, child), as_of=dt.date.fromisoformat(as_of))


def case(events: list[dict[str, Any]], child: dict[str, Any] | None = None) -> Case:
    return Case.model_validate({"case_id": "t", "child": child or {}, "events": events})


def ev(event_type: str, date: str, **fields: Any) -> dict[str, Any]:
    return {"type": event_type, "date": date, **fields}


def statuses(outcome: Outcome) -> list[tuple[str, str, str | None]]:
    return [
        (o.clock.date.isoformat(), o.status, o.satisfied_on.isoformat() if o.satisfied_on else None)
        for o in outcome.obligations
    ]


REFERRAL = {"event": "referral"}
DECIDED = {"event": "referral_decision", "where": {"response": {"in": ["assessment"]}}}
ASSESS_WHEN = {
    "any": [
        {"exists": DECIDED, "relative": "until_next_trigger"},
        {"exists": {"event": "assessment_started"}, "relative": "until_next_trigger"},
    ]
}


def assess_rule() -> dict[str, Any]:
    return obligation(
        "assess",
        REFERRAL,
        {"event": "assessment_completed"},
        id_="assessment.complete",
        timescale={"working_days": 45},
        when=ASSESS_WHEN,
    )


def codes(outcome: Any) -> list[str]:
    return sorted(f.code for f in outcome.findings)


# shared by several subjects
SD = {"event": "strategy_discussion", "where": {"initiates_s47": True}}
MANAGER = {"role": "practice_supervisor", "social_work_qualified": True}
UNQUALIFIED_MANAGER = {"role": "practice_supervisor", "social_work_qualified": False}
STARTED = ev("assessment_started", "2024-01-08", kind="single")
DONE = ev("assessment_completed", "2024-02-01", kind="single")
