"""Local assessment protocols (DESIGN §8): read, check against an edition, apply.

A local authority publishes a protocol for assessment; ``wtguidance/local-protocol/v1``
is its machine-readable part. :func:`validate_protocol` checks one protocol against the
edition it names (or ``edition=``) and returns a :class:`ProtocolReport` holding every
finding, each with a stable code, a severity, a 1-based ``line``/``column``, a JSON
pointer and the citation of the edition rule concerned. :func:`protocol_overlay` turns a
valid report into the :class:`~wtguidance.overlay.Overlay` the evaluator applies.

Finding codes (see ``docs/protocols.md``):

==============================  =========  ===========================================
code                            severity   when
==============================  =========  ===========================================
``invalid-yaml``                error      the file cannot be parsed (CLI exit 2)
``schema``                      error      the YAML is not a ``local-protocol/v1``
``unknown-edition``             error      the protocol names an edition not encoded
``edition-mismatch``            error      the file's edition differs from ``--edition``
``unknown-obligation``          error      a timescale for an id the edition lacks
``timescale-looser-than-statute`` error    a local limit longer than the edition's
``timescale-unit-mismatch``     error      local and statutory limits in unlike units
``missing-timescale``           warning    a limit the edition leaves to local decision
``unknown-stage``               error      a lead-practitioner stage the edition lacks
``unknown-role``                error      a role the case model does not know
``role-not-permitted``          error      a role the edition does not allow there
``oversight-required``          error      non-social-worker leads without SW oversight
``qualification-weaker``        error      drops a social-work qualification requirement
``unknown-sign-off``            error      a sign-off id the edition lacks
``missing-section``             error      a section the edition requires is absent
``published-before-edition``    warning    protocol predates the edition it claims
``duplicate-non-working-day``   warning    the same date listed twice
==============================  =========  ===========================================
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import _ids
from ._compile import CompiledPack
from ._pack import (
    CaseHolderSpec,
    Citation,
    ObligationSpec,
    PersonSpec,
    Rule,
    SignOffSpec,
    Timescale,
)
from ._vocabulary import case_vocabulary
from ._yaml import YamlDocument, YamlProblem, load_yaml, pointer_join
from .editions import Editions
from .errors import ProtocolError, SourceLocation
from .overlay import Overlay

__all__ = [
    "CHECKS",
    "PROTOCOL_SCHEMA_ID",
    "LocalProtocol",
    "ProtocolFinding",
    "ProtocolReport",
    "protocol_json_schema",
    "protocol_overlay",
    "validate_protocol",
    "validate_protocol_text",
]

PROTOCOL_SCHEMA_ID = "wtguidance/local-protocol/v1"

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
    }
)

_SEVERITY: Mapping[str, Severity] = MappingProxyType(
    {
        "missing-timescale": "warning",
        "published-before-edition": "warning",
        "duplicate-non-working-day": "warning",
    }
)

SOCIAL_WORKER = "social_worker"
_STAGE_FIELDS = ("competence", "oversight")


# -- the model ------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalTimescale(_Strict):
    """A local time limit: working days or calendar months, exactly one."""

    working_days: int | None = Field(default=None, ge=0, le=3650)
    months: int | None = Field(default=None, ge=0, le=120)

    @model_validator(mode="after")
    def _exactly_one(self) -> LocalTimescale:
        if (self.working_days is None) == (self.months is None):
            raise ValueError("give exactly one of 'working_days' or 'months'")
        return self

    def as_timescale(self) -> Timescale:
        return Timescale(working_days=self.working_days, months=self.months)


class LocalPerson(_Strict):
    """Who may do something: roles, and optionally whether they must be SW-qualified."""

    roles: list[str] = Field(min_length=1)
    social_work_qualified: bool | None = None


class LocalLead(_Strict):
    """Who may lead one stage locally, how their competence is assured, who oversees."""

    roles: list[str] = Field(min_length=1)
    competence: str | None = Field(default=None, min_length=1)
    oversight: LocalPerson | None = None


class LocalCounting(_Strict):
    """How a deadline counts when its trigger falls on a weekend or holiday."""

    weekend_or_holiday_trigger: Literal["same_day", "next_working_day"] = "same_day"


class LocalProtocol(_Strict):
    """A local assessment protocol, ``wtguidance/local-protocol/v1``."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://wtguidance.invalid/schemas/local-protocol.schema.json",
        },
    )

    protocol: Literal["wtguidance/local-protocol/v1"]
    authority: str = Field(min_length=1)
    edition: str = Field(min_length=1)
    published: dt.date | None = None
    agreed_with: list[str] = Field(default_factory=list)
    timescales: dict[str, LocalTimescale] | None = None
    lead_practitioners: dict[str, LocalLead] | None = None
    allocation: str | None = Field(default=None, min_length=1)
    accountability: str | None = Field(default=None, min_length=1)
    auditing: str | None = Field(default=None, min_length=1)
    supervision: str | None = Field(default=None, min_length=1)
    sign_offs: dict[str, LocalPerson] | None = None
    non_working_days: list[dt.date] = Field(default_factory=list)
    counting: LocalCounting | None = None

    @field_validator("edition", mode="before")
    @classmethod
    def _edition_as_text(cls, value: object) -> object:
        # `edition: 2023` (unquoted) is what people write; accept it as the string
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("published", "non_working_days", mode="before")
    @classmethod
    def _dates_are_iso(cls, value: object) -> object:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if item is not None and not (isinstance(item, str) and _is_iso_date(item)):
                raise ValueError(f"{item!r} is not a date in YYYY-MM-DD form")
        return value


def _is_iso_date(text: str) -> bool:
    if len(text) != 10:
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def protocol_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``wtguidance/local-protocol/v1`` (schemas/local-protocol.schema.json)."""
    schema = LocalProtocol.model_json_schema()
    schema["title"] = "wtguidance local assessment protocol (v1)"
    return schema


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
        return any(f.code == "invalid-yaml" for f in self.findings)

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


# -- validation ------------------------------------------------------------------------
def validate_protocol(
    text_or_path: str | os.PathLike[str],
    edition: str | None = None,
    editions: Editions | None = None,
    *,
    source: str | None = None,
) -> ProtocolReport:
    """Check one protocol against its edition and return every finding.

    ``text_or_path`` is a path (``Path`` or a string naming an existing file) or the YAML
    text itself; ``source`` is the name shown in findings (default: the path, or
    ``<protocol>``). ``edition`` pins the edition to check against (the file's own must
    then agree); ``editions`` defaults to the shipped set. A file that cannot be read
    raises :class:`~wtguidance.errors.ProtocolError`.
    """
    text, shown = _read(text_or_path, source)
    return validate_protocol_text(text, shown, edition, editions)


def validate_protocol_text(
    text: str, source: str, edition: str | None = None, editions: Editions | None = None
) -> ProtocolReport:
    """Like :func:`validate_protocol` for YAML text already read; ``source`` names it."""
    if editions is None:
        from .editions import shipped_editions

        editions = shipped_editions()
    return _Checker(source, text, editions, edition).run()


def _read(text_or_path: str | os.PathLike[str], source: str | None) -> tuple[str, str]:
    if isinstance(text_or_path, str) and ("\n" in text_or_path or not text_or_path.strip()):
        return text_or_path, source or "<protocol>"
    path = Path(text_or_path)
    is_path = not isinstance(text_or_path, str) or path.suffix in {".yaml", ".yml"}
    if isinstance(text_or_path, str) and not is_path and not path.is_file():
        return text_or_path, source or "<protocol>"
    shown = source or str(text_or_path)
    try:
        return path.read_text(encoding="utf-8"), shown
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            f"not UTF-8 text ({exc.reason})", code="invalid-input", location=SourceLocation(shown)
        ) from None
    except OSError as exc:
        raise ProtocolError(
            f"cannot read the protocol ({exc.strerror})",
            code="missing-file",
            location=SourceLocation(shown),
        ) from None


class _Checker:
    def __init__(self, shown: str, text: str, editions: Editions, edition: str | None) -> None:
        self.shown = shown
        self.text = text
        self.editions = editions
        self.asked = edition
        self.findings: list[ProtocolFinding] = []
        self.doc: YamlDocument | None = None
        self.roles = case_vocabulary().roles
        self.sign_offs: dict[str, PersonSpec] = {}

    # helpers
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
        where = location or (self.doc.locate(pointer) if self.doc else SourceLocation(self.shown))
        self.findings.append(
            ProtocolFinding(
                code=code,
                severity=_SEVERITY.get(code, "error"),
                message=message,
                line=where.line or 1,
                column=where.column or 1,
                path=pointer,
                citation=citation,
                hint=hint,
            )
        )

    def report(self, edition: str | None, protocol: LocalProtocol | None) -> ProtocolReport:
        ordered = sorted(
            self.findings, key=lambda f: (f.line, f.column, f.severity != "error", f.code)
        )
        lines = self.doc.lines if self.doc else tuple(self.text.splitlines())
        return ProtocolReport(
            self.shown, edition, tuple(ordered), protocol, lines, MappingProxyType(self.sign_offs)
        )

    # the run
    def run(self) -> ProtocolReport:
        try:
            self.doc = load_yaml(self.text, self.shown)
        except YamlProblem as problem:
            self.add(
                "invalid-yaml", problem.message, "", hint=problem.hint, location=problem.location
            )
            return self.report(self.asked, None)
        value = self.doc.value
        if not isinstance(value, dict):
            self.add("schema", "a protocol must be a YAML mapping (key: value pairs)", "")
            return self.report(self.asked, None)
        protocol = self.parse(value)
        if protocol is None:
            claimed = value.get("edition")
            return self.report(self.asked or (str(claimed) if claimed else None), None)
        pack = self.choose_edition(protocol)
        if pack is None:
            return self.report(self.asked or protocol.edition, protocol)
        _EditionChecks(self, protocol, pack).run()
        return self.report(pack.edition, protocol)

    def parse(self, value: dict[str, Any]) -> LocalProtocol | None:
        try:
            return LocalProtocol.model_validate(value)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                self.schema_error(error["loc"], error["msg"], error["type"], error.get("input"))
            return None

    def schema_error(self, loc: tuple[int | str, ...], msg: str, kind: str, given: object) -> None:
        parts = [p for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
        pointer = "".join(pointer_join("", p) for p in parts)
        dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")
        message = msg.removeprefix("Value error, ")
        hint = None
        if kind == "extra_forbidden":
            message = f"unknown key {str(parts[-1])!r}"
            siblings = _keys_of(_model_at(parts[:-1]))
            hint = _ids.did_you_mean(str(parts[-1]), siblings)
        elif kind == "missing":
            message = f"required key {str(parts[-1])!r} is missing"
            pointer = "".join(pointer_join("", p) for p in parts[:-1])
        elif kind == "literal_error" and parts == ["protocol"]:
            message = f"'protocol' must be {PROTOCOL_SCHEMA_ID!r}, got {given!r}"
        text = f"{dotted}: {message}" if dotted else message
        if kind in {"missing", "extra_forbidden"}:
            parent = parts[:-1]
            text = f"{'.'.join(map(str, parent))}: {message}" if parent else message
        self.add("schema", text, pointer, hint=hint)

    def choose_edition(self, protocol: LocalProtocol) -> CompiledPack | None:
        known = self.editions.ids
        if protocol.edition not in known:
            hint = _ids.did_you_mean(protocol.edition, known)
            self.add(
                "unknown-edition",
                f"edition {protocol.edition!r} is not encoded; known editions: {', '.join(known)}",
                "/edition",
                hint=hint,
            )
            return None
        if self.asked is not None and self.asked != protocol.edition:
            if self.asked not in known:
                self.add(
                    "unknown-edition",
                    f"--edition {self.asked!r} is not encoded; known: {', '.join(known)}",
                    "/edition",
                )
                return None
            self.add(
                "edition-mismatch",
                f"the protocol is written for edition {protocol.edition} but was checked "
                f"against {self.asked}",
                "/edition",
                hint=f"update 'edition' to {self.asked!r} and review the protocol against it",
            )
            return None
        return self.editions.get(protocol.edition)


def _model_at(parts: Sequence[int | str]) -> type[BaseModel] | None:
    """The pydantic model describing the value at ``parts`` (for did-you-mean on keys)."""
    nested: dict[str, type[BaseModel]] = {
        "timescales": LocalTimescale,
        "lead_practitioners": LocalLead,
        "sign_offs": LocalPerson,
        "counting": LocalCounting,
    }
    if not parts:
        return LocalProtocol
    head = str(parts[0])
    if head not in nested:
        return None
    if head == "counting":
        return LocalCounting if len(parts) == 1 else None
    if len(parts) == 2:
        return nested[head]
    if head == "lead_practitioners" and len(parts) == 3 and parts[2] == "oversight":
        return LocalPerson
    return None


def _keys_of(model: type[BaseModel] | None) -> list[str]:
    return list(model.model_fields) if model is not None else []


class _EditionChecks:
    """The checks that need the edition: limits, roles, oversight, sections."""

    def __init__(self, checker: _Checker, protocol: LocalProtocol, pack: CompiledPack) -> None:
        self.c = checker
        self.p = protocol
        self.pack = pack
        self.edition = pack.edition
        expectations = pack.pack.meta.local_protocol
        self.expect = expectations
        self.section_citation = expectations.citation
        self.obligations: dict[str, Rule] = {}
        for rule in pack.obligations:
            self.obligations.setdefault(rule.output_id, rule)
        self.holders: dict[str, Rule] = {}
        for rule in pack.case_holders:
            self.holders.setdefault(rule.output_id, rule)
        self.sign_off_rules: dict[str, Rule] = {}
        for rule in pack.sign_offs:
            self.sign_off_rules.setdefault(rule.output_id, rule)

    def run(self) -> None:
        self.published()
        self.timescales()
        non_sw_stages = self.leads()
        self.sign_offs()
        self.sections(non_sw_stages)
        self.non_working_days()

    def published(self) -> None:
        meta = self.pack.pack.meta
        if self.p.published is not None and self.p.published < meta.in_force_from:
            self.c.add(
                "published-before-edition",
                f"published {self.p.published.isoformat()}, before edition {self.edition} "
                f"came into force ({meta.in_force_from.isoformat()})",
                "/published",
                citation=self.section_citation,
                hint="review the protocol against this edition and update 'published'",
            )

    # timescales
    def timescales(self) -> None:
        local = self.p.timescales or {}
        for obligation, limit in local.items():
            pointer = pointer_join("/timescales", obligation)
            rule = self.obligations.get(obligation)
            if rule is None:
                known = set(self.obligations) | set(_ids.OBLIGATION_IDS)
                where = (
                    f"edition {self.edition} has no obligation {obligation!r}"
                    if obligation in _ids.OBLIGATION_IDS
                    else f"unknown obligation {obligation!r}"
                )
                self.c.add(
                    "unknown-obligation",
                    where,
                    pointer,
                    hint=_ids.did_you_mean(obligation, self.obligations)
                    or (
                        None
                        if obligation in _ids.OBLIGATION_IDS
                        else _ids.did_you_mean(obligation, known)
                    ),
                )
                continue
            spec = rule.then
            assert isinstance(spec, ObligationSpec)
            self.compare(obligation, limit.as_timescale(), spec.timescale, rule, pointer)
        for obligation in self.expect.locally_set_timescales:
            if obligation not in local:
                rule = self.obligations.get(obligation)
                self.c.add(
                    "missing-timescale",
                    f"no local limit for {obligation!r}, which edition {self.edition} leaves "
                    "to the local protocol",
                    "/timescales" if self.p.timescales is not None else "",
                    citation=rule.citation if rule else self.section_citation,
                    hint=f"add e.g. 'timescales: {{{obligation}: {{working_days: 5}}}}'",
                )

    def compare(
        self,
        obligation: str,
        local: Timescale,
        statute: Timescale | None,
        rule: Rule,
        pointer: str,
    ) -> None:
        if statute is None:
            return  # a limit the edition leaves to local decision: any value tightens it
        same_unit = (local.working_days is None) == (statute.working_days is None)
        unit = "working days" if statute.working_days is not None else "months"
        if not same_unit:
            self.c.add(
                "timescale-unit-mismatch",
                f"{obligation}: local limit of {local.describe()} cannot be compared with "
                f"the edition's {statute.describe()}",
                pointer,
                citation=rule.citation,
                hint=f"state the local limit in {unit}",
            )
            return
        local_n = local.working_days if local.working_days is not None else local.months
        statute_n = statute.working_days if statute.working_days is not None else statute.months
        assert local_n is not None
        assert statute_n is not None
        if local_n > statute_n:
            self.c.add(
                "timescale-looser-than-statute",
                f"{obligation}: local limit of {local.describe()} is longer than the "
                f"{statute.describe()} edition {self.edition} allows",
                pointer,
                citation=rule.citation,
                hint=f"a local limit may be {statute.describe()} or less",
            )

    # leads
    def leads(self) -> list[str]:
        """Check lead practitioners; return stages where a non-social worker may lead."""
        non_sw: list[str] = []
        for stage, lead in (self.p.lead_practitioners or {}).items():
            pointer = pointer_join("/lead_practitioners", stage)
            rule = self.holders.get(stage)
            if rule is None:
                self.c.add(
                    "unknown-stage",
                    f"edition {self.edition} has no case-holding stage {stage!r}; "
                    f"its stages: {', '.join(self.holders)}",
                    pointer,
                    hint=_ids.did_you_mean(stage, self.holders),
                )
                continue
            spec = rule.then
            assert isinstance(spec, CaseHolderSpec)
            self.roles(
                lead.roles,
                f"{pointer}/roles",
                spec.lead.roles,
                f"lead {stage}",
                rule.citation,
            )
            if any(role != SOCIAL_WORKER and role in spec.lead.roles for role in lead.roles):
                non_sw.append(stage)
                self.oversight(stage, lead, spec, rule, pointer)
        return non_sw

    def roles(
        self,
        roles: Sequence[str],
        pointer: str,
        allowed: Sequence[str],
        what: str,
        citation: Citation,
    ) -> None:
        for index, role in enumerate(roles):
            here = pointer_join(pointer, index)
            if role not in self.c.roles:
                self.c.add(
                    "unknown-role",
                    f"unknown role {role!r}",
                    here,
                    hint=_ids.did_you_mean(role, self.c.roles),
                )
            elif role not in allowed:
                self.c.add(
                    "role-not-permitted",
                    f"edition {self.edition} does not allow a {role} to {what}; "
                    f"permitted: {', '.join(allowed)}",
                    here,
                    citation=citation,
                )

    def oversight(
        self, stage: str, lead: LocalLead, spec: CaseHolderSpec, rule: Rule, pointer: str
    ) -> None:
        needed = spec.oversight
        if needed is None:
            return
        if lead.oversight is None:
            self.c.add(
                "oversight-required",
                f"{stage}: non-social workers may lead, but no oversight is set; edition "
                f"{self.edition} requires oversight by "
                + ("a social-work-qualified " if needed.social_work_qualified else "a ")
                + " or ".join(needed.roles),
                pointer,
                citation=rule.citation,
                hint="add 'oversight: {roles: [practice_supervisor], social_work_qualified: true}'",
            )
            return
        self.roles(
            lead.oversight.roles,
            f"{pointer}/oversight/roles",
            needed.roles,
            f"oversee {stage}",
            rule.citation,
        )
        if needed.social_work_qualified and lead.oversight.social_work_qualified is not True:
            self.c.add(
                "oversight-required",
                f"{stage}: oversight of non-social-worker leads must be by someone "
                "social-work qualified",
                f"{pointer}/oversight",
                citation=rule.citation,
                hint="set 'social_work_qualified: true' under oversight",
            )

    # sign-offs
    def sign_offs(self) -> None:
        for sign_off, person in (self.p.sign_offs or {}).items():
            pointer = pointer_join("/sign_offs", sign_off)
            rule = self.sign_off_rules.get(sign_off)
            if rule is None:
                self.c.add(
                    "unknown-sign-off",
                    f"edition {self.edition} has no sign-off {sign_off!r}",
                    pointer,
                    hint=_ids.did_you_mean(sign_off, set(self.sign_off_rules) | _ids.SIGN_OFF_IDS),
                )
                continue
            spec = rule.then
            assert isinstance(spec, SignOffSpec)
            qualified = person.social_work_qualified
            if qualified is None:
                qualified = spec.required_from.social_work_qualified
            self.c.sign_offs[sign_off] = PersonSpec(tuple(person.roles), qualified)
            self.roles(
                person.roles,
                f"{pointer}/roles",
                spec.required_from.roles,
                f"sign off {sign_off}",
                rule.citation,
            )
            if spec.required_from.social_work_qualified and person.social_work_qualified is False:
                self.c.add(
                    "qualification-weaker",
                    f"{sign_off}: edition {self.edition} requires a social-work-qualified "
                    "signatory; the protocol drops that requirement",
                    f"{pointer}/social_work_qualified",
                    citation=rule.citation,
                    hint="remove 'social_work_qualified: false' or set it to true",
                )

    # sections
    def sections(self, non_sw_stages: list[str]) -> None:
        present = {
            name for name, value in self.p.model_dump().items() if value not in (None, "", [], {})
        }
        for section in self.expect.required_sections:
            if section not in present:
                self.c.add(
                    "missing-section",
                    f"edition {self.edition} requires the {section!r} section",
                    "",
                    citation=self.section_citation,
                )
        if not non_sw_stages:
            return
        conditional = self.expect.required_sections_when_non_social_worker_leads
        for section in conditional:
            if section in _STAGE_FIELDS or section in present:
                continue
            self.c.add(
                "missing-section",
                f"the {section!r} section is required because non-social workers may lead "
                f"{', '.join(non_sw_stages)}",
                "",
                citation=self.section_citation,
            )
        if not conditional:
            return
        for stage in non_sw_stages:
            lead = (self.p.lead_practitioners or {})[stage]
            if lead.competence is None:
                rule = self.holders[stage]
                self.c.add(
                    "missing-section",
                    f"{stage}: say how the competence of non-social-worker leads is assured "
                    "and monitored ('competence')",
                    pointer_join("/lead_practitioners", stage),
                    citation=rule.citation,
                )

    def non_working_days(self) -> None:
        seen: set[dt.date] = set()
        for index, day in enumerate(self.p.non_working_days):
            if day in seen:
                self.c.add(
                    "duplicate-non-working-day",
                    f"{day.isoformat()} is listed more than once",
                    f"/non_working_days/{index}",
                )
            seen.add(day)


# -- the overlay ------------------------------------------------------------------------
def protocol_overlay(report_or_protocol: ProtocolReport | LocalProtocol) -> Overlay:
    """The :class:`Overlay` a valid protocol applies to its edition.

    A report with errors is refused with :class:`~wtguidance.errors.ProtocolError`; pass a
    bare :class:`LocalProtocol` only if it has been validated.
    """
    if isinstance(report_or_protocol, ProtocolReport):
        report = report_or_protocol
        if not report.valid or report.protocol is None:
            first = report.errors[0] if report.errors else None
            raise ProtocolError(
                report.summary(),
                code="invalid-protocol",
                location=SourceLocation(
                    report.file,
                    first.line if first else None,
                    first.column if first else None,
                    first.path if first else None,
                ),
            )
        protocol, source = report.protocol, report.file
        sign_offs: Mapping[str, PersonSpec] = report.sign_offs
    else:
        protocol, source = report_or_protocol, "<protocol>"
        sign_offs = {
            k: PersonSpec(tuple(v.roles), v.social_work_qualified)
            for k, v in (protocol.sign_offs or {}).items()
        }
    return Overlay(
        edition=protocol.edition,
        source=source,
        timescales=MappingProxyType(
            {k: v.as_timescale() for k, v in (protocol.timescales or {}).items()}
        ),
        sign_offs=MappingProxyType(dict(sign_offs)),
        lead_roles=MappingProxyType(
            {k: tuple(v.roles) for k, v in (protocol.lead_practitioners or {}).items()}
        ),
        non_working_days=frozenset(protocol.non_working_days),
        trigger=protocol.counting.weekend_or_holiday_trigger if protocol.counting else "same_day",
    )
