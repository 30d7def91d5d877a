"""What each finding code means: the finding half of :data:`wtguidance.codes.CATALOGUE`."""

from __future__ import annotations

from wtguidance._code_types import CodeEntry, CodeGroup

__all__ = ["FINDING_GROUPS"]

FINDING_GROUPS: tuple[CodeGroup, ...] = (
    CodeGroup(
        "Findings in an outcome (not errors)",
        (
            CodeEntry(
                ("event-order",),
                (
                    "An event has no logical predecessor on or before it (e.g. "
                    "`assessment_completed` with no `assessment_started`). A warning: a case "
                    "that begins mid-way can trip it."
                ),
            ),
            CodeEntry(
                ("event-after-as-of",),
                (
                    "Events dated after `as_of` were not used; the case is judged as it stood "
                    "that day."
                ),
            ),
            CodeEntry(
                ("before-earliest-edition",),
                ("Events predate the earliest encoded edition (2010) and were not judged."),
            ),
            CodeEntry(
                ("born-after-events",),
                (
                    "The child's `date_of_birth` is more than 300 days after the first event. "
                    "Concerns raised before a birth are ordinary, so a short gap is accepted; a "
                    "longer one is most likely a wrong date of birth (a typo, or a sibling's "
                    "date), reported rather than used silently."
                ),
            ),
            CodeEntry(
                ("seen-after-death",),
                (
                    "A `child_seen` event is dated after the child's `date_of_death`: one of the "
                    "dates is wrong. Reported rather than used silently."
                ),
            ),
            CodeEntry(
                ("unjudged-obligation",),
                (
                    "Two editions either side of a changeover start the same duty's clock from "
                    "different events (for example one from the referral, the next from the "
                    "decision), and a case crossing the changeover has an instance that the "
                    "edition governing its date never judged. Reported so that no obligation is "
                    "silently dropped; judge it by hand, or pin an edition with `--edition`."
                ),
            ),
            CodeEntry(
                ("unjudged-allocation",),
                (
                    "An allocation's stage has no case-holder rule in the edition that governs "
                    "its date (for example an `s17` allocation after the 2026 edition, which "
                    "uses `family_help`). Reported so that no allocation is silently ignored."
                ),
            ),
            CodeEntry(
                ("joined-episode",),
                (
                    "A referral arrived while an earlier referral about the child was still "
                    "undecided (no decision or assessment recorded yet). The later referral "
                    "joins the earlier one's episode: the assessment clock runs from the "
                    "first referral (the 45 working days are not restarted), and the later "
                    "referral starts no assessment clock of its own. Its own decision "
                    "(`referral.decision`) is still judged."
                ),
            ),
            CodeEntry(
                ("not-commenced",),
                (
                    "The case meets a duty that is enacted but not yet in force as far as can "
                    "be verified (a rule with `in_force_from: pending`, such as the 2026 "
                    "statutory family group decision-making duties). It is not applied; the "
                    "message names the rule that judges the case meanwhile, if any. "
                    "`Editions.with_commenced` evaluates what-if commencement dates."
                ),
            ),
            CodeEntry(
                ("hours-judged-by-date",),
                (
                    'A local limit counted in hours ("child seen within 24 hours") meets an '
                    "event with no time of day (`time: HH:MM`). The limit is judged by the "
                    "date: due by the end of the day the hours would run out on, which is "
                    "never earlier than the true deadline, so an obligation reported late is "
                    "late, but one reported met may have been a few hours late."
                ),
            ),
            CodeEntry(
                ("protocol-edition-not-governing",),
                (
                    "A local protocol was applied to a case (`--protocol`) but is written for "
                    "a different edition from the one that judges some or all of the case. "
                    "It tightens only its own edition: its limits, roles, sign-offs, local "
                    "obligations and closure days apply only to what that edition governs; "
                    "the message says what was judged without it."
                ),
            ),
            CodeEntry(
                ("implausible-date-of-birth",),
                (
                    "A referral came on or after the child's 18th birthday: a 1990 date of "
                    "birth for a 2024 referral of a child. Either the date of birth is wrong "
                    "or the record is about an adult; duties owed only to children stop at "
                    "the 18th birthday, so check the date of birth. (A date of "
                    "birth long after the first event is `born-after-events`.)"
                ),
            ),
            CodeEntry(
                ("annex-a-allocated-worker",),
                (
                    "Annex A names the team and worker a row is allocated to, but never their "
                    "role or qualification, so the case-holder verdict is not evidenced "
                    "(never guessed). Information."
                ),
            ),
            CodeEntry(
                ("annex-a-latest",),
                (
                    "A snapshot fact from Annex A: the latest review conference, the last "
                    "statutory visit (and whether the child was seen alone), the date the child "
                    "was last seen. Information."
                ),
            ),
            CodeEntry(
                ("annex-a-referral-nfa",),
                (
                    "A referral in list 3 is recorded as no further action. Annex A gives no date "
                    "for that decision, so the referral decision is not evidenced; no assessment "
                    "is expected. Information."
                ),
            ),
            CodeEntry(
                ("annex-a-assessment-kind-unknown",),
                (
                    "An assessment in list 4 belongs to a referral from before the single "
                    "assessment (the 2010 edition, with initial and core assessments). Annex A "
                    "cannot say which kind it was, so it is read as a single assessment. "
                    "Information."
                ),
            ),
            CodeEntry(
                ("annex-a-icpc-outcome-inferred",),
                (
                    "A conference in list 5 does not record whether it made a plan, and no plan in "
                    "list 7 starts that day, so it is read as making no plan. Information."
                ),
            ),
            CodeEntry(
                ("annex-a-conference-inferred",),
                (
                    "A plan in list 7 matches no conference in list 5 (a plan is matched to a "
                    "conference only on the same date), so its initial conference is taken to be "
                    "on the plan's start date. Information."
                ),
            ),
            CodeEntry(
                ("annex-a-after-nfa-referral",),
                (
                    "An assessment, enquiry or plan starts after a referral recorded as no "
                    "further action, so it cannot belong to that referral and is judged as an "
                    "episode of its own. Check the referral's no-further-action answer."
                ),
            ),
            CodeEntry(
                ("annex-a-child-not-seen",),
                ("List 4 records that the child was not seen during the assessment."),
            ),
            CodeEntry(
                ("annex-a-child-seen-undated",),
                (
                    "List 4 says the child was seen during the assessment but gives no date "
                    "(Ofsted's template has only a yes/no column), so whether the child was seen "
                    "in time is not evidenced. A column with the date seen fixes it."
                ),
            ),
            CodeEntry(
                ("annex-a-icpc-unnecessary-but-held",),
                (
                    "List 5 says an initial conference was deemed unnecessary, yet gives a "
                    "conference date. The date is used."
                ),
            ),
            CodeEntry(
                ("annex-a-icpc-need-not-recorded",),
                (
                    "List 5 gives neither a conference date nor an answer to whether a conference "
                    "was needed, so the conference deadline is not evidenced."
                ),
            ),
            CodeEntry(
                ("annex-a-plan-not-listed",),
                (
                    "List 5 says the conference made a plan, but no plan in list 7 starts on the "
                    "conference's date, so the plan's reviews are not evidenced."
                ),
            ),
            CodeEntry(
                ("annex-a-conflicting-child-details",),
                (
                    "A child's rows in different lists give different dates of birth; the one "
                    "named in the message is used, which can move the clocks that stop at the "
                    "18th birthday."
                ),
            ),
            CodeEntry(
                ("annex-a-duplicate-episode",),
                (
                    "Two episodes of one child start on the same day (say, two referrals dated "
                    "alike); the second is numbered `CASE#2` so that both are judged."
                ),
            ),
            CodeEntry(
                ("annex-a-cell-note",),
                (
                    "A cell could not be read as what its column holds (`#N/A`, an unknown code or "
                    "answer) and was read as blank; the message names the cell and the value."
                ),
            ),
            CodeEntry(
                ("annex-a-context-row",),
                (
                    "A row of list 1 (contacts) or list 2 (early help) could not be read. These "
                    "lists carry no deadline, so the row is counted, not judged."
                ),
            ),
            CodeEntry(
                ("annex-a-source",),
                (
                    "About the Annex A file as a whole: a sheet not read (lists 8–11, a cover "
                    "page), a sheet read as another list than its name says, a list split over "
                    "several sheets, a CSV file that is not UTF-8."
                ),
            ),
        ),
    ),
    CodeGroup(
        "CIN census data quality (findings in an outcome, from the importer)",
        (
            CodeEntry(
                ("unexpected-root",),
                (
                    "The census file's root element is not `Message`; `Child` elements are "
                    "read wherever they stand below it."
                ),
            ),
            CodeEntry(
                ("header",),
                (
                    "The census `Header` is odd: a `ReferenceDate` that is not 31 March (DfE "
                    "rule 100) or not a date (census-period checks are then skipped)."
                ),
            ),
            CodeEntry(
                ("duplicate-child",),
                (
                    "The same `LAchildID` appears on an earlier `Child` element (DfE rule "
                    "8510). Its episodes are still evaluated."
                ),
            ),
            CodeEntry(
                ("unborn-child",),
                (
                    "The child has only an `ExpectedPersonBirthDate`: the date of birth is "
                    "left empty."
                ),
            ),
            CodeEntry(
                ("mixed-content",),
                ("Text stands between census elements (mixed content); it is ignored."),
            ),
            CodeEntry(
                ("timezone-suffix",),
                (
                    "A census date carries an `xs:date` time-zone suffix (`2024-03-31Z`); the "
                    "suffix is ignored."
                ),
            ),
            CodeEntry(
                ("duplicate-episode",),
                (
                    "Two episodes share `LAchildID` and `CINreferralDate`; the later ones get "
                    "`#2`, `#3` … in their case id."
                ),
            ),
            CodeEntry(
                ("referral-after-closure",),
                ("An episode's closure date is before its referral date (DfE rule 8630)."),
            ),
            CodeEntry(
                ("date-order",),
                (
                    "Census dates out of order: assessment, S47, ICPC or plan before the "
                    "referral (1103, 2889, 1104, 1105), authorisation before start (8608), "
                    "plan end before start (8925), a review on or before the plan start "
                    "(8841), a Section47 conference before its enquiry began (8615). Still "
                    "evaluated: events need not be sorted."
                ),
            ),
            CodeEntry(
                ("after-reference-date",),
                (
                    "Dates after the census `ReferenceDate`, one finding per episode listing "
                    "each element, its line and the DfE rule it breaks (8600 referral, 8620 "
                    "closure, 8696 authorisation, 8715 S47 conference, 8720 plan start, 8930 "
                    "plan end, 4010/4013 CIN plan)."
                ),
            ),
            CodeEntry(
                ("after-death",),
                (
                    "Events dated after the child's `PersonDeathDate` (DfE 8555Q referral, "
                    "8915/8920 plan, 4008/4009Q CIN plan); clocks stop at the death."
                ),
            ),
            CodeEntry(
                ("nfa-with-activity",),
                (
                    "`ReferralNFA` is true yet the episode records assessments, enquiries, "
                    "conferences or plans (DfE rules 8831/8832). The events present are still "
                    "evaluated."
                ),
            ),
            CodeEntry(
                ("assessment-kind-unknown",),
                (
                    "An assessment in an episode referred before 2013-04-15: the census "
                    "cannot say initial or core, so it is mapped as a single assessment and "
                    "the 2010 split stays unevidenced."
                ),
            ),
            CodeEntry(
                ("re-assessment",),
                (
                    "Several completed assessments in one episode: the first completed one "
                    "answers the referral."
                ),
            ),
            CodeEntry(
                ("icpc-without-s47",),
                (
                    "An episode-level ICPC date with no `Section47` in the episode: the "
                    "conference is recorded but `icpc.hold` has no clock."
                ),
            ),
            CodeEntry(
                ("icpc-recorded-twice",),
                ("The same ICPC date at episode and at S47 level (DfE rule 2884): counted once."),
            ),
            CodeEntry(
                ("icpc-not-required-with-icpc",),
                ("A `Section47` says no conference was required yet records an ICPC date."),
            ),
            CodeEntry(
                ("cpp-without-icpc",),
                (
                    "A child protection plan start matches no ICPC date in the episode (DfE "
                    "rule 2885)."
                ),
            ),
            CodeEntry(
                ("empty-reviews",),
                ("A child protection plan has an empty `Reviews` element (DfE query 8842Q)."),
            ),
            CodeEntry(
                ("overlapping-episodes",),
                (
                    "An episode starts while an earlier episode of the same child is open "
                    "(DfE rules 8815/8820). Each is evaluated on its own."
                ),
            ),
            CodeEntry(
                ("duplicate-element",),
                (
                    "A census item the layout allows once (`CINreferralDate`, "
                    "`PersonBirthDate`, `LAchildID`, a second `ChildIdentifiers` or `Header` "
                    "…) is written more than once with the same value: read once. With "
                    "different values the record is rejected instead (which one holds cannot "
                    "be told); a second `Header` is ignored and named."
                ),
            ),
            CodeEntry(
                ("year-mismatch",),
                (
                    "The `Header`'s `<Year>` does not match its `ReferenceDate` (DfE rule 100: "
                    "the reference date is 31 March of `Year`). wtguidance takes the "
                    "collection year from the `ReferenceDate`, so no due date changes."
                ),
            ),
            CodeEntry(
                ("icpc-on-weekend",),
                (
                    "An initial child protection conference dated on a Saturday or Sunday "
                    "(DfE rule 8875, which checks the `Section47` date; the episode-level "
                    "date gets the same test). The `icpc.hold` it meets, and the review and "
                    "core group clocks it starts, rest on an implausible date; the verdict "
                    "itself is the engine's, unchanged."
                ),
            ),
            CodeEntry(
                ("overlapping-cp-plans",),
                (
                    "A child protection plan starts within another plan of the same child, "
                    "or duplicates it (DfE rule 8940). Both are read, so reviews are pooled "
                    "and the same weeks counted twice."
                ),
            ),
            CodeEntry(
                ("after-closure",),
                (
                    "An assessment, enquiry, conference, plan date or review dated after the "
                    "episode's `CINclosureDate` (DfE rule 8565; plan starts and reviews are "
                    "checked too). The event is used as recorded: what it meets counts as met "
                    "although the case was closed."
                ),
            ),
            CodeEntry(
                ("outside-collection-year",),
                (
                    "A date the DfE requires inside the collection year is before it: a "
                    "closure (8620), an authorisation (8696), a Section47 ICPC (8715), an open "
                    "assessment's start (8736), an open enquiry's start (8740), a plan end "
                    "(8930), a CIN plan end (4013), a death (8545Q). Dates after the "
                    "`ReferenceDate` are `after-reference-date`. The date is used as recorded."
                ),
            ),
            CodeEntry(
                ("unfinished-at-closure",),
                (
                    "A closed episode holds an assessment with no authorisation date (DfE "
                    "rule 8867) or a `Section47` with neither an ICPC nor `ICPCnotRequired` "
                    "(8868). The duty is judged as recorded: overdue when due before the "
                    "closure, ended when due after it."
                ),
            ),
            CodeEntry(
                ("fgdm-offer-undated",),
                (
                    "The 2026-27 `PreProceedingsandFGDM` block says a family group meeting "
                    "was offered but gives no date, so no "
                    "`family_group_decision_making_offered` event is made."
                ),
            ),
        ),
    ),
)
