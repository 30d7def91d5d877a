"""Verdicts in one place (issue 18): a protocol tightens its edition once, reaches every
command, and every document's summary is counted from its own outcomes."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import cin_builder as cb
from _helpers import EXAMPLES, ROOT, run_cli
from wtguidance import Evaluator, evaluate, protocol_overlay, validate_protocol
from wtguidance.calendar import WorkingCalendar
from wtguidance.case import parse_case_json
from wtguidance.caseload import Settings, evaluate_cases, evaluate_one
from wtguidance.editions import shipped_editions
from wtguidance.errors import UsageError
from wtguidance.overlay import Overlay

CALENDAR = WorkingCalendar()
LOCAL_DUTIES = EXAMPLES / "protocols" / "exampleshire-2023-local-obligations.yaml"
EXAMPLESHIRE = EXAMPLES / "protocols" / "exampleshire-2023.yaml"
CASES = sorted((EXAMPLES / "cases").glob("*.json"))


def _protocol(tmp_path: Path, *, assessment: int, icpc: int, closures: list[str]) -> Path:
    """Exampleshire's protocol with the assessment and ICPC limits and closures given."""
    text = EXAMPLESHIRE.read_text(encoding="utf-8")
    text = text.replace(
        "assessment.complete: {working_days: 35}",
        f"assessment.complete: {{working_days: {assessment}}}",
    )
    text = text.replace("icpc.hold: {working_days: 15}", f"icpc.hold: {{working_days: {icpc}}}")
    days = ", ".join(f'"{d}"' for d in closures)
    text = text.replace('non_working_days: ["2024-12-27"]', f"non_working_days: [{days}]")
    text = text.replace(
        "counting: {weekend_or_holiday_trigger: next_working_day}",
        "counting: {weekend_or_holiday_trigger: same_day}",
    )
    path = tmp_path / f"council-{assessment}-{icpc}-{len(closures)}.yaml"
    path.write_text(text, encoding="utf-8")
    assert validate_protocol(path).valid, validate_protocol(path).summary()
    return path


def _overlay(path: Path) -> Overlay:
    return protocol_overlay(validate_protocol(path))


def _json(outcome: Any) -> str:
    return str(outcome.model_dump_json())


# -- one construction path ----------------------------------------------------------------
@pytest.mark.parametrize("protocol", [LOCAL_DUTIES, EXAMPLESHIRE], ids=lambda p: p.stem)
@pytest.mark.parametrize("case_path", CASES, ids=lambda p: p.stem)
def test_every_public_way_of_building_gives_identical_outcomes(
    protocol: Path, case_path: Path
) -> None:
    case = parse_case_json(case_path.read_text("utf-8"))
    overlay = _overlay(protocol)
    editions = shipped_editions()
    day = dt.date(2025, 12, 15)
    ways = [
        Evaluator(editions, overlay),
        Evaluator.create(editions, overlay),
        Evaluator(editions.tightened_by(overlay)),
        Evaluator.create(editions.tightened_by(overlay)),
        Evaluator(editions.tightened_by(overlay), overlay),  # the same protocol twice: once
    ]
    outcomes = {_json(way.evaluate(case, as_of=day)) for way in ways}
    outcomes.add(_json(evaluate(case, as_of=day, overlay=overlay)))
    outcomes.add(_json(evaluate(case, as_of=day, editions=editions, overlay=overlay)))
    outcomes.add(_json(evaluate_one(case, Settings(day, overlay=overlay))))
    outcomes.add(_json(next(evaluate_cases([case], as_of=day, overlay=overlay))))
    assert len(outcomes) == 1
    assert '"protocol":{"authority":"Exampleshire County Council"' in outcomes.pop()


def test_local_duties_survive_direct_construction() -> None:
    case = parse_case_json((EXAMPLES / "cases" / "cp-pathway.json").read_text("utf-8"))
    outcome = Evaluator(shipped_editions(), _overlay(LOCAL_DUTIES)).evaluate(
        case, as_of=dt.date(2024, 6, 1)
    )
    local = [o for o in outcome.obligations if o.id.startswith("local.")]
    assert {o.id for o in local} == {
        "local.child_seen.after_strategy_discussion",
        "local.statutory_visit",
        "local.strategy_discussion.convene",
    }
    for item in local:
        assert item.timescale_source == "local"
        assert item.citation.protocol is not None
        assert item.citation.protocol.authority == "Exampleshire County Council"
        assert item.citation.protocol.published == dt.date(2024, 4, 1)


def test_a_second_different_protocol_is_refused(tmp_path: Path) -> None:
    once = shipped_editions().tightened_by(_overlay(EXAMPLESHIRE))
    with pytest.raises(UsageError) as caught:
        once.tightened_by(_overlay(LOCAL_DUTIES))
    assert caught.value.code == "bad-argument"
    with pytest.raises(UsageError):
        Evaluator(once, _overlay(LOCAL_DUTIES))
    with pytest.raises(UsageError):
        shipped_editions().tightened_by("council.yaml")  # type: ignore[arg-type]


def test_applying_a_protocol_leaves_the_editions_it_came_from_unchanged() -> None:
    editions = shipped_editions()
    before = [p.pack for p in editions.packs]
    tightened = editions.tightened_by(_overlay(EXAMPLESHIRE))
    assert [p.pack for p in editions.packs] == before
    assert editions.protocol is None
    assert tightened.protocol is not None
    assert tightened.get("2018") is editions.get("2018")  # other editions shared as they are


# -- closure days never move a national deadline ---------------------------------------------
def _every_weekday(year: int) -> list[str]:
    day, days = dt.date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5:
            days.append(day.isoformat())
        day += dt.timedelta(days=1)
    return days


@pytest.mark.parametrize("case_path", CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("year", [2024, 2025])
def test_a_year_of_closure_days_leaves_every_national_due_date(
    tmp_path: Path, case_path: Path, year: int
) -> None:
    text = LOCAL_DUTIES.read_text(encoding="utf-8") + (
        "non_working_days: [" + ", ".join(f'"{d}"' for d in _every_weekday(year)) + "]\n"
    )
    closed = tmp_path / "closed.yaml"
    closed.write_text(text, encoding="utf-8")
    report = validate_protocol(closed)
    assert report.valid
    assert [f.code for f in report.findings if f.code == "too-many-non-working-days"] == [
        "too-many-non-working-days"
    ]
    case = parse_case_json(case_path.read_text("utf-8"))
    day = dt.date(2026, 1, 15)
    open_ = Evaluator.create(overlay=_overlay(LOCAL_DUTIES)).evaluate(case, as_of=day)
    shut = Evaluator.create(overlay=_overlay(closed)).evaluate(case, as_of=day)

    def national(outcome: Any) -> list[tuple[str, dt.date, dt.date | None]]:
        return [
            (o.id, o.clock.date, o.due)
            for o in outcome.obligations
            if o.timescale_source != "local"
        ]

    assert national(shut) == national(open_)
    plain = evaluate(case, as_of=day)
    assert [
        (o.id, o.clock.date, o.due)
        for o in plain.obligations
        if o.id in {n for n, _c, _d in national(shut)}
    ] == national(shut)


def test_closure_days_lengthen_local_duties_only_and_a_tightened_duty_never_passes_national(
    tmp_path: Path,
) -> None:
    case = parse_case_json((EXAMPLES / "cases" / "s17-met.json").read_text("utf-8"))
    referral = dt.date(2024, 1, 5)
    for closures in ([], ["2024-01-08"], ["2024-01-08", "2024-02-01"], _every_weekday(2024)[:30]):
        path = _protocol(tmp_path, assessment=40, icpc=15, closures=closures)
        outcome = Evaluator.create(overlay=_overlay(path)).evaluate(case, as_of=dt.date(2024, 3, 1))
        item = next(o for o in outcome.obligations if o.id == "assessment.complete")
        local = CALENDAR.with_extra_non_working(
            dt.date.fromisoformat(d) for d in closures
        ).add_working_days(referral, 40)
        national = CALENDAR.add_working_days(referral, 45)
        assert item.due == min(local, national)
        assert item.timescale is not None
        assert item.timescale.working_days == 40
        assert item.national_timescale is not None
        assert item.national_timescale.working_days == 45
        decision = next(o for o in outcome.obligations if o.id == "referral.decision")
        assert decision.due == CALENDAR.add_working_days(referral, 1)


# -- every command takes the protocol -----------------------------------------------------------
def _census(tmp_path: Path) -> Path:
    """Children whose assessment and ICPC fall between a council's limits and the national."""
    children = [
        # met nationally (45 WD: 2024-03-08), late under 35 WD (2024-02-23)
        cb.child(
            cb.episode("2024-01-05", cb.assessment("2024-01-08", "2024-03-05")), child_id="A1"
        ),
        # open: pending nationally on 2024-03-01, overdue under 35 WD
        cb.child(cb.episode("2024-01-05", cb.assessment("2024-01-08")), child_id="A2"),
        # met under both
        cb.child(
            cb.episode("2024-01-05", cb.assessment("2024-01-08", "2024-01-30")), child_id="A3"
        ),
        # ICPC 12 working days after the enquiry began: met at 15, late at 10
        cb.child(cb.episode("2024-01-10", cb.s47("2024-01-11", icpc="2024-01-29")), child_id="S1"),
        # ICPC not yet held on 2024-03-01 for an enquiry of 2024-02-19: pending / overdue
        cb.child(cb.episode("2024-02-16", cb.s47("2024-02-19")), child_id="S2"),
    ]
    path = tmp_path / "census.xml"
    path.write_bytes(cb.census(*children))
    return path


def _statuses(document: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str | None]]:
    found = {}
    for outcome in document["outcomes"]:
        for item in outcome["obligations"]:
            if item["id"] in ("assessment.complete", "icpc.hold"):
                found[(outcome["case_id"].split("/")[0], item["id"])] = (
                    item["status"],
                    item["due"],
                )
    return found


def test_cin_census_under_a_council_protocol_changes_exactly_the_expected_items(
    tmp_path: Path,
) -> None:
    census = _census(tmp_path)
    protocol = _protocol(tmp_path, assessment=35, icpc=10, closures=[])
    args = ["cin-census", str(census), "--as-of", "2024-03-06", "--format", "json"]
    code, plain_out, err = run_cli(*args)
    assert code == 0, err
    code, local_out, err = run_cli(*args, "--protocol", str(protocol))
    assert code == 0, err
    plain, local = json.loads(plain_out), json.loads(local_out)
    before, after = _statuses(plain), _statuses(local)
    assessment35 = str(CALENDAR.add_working_days(dt.date(2024, 1, 5), 35))
    assert before[("A1", "assessment.complete")] == ("met", "2024-03-08")
    assert after[("A1", "assessment.complete")] == ("met_late", assessment35)
    assert before[("A2", "assessment.complete")] == ("pending", "2024-03-08")
    assert after[("A2", "assessment.complete")] == ("overdue", assessment35)
    assert before[("A3", "assessment.complete")] == ("met", "2024-03-08")
    assert after[("A3", "assessment.complete")] == ("met", assessment35)
    changed = {key for key in before if before[key] != after[key]}
    assert ("A3", "assessment.complete") in changed  # its due date moved, its status did not
    assert {key for key in changed if key[1] == "assessment.complete"} == {
        ("A1", "assessment.complete"),
        ("A2", "assessment.complete"),
        ("A3", "assessment.complete"),
    }
    assert plain["summary"]["protocol"] is None
    assert local["summary"]["protocol"]["authority"] == "Exampleshire County Council"
    limits = {row["obligation"]: row for row in local["summary"]["limits"]}
    assert limits["assessment.complete"]["timescale"] == {"working_days": 35}
    assert limits["assessment.complete"]["national_timescale"] == {"working_days": 45}
    assert limits["assessment.complete"]["source"] == "local"
    for key in ("A1", "A2", "A3", "S1", "S2"):
        assert any(k[0] == key for k in after)
    # the human report names the protocol and shows both limits
    code, text, _ = run_cli(*args[:-2], "--protocol", str(protocol))
    assert code == 0
    assert "Exampleshire County Council" in text
    assert "35 working days" in text
    assert "45 working days" in text


def test_icpc_limit_tightened_in_batch_and_census_alike(tmp_path: Path) -> None:
    census = _census(tmp_path)
    protocol = _protocol(tmp_path, assessment=35, icpc=10, closures=[])
    code, out, err = run_cli(
        "cin-census",
        str(census),
        "--as-of",
        "2024-03-06",
        "--format",
        "json",
        "--protocol",
        str(protocol),
    )
    assert code == 0, err
    after = _statuses(json.loads(out))
    icpc10 = str(CALENDAR.add_working_days(dt.date(2024, 1, 11), 10))
    assert after[("S1", "icpc.hold")] == ("met_late", icpc10)
    icpc15 = str(CALENDAR.add_working_days(dt.date(2024, 2, 19), 15))
    icpc10_open = str(CALENDAR.add_working_days(dt.date(2024, 2, 19), 10))
    assert icpc10_open < "2024-03-06" <= icpc15
    assert after[("S2", "icpc.hold")] == ("overdue", icpc10_open)
    code, out, err = run_cli("cin-census", str(census), "--as-of", "2024-03-06", "--format", "json")
    before = _statuses(json.loads(out))
    assert before[("S1", "icpc.hold")][0] == "met"
    assert before[("S2", "icpc.hold")] == ("pending", icpc15)


def test_batch_takes_the_protocol(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        "\n".join(json.dumps(json.loads(p.read_text("utf-8"))) for p in CASES) + "\n",
        encoding="utf-8",
    )
    code, plain, err = run_cli("batch", str(cases), "--as-of", "2025-12-15")
    assert code == 0, err
    code, local, err = run_cli(
        "batch", str(cases), "--as-of", "2025-12-15", "--protocol", str(LOCAL_DUTIES)
    )
    assert code == 0, err
    rows = [json.loads(line) for line in local.splitlines()]
    assert len(rows) == len(CASES)
    assert all(row["protocol"]["authority"] == "Exampleshire County Council" for row in rows)
    assert all("protocol" not in json.loads(line) for line in plain.splitlines())
    overlay = _overlay(LOCAL_DUTIES)
    for path, row in zip(CASES, rows, strict=True):
        case = parse_case_json(path.read_text("utf-8"))
        expected = Evaluator.create(overlay=overlay).evaluate(case, as_of=dt.date(2025, 12, 15))
        assert row == json.loads(expected.model_dump_json())


@pytest.mark.parametrize("command", ["batch", "cin-census", "annex-a", "evaluate", "diff"])
@pytest.mark.parametrize("bad", ["unknown-role", "invalid-yaml", "timescale-looser-than-statute"])
def test_an_invalid_protocol_is_refused_before_any_record_is_read(
    tmp_path: Path, command: str, bad: str
) -> None:
    protocol = f"examples/protocols/invalid/{bad}.yaml"
    inputs = {
        "batch": [str(tmp_path / "cases.jsonl"), "--as-of", "2024-03-01"],
        "cin-census": [str(_census(tmp_path)), "--as-of", "2024-03-01"],
        "annex-a": [
            str(ROOT / "tests" / "annex_a" / "Annex_A_2024_Jan.xlsx"),
            "--as-of",
            "2024-03-01",
        ],
        "evaluate": ["examples/cases/s17-met.json", "--as-of", "2024-03-01"],
        "diff": ["2018", "2023", "--case", "examples/cases/s17-met.json"],
    }[command]
    (tmp_path / "cases.jsonl").write_text(
        (EXAMPLES / "cases" / "s17-met.json").read_text("utf-8").replace("\n", "") + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.out"
    extra = ["--out", str(out)] if command in ("batch", "cin-census", "annex-a") else []
    code, stdout, err = run_cli(command, *inputs, *extra, "--protocol", protocol)
    assert code == 2, err
    assert stdout == ""
    assert not out.exists()
    assert err.count("\n") == 1, err
    assert err.startswith(f"wtguidance: {protocol}:"), err
    line, column = err.split(":")[2:4]
    assert line.isdigit(), err
    assert column.isdigit(), err


# -- source evidence is judged by the engine ---------------------------------------------------
def _counts_from_outcomes(outcomes: list[dict[str, Any]]) -> dict[str, Counter[tuple[str, ...]]]:
    counts: dict[str, Counter[tuple[str, ...]]] = {
        "obligations": Counter(),
        "sign_offs": Counter(),
        "case_holders": Counter(),
    }
    for outcome in outcomes:
        for item in outcome["obligations"]:
            counts["obligations"][(item["id"], item["edition"], item["status"])] += 1
        for item in outcome["sign_offs"]:
            counts["sign_offs"][(item["id"], item["edition"], item["status"])] += 1
        for item in outcome["case_holders"]:
            counts["case_holders"][(item["stage"], item["edition"], item["status"])] += 1
    return counts


def _counts_from_summary(summary: dict[str, Any]) -> dict[str, Counter[tuple[str, ...]]]:
    return {
        "obligations": Counter(
            {
                (r["obligation"], r["edition"], r["status"]): r["count"]
                for r in summary["obligations"]
            }
        ),
        "sign_offs": Counter(
            {(r["sign_off"], r["edition"], r["status"]): r["count"] for r in summary["sign_offs"]}
        ),
        "case_holders": Counter(
            {(r["stage"], r["edition"], r["status"]): r["count"] for r in summary["case_holders"]}
        ),
    }


SOURCES = [
    ["cin-census", "tests/data/cin/CIN_Census_2024.xml", "--as-of", "2024-06-01"],
    ["cin-census", "tests/data/cin/fake_CIN_data.xml", "--as-of", "2022-07-21"],
    ["cin-census", "tests/data/cin/CIN_Census_2021.xml", "--as-of", "2021-06-01"],
    ["annex-a", "tests/annex_a/Annex_A_2024_Jan.xlsx", "--as-of", "2024-01-31"],
]


@pytest.mark.parametrize("protocol", [None, "examples/protocols/exampleshire-2023.yaml"])
@pytest.mark.parametrize("args", SOURCES, ids=lambda a: Path(a[1]).stem)
def test_every_caseload_summary_equals_counts_from_its_own_outcomes(
    args: list[str], protocol: str | None
) -> None:
    extra = ["--protocol", protocol] if protocol else []
    code, out, err = run_cli(*args, "--format", "json", *extra)
    assert code == 0, err
    document = json.loads(out)
    outcomes = document["outcomes"]
    assert _counts_from_outcomes(outcomes) == _counts_from_summary(document["summary"])
    assert document["summary"]["counts"]["outcomes"] == len(outcomes)
    assert document["summary"]["counts"]["rejected"] == len(document["rejected"])
    source = "cin" if args[0] == "cin-census" else "annex-a"
    for outcome in outcomes:
        for item in outcome["sign_offs"]:
            if source == "cin":
                assert item["status"] != "missing", item  # the census records no sign-off
                assert item["status"] != "invalid", item
            if item["status"] == "not_evidenced":
                assert item["reason"]
        for holder in outcome["case_holders"]:
            if source == "cin":
                assert holder["status"] == "not_evidenced", holder
                assert holder["compliant"] is None
        for item in outcome["obligations"]:
            if item["status"] in ("overdue", "met_late"):
                assert item["late_by"], item
        signs = [json.dumps(s, sort_keys=True) for s in outcome["sign_offs"]]
        assert len(signs) == len(set(signs)), outcome["case_id"]


def test_jsonl_summary_through_the_api_equals_its_outcomes() -> None:
    from wtguidance.caseload import SummaryBuilder, evaluate_stream

    cases = [parse_case_json(p.read_text("utf-8")) for p in CASES]
    builder = SummaryBuilder(as_of=dt.date(2025, 12, 15), calendar=CALENDAR)
    outcomes = []
    for result in evaluate_stream(cases, Settings(dt.date(2025, 12, 15))):
        builder.add(result)
        outcomes.append(json.loads(result.outcome.model_dump_json()))  # type: ignore[union-attr]
    summary = builder.summary.to_json()
    assert _counts_from_outcomes(outcomes) == _counts_from_summary(summary)


@pytest.mark.parametrize("name", ["decision-late", "serious-incident"])
def test_latest_only_sources_are_judged_in_the_engine(name: str) -> None:
    from wtguidance.case import SourceEvidence

    case = parse_case_json((EXAMPLES / "cases" / f"{name}.json").read_text("utf-8"))
    day = dt.date(2025, 12, 15)
    plain = evaluate(case, as_of=day)
    late = [o for o in plain.obligations if o.status == "met_late"]
    assert late, "the example needs a duty met late"
    kinds = {next(e.type for e in case.events if e.date == o.satisfied_on) for o in late}
    evidence = SourceEvidence.of("snapshot", (), latest_only=kinds)
    judged = evaluate(case, as_of=day, evidence=evidence)
    for before, after in zip(plain.obligations, judged.obligations, strict=True):
        if before.status == "met_late":
            assert after.status == "not_evidenced"
            assert after.reason is not None
            assert "only the latest" in after.reason
        else:
            assert after == before


# -- outputs say what a user needs --------------------------------------------------------------
@pytest.mark.parametrize("case_path", CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("day", [dt.date(2024, 6, 1), dt.date(2025, 12, 15), dt.date(2030, 1, 2)])
def test_every_late_item_says_how_late_and_no_two_sign_offs_are_identical(
    case_path: Path, day: dt.date
) -> None:
    case = parse_case_json(case_path.read_text("utf-8"))
    outcome = Evaluator.create(overlay=_overlay(LOCAL_DUTIES)).evaluate(case, as_of=day)
    for item in outcome.obligations:
        if item.status in ("overdue", "met_late"):
            assert item.late_by is not None, item
            assert item.due is not None
            amount = next(v for v in item.late_by.model_dump().values() if v is not None)
            assert amount >= 0
            if item.late_by.working_days is not None and item.status == "overdue":
                calendar = CALENDAR
                assert amount == calendar.working_days_between(item.due, day) or (
                    item.timescale_source == "local"
                )
        else:
            assert item.late_by is None
    signs = [s.model_dump_json() for s in outcome.sign_offs]
    assert len(signs) == len(set(signs))
    holders = [h.model_dump_json() for h in outcome.case_holders]
    assert len(holders) == len(set(holders))


def test_the_service_compiles_each_distinct_protocol_once() -> None:
    from wtguidance.service.errors import ServiceError
    from wtguidance.service.handlers import Handlers

    handlers = Handlers(shipped_editions())
    case = json.loads((EXAMPLES / "cases" / "cp-pathway.json").read_text("utf-8"))
    texts = [LOCAL_DUTIES.read_text("utf-8"), EXAMPLESHIRE.read_text("utf-8")]
    bodies = []
    for _ in range(3):
        for text in texts:
            body = json.dumps({"case": case, "as_of": "2025-12-15", "protocol": text})
            bodies.append(handlers.evaluate(body.encode()))
    info = handlers.protocol_evaluator.cache_info()
    assert (info.misses, info.hits) == (2, 4)
    assert bodies[0] == bodies[2] == bodies[4]
    overlay = _overlay(LOCAL_DUTIES)
    expected = Evaluator.create(overlay=overlay).evaluate(
        parse_case_json(json.dumps(case)), as_of=dt.date(2025, 12, 15)
    )
    assert (
        json.loads(bodies[0])["obligations"]
        == json.loads(expected.model_dump_json())["obligations"]
    )
    bad = (EXAMPLES / "protocols" / "invalid" / "unknown-role.yaml").read_text("utf-8")
    for _ in range(2):
        with pytest.raises(ServiceError):
            handlers.evaluate(
                json.dumps({"case": case, "as_of": "2025-12-15", "protocol": bad}).encode()
            )
    assert handlers.protocol_evaluator.cache_info().misses == 3
