"""What many tests (and ``bench/``) share: paths, one CLI runner, one pack writer, one case maker.

``realistic_case`` is the one generator of realistic case records. It asks a
:class:`Chooser` for every decision, so the same code serves a seeded ``random.Random``
(``bench/``, the thread test) and a hypothesis ``draw`` (the property tests).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml
from hypothesis import strategies as st

from wtguidance.cli import main

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
EXAMPLES = ROOT / "examples"
T = TypeVar("T")

ROLES = ["social_worker", "family_support_worker", "early_help_practitioner", "health_visitor"]
MANAGERS = ["practice_supervisor", "team_manager", "assistant_team_manager"]


# --- the command line ---------------------------------------------------------------------


def run_cli(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    """Run ``wtguidance ARGV`` in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, stdin=io.StringIO(stdin))
    return code, out.getvalue(), err.getvalue()


# --- packs ------------------------------------------------------------------------------


URL = "https://example.org/wt"


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _citation() -> dict[str, Any]:
    return {"chapter": "3", "section": "Test", "paragraph": None, "url": URL}


def write_pack(
    root: Path,
    rules: list[dict[str, Any]],
    *,
    facts: tuple[str, ...] = (),
    edition: str = "2023",
    in_force_from: str = "2023-12-15",
) -> Path:
    root.mkdir(parents=True)
    manifest = {
        "schema": "wtguidance/rule-pack/v1",
        "edition": edition,
        "title": f"Test edition {edition}",
        "published": in_force_from,
        "in_force_from": in_force_from,
        "status": "provisional",
        "sources": [{"title": "Test source", "url": URL}],
    }
    topic: dict[str, Any] = {"topic": "Test rules"}
    if facts:
        topic["facts"] = [{"name": f, "summary": "A derived fact."} for f in facts]
    topic["rules"] = [
        {
            "id": f"wt{edition}.{r['name']}",
            "summary": "A test rule.",
            "citation": _citation(),
            **{k: v for k, v in r.items() if k != "name"},
        }
        for r in rules
    ]
    for name, value in (("pack.yaml", manifest), ("rules.yaml", topic)):
        text = yaml.dump(value, Dumper=_NoAliases, sort_keys=False)
        (root / name).write_text(text, encoding="utf-8")
    return root


def obligation(
    name: str,
    match: dict[str, Any],
    satisfied_by: dict[str, Any],
    *,
    id_: str = "referral.decision",
    timescale: dict[str, int] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    rule_extra = {k: extra.pop(k) for k in ("when", "in_force_from", "overrides") if k in extra}
    return {
        "name": name,
        "match": match,
        **rule_extra,
        "then": {
            "obligation": {
                "id": id_,
                "actor": "local_authority",
                "modality": "should",
                "timescale": timescale if timescale is not None else {"working_days": 5},
                "satisfied_by": satisfied_by,
                **extra,
            }
        },
    }


# --- case records -----------------------------------------------------------------------


class Chooser(Protocol):
    """Where a generated case's decisions come from."""

    def integer(self, low: int, high: int) -> int: ...

    def choice(self, options: Sequence[T]) -> T: ...

    def chance(self, probability: float) -> bool: ...


class RandomChooser:
    """Decisions from a seeded ``random.Random`` (repeatable, weighted)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability


class DrawChooser:
    """Decisions from hypothesis (which shrinks them; probabilities become yes/no)."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def choice(self, options: Sequence[T]) -> T:
        return self.draw(st.sampled_from(options))

    def chance(self, probability: float) -> bool:
        return self.draw(st.booleans())


def realistic_case(
    pick: Chooser,
    index: int = 0,
    *,
    reviews: int | None = None,
    first: dt.date = dt.date(2024, 1, 1),
    days: int = 365,
) -> dict[str, Any]:
    """One case record as a case system would hold it: a referral, its decision, often an
    assessment, sometimes an enquiry and a plan with reviews (``reviews`` fixes their
    number and keeps them weeks apart), allocations and sign-offs along the way."""
    day = first + dt.timedelta(days=pick.integer(0, days))
    events: list[dict[str, Any]] = []

    def add(event_type: str, gap: int, **fields: Any) -> None:
        nonlocal day
        day += dt.timedelta(days=pick.integer(0, gap))
        events.append({"type": event_type, "date": day.isoformat(), **fields})

    def person(roles: list[str]) -> dict[str, Any]:
        return {"role": pick.choice(roles), "social_work_qualified": pick.chance(0.6)}

    add("referral", 0)
    response = pick.choice(["assessment", "strategy_discussion", "early_help", "no_further_action"])
    add("referral_decision", 2, response=response)
    if response == "early_help":
        add("allocation", 5, stage="early_help", practitioner=person(ROLES))
    if response in {"assessment", "strategy_discussion"}:
        add("assessment_started", 3, kind="single")
        add("allocation", 2, stage="s17", practitioner=person(ROLES), supervisor=person(MANAGERS))
        add("sign_off", 2, subject="allocation", by=person(MANAGERS))
        add("child_seen", 10, alone=pick.chance(0.5))
        if pick.chance(0.8):
            add("assessment_completed", 70, kind="single")
            add("sign_off", 5, subject="assessment", by=person(MANAGERS))
    plan = reviews is not None or (response == "strategy_discussion" and pick.chance(0.7))
    if plan:
        add("strategy_discussion", 5, initiates_s47=True)
        add("s47_started", 1)
        add("allocation", 1, stage="s47", practitioner=person(["social_worker"]))
        add("s47_completed", 15, outcome="icpc")
        add("icpc", 10, outcome="cp_plan")
        add("cp_plan_started", 0)
        add("core_group_meeting", 10)
        count = reviews if reviews is not None else pick.integer(0, 3)
        for number in range(count):
            # a long plan reviews every few weeks, so 200 reviews stay inside the calendar
            ending = reviews is None and number == count - 1 and pick.chance(0.3)
            outcome = "end_plan" if ending else "continue"
            add("review_conference", 180 if reviews is None else 40, outcome=outcome)
            if ending:
                add("cp_plan_ended", 0)
            else:
                add("core_group_meeting", 30 if reviews is None else 5)
    elif pick.chance(0.3):
        add("cin_plan_started", 20)
        add("sign_off", 5, subject="cin_plan", by=person(MANAGERS))
    return {"case_id": f"case-{index}", "child": {"disabled": pick.chance(0.1)}, "events": events}


def spread(record: dict[str, Any], first: dt.date, last: dt.date) -> dict[str, Any]:
    """``record`` with its events re-dated evenly over ``first`` … ``last``, order kept
    (to keep a long generated case inside one edition)."""
    events = record["events"]
    span = (last - first).days
    for index, event in enumerate(events):
        event["date"] = (first + dt.timedelta(days=index * span // len(events))).isoformat()
    return record


def random_cases(count: int, seed: int = 2024, **options: Any) -> list[dict[str, Any]]:
    """``count`` repeatable realistic cases."""
    pick = RandomChooser(random.Random(seed))
    return [realistic_case(pick, index, **options) for index in range(count)]


def example_case(name: str) -> dict[str, Any]:
    """One of ``examples/cases/*.json`` as a dict."""
    data: dict[str, Any] = json.loads((EXAMPLES / "cases" / name).read_text("utf-8"))
    return data


# --- one event of any type -----------------------------------------------------------------

_PERSON = {"role": "social_worker", "social_work_qualified": True}


def _filled(annotation: Any) -> Any:
    """A valid value for a required event field (the first choice of a Literal ...)."""
    import typing

    from pydantic import BaseModel

    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)[0]
    if annotation is bool:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return dict(_PERSON)
    for arg in typing.get_args(annotation):
        if arg is not type(None):
            return _filled(arg)
    raise AssertionError(f"no filler for {annotation!r}")


def minimal_event(kind: str, day: dt.date) -> dict[str, Any]:
    """An event of type ``kind`` on ``day`` with every required field filled in."""
    import typing

    from wtguidance.case.events import Event

    models = typing.get_args(typing.get_args(Event)[0])
    (model,) = [m for m in models if typing.get_args(m.model_fields["type"].annotation)[0] == kind]
    event: dict[str, Any] = {"type": kind, "date": day.isoformat()}
    for name, spec in model.model_fields.items():
        if name not in event and spec.is_required():
            event[name] = _filled(spec.annotation)
    return event
