"""CIN census data quality where timeliness depends on it, and census structure.

Issue 20: the DfE validator's rules that bear on a timescale (8875 weekend conference, 8940
overlapping plans, 8565 activity after closure, the collection-year window, 100 Year vs
ReferenceDate), each a located finding naming the rule. Issue 19 item 6: a single-valued
item written twice, and a ``Child``/``CINdetails`` where the layout does not allow one, are
findings or rejected entries with their line — never resolved or dropped silently.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter

import pytest

from cin_builder import HEADER, assessment, census, child, episode, plan, s47
from wtguidance.case import Rejected
from wtguidance.caseload.run import Evaluated, Settings, evaluate_stream
from wtguidance.caseload.summary import SummaryBuilder
from wtguidance.evaluation import default_calendar
from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, read_cin_census
from wtguidance.sources.sourced import SourcedCase, SourceNote

NEW_CODES = {
    "duplicate-element",
    "year-mismatch",
    "icpc-on-weekend",
    "overlapping-cp-plans",
    "after-closure",
    "outside-collection-year",
    "unfinished-at-closure",
}
AS_OF = dt.date(2024, 3, 31)


def read(data: bytes) -> tuple[list[SourcedCase | Rejected], list[SourceNote]]:
    reader = read_cin_census(io.BytesIO(data), name="test.xml")
    items = list(reader)
    assert reader.records == len(items)
    return items, reader.notes


def cases(data: bytes) -> list[SourcedCase]:
    items, _ = read(data)
    assert all(isinstance(i, SourcedCase) for i in items), items
    return [i for i in items if isinstance(i, SourcedCase)]


def notes(data: bytes, code: str) -> list[str]:
    return [n.message for c in cases(data) for n in c.notes if n.code == code]


def line_of(data: bytes, text: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th appearance of ``text`` in the file."""
    seen = 0
    for number, line in enumerate(data.decode().splitlines(), 1):
        seen += line.count(text)
        if seen >= occurrence:
            return number
    raise AssertionError(f"{text} not in the file")


def evaluate(data: bytes) -> list[Evaluated]:
    items, _ = read(data)
    settings = Settings(AS_OF, evidence=CIN_CENSUS_EVIDENCE)
    return [r for r in evaluate_stream(items, settings) if isinstance(r, Evaluated)]


def status(result: Evaluated, obligation: str) -> list[tuple[str, str]]:
    return [
        (o.clock.date.isoformat(), o.status)
        for o in result.outcome.obligations
        if o.id == obligation
    ]


# --- no new finding on clean returns ---------------------------------------------------------


def clean_return() -> bytes:
    """A return with every block, every date a weekday inside the 2023-24 collection year."""
    return census(
        child(
            episode(
                "2023-06-05",
                assessment("2023-06-06", "2023-07-20"),
                s47("2023-06-07", target="2023-06-28", icpc="2023-06-27"),
                plan("2023-06-27", "2024-01-15", ["2023-09-20", "2024-01-15"]),
                closure="2024-02-01",
            ),
            episode("2024-02-20", assessment("2024-02-21")),
        ),
        child(
            episode(
                "2023-10-02",
                s47("2023-10-03", icpc="2023-10-20"),
                plan("2023-10-20", None, ["2024-01-18"], one_wrapper=False),
            ),
            child_id="C2",
        ),
        child(episode("2024-03-01", s47("2024-03-04", not_required="true")), child_id="C3"),
    )


def test_a_clean_return_has_none_of_the_new_findings() -> None:
    items, file_notes = read(clean_return())
    found = {n.code for i in items if isinstance(i, SourcedCase) for n in i.notes}
    found |= {n.code for n in file_notes}
    assert not found & NEW_CODES, found
    assert all(isinstance(i, SourcedCase) for i in items)


# --- 8875: conference at a weekend -----------------------------------------------------------


@pytest.mark.parametrize(
    ("icpc", "weekday"), [("2024-01-20", "Saturday"), ("2024-01-21", "Sunday")]
)
def test_weekend_s47_conference_is_a_located_8875_finding(icpc: str, weekday: str) -> None:
    data = census(child(episode("2024-01-08", s47("2024-01-10", icpc=icpc), plan(icpc, None, []))))
    (message,) = notes(data, "icpc-on-weekend")
    assert "8875" in message
    assert weekday in message
    assert "CINdetails/Section47/DateOfInitialCPC" in message
    assert f"(line {line_of(data, '<DateOfInitialCPC>' + icpc)})" in message
    assert "icpc.hold for the enquiry begun 2024-01-10" in message
    assert "implausible" in message


def test_weekend_conference_keeps_the_engines_verdict_and_is_counted() -> None:
    weekend = census(child(episode("2024-01-08", s47("2024-01-10", icpc="2024-01-20"))))
    weekday = census(child(episode("2024-01-08", s47("2024-01-10", icpc="2024-01-19"))))
    (late,) = evaluate(weekend)
    (usual,) = evaluate(weekday)
    # the verdict is the engine's, judged once: the finding never rewrites it
    assert status(late, "icpc.hold") == status(usual, "icpc.hold") == [("2024-01-10", "met")]
    assert [f.code for f in late.outcome.findings].count("icpc-on-weekend") == 1
    assert "icpc-on-weekend" not in [f.code for f in usual.outcome.findings]
    builder = SummaryBuilder(as_of=AS_OF, calendar=default_calendar())
    builder.add(late)
    builder.add(usual)
    counted = {f["code"]: f["count"] for f in builder.summary.to_json()["findings"]}
    assert counted["icpc-on-weekend"] == 1


def test_weekend_episode_level_conference_is_flagged_too() -> None:
    data = census(child(episode("2024-01-08", icpc="2024-01-27")))
    (message,) = notes(data, "icpc-on-weekend")
    assert "CINdetails/DateOfInitialCPC" in message
    assert "8875 checks the Section47 date" in message
    assert "no icpc.hold (no Section47)" in message


@pytest.mark.parametrize(
    "icpc",
    [
        "2024-01-19",  # Friday
        "2024-01-22",  # Monday
        "2023-12-25",  # Christmas Day, a Monday: 8875 checks weekends only
    ],
)
def test_weekday_conferences_are_not_flagged(icpc: str) -> None:
    data = census(child(episode("2023-12-04", s47("2023-12-06", icpc=icpc), icpc=icpc)))
    assert notes(data, "icpc-on-weekend") == []


def test_weekend_conference_at_both_levels_is_one_finding_on_the_right_enquiry() -> None:
    data = census(
        child(
            episode(
                "2024-01-08",
                s47("2024-01-09", icpc="2024-01-18"),
                s47("2024-02-01", icpc="2024-02-17"),
                icpc="2024-02-17",
            )
        )
    )
    (message,) = notes(data, "icpc-on-weekend")
    assert "enquiry begun 2024-02-01" in message


# --- 8940: overlapping or duplicated plans ---------------------------------------------------


@pytest.mark.parametrize(
    ("plans", "expected"),
    [
        # two identical plans (the CIN2rows fixture's defect)
        ([("2024-01-10", "2024-03-01"), ("2024-01-10", "2024-03-01")], ["duplicates"]),
        # the second starts inside the first
        ([("2024-01-10", "2024-03-01"), ("2024-02-01", "2024-03-20")], ["starts within"]),
        # the first is open: anything starting later, up to the reference date, overlaps
        ([("2023-11-10", None), ("2024-02-01", "2024-03-20")], ["starts within"]),
        # starting on the other's end date counts (the validator's <=)
        ([("2024-01-10", "2024-02-01"), ("2024-02-01", None)], ["starts within"]),
        # three nested plans: two findings
        (
            [("2023-06-01", "2024-03-01"), ("2023-07-01", "2023-08-01"), ("2023-09-01", None)],
            ["starts within", "starts within"],
        ),
        # one after the other: none
        ([("2024-01-10", "2024-02-01"), ("2024-02-02", None)], []),
    ],
)
def test_overlapping_plans_are_8940_findings(
    plans: list[tuple[str, str | None]], expected: list[str]
) -> None:
    blocks = [plan(start, end, []) for start, end in plans]
    icpcs = [s47("2023-05-20", icpc=start) for start, _ in plans]
    data = census(child(episode("2023-05-15", *icpcs, *blocks)))
    found = notes(data, "overlapping-cp-plans")
    assert [next(w for w in ("duplicates", "starts within") if w in m) for m in found] == expected
    for message in found:
        assert "8940" in message
        assert re.search(r"ChildProtectionPlans of line \d+ ", message)
        assert "Effect on timeliness" in message


def test_plans_overlapping_across_two_episodes_of_a_child() -> None:
    data = census(
        child(
            episode("2023-05-15", s47("2023-05-16", icpc="2023-06-01"), plan("2023-06-01")),
            episode("2023-09-04", s47("2023-09-05", icpc="2023-09-20"), plan("2023-09-20")),
        )
    )
    first, second = cases(data)
    assert [n.code for n in first.notes].count("overlapping-cp-plans") == 0
    (message,) = [n.message for n in second.notes if n.code == "overlapping-cp-plans"]
    assert "in the episode of 2023-05-15" in message
    assert f"line {line_of(data, '<CPPstartDate>2023-09-20')}" in message


def test_a_plan_starting_after_the_reference_date_does_not_overlap_an_open_one() -> None:
    data = census(child(episode("2023-05-15", plan("2023-06-01"), plan("2024-04-02"))))
    assert notes(data, "overlapping-cp-plans") == []


# --- 8565: activity after the closure --------------------------------------------------------

AFTER_CLOSURE = [
    (assessment("2024-02-02"), "Assessments/AssessmentActualStartDate", "8565"),
    (assessment("2024-01-09", "2024-02-05"), "Assessments/AssessmentAuthorisationDate", "8565"),
    (s47("2024-02-02"), "Section47/S47ActualStartDate", "8565"),
    (s47("2024-01-10", icpc="2024-02-05"), "Section47/DateOfInitialCPC", "8565"),
    (
        "<CINPlanDates><CINPlanStartDate>2024-02-02</CINPlanStartDate></CINPlanDates>",
        "CINPlanDates/CINPlanStartDate",
        "8565",
    ),
    (
        "<CINPlanDates><CINPlanStartDate>2024-01-10</CINPlanStartDate>"
        "<CINPlanEndDate>2024-02-06</CINPlanEndDate></CINPlanDates>",
        "CINPlanDates/CINPlanEndDate",
        "8565",
    ),
    (plan("2024-01-10", "2024-02-07"), "ChildProtectionPlans/CPPendDate", "8565"),
    (plan("2024-02-08"), "ChildProtectionPlans/CPPstartDate", "checked here too"),
    (plan("2024-01-10", None, ["2024-02-09"]), "Reviews/CPPreviewDate", "checked here too"),
]


@pytest.mark.parametrize(("block", "element", "rule"), AFTER_CLOSURE)
def test_activity_after_the_closure_is_an_8565_finding(block: str, element: str, rule: str) -> None:
    data = census(child(episode("2024-01-08", block, closure="2024-01-31")))
    found = notes(data, "after-closure")
    (message,) = [m for m in found if element in m]
    assert "8565" in message
    assert rule in message
    assert "closure CINdetails/CINclosureDate 2024-01-31" in message
    assert f"(line {line_of(data, '<CINclosureDate>')})" in message
    assert "Effect on timeliness" in message


def test_episode_level_conference_after_closure() -> None:
    data = census(child(episode("2024-01-08", closure="2024-01-31", icpc="2024-02-01")))
    (message,) = notes(data, "after-closure")
    assert "CINdetails/DateOfInitialCPC 2024-02-01" in message


def test_activity_on_the_closure_day_or_without_a_closure_is_not_flagged() -> None:
    on_the_day = census(
        child(episode("2024-01-08", assessment("2024-01-09", "2024-01-31"), closure="2024-01-31"))
    )
    open_case = census(child(episode("2024-01-08", assessment("2024-01-09", "2024-03-01"))))
    assert notes(on_the_day, "after-closure") == []
    assert notes(open_case, "after-closure") == []


def test_an_icpc_after_closure_keeps_its_verdict() -> None:
    data = census(
        child(episode("2024-01-08", s47("2024-01-10", icpc="2024-02-05"), closure="2024-01-31"))
    )
    (result,) = evaluate(data)
    assert status(result, "icpc.hold") == [("2024-01-10", "met_late")]
    assert "after-closure" in [f.code for f in result.outcome.findings]


# --- the collection year ---------------------------------------------------------------------

BEFORE_YEAR = [
    (episode("2022-05-03", closure="2023-03-31"), "CINclosureDate", "8620"),
    (
        episode("2023-02-01", assessment("2023-02-02", "2023-03-30")),
        "AssessmentAuthorisationDate",
        "8696",
    ),
    (episode("2023-02-01", assessment("2023-02-02")), "AssessmentActualStartDate", "8736"),
    (episode("2023-02-01", s47("2023-02-02", icpc="2023-02-20")), "DateOfInitialCPC", "8715"),
    (episode("2023-02-01", plan("2023-02-20", "2023-03-20")), "CPPendDate", "8930"),
    (episode("2023-02-01", s47("2023-02-02")), "S47ActualStartDate", "8740"),
    (
        episode(
            "2023-02-01",
            "<CINPlanDates><CINPlanStartDate>2023-02-02</CINPlanStartDate>"
            "<CINPlanEndDate>2023-03-01</CINPlanEndDate></CINPlanDates>",
        ),
        "CINPlanEndDate",
        "4013",
    ),
]


@pytest.mark.parametrize(("block", "element", "rule"), BEFORE_YEAR)
def test_dates_before_the_collection_year_name_their_rule(
    block: str, element: str, rule: str
) -> None:
    data = census(child(block))
    found = notes(data, "outside-collection-year")
    (message,) = [m for m in found if f"/{element} " in m]
    assert f"DfE rule {rule}" in message
    assert "starts 2023-04-01" in message
    assert re.search(r"\(line \d+\)", message)


def test_death_before_the_collection_year_is_8545q() -> None:
    data = census(
        child(episode("2023-05-02"), extra="<PersonDeathDate>2023-03-01</PersonDeathDate>")
    )
    (message,) = notes(data, "outside-collection-year")
    assert "ChildIdentifiers/PersonDeathDate 2023-03-01" in message
    assert "8545Q" in message


@pytest.mark.parametrize(
    ("closure", "flagged"),
    [("2023-04-01", False), ("2023-03-31", True), ("2024-03-31", False)],
)
def test_the_collection_year_boundaries(closure: str, flagged: bool) -> None:
    data = census(child(episode("2023-01-09", closure=closure)))
    assert bool(notes(data, "outside-collection-year")) is flagged


def test_not_flagged_when_closed_completed_or_episode_level() -> None:
    # a completed assessment's start (8736 is for open ones), an episode-level ICPC (8715
    # checks the S47 date), a plan start (no rule) and the start of an enquiry that held its
    # conference or needed none (8740 is for open ones) may all predate the year
    data = census(
        child(
            episode(
                "2022-11-01",
                assessment("2022-11-02", "2023-05-01"),
                plan("2022-12-01", "2023-06-01"),
                s47("2022-11-03", icpc="2023-04-03"),
                s47("2022-11-04", not_required="true"),
                icpc="2022-12-01",
            )
        )
    )
    assert notes(data, "outside-collection-year") == []


def test_a_leap_day_reference_date_starts_the_year_on_1_march() -> None:
    header = HEADER.replace("2024-03-31", "2024-02-29").replace("<Year>2024", "<Year>2024")
    early = census(child(episode("2023-01-09", closure="2023-02-28")), header=header)
    inside = census(child(episode("2023-01-09", closure="2023-03-01")), header=header)
    (message,) = notes(early, "outside-collection-year")
    assert "starts 2023-03-01" in message
    assert notes(inside, "outside-collection-year") == []


def test_no_header_no_collection_year_checks() -> None:
    data = census(child(episode("2020-01-09", closure="2020-02-28")), header=None)
    assert notes(data, "outside-collection-year") == []


# --- 100: Year against ReferenceDate ---------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "flagged"),
    [("2023", True), ("2025", True), ("24", True), ("twenty", True), ("2024", False), ("", False)],
)
def test_year_not_matching_the_reference_date_is_rule_100(year: str, flagged: bool) -> None:
    header = HEADER.replace("<Year>2024</Year>", f"<Year>{year}</Year>")
    _items, file_notes = read(census(child(episode()), header=header))
    found = [n for n in file_notes if n.code == "year-mismatch"]
    assert bool(found) is flagged
    if flagged:
        (note,) = found
        assert "DfE rule 100" in note.message
        assert "(line 2)" in note.message
        assert "Effect on timeliness: none" in note.message


def test_year_mismatch_is_counted_in_the_summary() -> None:
    header = HEADER.replace("<Year>2024</Year>", "<Year>2023</Year>")
    reader = read_cin_census(io.BytesIO(census(child(episode()), header=header)))
    builder = SummaryBuilder(as_of=AS_OF, calendar=default_calendar())
    for _ in builder.add_all(evaluate_stream(reader, Settings(AS_OF))):
        pass
    builder.add_file_notes(reader.notes, "test.xml")
    counted = {f["code"]: f["count"] for f in builder.summary.to_json()["findings"]}
    assert counted["year-mismatch"] == 1


# --- duplicated single-valued items (issue 19 item 6) ----------------------------------------


def reject_reason(data: bytes) -> list[Rejected]:
    items, _ = read(data)
    return [i for i in items if isinstance(i, Rejected)]


@pytest.mark.parametrize(
    ("first", "second"),
    [("2015-01-01", "2001-06-01"), ("2015-01-01", ""), ("2015-01-01", "2015-01-02")],
)
def test_two_different_birth_dates_reject_every_episode_of_the_child(
    first: str, second: str
) -> None:
    extra = f"<PersonBirthDate>{second}</PersonBirthDate>"
    data = census(child(episode("2024-01-08"), episode("2024-02-01"), birth=first, extra=extra))
    rejected = reject_reason(data)
    assert len(rejected) == 2
    for item in rejected:
        assert item.child_id == "C1"
        assert item.field == "ChildIdentifiers/PersonBirthDate"
        assert "appears 2 times with different values" in item.reason
        assert item.line == line_of(data, "<PersonBirthDate>")


def test_the_same_birth_date_twice_is_read_once_with_a_finding() -> None:
    data = census(child(episode(), extra="<PersonBirthDate>2015-01-01</PersonBirthDate>"))
    (item,) = cases(data)
    assert item.case.child.date_of_birth == dt.date(2015, 1, 1)
    (note,) = [n for n in item.notes if n.code == "duplicate-element"]
    assert "ChildIdentifiers/PersonBirthDate appears 2 times" in note.message


def test_two_referral_dates_reject_that_episode_only() -> None:
    doubled = episode("2024-01-08").replace(
        "<ReferralSource>", "<CINreferralDate>2023-11-01</CINreferralDate>\n<ReferralSource>"
    )
    data = census(child(doubled, episode("2024-02-01")))
    items, _ = read(data)
    rejected, kept = items
    assert isinstance(rejected, Rejected)
    assert isinstance(kept, SourcedCase)
    assert rejected.field == "CINdetails/CINreferralDate"
    assert rejected.value == "2024-01-08 | 2023-11-01"
    assert rejected.line == line_of(data, "<CINreferralDate>2023-11-01")
    assert kept.case.case_id == "C1/2024-02-01"


def test_the_same_referral_date_twice_is_a_finding() -> None:
    doubled = episode("2024-01-08").replace(
        "<ReferralSource>", "<CINreferralDate>2024-01-08</CINreferralDate>\n<ReferralSource>"
    )
    (item,) = cases(census(child(doubled)))
    assert [n.code for n in item.notes].count("duplicate-element") == 1


@pytest.mark.parametrize(
    ("block", "field"),
    [
        (
            s47("2024-01-10", icpc="2024-01-25").replace(
                "</Section47>", "<DateOfInitialCPC>2024-01-26</DateOfInitialCPC></Section47>"
            ),
            "CINdetails/Section47/DateOfInitialCPC",
        ),
        (
            plan("2024-01-25", "2024-03-01").replace(
                "<InitialCategoryOfAbuse>",
                "<CPPendDate>2024-03-02</CPPendDate><InitialCategoryOfAbuse>",
            ),
            "CINdetails/ChildProtectionPlans/CPPendDate",
        ),
        (
            "<ReferralNFA>true</ReferralNFA>",
            "CINdetails/ReferralNFA",
        ),
        (
            "<CINclosureDate></CINclosureDate><CINclosureDate>2024-02-01</CINclosureDate>",
            "CINdetails/CINclosureDate",
        ),
    ],
)
def test_conflicting_items_at_any_depth_reject_the_episode(block: str, field: str) -> None:
    (rejected,) = reject_reason(census(child(episode("2024-01-08", block))))
    assert rejected.field == field
    assert "with different values" in rejected.reason
    assert rejected.line is not None


def test_two_different_child_ids_reject_every_episode() -> None:
    data = census(child(episode(), episode("2024-02-01"), extra="<LAchildID>C9</LAchildID>"))
    rejected = reject_reason(data)
    assert len(rejected) == 2
    assert {r.field for r in rejected} == {"ChildIdentifiers/LAchildID"}
    assert all(r.child_id is None for r in rejected)


def test_a_second_child_identifiers_block_is_read_too() -> None:
    text = child(episode(), birth=None).replace(
        "<ChildCharacteristics>",
        "<ChildIdentifiers><PersonBirthDate>2016-05-05</PersonBirthDate></ChildIdentifiers>\n"
        "<ChildCharacteristics>",
    )
    (item,) = cases(census(text))
    assert item.case.child.date_of_birth == dt.date(2016, 5, 5)
    assert any("ChildIdentifiers appears 2 times" in n.message for n in item.notes)
    conflicting = child(episode()).replace(
        "<ChildCharacteristics>",
        "<ChildIdentifiers><PersonBirthDate>2001-01-01</PersonBirthDate></ChildIdentifiers>\n"
        "<ChildCharacteristics>",
    )
    (rejected,) = reject_reason(census(conflicting))
    assert rejected.field == "ChildIdentifiers/PersonBirthDate"


def test_header_duplicates_are_named() -> None:
    second = HEADER.replace("2024-03-31", "2023-03-31")
    data = census(child(episode()), header=HEADER + "\n" + second)
    _items, file_notes = read(data)
    (note,) = [n for n in file_notes if n.code == "duplicate-element"]
    assert (
        "second Header (line 3) is ignored (it says 2023-03-31); the first (line 2)" in note.message
    )
    doubled = HEADER.replace(
        "<ReferenceDate>2024-03-31</ReferenceDate>",
        "<ReferenceDate>2024-03-31</ReferenceDate><ReferenceDate>2023-03-31</ReferenceDate>",
    )
    _items, file_notes = read(census(child(episode()), header=doubled))
    assert any(n.code == "header" and "different values" in n.message for n in file_notes)


# --- nested Child and CINdetails (issue 19 item 6) -------------------------------------------


def accounted(data: bytes) -> tuple[list[SourcedCase | Rejected], int]:
    """The items read, and the CINdetails elements in the file (each must be one item)."""
    items, _ = read(data)
    return items, data.decode().count("<CINdetails>")


def test_a_child_nested_in_a_child_is_rejected_with_its_line() -> None:
    inner = child(episode("2023-11-01"), child_id="INNER")
    data = census(child(episode("2024-01-08"), extra="").replace("</Child>", inner + "\n</Child>"))
    items, episodes = accounted(data)
    assert len(items) == episodes == 2
    outer, nested = items
    assert isinstance(outer, SourcedCase)
    assert outer.case.case_id == "C1/2024-01-08"
    assert isinstance(nested, Rejected)
    assert nested.child_id == "INNER"
    assert nested.line == line_of(data, "<CINdetails>", 2)
    assert "nested inside the Child of line" in nested.reason


def test_nested_three_deep_every_episode_rejected() -> None:
    deepest = child(episode("2023-09-01"), episode("2023-10-01"), child_id="C3")
    middle = child(episode("2023-11-01"), child_id="C2").replace("</Child>", deepest + "\n</Child>")
    data = census(child(episode()).replace("</Child>", middle + "\n</Child>"))
    items, episodes = accounted(data)
    assert len(items) == episodes == 4
    assert [type(i).__name__ for i in items] == ["SourcedCase", "Rejected", "Rejected", "Rejected"]
    assert [i.child_id for i in items] == ["C1", "C2", "C3", "C3"]


def test_a_nested_child_without_episodes_is_one_rejected_entry() -> None:
    data = census(
        child(episode()).replace(
            "</Child>",
            "<Child><ChildIdentifiers><LAchildID>X</LAchildID></ChildIdentifiers></Child></Child>",
        )
    )
    items, _ = read(data)
    assert [type(i).__name__ for i in items] == ["SourcedCase", "Rejected"]
    assert items[1].child_id == "X"
    assert "no episode of its own" in items[1].reason


@pytest.mark.parametrize(
    ("where", "path"),
    [
        ("</CINdetails>", "Child/CINdetails/CINdetails"),  # an episode inside an episode
        ("</Section47>", "Child/CINdetails/Section47/CINdetails"),  # inside a block
    ],
)
def test_an_episode_nested_below_an_episode_is_rejected(where: str, path: str) -> None:
    inner = episode("2023-12-01")
    outer = episode("2024-01-08", s47("2024-01-10"))
    nested = outer.replace(where, inner + where, 1)
    data = census(child(nested))
    items, episodes = accounted(data)
    assert len(items) == episodes == 2
    kept, rejected = items
    assert isinstance(kept, SourcedCase)
    assert kept.case.case_id == "C1/2024-01-08"
    assert isinstance(rejected, Rejected)
    assert rejected.field == path
    assert rejected.child_id == "C1"
    assert rejected.line == line_of(data, "<CINreferralDate>2023-12-01") - 1


def test_an_episode_only_inside_child_identifiers_replaces_no_cindetails() -> None:
    text = child().replace("</ChildIdentifiers>", episode("2024-01-08") + "</ChildIdentifiers>")
    items, episodes = accounted(census(text))
    assert len(items) == episodes == 1
    (rejected,) = items
    assert isinstance(rejected, Rejected)
    assert rejected.field == "Child/ChildIdentifiers/CINdetails"


def test_an_episode_outside_any_child_is_rejected() -> None:
    data = census(child(episode()), episode("2023-12-01"))
    items, episodes = accounted(data)
    assert len(items) == episodes == 2
    assert isinstance(items[1], Rejected)
    assert items[1].child_id is None
    assert "outside any Child" in items[1].reason
    assert items[1].line == line_of(data, "<CINdetails>", 2)


def test_deeply_nested_children_cost_no_recursion() -> None:
    depth = 3000
    inner = child(episode("2023-11-01"), child_id="DEEP")
    body = "<Child>" * depth + inner + "</Child>" * depth
    data = census(child(episode()).replace("</Child>", body + "</Child>"))
    items, _ = read(data)
    assert isinstance(items[0], SourcedCase)
    assert any(isinstance(i, Rejected) and i.child_id == "DEEP" for i in items)
    # each of the empty wrappers is a nested Child with no episode: reported, not lost
    assert len(items) == 2 + depth
    assert Counter(type(i).__name__ for i in items) == {"SourcedCase": 1, "Rejected": depth + 1}


# --- 8867 / 8868: unfinished work in a closed episode ----------------------------------------


@pytest.mark.parametrize(
    ("referral", "block", "rule", "obligation", "verdict"),
    [
        # due before the closure on 2024-02-15: overdue stands
        ("2023-11-20", assessment("2023-11-20"), "8867", "assessment.complete", "overdue"),
        ("2023-11-30", s47("2023-12-01"), "8868", "icpc.hold", "overdue"),
        # due after the closure: ended
        ("2024-02-01", assessment("2024-02-12"), "8867", "assessment.complete", "ended"),
        ("2024-02-01", s47("2024-02-05"), "8868", "icpc.hold", "ended"),
    ],
)
def test_unfinished_work_at_closure(
    referral: str, block: str, rule: str, obligation: str, verdict: str
) -> None:
    data = census(child(episode(referral, block, closure="2024-02-15")))
    (message,) = notes(data, "unfinished-at-closure")
    assert f"DfE rule {rule}" in message
    assert "CINclosureDate 2024-02-15" in message
    (result,) = evaluate(data)
    assert verdict in {s for _clock, s in status(result, obligation)}


@pytest.mark.parametrize(
    "block",
    [
        assessment("2023-12-01", "2024-01-10"),
        s47("2023-12-01", icpc="2023-12-14"),
        s47("2023-12-01", not_required="1"),
    ],
)
def test_finished_work_at_closure_is_not_flagged(block: str) -> None:
    data = census(child(episode("2023-11-30", block, closure="2024-02-15")))
    assert notes(data, "unfinished-at-closure") == []


@pytest.mark.parametrize(("s47_start", "flagged"), [("2024-01-20", True), ("2024-01-18", False)])
def test_a_conference_before_its_enquiry_began_is_8615(s47_start: str, flagged: bool) -> None:
    data = census(child(episode("2024-01-08", s47(s47_start, icpc="2024-01-19"))))
    found = [m for m in notes(data, "date-order") if "8615" in m]
    assert bool(found) is flagged


# --- dates after the reference date: located, each with its rule ------------------------------


@pytest.mark.parametrize(
    ("block", "element", "rule"),
    [
        (episode("2024-04-02"), "CINdetails/CINreferralDate 2024-04-02", "8600"),
        (episode("2024-01-08", closure="2024-04-03"), "CINclosureDate 2024-04-03", "8620"),
        (
            episode("2024-01-08", assessment("2024-01-09", "2024-04-04")),
            "AssessmentAuthorisationDate 2024-04-04",
            "8696",
        ),
        (
            episode("2024-01-08", s47("2024-03-25", icpc="2024-04-05")),
            "Section47/DateOfInitialCPC 2024-04-05",
            "8715",
        ),
        (episode("2024-01-08", plan("2024-04-08")), "CPPstartDate 2024-04-08", "8720"),
        (
            episode("2024-01-08", plan("2024-01-10", "2024-04-09")),
            "CPPendDate 2024-04-09",
            "8930",
        ),
    ],
)
def test_dates_after_the_reference_date_are_located_with_their_rule(
    block: str, element: str, rule: str
) -> None:
    data = census(child(block))
    (message,) = notes(data, "after-reference-date")
    assert element in message
    assert re.search(rf"{re.escape(element)} \(line \d+, DfE rule {rule}\)", message)


def test_an_episode_level_conference_after_the_reference_date_names_no_rule() -> None:
    data = census(child(episode("2024-01-08", icpc="2024-04-05")))
    (message,) = notes(data, "after-reference-date")
    assert re.search(r"CINdetails/DateOfInitialCPC 2024-04-05 \(line \d+\)", message)
    assert "DfE rule" not in message


def test_weekend_conference_of_an_enquiry_marked_not_required() -> None:
    data = census(
        child(episode("2024-01-08", s47("2024-01-10", icpc="2024-01-20", not_required="true")))
    )
    (message,) = notes(data, "icpc-on-weekend")
    assert "no icpc.hold (ICPCnotRequired withdraws" in message


def test_many_repeats_are_counted_not_listed() -> None:
    same = "<PersonBirthDate>2015-01-01</PersonBirthDate>" * 2000
    (item,) = cases(census(child(episode(), extra=same)))
    (note,) = [n for n in item.notes if n.code == "duplicate-element"]
    assert "appears 2001 times" in note.message
    assert "and 1996 more" in note.message
    assert len(note.message) < 300
    differ = "".join(f"<PersonBirthDate>2015-01-{d:02d}</PersonBirthDate>" for d in range(2, 29))
    (rejected,) = reject_reason(census(child(episode(), extra=differ)))
    assert "appears 28 times with different values" in rejected.reason
    assert "and 23 more" in rejected.reason
    assert rejected.line == line_of(census(child(episode(), extra=differ)), "2015-01-02")


@pytest.mark.parametrize(
    "place",
    [
        lambda ep, extra: ep.replace("<CINdetails>\n", "<CINdetails>\n" + extra, 1),  # first
        lambda ep, extra: ep.replace("</CINdetails>", extra + "</CINdetails>", 1),  # last
        lambda ep, extra: ep.replace("<Section47>", extra + "<Section47>", 1),  # between blocks
    ],
)
def test_a_second_referral_date_anywhere_in_the_episode_rejects_it(place: object) -> None:
    base = episode("2024-01-08", s47("2024-01-10"))
    doubled = place(base, "<CINreferralDate>2023-12-01</CINreferralDate>")  # type: ignore[operator]
    data = census(child(doubled))
    (rejected,) = reject_reason(data)
    assert rejected.field == "CINdetails/CINreferralDate"
    assert "2024-01-08" in rejected.reason
    assert "2023-12-01" in rejected.reason
