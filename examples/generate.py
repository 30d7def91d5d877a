"""Write the realistic example returns: a CIN census and an Ofsted Annex A workbook.

    python examples/generate.py            # rewrites examples/census/ and examples/annex-a/
    python examples/generate.py --check    # exit 1 if the committed files differ

The children are invented (seeded random numbers, no real child): "Exampleshire", a council
of a few hundred children in need, with the reference date 31 March 2025 (the 2024-25
census). The mix of met, late, pending and overdue is drawn to look like England's published
statistics (DfE, *Children in need*, explore-education-statistics.service.gov.uk):

- assessments completed within 45 working days of the referral: **86 %** (2024-25, table C2
  "Completed assessments by duration": 555,820 of 648,830 within 45 days);
- initial child protection conferences within 15 working days of the strategy discussion that
  started the section 47 enquiry: **78 %** (2022-23, table C4: 58,330 of 74,380 ICPCs);
- child protection plan reviews on time: about **93 %** (DfE key indicator "CPP reviewed within
  timescales", 94 % in 2014-15 as reported by Community Care);
- referrals with no further action: about 8 %; section 47 enquiries after about a third of
  referrals and an ICPC after about a third of those (2022-23, C4: 225,400 enquiries and
  74,380 ICPCs for 648,830 assessments), a plan after most ICPCs.

Dates are kept consistent (no event before the referral, nothing after the reference date,
every plan starting on its conference's date), so the data-quality findings are few, and the
census validates against the 2024-25 layout (``CIN_schema_2025.xsd``). Editing this file
changes the README's example reports: run it, then ``python examples/generate.py --check``.
Needs the package (working days, with England and Wales bank holidays) and, for the
workbook, openpyxl (the ``annex-a`` extra).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from wtguidance.calendar import WorkingCalendar, add_months

HERE = Path(__file__).resolve().parent
CENSUS = HERE / "census" / "exampleshire-2025.xml"
ANNEX_A = HERE / "annex-a" / "exampleshire-2025.xlsx"

SEED = 2058  # of seeds 2015-2069, the one nearest all three national rates (few findings)
CHILDREN = 500
REFERENCE = dt.date(2025, 3, 31)
YEAR_START = dt.date(2024, 4, 1)
CALENDAR = WorkingCalendar(first_year=2022, last_year=2026)

# the national figures aimed at (see the module docstring)
ASSESSMENT_ON_TIME = 0.84  # a little under 86 %: some late ones are still open (overdue)
ICPC_ON_TIME = 0.78
REVIEW_ON_TIME = 0.93
NFA = 0.08
S47_AFTER_REFERRAL = 0.30
ICPC_AFTER_S47 = 0.40
PLAN_AFTER_ICPC = 0.85
OPEN_FROM_LAST_YEAR = 0.12  # children whose episode began before the census year
TYPING_ERRORS = 0.05  # a plan start keyed a day after its conference: a data-quality finding

ETHNICITY = (("WBRI", 70), ("WOTH", 5), ("MWBC", 4), ("MOTH", 3), ("AIND", 3), ("APKN", 3))
ETHNICITY += (("BAFR", 3), ("BCRB", 2), ("OOTH", 3), ("NOBT", 4))
CATEGORY = (("NEG", 50), ("EMO", 35), ("PHY", 8), ("SAB", 4), ("MUL", 3))
CATEGORY_WORDS = {
    "NEG": "Neglect",
    "EMO": "Emotional abuse",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "MUL": "Multiple",
}
TEAMS = ("Front Door Team", "Assessment Team 1", "Assessment Team 2", "Child Protection Team")


@dataclass
class Episode:
    """One episode of need, with only what had happened by the reference date."""

    referral: dt.date
    source: str
    nfa: bool = False
    need: str = "N1"
    assessment_start: dt.date | None = None
    assessment_done: dt.date | None = None
    seen: dt.date | None = None
    s47: dt.date | None = None
    icpc_target: dt.date | None = None
    icpc: dt.date | None = None
    icpc_required: bool = True
    plan_start: dt.date | None = None
    plan_end: dt.date | None = None
    category: str = "NEG"
    reviews: list[dt.date] = field(default_factory=list)
    last_visit: dt.date | None = None
    seen_alone: bool = True
    closure: dt.date | None = None
    closure_reason: str | None = None
    cin_plan: dt.date | None = None


@dataclass
class Child:
    child_id: str
    sex: str
    ethnicity: str
    birth: dt.date
    team: str
    worker: str
    episode: Episode


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


def _working_day_on_or_after(day: dt.date) -> dt.date:
    while not CALENDAR.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _wd(day: dt.date, n: int) -> dt.date:
    return CALENDAR.add_working_days(day, n)


def _known(day: dt.date | None) -> dt.date | None:
    """A date only if it had happened by the reference date."""
    return day if day is not None and day <= REFERENCE else None


def _episode(rng: random.Random) -> Episode:
    """One episode open at some point in the collection year (a return holds no other:
    one closed before the year began would fail DfE rule 8620, so it is drawn again)."""
    while True:
        episode = _draw_episode(rng)
        if episode.closure is None or episode.closure >= YEAR_START:
            return episode


def _draw_episode(rng: random.Random) -> Episode:
    if rng.random() < OPEN_FROM_LAST_YEAR:  # began last year, still open: plans and reviews
        referral = YEAR_START - dt.timedelta(days=rng.randint(30, 330))
    else:
        referral = YEAR_START + dt.timedelta(days=rng.randint(0, (REFERENCE - YEAR_START).days - 5))
    referral = _working_day_on_or_after(referral)
    source = rng.choice(("1A", "1B", "2A", "3A", "3B", "3E", "5A", "5B", "6", "9"))
    episode = Episode(referral=referral, source=source, need=rng.choice(("N1", "N1", "N2", "N3")))
    if rng.random() < NFA:
        episode.nfa = True
        episode.closure, episode.closure_reason = referral, "RC8"
        return episode
    episode.assessment_start = _wd(referral, rng.randint(0, 3))
    took = rng.randint(12, 45) if rng.random() < ASSESSMENT_ON_TIME else rng.randint(46, 75)
    done = _wd(referral, took)
    episode.seen = _known(_wd(episode.assessment_start, rng.randint(1, 5)))
    if rng.random() < S47_AFTER_REFERRAL:
        _section_47(rng, episode)
    episode.assessment_done = _known(done)
    if episode.assessment_done is None or episode.plan_start is not None:
        return episode
    if rng.random() < 0.6:  # closed after assessment
        closed = _known(_wd(done, rng.randint(0, 5)))
        if closed is not None:
            episode.closure, episode.closure_reason = closed, rng.choice(("RC8", "RC8", "RC9"))
    else:
        episode.cin_plan = done
    return episode


def _section_47(rng: random.Random, episode: Episode) -> None:
    s47 = _known(_wd(episode.referral, rng.randint(0, 8)))
    if s47 is None:
        return
    episode.s47 = s47
    # the council's own target: 15 working days, the strategy discussion being day 0; a few
    # are worked out by a system that forgets bank holidays (the cross-check finds them)
    target = _wd(s47, 15)
    if rng.random() < 0.05:
        target = s47 + dt.timedelta(days=21)  # three weeks: bank holidays ignored
    episode.icpc_target = target
    if rng.random() >= ICPC_AFTER_S47:
        episode.icpc_required = False
        return
    took = rng.randint(6, 15) if rng.random() < ICPC_ON_TIME else rng.randint(16, 26)
    episode.icpc = _known(_wd(s47, took))
    if episode.icpc is None or rng.random() >= PLAN_AFTER_ICPC:
        return
    episode.plan_start = episode.icpc
    if rng.random() < TYPING_ERRORS:
        episode.plan_start = _wd(episode.icpc, 1)
    episode.category = _weighted(rng, CATEGORY)
    review = episode.icpc
    for months in (3, 6, 6, 6):
        due = add_months(review, months)
        on_time = rng.random() < REVIEW_ON_TIME
        held = (
            due - dt.timedelta(days=rng.randint(0, 12))
            if on_time
            else due + dt.timedelta(days=rng.randint(3, 25))
        )
        held = _working_day_on_or_after(held)
        if held > REFERENCE:
            break
        episode.reviews.append(held)
        review = held
        if rng.random() < 0.3:  # the review conference ended the plan
            episode.plan_end = held
            break
    visit = REFERENCE - dt.timedelta(days=rng.randint(1, 12))
    episode.last_visit = max(_working_day_on_or_after(visit), episode.plan_start)
    episode.seen_alone = rng.random() < 0.8


def build(seed: int = SEED, children: int = CHILDREN) -> list[Child]:
    """The invented children, the same for the same seed."""
    rng = random.Random(seed)
    out = []
    for number in range(1, children + 1):
        episode = _episode(rng)
        age_days = rng.randint(0, 17 * 365)
        birth = episode.referral - dt.timedelta(days=age_days)
        team = TEAMS[3] if episode.s47 else rng.choice(TEAMS[:3])
        out.append(
            Child(
                child_id=f"EXS{100000 + number * 37:06d}",
                sex=rng.choice("MF"),
                ethnicity=_weighted(rng, ETHNICITY),
                birth=birth,
                team=team,
                worker=f"SW{rng.randint(1, 40):02d}",
                episode=episode,
            )
        )
    return out


# --- the CIN census (2024-25 layout) ---------------------------------------------------------
def _element(name: str, value: object, indent: int) -> str:
    return f"{'  ' * indent}<{name}>{escape(str(value))}</{name}>"


def census_xml(children: list[Child]) -> str:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<Message>",
        "  <Header>",
        "    <CollectionDetails>",
        _element("Collection", "CIN", 3),
        _element("Year", REFERENCE.year, 3),
        _element("ReferenceDate", REFERENCE.isoformat(), 3),
        "    </CollectionDetails>",
        "    <Source>",
        _element("SourceLevel", "L", 3),
        _element("LEA", "999", 3),
        _element("SoftwareCode", "wtguidance examples/generate.py", 3),
        _element("Release", f"seed {SEED}", 3),
        _element("SerialNo", "001", 3),
        _element("DateTime", "2025-05-01T09:00:00", 3),
        "    </Source>",
        "  </Header>",
        "  <Children>",
    ]
    for child in children:
        lines += _census_child(child)
    lines += ["  </Children>", "</Message>", ""]
    return "\n".join(lines)


def _census_child(child: Child) -> list[str]:
    e = child.episode
    out = [
        "    <Child>",
        "      <ChildIdentifiers>",
        _element("LAchildID", child.child_id, 4),
        _element("UPNunknown", "UN2" if child.birth > REFERENCE.replace(year=2021) else "UN5", 4),
        _element("PersonBirthDate", child.birth.isoformat(), 4),
        _element("Sex", child.sex, 4),
        "      </ChildIdentifiers>",
        "      <ChildCharacteristics>",
        _element("Ethnicity", child.ethnicity, 4),
        "      </ChildCharacteristics>",
        "      <CINdetails>",
        _element("CINreferralDate", e.referral.isoformat(), 4),
        _element("ReferralSource", e.source, 4),
        _element("PrimaryNeedCode", e.need, 4),
    ]
    if e.closure is not None:
        out.append(_element("CINclosureDate", e.closure.isoformat(), 4))
        out.append(_element("ReasonForClosure", e.closure_reason, 4))
    if e.assessment_start is not None and (
        e.assessment_done is None or e.assessment_done >= YEAR_START
    ):  # an assessment authorised before the year is not returned (DfE rule 8696)
        out.append("        <Assessments>")
        out.append(_element("AssessmentActualStartDate", e.assessment_start.isoformat(), 5))
        if e.assessment_done is not None:
            out.append(_element("AssessmentAuthorisationDate", e.assessment_done.isoformat(), 5))
        out.append("        </Assessments>")
    if e.cin_plan is not None:
        out.append("        <CINPlanDates>")
        out.append(_element("CINPlanStartDate", e.cin_plan.isoformat(), 5))
        out.append("        </CINPlanDates>")
    if e.s47 is not None:
        out.append("        <Section47>")
        out.append(_element("S47ActualStartDate", e.s47.isoformat(), 5))
        if e.icpc_target is not None:
            out.append(_element("InitialCPCtarget", e.icpc_target.isoformat(), 5))
        if e.icpc is not None:
            out.append(_element("DateOfInitialCPC", e.icpc.isoformat(), 5))
        out.append(_element("ICPCnotRequired", "0" if e.icpc_required else "1", 5))
        out.append("        </Section47>")
    out.append(_element("ReferralNFA", "1" if e.nfa else "0", 4))
    if e.plan_start is not None:
        out.append("        <ChildProtectionPlans>")
        out.append(_element("CPPstartDate", e.plan_start.isoformat(), 5))
        if e.plan_end is not None:
            out.append(_element("CPPendDate", e.plan_end.isoformat(), 5))
        out.append(_element("InitialCategoryOfAbuse", e.category, 5))
        out.append(_element("LatestCategoryOfAbuse", e.category, 5))
        out.append(_element("NumberOfPreviousCPP", 0, 5))
        if e.reviews:
            out.append("          <Reviews>")
            out += [_element("CPPreviewDate", r.isoformat(), 6) for r in e.reviews]
            out.append("          </Reviews>")
        out.append("        </ChildProtectionPlans>")
    out += ["      </CINdetails>", "    </Child>"]
    return out


# --- the Ofsted Annex A workbook (lists 3 to 7) ----------------------------------------------
SIX_MONTHS_BEFORE = add_months(REFERENCE, -6)

_HEAD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age"]
HEADERS = {
    3: [
        *_HEAD,
        "Date of Referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
    4: [
        *_HEAD,
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team",
        "Allocated Worker",
        # not in Ofsted's template; many councils add it, and without it whether the child
        # was seen in time cannot be judged
        "Date Child Seen During Continuous Assessment",
    ],
    5: [
        *_HEAD,
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        "Allocated Team",
        "Allocated Worker",
    ],
    6: [
        *_HEAD,
        "Does the Child have a Disability",
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        "Allocated Team",
        "Allocated Worker",
    ],
    7: [
        *_HEAD,
        "Does the Child have a Disability",
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
        "Months (Y/N)",
        "Number of Previous Child Protection Plans",
        "Allocated Team",
        "Allocated Worker",
    ],
}


def _recent(day: dt.date | None) -> bool:
    return day is not None and day >= SIX_MONTHS_BEFORE


def annex_a_rows(children: list[Child]) -> dict[int, list[list[object]]]:
    """Annex A lists 3-7 at the reference date: the last six months, and what is open."""
    rows: dict[int, list[list[object]]] = {n: [] for n in HEADERS}
    for child in children:
        e = child.episode
        head: list[object] = [
            child.child_id,
            "a) Male" if child.sex == "M" else "b) Female",
            f"a) {child.ethnicity}",
            child.birth,
            round((REFERENCE - child.birth).days / 365.25, 1),
        ]
        staff = [child.team, child.worker]
        if _recent(e.referral):
            nfa = "Yes" if e.nfa else "No"
            rows[3].append([*head, e.referral, "Police" if e.source == "5A" else "Other", nfa, 0])
            rows[3][-1] += staff
        if e.assessment_start is not None and (
            _recent(e.assessment_start) or e.assessment_done is None
        ):
            seen = "Yes" if e.seen is not None else "No"
            support = "" if e.assessment_done is None else "Yes" if e.cin_plan else "No"
            rows[4].append([*head, "b) No", e.assessment_start, seen, e.assessment_done, support])
            rows[4][-1] += [*staff, e.seen]
        open_plan = e.plan_start is not None and e.plan_end is None
        if e.s47 is not None and (_recent(e.s47) or open_plan):
            unnecessary = "No" if e.icpc_required else "Yes"
            plan = "" if e.icpc is None else "Yes" if e.plan_start else "No"
            rows[5].append([*head, "b) No", e.s47, unnecessary, e.icpc, plan, 1, int(bool(e.icpc))])
            rows[5][-1] += staff
        if not e.nfa and (e.closure is None or _recent(e.closure)):
            status = (
                "e) Closed episode"
                if e.closure is not None
                else "b) Child protection plan"
                if open_plan
                else "d) Open assessment"
                if e.assessment_done is None
                else "c) Child in need plan"
            )
            rows[6].append(
                [*head, "b) No", e.referral, e.need, e.seen, e.closure, e.closure_reason, status]
            )
            rows[6][-1] += staff
        if e.plan_start is not None and (e.plan_end is None or _recent(e.plan_end)):
            latest = e.reviews[-1] if e.reviews else None
            words = CATEGORY_WORDS[e.category]
            alone = "a) Yes" if e.seen_alone else "b) No"
            visit = e.last_visit if e.plan_end is None else None
            rows[7].append(
                [*head, "b) No", e.plan_start, words, words, visit, alone, latest, e.plan_end]
            )
            rows[7][-1] += ["b) No", 0, *staff]
    return rows


def annex_a_workbook(children: list[Child]) -> bytes:
    """The workbook, byte-stable: fixed document dates and zip entry times."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for number, rows in annex_a_rows(children).items():
        sheet = book.create_sheet(f"List {number}")
        sheet.append(HEADERS[number])
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    fixed = dt.datetime(2025, 5, 1, 9, 0)
    book.properties.created = book.properties.modified = fixed
    raw = io.BytesIO()
    book.save(raw)
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stable, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2025, 5, 1, 9, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-05-01T09:00:00Z", data
                )
            target.writestr(entry, data)
    return stable.getvalue()


def outputs(seed: int = SEED) -> dict[Path, bytes]:
    children = build(seed)
    return {CENSUS: census_xml(children).encode(), ANNEX_A: annex_a_workbook(children)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    stale = []
    for path, data in outputs().items():
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(HERE.parent)}")
    for path in stale:
        print(f"{path.relative_to(HERE.parent)} is not what examples/generate.py writes")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
