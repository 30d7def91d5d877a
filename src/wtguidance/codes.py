"""Every error and finding code, typed, with what it means: the source of docs/errors.md.

:data:`ErrorCode` is every code a :class:`~wtguidance.errors.WtGuidanceError` can carry;
:data:`FindingCode` every code of a finding in an outcome that no rule makes. mypy checks
each ``code=`` against them, and :data:`CATALOGUE` explains each one: ``make docs`` writes
``docs/errors.md`` from it and a test holds the three to the same set. Local-protocol
finding codes are :data:`wtguidance.protocol.CHECKS` (docs/protocols.md).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

__all__ = ["CATALOGUE", "CodeEntry", "CodeGroup", "ErrorCode", "FindingCode"]

ErrorCode = Literal[
    "empty-input",
    "invalid-json",
    "duplicate-key",
    "invalid-case",
    "input-too-large",
    "too-many-events",
    "missing-pack",
    "no-packs",
    "invalid-yaml",
    "schema",
    "missing-citation",
    "unknown-event",
    "unknown-field",
    "unknown-value",
    "unknown-fact",
    "unknown-obligation",
    "unknown-sign-off",
    "unknown-role",
    "duplicate-rule-id",
    "duplicate-fact",
    "edition-mismatch",
    "dangling-override",
    "rule-cycle",
    "implicit-timescale-source",
    "conflicting-rules",
    "calendar-range",
    "usage",
    "bad-flag",
    "missing-file",
    "invalid-input",
    "unknown-edition",
    "unknown-rule",
    "invalid-protocol",
    "cannot-write",
    "bad-argument",
    "unrecognised-list",
    "ambiguous-column",
    "unreadable-workbook",
    "xml-forbidden",
    "xml-not-well-formed",
    "missing-extra",
    "unknown-engine",
    "engine-failed",
    # the HTTP service (wtguidance.service): what only a request can get wrong
    "invalid-request",
    "invalid-date",
    "body-too-large",
    "not-found",
    "method-not-allowed",
    "internal-error",
]
"""Every code an error can carry."""

FindingCode = Literal[
    "event-order",
    "event-after-as-of",
    "before-earliest-edition",
    "unjudged-obligation",
    "unjudged-allocation",
    "joined-episode",
    "not-commenced",
    "implausible-date-of-birth",
    "hours-judged-by-date",
    "protocol-edition-not-governing",
    "born-after-events",
    "seen-after-death",
    "annex-a-allocated-worker",
    "annex-a-latest",
    "annex-a-referral-nfa",
    "annex-a-after-nfa-referral",
    "annex-a-assessment-kind-unknown",
    "annex-a-child-not-seen",
    "annex-a-child-seen-undated",
    "annex-a-icpc-unnecessary-but-held",
    "annex-a-icpc-need-not-recorded",
    "annex-a-plan-not-listed",
    "annex-a-icpc-outcome-inferred",
    "annex-a-conference-inferred",
    "annex-a-conflicting-child-details",
    "annex-a-duplicate-episode",
    "annex-a-cell-note",
    "annex-a-source",
    "annex-a-context-row",
    "unexpected-root",
    "header",
    "duplicate-child",
    "unborn-child",
    "mixed-content",
    "timezone-suffix",
    "duplicate-episode",
    "referral-after-closure",
    "date-order",
    "after-reference-date",
    "after-death",
    "nfa-with-activity",
    "assessment-kind-unknown",
    "re-assessment",
    "icpc-without-s47",
    "icpc-recorded-twice",
    "icpc-not-required-with-icpc",
    "cpp-without-icpc",
    "empty-reviews",
    "overlapping-episodes",
    "fgdm-offer-undated",
    "duplicate-element",
    "year-mismatch",
    "icpc-on-weekend",
    "overlapping-cp-plans",
    "after-closure",
    "outside-collection-year",
    "unfinished-at-closure",
]
"""Every code of a finding no rule makes."""


class CodeEntry(NamedTuple):
    """One section of the reference: the codes it covers and what they mean."""

    codes: tuple[str, ...]
    text: str


class CodeGroup(NamedTuple):
    """A heading of the reference and its sections."""

    title: str
    entries: tuple[CodeEntry, ...]


CATALOGUE: tuple[CodeGroup, ...] = (
    CodeGroup(
        "Case records (`CaseError`, exit 2)",
        (
            CodeEntry(
                ("empty-input",),
                (
                    "The case file or stdin is empty or only whitespace. Give a JSON object "
                    "with `case_id`, `child` and `events`."
                ),
            ),
            CodeEntry(
                ("invalid-json",),
                (
                    "The text is not JSON (also `NaN`/`Infinity`). The location is the line and "
                    "column where the parser stopped."
                ),
            ),
            CodeEntry(
                ("duplicate-key",),
                (
                    "A JSON object (or a YAML mapping in a pack) names the same key twice. JSON "
                    "parsers normally keep the last value silently; here it is refused."
                ),
            ),
            CodeEntry(
                ("invalid-case",),
                (
                    "The JSON is valid but is not a case record: a missing or unknown field, an "
                    "unknown event type, role or sign-off `subject` (with a did-you-mean: "
                    "`assesment` → `assessment`), an impossible date (`2024-02-30`), a date with "
                    "a time, a number where a date or boolean belongs, a `date_of_death` before "
                    "the `date_of_birth`. The message names the field (`events[3].date`) and "
                    "the location gives the JSON pointer and, from a file, the line and column. "
                    "A UTF-8 byte-order mark at the start is ignored, as in a protocol."
                ),
            ),
            CodeEntry(
                ("input-too-large",),
                (
                    "The case record is larger than the limit (64,000,000 bytes by default), or "
                    "a protocol file is larger than 2,000,000 bytes. Only the limit plus one "
                    "byte is read, so `/dev/zero` or a 5 GB file is refused at once. Raise the "
                    "case limit with `--max-bytes N`, the `WTGUIDANCE_MAX_BYTES` environment "
                    "variable or `Limits(max_bytes=N)` in Python. An Annex A workbook or CSV "
                    "file larger than 200 MiB, or a sheet with more rows than Excel allows, is "
                    "refused the same way, before it is read into memory."
                ),
            ),
            CodeEntry(
                ("too-many-events",),
                (
                    "`events` holds more entries than the limit (100,000 by default), checked "
                    "before any event is validated. Raise it with `--max-events N`, "
                    "`WTGUIDANCE_MAX_EVENTS` or `Limits(max_events=N)`."
                ),
            ),
        ),
    ),
    CodeGroup(
        "Rule packs (`PackError`)",
        (
            CodeEntry(
                ("missing-pack",),
                (
                    "The edition directory or its `pack.yaml` does not exist, or a rules "
                    "directory given to `lint-packs` or `load_editions` does not exist or is "
                    "a file."
                ),
            ),
            CodeEntry(
                ("invalid-yaml",),
                (
                    "The YAML cannot be parsed, or uses a refused feature: anchors and aliases "
                    "(`&a`, `*a`), merge keys (`<<`), tags (`!!python/object`, `!custom`), more "
                    "than 64 levels of nesting or more than 2 MB."
                ),
            ),
            CodeEntry(
                ("schema",),
                (
                    "A pack file does not match `schemas/rule-pack.schema.json` (the message "
                    "names the field)."
                ),
            ),
            CodeEntry(
                ("missing-citation",),
                (
                    "A rule has no `citation`. Every rule cites `{chapter, section, paragraph, "
                    "url}`; use `paragraph: null` when the number is not verified."
                ),
            ),
            CodeEntry(
                ("unknown-event",),
                (
                    "A rule's pattern (`match`, `clock`, `satisfied_by`, `until`) names an event "
                    "type the case record does not have. The hint suggests the nearest event "
                    "type; the case record reference lists them all."
                ),
            ),
            CodeEntry(
                ("unknown-field",),
                (
                    "A pattern's `where:` names a field that its event type does not carry (every "
                    "event has `date`, `id` and `note`; the others are listed per event type in "
                    "the case record reference). The hint suggests the nearest field of that "
                    "event."
                ),
            ),
            CodeEntry(
                ("unknown-value",),
                (
                    "A pattern's `where:` asks for a value its field can never take, such as a "
                    "`kind` that is not one of the field's allowed values; the rule could never "
                    "match. The hint suggests the nearest allowed value."
                ),
            ),
            CodeEntry(
                ("unknown-fact",),
                (
                    "A rule reads a derived fact that no `facts:` entry declares, or that no "
                    "rule asserts."
                ),
            ),
            CodeEntry(
                ("unknown-obligation",),
                (
                    "An obligation rule's `id` is not one of the stable obligation ids "
                    "(`src/wtguidance/_ids.py`), which every edition shares so that outcomes and "
                    "diffs can be compared. A new duty gets a new id there first; ids are never "
                    "renamed."
                ),
            ),
            CodeEntry(
                ("unknown-sign-off",),
                (
                    "A sign-off rule's `id` is not one of the stable sign-off ids "
                    "(`src/wtguidance/_ids.py`). A new sign-off gets a new id there first; ids are "
                    "never renamed."
                ),
            ),
            CodeEntry(
                ("unknown-role",),
                ("A case-holder or sign-off rule names a role the case record does not know."),
            ),
            CodeEntry(
                ("duplicate-rule-id",),
                (
                    "Two rules in one pack have the same rule id. Rule ids are how a citation, a "
                    "trace line and `explain` find a rule, so each must be unique; the hint "
                    "points at the first rule with that id."
                ),
            ),
            CodeEntry(
                ("duplicate-fact",),
                (
                    "A pack's `facts:` declares the same derived fact twice. Each fact is declared "
                    "once, with the rules that may assert it; the hint points at the first "
                    "declaration."
                ),
            ),
            CodeEntry(
                ("edition-mismatch",),
                ("A rule id does not start with `wt<edition>.` of the pack it is in."),
            ),
            CodeEntry(
                ("dangling-override",),
                ("`overrides:` names a rule that is not in the pack."),
            ),
            CodeEntry(
                ("rule-cycle",),
                (
                    "Fact-deriving rules feed each other in a loop. Rejected at compile time, "
                    "which is what guarantees evaluation terminates."
                ),
            ),
        ),
    ),
    CodeGroup(
        "Rules directories (`lint-packs`, `load_editions`; exit 2)",
        (
            CodeEntry(
                ("no-packs",),
                (
                    "A rules directory holds no edition directories (an empty folder, or one "
                    "edition's own folder given instead of its parent), or an `Editions` set "
                    "was built with none. A CI job pointed at the wrong path fails instead of "
                    "passing with nothing checked."
                ),
            ),
        ),
    ),
    CodeGroup(
        "Pack lint (`lint-packs`, exit 1)",
        (
            CodeEntry(
                ("implicit-timescale-source",),
                (
                    "Reported by `lint-packs` only: an obligation with a time limit does not "
                    "say where the number comes from (`timescale_source: statute`, "
                    "`guidance`, `panel_guidance` or `local`). A pack still loads without it "
                    "(the default is `guidance`), but a linted pack must say, so that no limit "
                    "is attributed to statute, or to the guidance, by default."
                ),
            ),
        ),
    ),
    CodeGroup(
        "Evaluation",
        (
            CodeEntry(
                ("conflicting-rules",),
                (
                    "Two rules conclude about the same obligation, stage or sign-off for the "
                    "same event and neither `overrides` the other. Both locations are reported."
                ),
            ),
            CodeEntry(
                ("calendar-range",),
                (
                    "A deadline the working-day calendar cannot count: one counted from an "
                    "event dated before 1990-01-01, or one that would fall after 2075-12-31 "
                    "(the span of the bank-holiday table: which days are bank holidays "
                    "beyond it is not known, so no deadline is guessed). The message names "
                    "the event (`events[i].date`, its type and date) and the rule. "
                    "`evaluate` and `diff --case` give the date's file:line:col and exit 2; "
                    "the service answers 422; `batch`, `cin-census`, `annex-a` and the "
                    "caseload Python API reject that one record (field and value, line or "
                    "sheet/row) and evaluate the others. Dates of birth and death are never "
                    "counted from: any date evaluates, and an implausible one is a finding "
                    "(`born-after-events`, `implausible-date-of-birth`). In a caseload run, "
                    "a source's own stated target (the census `InitialCPCtarget`) outside "
                    "1900–2200 cannot be cross-checked, so its record is rejected too."
                ),
            ),
        ),
    ),
    CodeGroup(
        "Engines (`EngineError`, exit 2)",
        (
            CodeEntry(
                ("unknown-engine",),
                (
                    "`engine=` (or `--engine`) names an engine that does not exist; the known "
                    "ones are `native` (the default) and `durable` (docs/engines.md)."
                ),
            ),
            CodeEntry(
                ("engine-failed",),
                (
                    "durable_rules refused a rule when the pack was compiled into a ruleset "
                    "(one of its limits, e.g. more than 32 values in one `where` test), or "
                    "failed while matching a case. The message names the rule id and its "
                    "file:line; the native engine is unaffected. In a caseload run, an "
                    "unexpected failure while evaluating one record rejects that record "
                    "with this code (please report it) and the run goes on."
                ),
            ),
        ),
    ),
    CodeGroup(
        "Command line (`UsageError`, exit 2)",
        (
            CodeEntry(
                ("usage",),
                ("A missing or unknown argument or option value."),
            ),
            CodeEntry(
                ("bad-flag",),
                ("An option value is malformed, e.g. `--as-of 2024-02-30`."),
            ),
            CodeEntry(
                ("missing-file",),
                (
                    "A named file does not exist, is a directory, or cannot be read, or its "
                    "name is empty."
                ),
            ),
            CodeEntry(
                ("invalid-input",),
                (
                    "A file is not UTF-8 text; the location gives the line and column of the "
                    "first bad byte and the message its offset. In a JSON Lines batch only "
                    "the line holding the bad byte is rejected (with its line and column); "
                    "the other lines are read."
                ),
            ),
            CodeEntry(
                ("unknown-edition",),
                (
                    "`--edition` or `diff` names an edition that is not encoded; the message "
                    "lists the known ones."
                ),
            ),
            CodeEntry(
                ("unknown-rule",),
                (
                    "`explain` was given neither a rule id nor a stable id (the hint suggests "
                    "the nearest), or `Editions.with_commenced` named a rule that is not "
                    "awaiting commencement."
                ),
            ),
            CodeEntry(
                ("invalid-protocol",),
                (
                    "`evaluate --protocol` was given a protocol with errors. The one line names "
                    "the first error, where it is and how many more there are; the hint names "
                    "the `wtguidance validate-protocol FILE` command that lists every finding."
                ),
            ),
            CodeEntry(
                ("cannot-write",),
                (
                    "The output cannot be written: `--out FILE` (or `schema -o FILE`) is one "
                    "of the command's inputs (the same file by any name, link or hard link: "
                    "refused before anything is written), its folder does not exist, it is a "
                    "directory, permission is denied, the disk is full, or stdout was closed "
                    "(a pipe whose reader stopped). A report is written to a new temporary "
                    "file beside `FILE` and renamed over it only when complete, so `FILE` is "
                    "never left half written."
                ),
            ),
            CodeEntry(
                ("bad-argument",),
                (
                    "A Python function was given the wrong kind of value, e.g. "
                    '`evaluate(case, as_of="2024-03-01")` (pass `date(2024, 3, 1)`), '
                    "`evaluate(dict)` (build a `Case` first), a path that is not a `str` or "
                    "`Path`, or `Limits(max_events=0)`. The message names the argument and "
                    "the hint says how to fix it; `str()` of the error is the same one line "
                    "the command line prints. Every public function of the caseload, "
                    "importer, protocol and diff modules checks its arguments the same way; "
                    "an integer is never taken for a file descriptor."
                ),
            ),
            CodeEntry(
                ("xml-forbidden",),
                (
                    "`cin-census` refused an XML file that declares entities or references "
                    "external ones (entity expansion or external-entity attacks). Nothing was "
                    "expanded or fetched and nothing was evaluated."
                ),
            ),
            CodeEntry(
                ("xml-not-well-formed",),
                (
                    "A CIN census file stops being well-formed XML part way (for example a "
                    "truncated file). The report covers the episodes read before that point "
                    "and ends with one rejected entry giving the line and column; exit 2."
                ),
            ),
            CodeEntry(
                ("missing-extra",),
                (
                    "A command needs an optional extra that is not installed, e.g. `wtguidance "
                    "serve` without the `server` extra, `cin-census --format html` (charts) "
                    "without `report`, `annex-a` on a workbook without `annex-a`, or `--engine "
                    'durable` (`engine="durable"`, an `EngineError`) without `durable`. The '
                    "message names the extra and the missing package, and gives the command "
                    "that installs it into the environment that ran the command: from a "
                    "checkout `python -m pip install -e '<checkout>[server]'`, from a wheel "
                    "`python -m pip install '<the wheel>[server]'`."
                ),
            ),
        ),
    ),
    CodeGroup(
        "HTTP service (`wtguidance serve`)",
        (
            CodeEntry(
                ("invalid-request",),
                (
                    "The body is JSON but not a request the endpoint takes: not an object, no "
                    "`case`, an unknown field, a field of the wrong type, or a query parameter "
                    "that cannot be read (`?strict=perhaps`). HTTP 422; `location.pointer` "
                    "names the field. Everything else the service refuses carries the code the "
                    "command line gives the same input (`invalid-case`, `invalid-json`, "
                    "`unknown-edition`, ...)."
                ),
            ),
            CodeEntry(
                ("invalid-date",),
                (
                    "A date in the body is not a real date in YYYY-MM-DD form, e.g. "
                    '`"as_of": "2024-02-30"` or `"as_of": "2024-3-1"`. HTTP 422; '
                    "`location.pointer` names the field (`/as_of`). The command line's "
                    "`--as-of` gives `bad-flag` for the same value."
                ),
            ),
            CodeEntry(
                ("body-too-large",),
                (
                    "The body is longer than the service's limit (1 MiB unless `wtguidance serve "
                    "--max-body-bytes` says otherwise). HTTP 413; refused as soon as the limit "
                    "is passed."
                ),
            ),
            CodeEntry(
                ("not-found",),
                ("No such path. HTTP 404; `/openapi.json` lists the paths."),
            ),
            CodeEntry(
                ("method-not-allowed",),
                (
                    "The path exists but does not take that method (e.g. `GET /v1/evaluate`). "
                    "HTTP 405; the message names the method to use and the `Allow` header "
                    "lists the methods the path takes."
                ),
            ),
            CodeEntry(
                ("internal-error",),
                (
                    "A fault in the service itself, never caused by input: HTTP 500 with no "
                    "details; the server's log has them. Please report it."
                ),
            ),
        ),
    ),
    CodeGroup(
        "Ofsted Annex A (`AnnexAError`, exit 2)",
        (
            CodeEntry(
                ("unrecognised-list",),
                (
                    "A sheet (or CSV file) named as one of lists 1–7 — `List 3`, `Referrals` — "
                    "lacks columns that list needs, or no sheet is recognisable as any of lists "
                    "3–7. The message names the sheet and the missing columns; rename the "
                    "council's headers to the Annex A ones (docs/annex-a.md lists the variants "
                    "understood)."
                ),
            ),
            CodeEntry(
                ("ambiguous-column",),
                (
                    "Two columns of one sheet both fit a field the importer needs (two "
                    "`... review ...` dates, say). The importer never picks one; rename one."
                ),
            ),
            CodeEntry(
                ("unreadable-workbook",),
                (
                    "The file is not an `.xlsx` workbook (or is damaged), a single CSV file was "
                    "given instead of the folder of CSV files, or the `annex-a` extra (openpyxl) "
                    "is not installed."
                ),
            ),
        ),
    ),
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
