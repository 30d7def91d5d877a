"""Differential check: the DfE CIN validator and wtguidance on the same census file.

Optional and never run in CI: the validator (``csc-validator-be-cin`` 0.1.13, module
``cin_validator``) pins ``pandas<2`` and needs ``numpy<2``, so it gets a virtual environment
of its own, and this script talks to it through ``bench/dfe_validator_run.py``:

    python3.11 -m venv /tmp/v-cin
    /tmp/v-cin/bin/pip install "csc-validator-be-cin==0.1.13" "numpy<2" pytest
    .venv/bin/python bench/dfe_validator.py FILE.xml [--validator-python /tmp/v-cin/bin/python]

(``numpy<2``: pip otherwise picks numpy 2, and importing the validator's pandas 1.x fails
with "numpy.dtype size changed"; ``pytest``: its ``__main__`` imports it undeclared.)

It reports, for the file's ``ReferenceDate`` R (``--as-of`` to override):

1. **The timescale queries** 8675Q (an S47 with no conference more than 15 working days
   before R) and 8670Q (an assessment open more than 45 working days before R), item by
   item: flagged by the validator, and flagged by the same rule counted as wtguidance counts
   (the N-th working day strictly after the start, that day being day 0, England and Wales
   bank holidays), with wtguidance's own status of the duty at R. Each disagreement names
   its cause: the validator counts the start day as working day 1
   (``CustomBusinessDay(n - 1)``), so an item due on R itself — or, when R is a weekend or
   holiday, on the first working days after it — is flagged while still in time; its
   bank-holiday list starts in 2022; and 8670Q counts from the assessment start where
   Working Together counts from the referral.
2. **Data-quality rules**: for every DfE rule wtguidance checks, the children each tool
   flags (both, validator only, wtguidance only), with the known reason for a difference.
3. **``InitialCPCtarget``**: weekend targets, the validator's 8870Q count (it parses ISO
   dates as ``%d-%m-%Y``, so it never fires) and wtguidance's cross-check causes.

``--generate R --out FILE`` writes a synthetic return that exercises all three (open
enquiries and assessments around the cut-offs, weekend discussions with targets 21 calendar
days on), to reproduce the causes of shared/guidance/crosscheck-report.md §6.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from defusedxml import ElementTree

from wtguidance.calendar import WorkingCalendar
from wtguidance.caseload.run import Evaluated, Settings, evaluate_stream
from wtguidance.caseload.targets import CAUSE_TEXT, ICPC_WORKING_DAYS, classify
from wtguidance.sources.cin_census import CIN_CENSUS_EVIDENCE, read_cin_census

HERE = Path(__file__).resolve().parent
DEFAULT_PYTHON = os.environ.get("WTG_DFE_VALIDATOR_PYTHON", "/tmp/v-cin/bin/python")
RULESETS = ("cin2022_23", "cin2023_24", "cin2024_25", "cin2025_26")
#: the validator's bank-holiday list (``england_holidates.py``) starts in 2022
VALIDATOR_HOLIDAYS_FROM = dt.date(2022, 1, 1)
CALENDAR = WorkingCalendar(first_year=1900, last_year=2200)

#: DfE rules wtguidance checks (docs/cin-census.md), and why the two may still differ
CHECKED: dict[str, str] = {
    "100": "wtguidance splits it: `header` (not 31 March) and `year-mismatch` (Year)",
    "1103": "",
    "1104": "",
    "1105": "",
    "2884": "",
    "2885": "the validator's 2885 only checks plans starting in the collection year",
    "2889": "",
    "4013": "wtguidance flags ends before the year; ends after R are `after-reference-date`",
    "8510": "",
    "8545Q": "wtguidance flags deaths before the year; deaths after R are not flagged",
    "8555Q": "the validator also flags the death-date side of the same children",
    "8565": "the validator's 8565 checks CPPendDate against a hard-coded test table "
    "(rule_8565.py), so it never flags a real plan end; wtguidance checks plan starts "
    "and reviews too",
    "8600": "",
    "8608": "",
    "8620": "wtguidance flags closures before the year; closures after R are "
    "`after-reference-date`",
    "8630": "",
    "8696": "as 8620, for authorisation dates",
    "8715": "as 8620, for S47-level conferences",
    "8736": "as 8620, for open assessments' start dates",
    "8815": "",
    "8820": "",
    "8831": "",
    "8832": "",
    "8841": "",
    "8842Q": "",
    "8867": "",
    "8868": "",
    "8875": "wtguidance also tests the episode-level DateOfInitialCPC, which 8875 does not inspect",
    "8925": "",
    "8930": "as 8620, for plan ends",
    "8940": "",
}
_RULE = re.compile(r"(?:DfE rules? |rules? |\(|/|, )(\d{3,4}Q?)(?=[)/;,. ]|$)")


# --- wtguidance's side -----------------------------------------------------------------------


@dataclass
class Ours:
    """What wtguidance concluded about one file."""

    reference: dt.date | None
    findings: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: (child, clock date) -> status, for icpc.hold; (child, referral) for assessment.complete
    icpc: dict[tuple[str, dt.date], str] = field(default_factory=dict)
    assessment: dict[tuple[str, dt.date], str] = field(default_factory=dict)
    targets: list[tuple[str, dt.date, dt.date, str | None]] = field(default_factory=list)


def rules_named(message: str) -> set[str]:
    return {m for m in _RULE.findall(message) if m.rstrip("Q") not in {"15", "45"}}


def run_wtguidance(path: Path, as_of: dt.date | None) -> Ours:
    census = read_cin_census(path)
    items = list(census)
    reference = as_of or (census.header.reference_date if census.header else None)
    if reference is None:
        sys.exit(f"{path}: no ReferenceDate in the Header; give --as-of")
    ours = Ours(reference)
    for note in census.notes:
        for rule in rules_named(note.message):
            ours.findings[rule].add("(file)")
    settings = Settings(reference, evidence=CIN_CENSUS_EVIDENCE)
    for result in evaluate_stream(items, settings):
        if not isinstance(result, Evaluated) or result.source is None:
            continue
        child = result.source.child_id or "?"
        for finding in result.outcome.findings:
            for rule in rules_named(finding.message):
                ours.findings[rule].add(child)
        dues: dict[dt.date, dt.date | None] = {}
        for item in result.outcome.obligations:
            if item.id == "icpc.hold":
                ours.icpc[(child, item.clock.date)] = item.status
                dues.setdefault(item.clock.date, item.due)
            elif item.id == "assessment.complete":
                ours.assessment[(child, item.clock.date)] = item.status
        for stated in result.source.targets:
            due = dues.get(stated.clock) or CALENDAR.add_working_days(
                stated.clock, ICPC_WORKING_DAYS
            )
            cause = classify(stated.clock, stated.target, due, CALENDAR)
            ours.targets.append((child, stated.clock, stated.target, cause))
    return ours


@dataclass(frozen=True)
class OpenItem:
    """An S47 with no conference, or an assessment with no authorisation, at R."""

    rule: str
    child: str
    start: dt.date
    referral: dt.date


def open_items(path: Path) -> Iterator[OpenItem]:
    """The items 8675Q and 8670Q look at, read straight from the XML."""

    def local(tag: object) -> str:
        return tag.rpartition("}")[2] if isinstance(tag, str) else ""

    def text(node: object, name: str) -> str | None:
        for sub in node:  # type: ignore[attr-defined]
            if local(sub.tag) == name:
                return (sub.text or "").strip() or None
        return None

    root = ElementTree.parse(path).getroot()
    for child in root.iter():
        if local(child.tag) != "Child":
            continue
        ids = next((s for s in child if local(s.tag) == "ChildIdentifiers"), child)
        child_id = text(ids, "LAchildID") or "?"
        for episode in (s for s in child if local(s.tag) == "CINdetails"):
            referral = dt.date.fromisoformat(text(episode, "CINreferralDate") or "1900-01-01")
            for block in episode:
                name = local(block.tag)
                start = text(
                    block,
                    "S47ActualStartDate" if name == "Section47" else "AssessmentActualStartDate",
                )
                if start is None:
                    continue
                day = dt.date.fromisoformat(start[:10])
                if name == "Section47":
                    flag = (text(block, "ICPCnotRequired") or "").lower()
                    if text(block, "DateOfInitialCPC") is None and flag not in ("true", "1"):
                        yield OpenItem("8675Q", child_id, day, referral)
                elif name == "Assessments" and text(block, "AssessmentAuthorisationDate") is None:
                    yield OpenItem("8670Q", child_id, day, referral)


# --- the validator's side --------------------------------------------------------------------


def ruleset_for(reference: dt.date) -> str:
    """The validator's ruleset for the collection year holding ``reference``."""
    end = reference.year if (reference.month, reference.day) <= (3, 31) else reference.year + 1
    name = f"cin{end - 1}_{end % 100:02d}"
    if name < RULESETS[0]:
        return RULESETS[0]
    return name if name in RULESETS else RULESETS[-1]


def run_validator(python: str, path: Path, ruleset: str) -> list[dict[str, str]]:
    if not Path(python).exists():
        sys.exit(
            f"the DfE validator's interpreter {python} does not exist. Set it up with:\n"
            "  python3.11 -m venv /tmp/v-cin\n"
            '  /tmp/v-cin/bin/pip install "csc-validator-be-cin==0.1.13" "numpy<2" pytest\n'
            "or pass --validator-python (or set WTG_DFE_VALIDATOR_PYTHON)."
        )
    done = subprocess.run(
        [python, str(HERE / "dfe_validator_run.py"), str(path), ruleset],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"the validator failed on {path}:\n{done.stderr[-2000:]}")
    issues: list[dict[str, str]] = json.loads(done.stdout)
    return issues


# --- comparing -------------------------------------------------------------------------------


def pre_2022_holidays(start: dt.date, due: dt.date) -> list[dt.date]:
    days = []
    day = start + dt.timedelta(days=1)
    while day <= due:
        if day < VALIDATOR_HOLIDAYS_FROM and day.weekday() < 5 and not CALENDAR.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def why(item: OpenItem, due: dt.date, reference: dt.date, flagged: bool) -> str:
    """The cause of a disagreement between the validator and the rule counted as wtguidance
    counts it (``flagged`` is the validator's verdict)."""
    causes = []
    missing = pre_2022_holidays(item.start, due)
    if flagged and due >= reference:
        if due == reference:
            causes.append(
                "due on the ReferenceDate itself: the validator counts the start day as "
                "working day 1 (CustomBusinessDay(n-1)), one day too strict"
            )
        else:
            causes.append(
                f"the ReferenceDate {reference} ({reference:%a}) is not a working day and the "
                "validator counts the start day as working day 1, so an item due on the "
                "first working days after it is flagged while still in time"
            )
    if missing:
        causes.append(
            "its bank-holiday list starts in 2022 and lacks "
            + ", ".join(d.isoformat() for d in missing)
        )
    return "; ".join(causes) or "unexplained"


def compare_timescales(path: Path, ours: Ours, issues: list[dict[str, str]]) -> list[str]:
    reference = ours.reference
    assert reference is not None
    flagged = {
        (i["rule"], i["child"], i["value"][:10])
        for i in issues
        if i["rule"] in ("8675Q", "8670Q")
        and i["column"] in ("S47ActualStartDate", "AssessmentActualStartDate")
    }
    out = []
    for rule, days in (("8675Q", 15), ("8670Q", 45)):
        items = [i for i in open_items(path) if i.rule == rule]
        rows = []
        agree = 0
        for item in items:
            due = CALENDAR.add_working_days(item.start, days)
            ours_flag = due < reference
            theirs = (rule, item.child, item.start.isoformat()) in flagged
            if rule == "8675Q":
                status = ours.icpc.get((item.child, item.start), "?")
            else:
                status = ours.assessment.get((item.child, item.referral), "?")
            if ours_flag == theirs:
                agree += 1
                continue
            rows.append(
                f"  {item.child}: start {item.start} ({item.start:%a}), {days}th working day "
                f"{due}; validator {'flags' if theirs else 'does not flag'}, wtguidance's "
                f"count {'flags' if ours_flag else 'does not'}; wtguidance status {status}. "
                + why(item, due, reference, theirs)
            )
        out.append(
            f"{rule} ({days} working days before R): {len(items)} items, {agree} agree, "
            f"{len(rows)} disagree"
        )
        out.extend(rows)
        if rule == "8670Q":
            design = [
                i
                for i in items
                if i.referral < i.start
                and (CALENDAR.add_working_days(i.referral, days) < reference)
                != (CALENDAR.add_working_days(i.start, days) < reference)
            ]
            if design:
                out.append(
                    f"  by design, {len(design)} open assessment(s) started after the referral "
                    "are judged differently: 8670Q counts from the assessment start, Working "
                    "Together (wtguidance's assessment.complete) from the referral"
                )
    return out


def compare_findings(ours: Ours, issues: list[dict[str, str]]) -> list[str]:
    theirs: dict[str, set[str]] = defaultdict(set)
    for issue in issues:
        theirs[issue["rule"]].add("(file)" if issue["rule"] == "100" else issue["child"] or "?")
    out = []
    for rule in sorted(set(CHECKED) & (set(theirs) | set(ours.findings)), key=_rule_key):
        mine, them = ours.findings.get(rule, set()), theirs.get(rule, set())
        line = (
            f"{rule}: both {len(mine & them)}, validator only {len(them - mine)}, "
            f"wtguidance only {len(mine - them)}"
        )
        if mine != them and CHECKED[rule]:
            line += f" ({CHECKED[rule]})"
        out.append(line)
        for label, only in (("validator only", them - mine), ("wtguidance only", mine - them)):
            if only:
                shown = sorted(only)[:8]
                more = f" … and {len(only) - 8} more" if len(only) > 8 else ""
                out.append(f"  {label}: {', '.join(shown)}{more}")
    unchecked = sorted(set(theirs) - set(CHECKED) - {"8675Q", "8670Q", "8870Q"}, key=_rule_key)
    if unchecked:
        counts = ", ".join(f"{r} ({len(theirs[r])})" for r in unchecked)
        out.append(f"not checked by wtguidance (docs/cin-census.md says why): {counts} (children)")
    return out


def compare_targets(ours: Ours, issues: list[dict[str, str]]) -> list[str]:
    weekend = [t for t in ours.targets if t[2].weekday() >= 5]
    fired = sum(1 for i in issues if i["rule"] == "8870Q")
    causes: dict[str, int] = defaultdict(int)
    for *_rest, cause in weekend:
        causes[CAUSE_TEXT[cause] if cause else "agrees"] += 1
    out = [
        f"{len(ours.targets)} targets, {len(weekend)} on a weekend; validator 8870Q locations: "
        f"{fired}",
    ]
    if weekend and not fired:
        out.append(
            "  8870Q never fires: rule_8870Q re-parses InitialCPCtarget with format "
            "'%d-%m-%Y', so an ISO date becomes NaT and '.dt.weekday >= 5' is never true"
        )
    if weekend:
        out.append(
            "  wtguidance's cross-check on the weekend targets: "
            + ", ".join(f"{k} {v}" for k, v in sorted(causes.items()))
        )
    return out


def _rule_key(rule: str) -> tuple[int, str]:
    return int(rule.rstrip("Q")), rule


# --- a synthetic return ----------------------------------------------------------------------


def generate(reference: dt.date) -> str:
    """Open enquiries (R-45 … R) and assessments (R-90 … R-45), and enquiries on weekends
    with a conference 7 days on and a target 21 calendar days on (the Bristol convention)."""
    children = []

    def child(child_id: str, episode: str) -> None:
        children.append(
            f"<Child><ChildIdentifiers><LAchildID>{escape(child_id)}</LAchildID>"
            "<PersonBirthDate>2015-01-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>"
            "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
            f"<CINdetails>{episode}<ReferralNFA>false</ReferralNFA></CINdetails></Child>"
        )

    def referral(day: dt.date) -> str:
        return f"<CINreferralDate>{day}</CINreferralDate><ReferralSource>1A</ReferralSource>"

    for back in range(45, -1, -1):
        day = reference - dt.timedelta(days=back)
        child(
            f"S47O{day:%Y%m%d}",
            referral(day) + f"<Section47><S47ActualStartDate>{day}</S47ActualStartDate>"
            "<ICPCnotRequired>false</ICPCnotRequired></Section47>",
        )
    for back in range(90, 44, -1):
        day = reference - dt.timedelta(days=back)
        child(
            f"ASO{day:%Y%m%d}",
            referral(day) + f"<Assessments><AssessmentActualStartDate>{day}"
            "</AssessmentActualStartDate></Assessments>",
        )
    for back in range(300, 60, -1):
        day = reference - dt.timedelta(days=back)
        if day.weekday() < 5:
            continue
        icpc, target = day + dt.timedelta(days=7), day + dt.timedelta(days=21)
        child(
            f"TGK{day:%Y%m%d}",
            referral(day) + f"<Section47><S47ActualStartDate>{day}</S47ActualStartDate>"
            f"<InitialCPCtarget>{target}</InitialCPCtarget>"
            f"<DateOfInitialCPC>{icpc}</DateOfInitialCPC>"
            "<ICPCnotRequired>false</ICPCnotRequired></Section47>",
        )
    header = (
        "<Header><CollectionDetails><Collection>CIN</Collection>"
        f"<Year>{reference.year}</Year><ReferenceDate>{reference}</ReferenceDate>"
        "</CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>201</LEA></Source>"
        "</Header>"
    )
    body = "\n".join(children)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<Message>{header}\n<Children>\n{body}\n</Children></Message>\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--validator-python", default=DEFAULT_PYTHON)
    parser.add_argument("--as-of", type=dt.date.fromisoformat)
    parser.add_argument("--ruleset", choices=RULESETS)
    parser.add_argument("--generate", type=dt.date.fromisoformat, metavar="R")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.generate:
        if args.out is None:
            parser.error("--generate needs --out")
        args.out.write_text(generate(args.generate), encoding="utf-8")
        print(f"wrote {args.out}")
        if args.file is None:
            return 0
    if args.file is None:
        parser.error("give a census FILE (or --generate R --out FILE)")
    ours = run_wtguidance(args.file, args.as_of)
    assert ours.reference is not None
    ruleset = args.ruleset or ruleset_for(ours.reference)
    issues = run_validator(args.validator_python, args.file, ruleset)
    print(f"{args.file}: ReferenceDate {ours.reference} ({ours.reference:%a}); validator {ruleset}")
    print(
        "Counting: wtguidance's due date is the N-th working day strictly after the start "
        "(the start is day 0), England and Wales bank holidays excluded; the validator's "
        "england_working_days(n) is CustomBusinessDay(n - 1), i.e. it counts the start day as "
        "working day 1, over a holiday list that starts in 2022."
    )
    for title, lines in (
        ("1. Timescale queries", compare_timescales(args.file, ours, issues)),
        ("2. Data-quality rules (children flagged)", compare_findings(ours, issues)),
        ("3. InitialCPCtarget", compare_targets(ours, issues)),
    ):
        print(f"\n{title}")
        print("\n".join(lines) if lines else "  nothing to compare")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
