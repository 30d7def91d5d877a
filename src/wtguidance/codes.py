"""Every error and finding code, typed, with what it means: the source of docs/errors.md.

:data:`ErrorCode` is every code a :class:`~wtguidance.errors.WtGuidanceError` can carry;
:data:`FindingCode` every code of a finding in an outcome that no rule makes. mypy checks
each ``code=`` against them, and :data:`CATALOGUE` explains each one: ``make docs`` writes
``docs/errors.md`` from it and a test holds the three to the same set. Local-protocol
finding codes are :data:`wtguidance.protocol.CHECKS` (docs/protocols.md).
"""

from __future__ import annotations

from typing import Literal

from wtguidance._code_types import CodeEntry, CodeGroup
from wtguidance._codes_errors import ERROR_GROUPS
from wtguidance._codes_findings import FINDING_GROUPS

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


CATALOGUE: tuple[CodeGroup, ...] = (*ERROR_GROUPS, *FINDING_GROUPS)
"""Every code with what it means, by heading (the source of docs/errors.md and docs/codes/)."""
