"""Findings and the report of checking one protocol: codes, severities, places."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from wtguidance._pack.model import (
    Citation,
    PersonSpec,
)
from wtguidance._yaml_document import YamlDocument
from wtguidance.errors import SourceLocation
from wtguidance.protocol.model import LocalProtocol

__all__ = [
    "CHECKS",
    "READ_PROBLEMS",
    "FindingsCollector",
    "ProtocolFinding",
    "ProtocolReport",
    "Severity",
]

Severity = Literal["error", "warning"]

#: Every check, with a one-line description (used by the JUnit and SARIF renderers).
CHECKS: Mapping[str, str] = MappingProxyType(
    {
        "invalid-yaml": "The file is readable, well-formed YAML within the safety limits",
        "schema": "The file matches the wtguidance/local-protocol/v1 schema",
        "unknown-edition": "The protocol names an encoded edition",
        "edition-mismatch": "The protocol's edition matches the edition asked for",
        "unknown-obligation": "Every timescale names an obligation of the edition",
        "timescale-looser-than-statute": "No local time limit is longer than the edition's",
        "timescale-unit-mismatch": "Local limits use the same unit as the edition's limit",
        "missing-timescale": "Limits the edition leaves to local decision are set",
        "unknown-stage": "Every lead-practitioner stage is a stage of the edition",
        "unknown-role": "Every role is one the case model knows",
        "role-not-permitted": "Every role is one the edition allows in that place",
        "oversight-required": "Non-social-worker leads have social-work-qualified oversight",
        "qualification-weaker": "No social-work qualification requirement is dropped",
        "unknown-sign-off": "Every sign-off names a sign-off of the edition",
        "missing-section": "Every section the edition requires is present",
        "published-before-edition": "The protocol was published after its edition came in",
        "duplicate-non-working-day": "Each extra non-working day is listed once",
        "too-many-non-working-days": "No calendar year loses more than 10 working days "
        "to extra non-working days",
        "unknown-event": "Local obligations name event types the case record has",
        "unknown-field": "Local obligations test fields their events carry",
        "unknown-value": "Local obligations test values a field can take",
    }
)

#: Why a file could not be read at all (the CLI still reports it in every format; exit 2).
READ_PROBLEMS: Mapping[str, str] = MappingProxyType(
    {
        "missing-file": "The file exists, is a file and can be read",
        "invalid-input": "The file is UTF-8 text",
        "input-too-large": "The file is within the size limit",
    }
)

_SEVERITY: Mapping[str, Severity] = MappingProxyType(
    {
        "missing-timescale": "warning",
        "published-before-edition": "warning",
        "duplicate-non-working-day": "warning",
        "too-many-non-working-days": "warning",
    }
)


# -- findings and the report -----------------------------------------------------------
@dataclass(frozen=True)
class ProtocolFinding:
    """One problem found in a protocol."""

    code: str
    severity: Severity
    message: str
    line: int
    column: int
    path: str
    citation: Citation | None = None
    hint: str | None = None

    def as_dict(self) -> dict[str, Any]:
        cite = self.citation
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "citation": None
            if cite is None
            else {
                "edition": cite.edition,
                "chapter": cite.chapter,
                "section": cite.section,
                "paragraph": cite.paragraph,
                "url": cite.url,
            },
            "hint": self.hint,
        }


@dataclass(frozen=True)
class ProtocolReport:
    """The result of :func:`validate_protocol`."""

    file: str
    edition: str | None
    findings: tuple[ProtocolFinding, ...]
    protocol: LocalProtocol | None = None
    lines: tuple[str, ...] = field(default=(), repr=False)
    #: the protocol's sign-offs with the edition's qualification requirement kept
    sign_offs: Mapping[str, PersonSpec] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )

    @property
    def errors(self) -> tuple[ProtocolFinding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[ProtocolFinding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def valid(self) -> bool:
        return self.protocol is not None and not self.errors

    @property
    def unparsable(self) -> bool:
        """The file could not be read or parsed, so nothing else was checked (exit 2)."""
        return any(f.code == "invalid-yaml" or f.code in READ_PROBLEMS for f in self.findings)

    @classmethod
    def unreadable(
        cls,
        file: str,
        code: str,
        message: str,
        hint: str | None = None,
        *,
        line: int = 1,
        column: int = 1,
    ) -> ProtocolReport:
        """The report for a file that could not be read (missing, a directory, not UTF-8 ...)."""
        finding = ProtocolFinding(code, "error", _one_line(message), line, column, "", hint=hint)
        return cls(file, None, (finding,))

    def exit_code(self, *, strict: bool = False) -> int:
        if self.unparsable:
            return 2
        if self.errors or (strict and self.warnings):
            return 1
        return 0

    def source_line(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "edition": self.edition,
            "file": self.file,
            "findings": [f.as_dict() for f in self.findings],
        }

    def summary(self) -> str:
        """One line: the first error and how many there are."""
        errors = self.errors
        if not errors:
            return f"{self.file}: protocol is valid"
        first = errors[0]
        more = f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})"
        return f"protocol is invalid: {first.message} [{first.code}]" + (
            more if len(errors) > 1 else ""
        )


class FindingsCollector:
    """Gathers findings while a protocol is checked; each is placed at its YAML node."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.doc: YamlDocument | None = None
        self.findings: list[ProtocolFinding] = []

    def add(
        self,
        code: str,
        message: str,
        pointer: str,
        *,
        citation: Citation | None = None,
        hint: str | None = None,
        location: SourceLocation | None = None,
    ) -> None:
        """Record one finding; its line and column come from ``pointer`` unless given."""
        where = location or (self.doc.locate(pointer) if self.doc else SourceLocation(self.shown))
        self.findings.append(
            ProtocolFinding(
                code=code,
                severity=_SEVERITY.get(code, "error"),
                message=_one_line(message),
                line=where.line or 1,
                column=where.column or 1,
                path=pointer,
                citation=citation,
                hint=_one_line(hint) if hint else None,
            )
        )

    def ordered(self) -> tuple[ProtocolFinding, ...]:
        """The findings in file order, errors before warnings at the same place."""
        return tuple(
            sorted(self.findings, key=lambda f: (f.line, f.column, f.severity != "error", f.code))
        )


def _one_line(text: str) -> str:
    """A message on one line: YAML and schema messages sometimes span several."""
    lines = text.splitlines()
    return text if len(lines) < 2 else " ".join(line.strip() for line in lines if line.strip())
