"""What each error code means: the error half of :data:`wtguidance.codes.CATALOGUE`."""

from __future__ import annotations

from wtguidance._code_types import CodeEntry, CodeGroup

__all__ = ["ERROR_GROUPS"]

ERROR_GROUPS: tuple[CodeGroup, ...] = (
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
)
