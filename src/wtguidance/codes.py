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
    "missing-pack",
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
    "conflicting-rules",
    "calendar-range",
    "usage",
    "bad-flag",
    "missing-file",
    "invalid-input",
    "unknown-edition",
    "unknown-rule",
    "invalid-protocol",
    "missing-extra",
    "unknown-engine",
    "engine-failed",
    # the HTTP service (wtguidance.service): what only a request can get wrong
    "invalid-request",
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
                    "unknown event type or role, an impossible date (`2024-02-30`), a date with "
                    "a time, a number where a date or boolean belongs. The message names the "
                    "field (`events[3].date`) and the location gives the JSON pointer and, from "
                    "a file, the line and column."
                ),
            ),
        ),
    ),
    CodeGroup(
        "Rule packs (`PackError`)",
        (
            CodeEntry(
                ("missing-pack",),
                ("The edition directory or its `pack.yaml` does not exist."),
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
                ("unknown-event", "unknown-field", "unknown-value"),
                (
                    "A pattern names an event type the case record does not have, a field that "
                    "event does not carry, or a value the field can never take. The hint "
                    "suggests the nearest valid name."
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
                ("unknown-obligation", "unknown-sign-off"),
                (
                    "An obligation or sign-off id is not one of the stable ids "
                    "(`src/wtguidance/_ids.py`). New ids are added there, never renamed."
                ),
            ),
            CodeEntry(
                ("unknown-role",),
                ("A case-holder or sign-off rule names a role the case record does not know."),
            ),
            CodeEntry(
                ("duplicate-rule-id", "duplicate-fact"),
                (
                    "Two rules share an id, or a fact is declared twice; the hint points at the "
                    "first."
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
                ("A date falls outside the working-day calendar's span (1990–2075)."),
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
                    "file:line; the native engine is unaffected."
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
                ("A named file does not exist, is a directory, or cannot be read."),
            ),
            CodeEntry(
                ("invalid-input",),
                ("A file is not UTF-8 text."),
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
                    "`explain` was given neither a rule id nor a stable id; the hint suggests "
                    "the nearest."
                ),
            ),
            CodeEntry(
                ("invalid-protocol",),
                (
                    "`evaluate --protocol` was given a protocol with errors; its findings are "
                    "printed first."
                ),
            ),
            CodeEntry(
                ("missing-extra",),
                (
                    "A command needs an optional extra that is not installed, e.g. `wtguidance "
                    "serve` without `pip install 'wtguidance[server]'`, or `--engine durable` "
                    '(`engine="durable"`, an `EngineError`) without `pip install '
                    "'wtguidance[durable]'`. The message names the extra and the missing package."
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
                    "The path exists but does not take that method (e.g. `DELETE /v1/evaluate`). "
                    "HTTP 405."
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
        ),
    ),
)
