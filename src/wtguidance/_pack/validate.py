"""Stage 2, validate: :class:`RawPack` → :class:`RulePack`.

Two layers of checks, both reporting ``file:line:col`` and the rule id:

1. JSON Schema (``schemas/rule-pack.schema.json``) for shape;
2. semantic checks the schema cannot express: duplicate rule ids, rule ids that do not
   belong to the edition, unknown event types, fields and values, unknown or undeclared
   facts, unknown obligation / sign-off ids and roles (with did-you-mean hints), and
   dangling ``overrides``.

Every problem is collected (:func:`check_pack`); :func:`validate_pack` raises the first
one, sorted by location, noting how many more there were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from wtguidance import _ids
from wtguidance._pack.load import RawPack
from wtguidance._pack.model import (
    CLOCK_STOPS,
    AllOf,
    AnyOf,
    AssertSpec,
    CaseHolderSpec,
    ChildIs,
    Citation,
    Condition,
    EditionMeta,
    Exists,
    NotOf,
    ObligationSpec,
    OversightSpec,
    Pattern,
    PersonSpec,
    ProtocolExpectations,
    Rule,
    RulePack,
    SignOffSpec,
    Then,
    Timescale,
    WhereClause,
    rule_patterns,
)
from wtguidance._pack.schema import schema_errors
from wtguidance._pack.vocabulary import Vocabulary, case_vocabulary
from wtguidance._yaml_document import YamlDocument, pointer_join
from wtguidance.codes import ErrorCode
from wtguidance.errors import PackCompileError, PackError

__all__ = ["check_pack", "validate_pack"]


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class _Builder:
    """Turns schema-valid documents into pack objects, collecting semantic problems."""

    def __init__(self, raw: RawPack, vocabulary: Vocabulary) -> None:
        self.raw = raw
        self.vocabulary = vocabulary
        self.problems: list[PackError] = []
        self.edition = ""

    def problem(
        self,
        message: str,
        code: ErrorCode,
        doc: YamlDocument,
        pointer: str,
        rule_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problems.append(
            PackCompileError(
                message, code=code, location=doc.locate(pointer), rule_id=rule_id, hint=hint
            )
        )

    # -- manifest ---------------------------------------------------------------
    def meta(self, doc: YamlDocument) -> EditionMeta:
        value: dict[str, Any] = doc.value
        self.edition = value["edition"]
        protocol: dict[str, Any] = value.get("local_protocol", {})
        for index, obligation in enumerate(protocol.get("locally_set_timescales", [])):
            if obligation not in _ids.OBLIGATION_IDS:
                self.problem(
                    f"unknown obligation id {obligation!r}",
                    "unknown-obligation",
                    doc,
                    f"/local_protocol/locally_set_timescales/{index}",
                    hint=_ids.did_you_mean(obligation, _ids.OBLIGATION_IDS),
                )
        return EditionMeta(
            edition=self.edition,
            title=value["title"],
            published=_date(value["published"]),
            in_force_from=_date(value["in_force_from"]),
            status=value["status"],
            sources=tuple((s["title"], s["url"]) for s in value["sources"]),
            amendments=tuple((a["date"], a["summary"]) for a in value.get("amendments", [])),
            status_notes=value.get("status_notes"),
            reference=value.get("reference"),
            in_force_from_confidence=value.get("in_force_from_confidence"),
            chapters=MappingProxyType(dict(value.get("chapters", {}))),
            local_protocol=ProtocolExpectations(
                required_sections=tuple(protocol.get("required_sections", [])),
                required_sections_when_non_social_worker_leads=tuple(
                    protocol.get("required_sections_when_non_social_worker_leads", [])
                ),
                locally_set_timescales=tuple(protocol.get("locally_set_timescales", [])),
                citation=self.citation(protocol["citation"]) if "citation" in protocol else None,
            ),
            location=doc.locate(""),
        )

    def citation(self, value: Mapping[str, Any]) -> Citation:
        return Citation(
            edition=self.edition,
            chapter=value["chapter"],
            section=value["section"],
            paragraph=value["paragraph"],
            url=value["url"],
        )

    # -- rules ------------------------------------------------------------------
    def pattern(
        self, value: Mapping[str, Any], doc: YamlDocument, pointer: str, rule_id: str
    ) -> Pattern:
        kind = "event" if "event" in value else "fact"
        name: str = value[kind]
        where: list[WhereClause] = []
        fields: Mapping[str, frozenset[Any] | None] = {}
        if kind == "event":
            if name not in self.vocabulary.events:
                self.problem(
                    f"unknown event type {name!r}",
                    "unknown-event",
                    doc,
                    pointer_join(pointer, "event"),
                    rule_id,
                    _ids.did_you_mean(name, self.vocabulary.events),
                )
            fields = self.vocabulary.fields_of(name)
        for path, test in value.get("where", {}).items():
            field_pointer = pointer_join(pointer_join(pointer, "where"), path)
            negate = isinstance(test, dict) and "not_in" in test
            values: list[Any] = (
                list(test.get("not_in" if negate else "in", []))
                if isinstance(test, dict)
                else [test]
            )
            if kind == "event" and name in self.vocabulary.events:
                if path not in fields:
                    self.problem(
                        f"event {name!r} has no field {path!r}",
                        "unknown-field",
                        doc,
                        field_pointer,
                        rule_id,
                        _ids.did_you_mean(path, fields) or f"fields: {', '.join(sorted(fields))}",
                    )
                else:
                    allowed = fields[path]
                    for item in values:
                        if allowed is not None and item not in allowed:
                            self.problem(
                                f"{name}.{path} can never be {item!r}",
                                "unknown-value",
                                doc,
                                field_pointer,
                                rule_id,
                                f"allowed: {', '.join(sorted(map(str, allowed)))}",
                            )
            where.append(WhereClause(tuple(path.split(".")), negate, frozenset(values)))
        return Pattern(kind, name, tuple(where), doc.locate(pointer))  # type: ignore[arg-type]

    def condition(
        self, value: Mapping[str, Any], doc: YamlDocument, pointer: str, rule_id: str
    ) -> Condition:
        if "all" in value:
            return AllOf(
                tuple(
                    self.condition(item, doc, f"{pointer}/all/{i}", rule_id)
                    for i, item in enumerate(value["all"])
                )
            )
        if "any" in value:
            return AnyOf(
                tuple(
                    self.condition(item, doc, f"{pointer}/any/{i}", rule_id)
                    for i, item in enumerate(value["any"])
                )
            )
        if "not" in value:
            return NotOf(self.condition(value["not"], doc, f"{pointer}/not", rule_id))
        if "exists" in value:
            return Exists(
                self.pattern(value["exists"], doc, f"{pointer}/exists", rule_id),
                value.get("relative", "any_time"),
            )
        return ChildIs(value["child"]["field"], value["child"]["is"])

    def person(
        self, value: Mapping[str, Any], doc: YamlDocument, pointer: str, rule_id: str
    ) -> PersonSpec:
        return PersonSpec(
            self.roles(value["roles"], doc, f"{pointer}/roles", rule_id),
            value.get("social_work_qualified"),
        )

    def roles(
        self, roles: list[str], doc: YamlDocument, pointer: str, rule_id: str
    ) -> tuple[str, ...]:
        for index, role in enumerate(roles):
            if role not in self.vocabulary.roles:
                self.problem(
                    f"unknown role {role!r}",
                    "unknown-role",
                    doc,
                    f"{pointer}/{index}",
                    rule_id,
                    _ids.did_you_mean(role, self.vocabulary.roles),
                )
        return tuple(roles)

    def then(self, value: Mapping[str, Any], doc: YamlDocument, pointer: str, rule_id: str) -> Then:
        if "assert" in value:
            return AssertSpec(value["assert"]["fact"])
        if "obligation" in value:
            spec = value["obligation"]
            here = f"{pointer}/obligation"
            if spec["id"] not in _ids.OBLIGATION_IDS:
                self.problem(
                    f"unknown obligation id {spec['id']!r}",
                    "unknown-obligation",
                    doc,
                    f"{here}/id",
                    rule_id,
                    _ids.did_you_mean(spec["id"], _ids.OBLIGATION_IDS)
                    or "new ids are added to wtguidance/_ids.py",
                )
            satisfied = spec["satisfied_by"]
            timescale = spec["timescale"]
            return ObligationSpec(
                id=spec["id"],
                actor=spec["actor"],
                modality=spec["modality"],
                timescale=Timescale(**timescale) if timescale is not None else None,
                # Working Together's numbers are guidance unless a rule says otherwise;
                # the shipped packs state every source (lint-packs checks it)
                timescale_source=spec.get("timescale_source", "guidance"),
                on_repeat=spec.get("on_repeat", "separate"),
                satisfied_by=self.pattern(
                    {k: v for k, v in satisfied.items() if k != "window"},
                    doc,
                    f"{here}/satisfied_by",
                    rule_id,
                ),
                window=satisfied.get("window", "on_or_after"),
                withdrawn_by=tuple(
                    self.pattern(item, doc, f"{here}/withdrawn_by/{i}", rule_id)
                    for i, item in enumerate(spec.get("withdrawn_by", []))
                ),
                ended_by=tuple(
                    self.pattern(item, doc, f"{here}/ended_by/{i}", rule_id)
                    for i, item in enumerate(spec.get("ended_by", []))
                ),
                repeat_every=Timescale(**spec["repeat_every"]) if "repeat_every" in spec else None,
                clock_stops=frozenset(spec.get("clock_stops", CLOCK_STOPS)),
            )
        if "case_holder" in value:
            spec = value["case_holder"]
            here = f"{pointer}/case_holder"
            oversight = spec.get("oversight")
            return CaseHolderSpec(
                stage=spec["stage"],
                lead=self.person(spec["lead"], doc, f"{here}/lead", rule_id),
                oversight=OversightSpec(
                    oversight["required"],
                    self.roles(oversight["roles"], doc, f"{here}/oversight/roles", rule_id),
                    oversight["social_work_qualified"],
                )
                if oversight
                else None,
                agreement_required=spec.get("agreement") == "required",
            )
        spec = value["sign_off"]
        here = f"{pointer}/sign_off"
        if spec["id"] not in _ids.SIGN_OFF_IDS:
            self.problem(
                f"unknown sign-off id {spec['id']!r}",
                "unknown-sign-off",
                doc,
                f"{here}/id",
                rule_id,
                _ids.did_you_mean(spec["id"], _ids.SIGN_OFF_IDS),
            )
        subjects = self.vocabulary.fields_of("sign_off").get("subject")
        if subjects is not None and spec["subject"] not in subjects:
            self.problem(
                f"sign_off.subject can never be {spec['subject']!r}",
                "unknown-value",
                doc,
                f"{here}/subject",
                rule_id,
                _ids.did_you_mean(spec["subject"], subjects)
                or f"allowed: {', '.join(sorted(subjects))}",
            )
        return SignOffSpec(
            id=spec["id"],
            subject=spec["subject"],
            done_when=self.pattern(spec["done_when"], doc, f"{here}/done_when", rule_id)
            if "done_when" in spec
            else None,
            required_from=self.person(spec["required_from"], doc, f"{here}/required_from", rule_id),
            given_by=self.pattern(spec["given_by"], doc, f"{here}/given_by", rule_id)
            if "given_by" in spec
            else None,
        )

    def rule(self, value: Mapping[str, Any], doc: YamlDocument, pointer: str) -> Rule:
        rule_id: str = value["id"]
        if not rule_id.startswith(f"wt{self.edition}."):
            self.problem(
                f"rule id {rule_id!r} does not belong to edition {self.edition}",
                "edition-mismatch",
                doc,
                f"{pointer}/id",
                rule_id,
                f"ids in this pack start with 'wt{self.edition}.'",
            )
        return Rule(
            id=rule_id,
            edition=self.edition,
            summary=value["summary"],
            citation=self.citation(value["citation"]),
            match=self.pattern(value["match"], doc, f"{pointer}/match", rule_id),
            when=self.condition(value["when"], doc, f"{pointer}/when", rule_id)
            if "when" in value
            else None,
            then=self.then(value["then"], doc, f"{pointer}/then", rule_id),
            location=doc.locate(pointer),
            confidence=value.get("confidence"),
            provisional=value.get("provisional"),
            notes=value.get("notes"),
            in_force_from=_date(value["in_force_from"])
            if value.get("in_force_from", "pending") != "pending"
            else None,
            in_force_until=_date(value["in_force_until"]) if "in_force_until" in value else None,
            overrides=value.get("overrides"),
            commencement_pending=value.get("in_force_from") == "pending",
        )

    # -- whole pack -------------------------------------------------------------
    def build(self) -> RulePack:
        raw = self.raw
        if not isinstance(raw.manifest.value, dict) or "rules" in raw.manifest.value:
            self.problem(
                "pack.yaml must hold the edition metadata, not rules",
                "schema",
                raw.manifest,
                "",
            )
        meta = self.meta(raw.manifest)
        facts: dict[str, tuple[str, Any]] = {}
        rules: list[Rule] = []
        seen_rules: dict[str, Rule] = {}
        for doc in raw.topics:
            for index, fact in enumerate(doc.value.get("facts", [])):
                pointer = f"/facts/{index}"
                if fact["name"] in facts:
                    self.problem(
                        f"fact {fact['name']!r} is declared twice",
                        "duplicate-fact",
                        doc,
                        pointer,
                        hint=related_hint(facts[fact["name"]][1]),
                    )
                facts[fact["name"]] = (fact["summary"], doc.locate(pointer))
            for index, value in enumerate(doc.value["rules"]):
                rule = self.rule(value, doc, f"/rules/{index}")
                if rule.id in seen_rules:
                    self.problem(
                        f"rule id {rule.id!r} is used twice",
                        "duplicate-rule-id",
                        doc,
                        f"/rules/{index}/id",
                        rule.id,
                        f"first defined at {seen_rules[rule.id].location}",
                    )
                seen_rules[rule.id] = rule
                rules.append(rule)
        self.check_references(rules, facts)
        return RulePack(meta, MappingProxyType(facts), tuple(rules), raw.root)

    def check_references(self, rules: list[Rule], facts: Mapping[str, Any]) -> None:
        asserted = {r.then.fact for r in rules if isinstance(r.then, AssertSpec)}
        ids = {r.id for r in rules}
        docs = {doc.path: doc for doc in self.raw.topics}
        for rule in rules:
            doc = docs[rule.location.path or ""]
            pointer = rule.location.pointer or ""
            for pattern in rule_patterns(rule):
                if pattern.kind == "fact" and pattern.name not in facts:
                    self.problems.append(
                        PackCompileError(
                            f"fact {pattern.name!r} is not declared",
                            code="unknown-fact",
                            location=pattern.location,
                            rule_id=rule.id,
                            hint=_ids.did_you_mean(pattern.name, facts)
                            or "declare it under 'facts:' and assert it with a rule",
                        )
                    )
                elif pattern.kind == "fact" and pattern.name not in asserted:
                    self.problems.append(
                        PackCompileError(
                            f"fact {pattern.name!r} is declared but no rule asserts it",
                            code="unknown-fact",
                            location=pattern.location,
                            rule_id=rule.id,
                            hint="add a rule whose 'then' is {assert: {fact: ...}}",
                        )
                    )
            if isinstance(rule.then, AssertSpec) and rule.then.fact not in facts:
                self.problem(
                    f"rule asserts undeclared fact {rule.then.fact!r}",
                    "unknown-fact",
                    doc,
                    f"{pointer}/then/assert/fact",
                    rule.id,
                    _ids.did_you_mean(rule.then.fact, facts),
                )
            if rule.overrides is not None and rule.overrides not in ids:
                self.problem(
                    f"rule overrides {rule.overrides!r}, which is not in this pack",
                    "dangling-override",
                    doc,
                    f"{pointer}/overrides",
                    rule.id,
                    _ids.did_you_mean(rule.overrides, ids),
                )


def related_hint(location: Any) -> str:
    return f"first declared at {location}"


def check_pack(
    raw: RawPack, vocabulary: Vocabulary | None = None, *, check_schema: bool = True
) -> tuple[RulePack | None, list[PackError]]:
    """Validate a raw pack, collecting every problem. The pack is None if any was found.

    ``check_schema=False`` skips only the JSON Schema pass (the semantic checks always
    run); it is for the shipped packs, which the test suite and ``lint-packs`` validate
    in full, so that start-up does not pay for re-validating them.
    """
    problems: list[PackError] = []
    if check_schema:
        for doc in (raw.manifest, *raw.topics):
            problems.extend(schema_errors(doc))
    manifest_ok = isinstance(raw.manifest.value, dict) and "edition" in raw.manifest.value
    if problems or not manifest_ok:
        return None, _sorted(problems)
    builder = _Builder(raw, vocabulary or case_vocabulary())
    pack = builder.build()
    if builder.problems:
        return None, _sorted(builder.problems)
    return pack, []


def _sorted(problems: list[PackError]) -> list[PackError]:
    def key(p: PackError) -> tuple[str, int, int]:
        loc = p.location
        return (loc.path or "", loc.line or 0, loc.column or 0) if loc else ("", 0, 0)

    return sorted(problems, key=key)


def validate_pack(
    raw: RawPack, vocabulary: Vocabulary | None = None, *, check_schema: bool = True
) -> RulePack:
    """Validate a raw pack; raise the first problem (by location) if there is any."""
    pack, problems = check_pack(raw, vocabulary, check_schema=check_schema)
    if problems:
        first = problems[0]
        if len(problems) > 1:
            first.message += f" (and {len(problems) - 1} more problem(s) in this pack)"
        raise first
    assert pack is not None
    return pack
