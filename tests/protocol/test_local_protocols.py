"""Local protocols v1.1 (DESIGN §8): local obligations, their units, repeating clocks,
checks that they never loosen a national duty, a protocol judged under another edition,
and YAML errors that name where a broken construct began."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _helpers import run_cli
from wtguidance._pack.model import Timescale
from wtguidance.case import Case, parse_case_obj
from wtguidance.errors import CaseError
from wtguidance.evaluation import Evaluator
from wtguidance.protocol import protocol_overlay, validate_protocol, validate_protocol_text
from wtguidance.protocol.edition_checks import compare_limits

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "protocols" / "exampleshire-2023-local-obligations.yaml"
OXFORDSHIRE_2013 = ROOT / "examples" / "protocols" / "oxfordshire-style-2013.yaml"

HEAD = """protocol: wtguidance/local-protocol/v1
authority: Testshire
edition: "2023"
published: "2024-04-01"
timescales:
  child.seen: {working_days: 5}
lead_practitioners:
  s47: {roles: [social_worker]}
sign_offs:
  assessment.approve: {roles: [team_manager]}
"""


def protocol(local: str, head: str = HEAD) -> str:
    return head + "local_obligations:\n" + local


def outcome(text: str, events: list[dict[str, Any]], as_of: str = "2024-12-01") -> Any:
    report = validate_protocol_text(text, "p.yaml")
    assert report.valid, [f.message for f in report.findings]
    record = Case.model_validate({"case_id": "t", "child": {}, "events": events})
    evaluator = Evaluator.create(overlay=protocol_overlay(report))
    return evaluator.evaluate(record, as_of=dt.date.fromisoformat(as_of))


def local(result: Any, local_id: str) -> list[tuple[str, str | None, str, str | None]]:
    return [
        (
            o.clock.date.isoformat(),
            o.due.isoformat() if o.due else None,
            o.status,
            o.satisfied_on.isoformat() if o.satisfied_on else None,
        )
        for o in result.obligations
        if o.id == local_id
    ]


def ev(event_type: str, date: str, **fields: Any) -> dict[str, Any]:
    return {"type": event_type, "date": date, **fields}


CONVENE = """  local.strategy_discussion.convene:
    summary: A strategy discussion is held within one working day of a decision to hold one.
    trigger: {event: referral_decision, where: {response: strategy_discussion}}
    satisfied_by: {event: strategy_discussion}
    timescale: {working_days: 1}
"""

SEEN_24H = """  local.child_seen.after_strategy_discussion:
    summary: The child is seen within 24 hours of a strategy discussion starting s47 enquiries.
    trigger: {event: strategy_discussion, where: {initiates_s47: true}}
    satisfied_by: {event: child_seen}
    timescale: {hours: 24}
    tightens: child.seen
"""

VISITS = """  local.statutory_visit:
    summary: While a plan lasts, the child is visited at least every 10 working days.
    trigger: {event: cp_plan_started}
    satisfied_by: {event: visit}
    timescale: {working_days: 10}
    repeat: {every: {working_days: 10}, until: [{event: cp_plan_ended}]}
"""


# --- local obligations, each unit: met, late, overdue ----------------------------------------


def test_working_days_met_late_and_overdue() -> None:
    events = [
        # Fri 2024-03-01 + 1 WD = Mon 03-04
        ev("referral_decision", "2024-03-01", response="strategy_discussion"),
        ev("strategy_discussion", "2024-03-04", initiates_s47=False),
        # Mon 2024-03-25 + 1 WD = Tue 03-26; held Wed 03-27: late
        ev("referral_decision", "2024-03-25", response="strategy_discussion"),
        ev("strategy_discussion", "2024-03-27", initiates_s47=False),
        # Thu 2024-11-28 + 1 WD = Fri 11-29; none held by 12-01: overdue
        ev("referral_decision", "2024-11-28", response="strategy_discussion"),
    ]
    result = outcome(protocol(CONVENE), events)
    assert local(result, "local.strategy_discussion.convene") == [
        ("2024-03-01", "2024-03-04", "met", "2024-03-04"),
        ("2024-03-25", "2024-03-26", "met_late", "2024-03-27"),
        ("2024-11-28", "2024-11-29", "overdue", None),
    ]
    (entry,) = [t for t in result.timescales if t.obligation.startswith("local.")]
    assert (entry.source, entry.edition, entry.from_) == ("local", "2023", "referral_decision")
    (item,) = [o for o in result.obligations if o.clock.date == dt.date(2024, 3, 1)][:1]
    assert item.citation.section == "Local protocol of Testshire"


def test_calendar_days_count_weekends() -> None:
    text = protocol(
        """  local.plan.written:
    summary: The child protection plan is written up within 3 calendar days of the conference.
    trigger: {event: icpc, where: {outcome: cp_plan}}
    satisfied_by: {event: cp_plan_started}
    timescale: {calendar_days: 3}
"""
    )
    events = [
        # Fri 2024-03-01 + 3 calendar days = Mon 03-04 (working days would give Wed 03-06)
        ev("icpc", "2024-03-01", outcome="cp_plan"),
        ev("cp_plan_started", "2024-03-05"),
    ]
    assert local(outcome(text, events), "local.plan.written") == [
        ("2024-03-01", "2024-03-04", "met_late", "2024-03-05")
    ]


@pytest.mark.parametrize(
    ("discussion", "seen", "expected", "finding"),
    [
        # with times: counted in hours
        (("2024-03-05", "10:00"), ("2024-03-06", "09:30"), ("met", "2024-03-06"), False),
        (("2024-03-05", "10:00"), ("2024-03-06", "10:00"), ("met", "2024-03-06"), False),
        (("2024-03-05", "10:00"), ("2024-03-06", "10:01"), ("met_late", "2024-03-06"), False),
        (("2024-03-05", "16:00"), ("2024-03-07", "09:00"), ("met_late", "2024-03-07"), False),
        (("2024-03-05", "10:00"), None, ("overdue", None), False),
        # without a time on either side: judged by the date, with a finding
        (("2024-03-05", None), ("2024-03-06", "23:00"), ("met", "2024-03-06"), True),
        (("2024-03-05", "10:00"), ("2024-03-06", None), ("met", "2024-03-06"), True),
        (("2024-03-05", None), ("2024-03-07", None), ("met_late", "2024-03-07"), True),
    ],
)
def test_hours_with_and_without_a_time_of_day(
    discussion: tuple[str, str | None],
    seen: tuple[str, str | None] | None,
    expected: tuple[str, str | None],
    finding: bool,
) -> None:
    events = [ev("strategy_discussion", discussion[0], initiates_s47=True)]
    if discussion[1]:
        events[0]["time"] = discussion[1]
    if seen:
        events.append(ev("child_seen", seen[0], alone=True))
        if seen[1]:
            events[-1]["time"] = seen[1]
    result = outcome(protocol(SEEN_24H), events)
    ((_clock, due, status, done),) = local(result, "local.child_seen.after_strategy_discussion")
    assert (status, done) == expected
    assert due == "2024-03-06"
    codes = [f.code for f in result.findings]
    assert ("hours-judged-by-date" in codes) is finding
    (item,) = [o for o in result.obligations if o.id.startswith("local.child_seen")]
    if not finding:
        assert item.due_at == dt.datetime(2024, 3, 6, int(discussion[1][:2]), 0)  # type: ignore[index]
    assert item.model_dump(mode="json").get("due_at") == (
        None if finding else item.due_at.isoformat()  # type: ignore[union-attr]
    )


def test_a_repeating_clock_for_visits_while_a_plan_lasts() -> None:
    events = [
        ev("cp_plan_started", "2024-03-20"),
        ev("visit", "2024-03-28"),  # due Apr 5 (+10 WD from Mar 20, Easter skipped): met
        ev("visit", "2024-04-15"),  # due Apr 15 (+10 WD from Mar 28): met on the day
        ev("visit", "2024-05-03"),  # due Apr 29 (+10 WD from Apr 15): late
        # +10 WD from May 3 (May 6 holiday) = May 20: never visited, overdue before the end
        ev("cp_plan_ended", "2024-06-20"),
    ]
    assert local(outcome(protocol(VISITS), events), "local.statutory_visit") == [
        ("2024-03-20", "2024-04-05", "met", "2024-03-28"),
        ("2024-03-28", "2024-04-15", "met", "2024-04-15"),
        ("2024-04-15", "2024-04-29", "met_late", "2024-05-03"),
        ("2024-05-03", "2024-05-20", "overdue", None),
    ]


def test_a_plan_that_ends_before_the_next_visit_falls_due_ends_the_chain() -> None:
    events = [
        ev("cp_plan_started", "2024-03-20"),
        ev("visit", "2024-03-28"),
        ev("cp_plan_ended", "2024-04-05"),  # before the next visit is due (Apr 15)
        ev("visit", "2024-06-03"),  # after the plan: not a statutory visit under it
    ]
    assert local(outcome(protocol(VISITS), events), "local.statutory_visit") == [
        ("2024-03-20", "2024-04-05", "met", "2024-03-28"),
    ]


def test_a_running_clock_is_pending_until_its_due_date() -> None:
    events = [ev("cp_plan_started", "2024-11-25"), ev("visit", "2024-11-28")]
    assert local(outcome(protocol(VISITS), events), "local.statutory_visit") == [
        ("2024-11-25", "2024-12-09", "met", "2024-11-28"),
        ("2024-11-28", "2024-12-12", "pending", None),
    ]


def test_the_shipped_example_with_local_obligations() -> None:
    report = validate_protocol(EXAMPLE)
    assert report.valid, [f.message for f in report.findings]
    overlay = protocol_overlay(report)
    assert {r.id for r in overlay.rules} == {
        "local.child_seen.after_strategy_discussion",
        "local.strategy_discussion.convene",
        "local.statutory_visit",
    }
    assert all(r.citation.url.startswith("https://") for r in overlay.rules)


def test_local_obligations_through_the_cli(tmp_path: Path) -> None:
    record = {
        "case_id": "cli",
        "child": {},
        "events": [
            ev("referral", "2024-03-04", time="09:00"),
            ev("referral_decision", "2024-03-04", time="15:00", response="strategy_discussion"),
            ev("strategy_discussion", "2024-03-05", time="11:00", initiates_s47=True),
            ev("child_seen", "2024-03-06", time="12:00", alone=True),
        ],
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    code, out, err = run_cli(
        "evaluate",
        str(path),
        "--protocol",
        str(EXAMPLE),
        "--as-of",
        "2024-04-01",
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    seen = [
        o for o in data["obligations"] if o["id"] == "local.child_seen.after_strategy_discussion"
    ]
    assert [(o["status"], o["due_at"], o["satisfied_at"]) for o in seen] == [
        ("met_late", "2024-03-06T11:00:00", "2024-03-06T12:00:00")
    ]
    decision = [o for o in data["obligations"] if o["id"] == "referral.decision"]
    assert [(o["due_at"], o["status"]) for o in decision] == [("2024-03-05T09:00:00", "met")]


# --- validation: never looser, did-you-mean, ids ----------------------------------------------


def findings(text: str) -> list[tuple[str, str, str]]:
    report = validate_protocol_text(text, "p.yaml")
    return [(f.code, f.path, f.message) for f in report.findings]


@pytest.mark.parametrize(
    ("limit", "code"),
    [
        ("{working_days: 10}", None),
        ("{working_days: 15}", None),
        ("{working_days: 16}", "timescale-looser-than-statute"),
        ("{calendar_days: 15}", None),  # 15 calendar days never exceed 15 working days
        ("{hours: 360}", None),  # 15 x 24 hours
        ("{hours: 361}", "timescale-unit-mismatch"),  # might or might not be longer
        ("{calendar_days: 60}", "timescale-looser-than-statute"),  # longer whatever the dates
        ("{months: 1}", "timescale-unit-mismatch"),
    ],
)
def test_a_local_obligation_never_loosens_the_national_one(limit: str, code: str | None) -> None:
    text = protocol(
        f"""  local.icpc.early:
    summary: The initial conference meets soon after the discussion that starts enquiries.
    trigger: {{event: strategy_discussion, where: {{initiates_s47: true}}}}
    satisfied_by: {{event: icpc}}
    timescale: {limit}
"""
    )
    found = findings(text)
    if code is None:
        assert found == []
    else:
        ((got, path, message),) = found
        assert (got, path) == (code, "/local_obligations/local.icpc.early/timescale")
        assert "refining icpc.hold" in message


def test_tightens_names_an_obligation_of_the_edition() -> None:
    text = protocol(SEEN_24H.replace("tightens: child.seen", "tightens: child.sen"))
    ((code, path, _),) = findings(text)
    assert (code, path) == (
        "unknown-obligation",
        "/local_obligations/local.child_seen.after_strategy_discussion/tightens",
    )
    report = validate_protocol_text(text, "p.yaml")
    assert report.findings[0].hint == "did you mean 'child.seen'?"


def test_tightening_a_limited_national_duty_checks_the_number() -> None:
    text = protocol(
        SEEN_24H.replace("tightens: child.seen", "tightens: referral.decision").replace(
            "{hours: 24}", "{hours: 48}"
        )
    )
    ((code, _, message),) = findings(text)
    assert code == "timescale-unit-mismatch"
    assert "48 hours" in message
    assert "1 working day" in message


@pytest.mark.parametrize(
    ("replace", "code", "hint"),
    [
        ("{event: child_seen}", "unknown-event", "did you mean 'child_seen'?"),
        ("initiates_s47: true", "unknown-field", "did you mean 'initiates_s47'?"),
    ],
)
def test_unknown_events_and_fields_get_a_did_you_mean(replace: str, code: str, hint: str) -> None:
    broken = {"{event: child_seen}": "{event: child_sen}", "initiates_s47: true": "inits47: true"}
    text = protocol(SEEN_24H.replace(replace, broken[replace]))
    report = validate_protocol_text(text, "p.yaml")
    (finding,) = report.findings
    assert (finding.code, finding.hint) == (code, hint)
    assert finding.line >= 12  # points into the local obligation, not the top of the file


def test_a_local_id_must_start_with_local() -> None:
    text = protocol(CONVENE.replace("local.strategy_discussion.convene", "strategy.convene"))
    ((code, path, _),) = findings(text)
    assert code == "schema"
    assert path.startswith("/local_obligations")


def test_a_timescale_needs_exactly_one_unit() -> None:
    text = protocol(CONVENE.replace("{working_days: 1}", "{working_days: 1, hours: 24}"))
    ((code, _, message),) = findings(text)
    assert code == "schema"
    assert "exactly one" in message


@given(st.integers(1, 60), st.integers(1, 60))
def test_compare_limits_across_units(n: int, m: int) -> None:
    national = Timescale(working_days=m)
    hours = compare_limits(Timescale(hours=24 * n), national)
    days = compare_limits(Timescale(calendar_days=n), national)
    if n <= m:
        assert hours == days == "tighter"
    else:
        assert hours != "tighter"
        assert days != "tighter"
    assert compare_limits(Timescale(working_days=n), national) == (
        "tighter" if n <= m else "looser"
    )


# --- a protocol written for another edition ---------------------------------------------------


def test_a_2013_protocol_on_a_2023_case_says_it_was_not_applied() -> None:
    report = validate_protocol(OXFORDSHIRE_2013)
    assert report.valid
    record = Case.model_validate(
        {
            "case_id": "t",
            "child": {},
            "events": [
                ev("referral", "2024-03-04"),
                ev("referral_decision", "2024-03-05", response="assessment"),
            ],
        }
    )
    result = Evaluator.create(overlay=protocol_overlay(report)).evaluate(
        record, as_of=dt.date(2024, 6, 1)
    )
    (finding,) = [f for f in result.findings if f.code == "protocol-edition-not-governing"]
    assert "written for edition 2013" in finding.message
    assert "not applied at all" in finding.message
    assert all(t.source != "local" for t in result.timescales)


def test_a_protocol_applies_only_where_its_edition_governs() -> None:
    report = validate_protocol(OXFORDSHIRE_2013)
    record = Case.model_validate(
        {
            "case_id": "t",
            "child": {},
            "events": [ev("referral", "2015-03-02"), ev("referral", "2015-06-01")],
        }
    )
    result = Evaluator.create(overlay=protocol_overlay(report)).evaluate(
        record, as_of=dt.date(2015, 9, 1)
    )
    (finding,) = [f for f in result.findings if f.code == "protocol-edition-not-governing"]
    assert "applied only to what edition 2013 governs" in finding.message


def test_pinning_another_edition_is_reported_too() -> None:
    report = validate_protocol(EXAMPLE)
    record = Case.model_validate(
        {"case_id": "t", "child": {}, "events": [ev("referral", "2024-03-04")]}
    )
    result = Evaluator.create(overlay=protocol_overlay(report)).evaluate(
        record, edition="2018", as_of=dt.date(2024, 6, 1)
    )
    assert "protocol-edition-not-governing" in [f.code for f in result.findings]
    assert not [o for o in result.obligations if o.id.startswith("local.")]


def test_the_cli_reports_it_for_evaluate_protocol(tmp_path: Path) -> None:
    record = {"case_id": "cli", "child": {}, "events": [ev("referral", "2024-03-04")]}
    path = tmp_path / "case.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    code, out, _ = run_cli(
        "evaluate",
        str(path),
        "--protocol",
        str(OXFORDSHIRE_2013),
        "--as-of",
        "2024-04-01",
        "--format",
        "json",
    )
    assert code == 0
    assert "protocol-edition-not-governing" in [f["code"] for f in json.loads(out)["findings"]]


# --- YAML errors name where the broken construct began ----------------------------------------


@pytest.mark.parametrize(
    ("broken", "began", "clue"),
    [
        ("  child.seen: {working_days: 5\n", (6, 15), "'{'"),
        ("  child.seen: [5\n", (6, 15), "'['"),
    ],
)
def test_a_yaml_error_names_where_the_construct_began(
    broken: str, began: tuple[int, int], clue: str
) -> None:
    text = HEAD.replace("  child.seen: {working_days: 5}\n", broken)
    report = validate_protocol_text(text, "p.yaml")
    (finding,) = report.findings
    assert finding.code == "invalid-yaml"
    assert finding.line > began[0]  # where parsing failed
    assert f"began at line {began[0]}, column {began[1]}" in finding.message
    assert clue in (finding.hint or "")


def test_a_pack_yaml_error_names_where_the_construct_began(tmp_path: Path) -> None:
    from wtguidance.editions import load_pack_dir
    from wtguidance.errors import PackSyntaxError

    root = tmp_path / "2023"
    root.mkdir()
    (root / "pack.yaml").write_text(
        "schema: wtguidance/rule-pack/v1\nedition: '2023'\nsources: [\n  {title: x}\ntitle: y\n",
        encoding="utf-8",
    )
    with pytest.raises(PackSyntaxError) as caught:
        load_pack_dir(root)
    assert "began at line 3, column 10" in caught.value.message
    assert caught.value.location is not None
    assert caught.value.location.line == 5


# --- times of day on events -------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["9:30", "24:00", "12:60", "12.30", "noon", 930])
def test_a_time_of_day_is_hh_mm(bad: object) -> None:
    record = {"case_id": "t", "child": {}, "events": [ev("visit", "2024-03-04", time=bad)]}
    with pytest.raises(CaseError):
        parse_case_obj(record)
