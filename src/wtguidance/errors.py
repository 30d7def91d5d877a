"""The error hierarchy.

Every error carries a stable kebab-case ``code``, an optional :class:`SourceLocation`
(``file:line:col`` plus a JSON pointer), the rule id it concerns and a hint. The CLI
renders them as one line (``file:line:col: error[code] message``) and never shows a
traceback for them.

::

    WtGuidanceError
    ├── PackError            the rule pack is wrong
    │   ├── PackSyntaxError  YAML cannot be parsed / duplicate keys / limits exceeded
    │   ├── PackSchemaError  fails schemas/rule-pack.schema.json
    │   └── PackCompileError unknown fact or event, cycle, duplicate id, dangling override
    ├── CaseError            the case record is wrong
    ├── ProtocolError        a local protocol cannot be read or is invalid
    ├── CalendarError        a date outside the supported calendar span
    ├── EvaluationError      conflicting conclusions found while evaluating
    ├── EngineError          an engine that is unknown, not installed, or failed
    ├── UnknownIdError       an edition or rule id that is not encoded
    └── UsageError           a bad command-line value (bad date flag, missing file ...)

Codes are typed: :data:`wtguidance.codes.ErrorCode` lists every one, and
``docs/errors.md`` explains each (generated from :data:`wtguidance.codes.CATALOGUE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, get_args

from wtguidance.codes import ErrorCode

_CODES = frozenset(get_args(ErrorCode))

__all__ = [
    "DOCS_URL",
    "CalendarError",
    "CaseError",
    "EngineError",
    "EvaluationError",
    "PackCompileError",
    "PackError",
    "PackSchemaError",
    "PackSyntaxError",
    "ProtocolError",
    "SourceLocation",
    "UnknownIdError",
    "UsageError",
    "WtGuidanceError",
    "error_url",
]

DOCS_URL = "https://wtguidance.readthedocs.io/en/latest/"
"""The documentation site (DESIGN §16); every error and finding code has a page under it."""


def error_url(code: str) -> str:
    """The documentation page of one error or finding code, e.g. ``.../codes/schema.html``.

    ``make docs`` writes one page per code (``docs/codes/<code>.md``; the site keeps
    ``.html`` names so it also works from files), and a test holds every code to its page.
    """
    return f"{DOCS_URL}codes/{code}.html"


@dataclass(frozen=True)
class SourceLocation:
    """Where something came from: a file, a 1-based line and column, and a JSON pointer."""

    path: str | None = None
    line: int | None = None
    column: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        text = ":".join(parts)
        if self.line is None and self.pointer:
            text += f" at {self.pointer or '/'}"
        return text


class WtGuidanceError(Exception):
    """Base class of every error this library raises on purpose."""

    #: the code of an error raised without one (abstract classes have none of their own)
    default_code: ClassVar[str] = "error"

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        location: SourceLocation | None = None,
        rule_id: str | None = None,
        hint: str | None = None,
        related: tuple[SourceLocation, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is None and self.default_code not in _CODES:
            raise TypeError(f"{type(self).__name__} needs a code: it has no default of its own")
        self.code: str = code or self.default_code
        self.location = location
        self.rule_id = rule_id
        self.hint = hint
        self.related = related

    def one_line(self) -> str:
        """The error as a single line, suitable for a terminal or a log."""
        where = f"{self.location}: " if self.location else ""
        rule = f" (rule {self.rule_id})" if self.rule_id else ""
        hint = f"; hint: {self.hint}" if self.hint else ""
        also = "".join(f"; see also {loc}" for loc in self.related)
        return f"{where}error[{self.code}] {self.message}{rule}{hint}{also}"

    def __str__(self) -> str:
        return self.one_line()


class PackError(WtGuidanceError):
    """A rule pack is wrong (the specification, not the case)."""

    default_code = "pack"


class PackSyntaxError(PackError):
    """YAML that cannot be parsed, has duplicate keys or exceeds the safety limits."""

    default_code = "invalid-yaml"


class PackSchemaError(PackError):
    """A pack file does not match schemas/rule-pack.schema.json."""

    default_code = "schema"


class PackCompileError(PackError):
    """A pack is well-formed but inconsistent (unknown fact, cycle, duplicate id ...)."""

    default_code = "compile"


class CaseError(WtGuidanceError):
    """A case record cannot be read or does not match the case model."""

    default_code = "invalid-case"


class ProtocolError(WtGuidanceError):
    """A local protocol cannot be read, parsed or applied."""

    default_code = "invalid-protocol"


class CalendarError(WtGuidanceError):
    """A date falls outside the span the working-day calendar supports."""

    default_code = "calendar-range"


class EvaluationError(WtGuidanceError):
    """Evaluation found conflicting conclusions (e.g. two rules disagree without precedence)."""

    default_code = "evaluation"


class EngineError(WtGuidanceError):
    """An evaluation engine that is unknown (``unknown-engine``), not installed
    (``missing-extra``) or that failed on a rule (``engine-failed``)."""

    default_code = "engine-failed"


class UnknownIdError(WtGuidanceError):
    """An edition (``unknown-edition``) or rule (``unknown-rule``) that is not encoded."""

    default_code = "unknown-edition"


class UsageError(WtGuidanceError):
    """A command-line value is wrong (malformed date flag, unreadable file ...)."""

    default_code = "usage"
