"""The CIN census importer: every layout, the mapping, rejections, truncation and attacks.

Fixtures from other projects live in tests/data/cin (see its README for attribution); the
edge cases of shared/guidance/cin-census.md §7–8 are small files written here.
"""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest

from cin_builder import HEADER, assessment, census, child, episode, plan, s47
from wtguidance.case import Rejected
from wtguidance.sources.cin_census import (
    CIN_CENSUS_EVIDENCE,
    ForbiddenXmlError,
    iter_cin_census_cases,
    read_cin_census,
)
from wtguidance.sources.sourced import SourcedCase

DATA = Path(__file__).parents[1] / "data" / "cin"


def read(data: bytes) -> tuple[list[SourcedCase | Rejected], object]:
    reader = read_cin_census(io.BytesIO(data), name="test.xml")
    return list(reader), reader


def only_case(data: bytes) -> SourcedCase:
    items, _ = read(data)
    assert len(items) == 1
    assert isinstance(items[0], SourcedCase), items[0]
    return items[0]


def events(item: SourcedCase) -> list[tuple[str, str]]:
    return sorted((e.type, e.date.isoformat()) for e in item.case.events)


def codes(item: SourcedCase) -> Counter[str]:
    return Counter(n.code for n in item.notes)


# --- Fixtures from other projects ------------------------------------------------------------


def test_fake_file_accounts_for_all_402_episodes() -> None:
    reader = read_cin_census(DATA / "fake_CIN_data.xml")
    items = list(reader)
    assert reader.complete
    assert reader.children == 332
    assert len(items) == reader.records == 402
    assert all(isinstance(i, SourcedCase) for i in items)
    ids = [i.case.case_id for i in items if isinstance(i, SourcedCase)]
    assert len(set(ids)) == 402
    notes = Counter(n.code for i in items if isinstance(i, SourcedCase) for n in i.notes)
    assert notes["nfa-with-activity"] == 350  # every episode NFA, 350 with an ICPC
    assert notes["icpc-without-s47"] == 350
    assert notes["after-death"] == 30
    assert [n.code for n in reader.notes] == ["header"]  # ReferenceDate 2022-07-21


def test_2024_layout() -> None:
    reader = read_cin_census(DATA / "CIN_Census_2024.xml")
    first, second = list(reader)
    assert isinstance(first, SourcedCase)
    assert isinstance(second, SourcedCase)
    assert first.case.case_id == "DfEX0000001/2022-10-06"
    assert second.case.case_id == "child_fails_assessments/2024-10-24"
    # ICPC at both levels with different dates: both are conferences
    assert [e.date.isoformat() for e in first.case.events if e.type == "icpc"] == [
        "2022-06-17",
        "2022-12-06",
    ]
    types = [e.type for e in first.case.events]
    assert types.count("strategy_discussion") == types.count("s47_started") == 1
    assert "mixed-content" in codes(first)
    assert [(t.clock.isoformat(), t.target.isoformat()) for t in first.targets] == [
        ("2022-06-02", "2022-06-23")
    ]
    assert first.case.child.disabled


def test_2026_layout_pre_proceedings() -> None:
    first, _second = list(read_cin_census(DATA / "CIN_Census_2026.xml"))
    assert isinstance(first, SourcedCase)
    assert ("care_proceedings_application", "2026-12-18") in events(first)
    assert "fgdm-offer-undated" in codes(first)


def test_two_plans_in_one_episode() -> None:
    (item,) = list(read_cin_census(DATA / "CIN2rows.xml"))
    assert isinstance(item, SourcedCase)
    found = Counter(e.type for e in item.case.events)
    assert found["cp_plan_started"] == found["cp_plan_ended"] == 2
    assert found["review_conference"] == 2
    assert codes(item)["cpp-without-icpc"] == 2


def test_2021_sample_target_and_death() -> None:
    (item,) = list(read_cin_census(DATA / "CIN_Census_2021.xml"))
    assert isinstance(item, SourcedCase)
    assert item.case.child.date_of_death == dt.date(1980, 10, 8)
    assert [(t.clock, t.target) for t in item.targets] == [
        (dt.date(1970, 6, 2), dt.date(1970, 6, 23))
    ]


# --- Layouts ---------------------------------------------------------------------------------

ICPC_PLAN = (
    "2024-01-08",
    s47("2024-01-10", icpc="2024-01-25"),
    plan("2024-01-25", None, ["2024-04-20", "2024-10-15", "2025-03-01"]),
)


@pytest.mark.parametrize(
    "sex",
    [
        "<GenderCurrent>1</GenderCurrent>",
        "<GenderCurrent>9</GenderCurrent>",
        "<Sex>M</Sex>",
        "<Sex>1</Sex>",
        "<Sex>U</Sex>",
        "",
    ],
)
def test_gender_or_sex_never_rejects(sex: str) -> None:
    data = census(child(episode(*ICPC_PLAN)).replace("<Sex>F</Sex>", sex))
    assert only_case(data).case.case_id == "C1/2024-01-08"


def test_reviews_in_one_wrapper_or_one_per_date_map_alike() -> None:
    one = only_case(census(child(episode(*ICPC_PLAN))))
    referral, enquiry, _ = ICPC_PLAN
    reviews = ["2024-04-20", "2024-10-15", "2025-03-01"]
    many = only_case(
        census(
            child(episode(referral, enquiry, plan("2024-01-25", None, reviews, one_wrapper=False)))
        )
    )
    assert events(one) == events(many)
    assert sum(1 for t, _ in events(one) if t == "review_conference") == 3


@pytest.mark.parametrize(
    ("root", "prefix"),
    [
        ('Message xmlns="http://www.dfe.gov.uk/CIN"', ""),
        ('cin:Message xmlns:cin="urn:example:cin"', "cin:"),
    ],
)
def test_namespaces_are_stripped(root: str, prefix: str) -> None:
    body = census(child(episode(*ICPC_PLAN)))
    text = body.decode()
    if prefix:
        import re

        text = re.sub(r"<(/?)([A-Za-z])", rf"<\1{prefix}\2", text)
    text = text.replace(f"<{prefix}Message>", f"<{root}>", 1)
    item = only_case(text.encode())
    assert ("icpc", "2024-01-25") in events(item)


def test_other_root_and_no_header() -> None:
    items, reader = read(census(child(episode()), header=None, root="CINdetailsCollection"))
    assert len(items) == 1
    assert [n.code for n in reader.notes] == ["unexpected-root"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        (" 1 ", True),
        ("false", False),
        ("0", False),
        ("False", False),
    ],
)
def test_yes_no_variants(value: str, expected: bool) -> None:
    item = only_case(census(child(episode("2024-01-08", s47("2024-01-10", not_required=value)))))
    assert (("icpc_not_required", "2024-01-10") in events(item)) is expected


def test_yes_no_nonsense_rejects_the_episode() -> None:
    items, _ = read(census(child(episode("2024-01-08", s47("2024-01-10", not_required="maybe")))))
    (rejected,) = items
    assert isinstance(rejected, Rejected)
    assert rejected.field == "CINdetails/Section47/ICPCnotRequired"
    assert rejected.value == "maybe"


def test_empty_elements_are_absent_and_bom_and_encoding_are_read() -> None:
    xml = census(child(episode("2024-01-08"), child_id="Zoë1")).replace(
        b"<ReferralSource>", b"<CINclosureDate>  </CINclosureDate><ReferralSource>"
    )
    latin = b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n' + xml
    item = only_case(latin)
    assert item.case.case_id == "Zoë1/2024-01-08"
    assert not any(e.type == "case_closed" for e in item.case.events)
    iso = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n' + xml.decode().encode("latin-1")
    assert only_case(iso).case.case_id == "Zoë1/2024-01-08"


def test_mixed_content_is_ignored_with_a_finding() -> None:
    data = census(child(episode()).replace("<Sex>", "stray words<Sex>"))
    assert codes(only_case(data))["mixed-content"] == 1


def test_timezone_suffix_is_stripped_with_a_finding() -> None:
    item = only_case(census(child(episode("2024-01-08Z"))))
    assert item.case.case_id == "C1/2024-01-08"
    assert codes(item)["timezone-suffix"] == 1


# --- Mapping ---------------------------------------------------------------------------------


def test_s47_yields_strategy_discussion_and_s47_started_and_target() -> None:
    item = only_case(
        census(
            child(episode("2024-01-08", s47("2024-01-10", target="2024-01-31", icpc="2024-01-30")))
        )
    )
    by_type = {e.type: e for e in item.case.events}
    assert by_type["strategy_discussion"].initiates_s47  # type: ignore[union-attr]
    assert by_type["s47_started"].date == dt.date(2024, 1, 10)
    assert by_type["icpc"].outcome == "no_plan"  # type: ignore[union-attr]
    assert item.targets[0].target == dt.date(2024, 1, 31)


def test_closure_death_and_disability() -> None:
    extra = "<PersonDeathDate>2024-02-01</PersonDeathDate>"
    data = census(
        child(episode("2024-01-08", closure="2024-02-02"), extra=extra).replace(
            "</ChildCharacteristics>",
            "<Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>",
        )
    )
    item = only_case(data)
    assert item.case.child.date_of_death == dt.date(2024, 2, 1)
    assert not item.case.child.disabled
    closed = [e for e in item.case.events if e.type == "case_closed"]
    assert [(e.date, e.reason) for e in closed] == [(dt.date(2024, 2, 2), "RC7")]  # type: ignore[union-attr]
    assert codes(item)["after-death"] == 1


def test_episode_and_s47_icpc_on_the_same_day_count_once() -> None:
    item = only_case(
        census(
            child(episode("2024-01-08", s47("2024-01-10", icpc="2024-01-25"), icpc="2024-01-25"))
        )
    )
    assert sum(1 for t, _ in events(item) if t == "icpc") == 1
    assert codes(item)["icpc-recorded-twice"] == 1


def test_plan_end_review_ends_the_plan() -> None:
    item = only_case(
        census(
            child(
                episode(
                    "2024-01-08",
                    s47("2024-01-10", icpc="2024-01-25"),
                    plan("2024-01-25", "2024-04-20", ["2024-04-20"]),
                )
            )
        )
    )
    review = next(e for e in item.case.events if e.type == "review_conference")
    assert review.outcome == "end_plan"  # type: ignore[union-attr]
    icpc = next(e for e in item.case.events if e.type == "icpc")
    assert icpc.outcome == "cp_plan"  # type: ignore[union-attr]


def test_unborn_child() -> None:
    data = census(
        child(
            episode(),
            birth=None,
            extra="<ExpectedPersonBirthDate>2024-05-01</ExpectedPersonBirthDate>",
        )
    )
    item = only_case(data)
    assert item.case.child.date_of_birth is None
    assert codes(item)["unborn-child"] == 1


@pytest.mark.parametrize(
    ("block", "rule"),
    [
        (assessment("2024-01-01"), "(1103)"),
        (s47("2024-01-01"), "(2889)"),
        (plan("2024-01-01"), "(1105)"),
        (assessment("2024-01-09", "2024-01-08"), "(8608)"),
        (plan("2024-01-20", "2024-01-10"), "(8925)"),
        (plan("2024-01-20", None, ["2024-01-20"]), "(8841)"),
    ],
)
def test_dates_out_of_order_are_findings_and_still_evaluated(block: str, rule: str) -> None:
    item = only_case(census(child(episode("2024-01-08", block))))
    assert any(n.code == "date-order" and rule in n.message for n in item.notes)


def test_closure_before_referral() -> None:
    item = only_case(census(child(episode("2024-01-08", closure="2024-01-01"))))
    assert codes(item)["referral-after-closure"] == 1


def test_nfa_with_activity_and_dates_after_the_reference_date() -> None:
    item = only_case(census(child(episode("2024-03-20", assessment("2024-04-02"), nfa="1"))))
    assert codes(item)["nfa-with-activity"] == 1
    assert codes(item)["after-reference-date"] == 1


def test_overlapping_episodes_and_several_s47s() -> None:
    first = episode(
        "2024-01-08", s47("2024-01-10", icpc="2024-01-20"), s47("2024-02-10", icpc="2024-02-20")
    )
    second = episode("2024-02-01")
    items, _ = read(census(child(first, second)))
    a, b = items
    assert isinstance(a, SourcedCase)
    assert isinstance(b, SourcedCase)
    assert [e.id for e in a.case.events if e.type == "strategy_discussion"] == ["s47-1", "s47-2"]
    assert codes(b)["overlapping-episodes"] == 1


# --- Rejections ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "bad", "field"),
    [
        ("referral", "2024-02-30", "CINdetails/CINreferralDate"),
        ("referral", "30/02/2024", "CINdetails/CINreferralDate"),
        ("referral", "2024-2-3", "CINdetails/CINreferralDate"),
        ("referral", "2024-02-03T10:00:00", "CINdetails/CINreferralDate"),
        ("review", "2024-02-30", "CINdetails/ChildProtectionPlans/Reviews/CPPreviewDate"),
        ("s47", "2023-13-01", "CINdetails/Section47/S47ActualStartDate"),
        ("assessment", "2024-04-31", "CINdetails/Assessments/AssessmentAuthorisationDate"),
    ],
)
def test_impossible_and_malformed_dates_reject_the_episode(
    where: str, bad: str, field: str
) -> None:
    good = episode("2024-01-08")
    if where == "referral":
        broken = episode(bad)
    elif where == "review":
        broken = episode("2024-01-08", plan("2024-01-10", None, ["2024-02-01", bad]))
    elif where == "s47":
        broken = episode("2024-01-08", s47(bad))
    else:
        broken = episode("2024-01-08", assessment("2024-01-09", bad))
    data = census(child(good, broken, child_id="C7"))
    items, reader = read(data)
    assert reader.complete  # type: ignore[attr-defined]
    ok, rejected = items
    assert isinstance(ok, SourcedCase)
    assert isinstance(rejected, Rejected)
    assert (rejected.child_id, rejected.field, rejected.value) == ("C7", field, bad)
    line = data.decode().splitlines()[rejected.line - 1]  # type: ignore[operator]
    assert bad in line[rejected.column - 1 :]  # type: ignore[operator]


def test_a_bad_child_level_date_rejects_every_episode_of_that_child() -> None:
    data = census(
        child(episode("2024-01-08"), episode("2024-02-08"), birth="2015-02-29"),
        child(episode("2024-01-08"), child_id="C2"),
    )
    items, _ = read(data)
    assert [type(i).__name__ for i in items] == ["Rejected", "Rejected", "SourcedCase"]
    assert {i.field for i in items if isinstance(i, Rejected)} == {
        "ChildIdentifiers/PersonBirthDate"
    }


@pytest.mark.parametrize("child_id", [None, "", "   "])
def test_missing_child_id_rejects_with_the_ordinal(child_id: str | None) -> None:
    data = census(
        child(episode(), child_id="OK"), child(episode(), episode("2024-02-01"), child_id=child_id)
    )
    items, _ = read(data)
    assert isinstance(items[0], SourcedCase)
    assert len(items) == 3
    for rejected in items[1:]:
        assert isinstance(rejected, Rejected)
        assert rejected.child_id is None
        assert "child #2" in rejected.reason
        assert rejected.line is not None


def test_missing_referral_date_and_childless_child() -> None:
    data = census(
        child(episode(None), child_id="NoRef"),
        "<Child><ChildIdentifiers><LAchildID>Empty</LAchildID></ChildIdentifiers></Child>",
    )
    items, _ = read(data)
    assert all(isinstance(i, Rejected) for i in items)
    missing, empty = items
    assert isinstance(missing, Rejected)
    assert isinstance(empty, Rejected)
    assert (missing.child_id, missing.field) == ("NoRef", "CINdetails/CINreferralDate")
    assert (empty.child_id, empty.field) == ("Empty", "Child/CINdetails")


def test_duplicate_episodes_and_children_get_unique_case_ids() -> None:
    data = census(
        child(episode("2024-01-08"), episode("2024-01-08"), child_id="D"),
        child(episode("2024-01-08"), child_id="D"),
    )
    items, _ = read(data)
    assert [i.case.case_id for i in items if isinstance(i, SourcedCase)] == [
        "D/2024-01-08",
        "D/2024-01-08#2",
        "D/2024-01-08#3",
    ]
    assert codes(items[1])["duplicate-episode"] == 1  # type: ignore[arg-type]
    assert codes(items[2])["duplicate-child"] == 1  # type: ignore[arg-type]


# --- Truncation and attacks ------------------------------------------------------------------


@pytest.mark.parametrize("cut", [0.35, 0.6, 0.8, 0.99])
def test_truncated_file_keeps_what_was_read(cut: float) -> None:
    data = census(*(child(episode("2024-01-08"), child_id=f"T{n}") for n in range(10)))
    short = data[: int(len(data) * cut)]
    items, reader = read(short)
    assert not reader.complete  # type: ignore[attr-defined]
    *cases, last = items
    assert all(isinstance(c, SourcedCase) for c in cases)
    assert isinstance(last, Rejected)
    assert "not well-formed" in last.reason
    assert last.line is not None
    assert last.column
    assert last.line <= short.count(b"\n") + 1
    assert [c.case.case_id for c in cases] == [  # type: ignore[union-attr]
        f"T{n}/2024-01-08" for n in range(len(cases))
    ]


def test_garbage_midway_is_reported_with_line_and_column() -> None:
    data = census(child(episode(), child_id="A"), child(episode(), child_id="B")).replace(
        b"<LAchildID>B", b"<LAchildID>B<<"
    )
    items, reader = read(data)
    assert not reader.complete  # type: ignore[attr-defined]
    assert isinstance(items[0], SourcedCase)
    last = items[-1]
    assert isinstance(last, Rejected)
    assert last.child_id is None or last.child_id == "B"


BOMB = (
    '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


@pytest.mark.parametrize(
    "prolog",
    [
        BOMB,
        '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>',
        '<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p"> %p;]>',
    ],
)
def test_entity_attacks_are_refused(prolog: str) -> None:
    data = census(child(episode(), child_id="&c;" if "ENTITY c" in prolog else "X"), prolog=prolog)
    with pytest.raises(ForbiddenXmlError) as caught:
        read(data)
    assert caught.value.code == "xml-forbidden"
    assert caught.value.location is not None
    assert caught.value.location.line == 1


def test_an_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    dtd = tmp_path / "census.dtd"
    dtd.write_text('<!ENTITY leak "SECRET">')
    prolog = f'<?xml version="1.0"?><!DOCTYPE Message SYSTEM "{dtd.as_uri()}">'
    items, _ = read(census(child(episode()), prolog=prolog))
    assert len(items) == 1  # read without loading the DTD


# --- Plain API and memory --------------------------------------------------------------------


def test_plain_case_iterator() -> None:
    data = census(child(episode(), child_id="P"), child(episode("bad"), child_id="Q"))
    items = list(iter_cin_census_cases(io.BytesIO(data)))
    assert [type(i).__name__ for i in items] == ["Case", "Rejected"]


def test_census_evidence_names_what_the_census_cannot_carry() -> None:
    for event in (
        "referral_decision",
        "child_seen",
        "core_group_meeting",
        "allocation",
        "sign_off",
    ):
        assert event in CIN_CENSUS_EVIDENCE.absent_events
    for event in ("referral", "icpc", "review_conference", "case_closed", "icpc_not_required"):
        assert event not in CIN_CENSUS_EVIDENCE.absent_events


def _peak(children: int) -> int:
    body = "\n".join(
        child(episode("2024-01-08", s47("2024-01-10", icpc="2024-01-20")), child_id=f"M{n}")
        for n in range(children)
    )
    stream = io.BytesIO(census(body))
    tracemalloc.start()
    try:
        for _ in read_cin_census(stream):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_file_grows() -> None:
    small, large = _peak(100), _peak(1000)
    assert large < 1.5 * small, (small, large)


def test_header_is_read() -> None:
    _, reader = read(census(child(episode()), header=HEADER))
    assert reader.header.reference_date == dt.date(2024, 3, 31)  # type: ignore[attr-defined]
    assert reader.header.la == "201"  # type: ignore[attr-defined]
