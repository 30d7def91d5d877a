"""Edition diff (DESIGN §9): what changed between two editions, and what it means for a case.

:func:`diff_editions` compares two rule packs item by item, keyed by the stable ids of
DESIGN §7 (obligation id, case-holder stage, sign-off id). Each item is described with
:func:`wtguidance._pack.describe.rule_record`, so the diff sees exactly what ``explain`` shows.

How items are compared:

- An id present in only one edition is *added* or *removed*, with its summary, its
  citation and the fields that describe it.
- An id present in both is *changed* when a substantive field differs (timescale value
  and unit, clock event and trigger, actor, modality, permitted roles, oversight,
  sign-off roles, ...). A change of where the duty is cited (chapter, section or
  paragraph) is reported with the other changes, but on its own it does not make a duty
  "changed": every edition renumbers its chapters, and a duty that only moved is listed
  under ``unchanged`` with both citations. The citation's URL and edition always differ
  between editions and are never compared.
- An edition may hold several rules for one id (say, a duty that only applies to
  reviews started after a commencement date, gated by ``in_force_from``, or a clock
  that can be started by two different events). Such an item is compared as a set: each
  field's value is the list of distinct values across the rules, in pack order (a single
  value when they all agree), and the item carries a ``note`` saying how many rules each
  side has.

The committed change pages (``docs/changes/``) are written by :mod:`wtguidance._generate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from wtguidance._arguments import require, require_edition
from wtguidance._pack.compile import CompiledPack
from wtguidance._pack.describe import rule_record
from wtguidance._pack.model import Rule, RulePack
from wtguidance._pack.views import citation_view
from wtguidance.results import CitationView

__all__ = [
    "AddedItem",
    "ChangedItem",
    "EditionDiff",
    "Frozen",
    "SectionDiff",
    "UnchangedItem",
    "diff_editions",
]

Kind = Literal["obligation", "case_holder", "sign_off"]


class Frozen(BaseModel):
    """The base of every diff model: frozen, strict, serialised by alias."""

    model_config = ConfigDict(frozen=True, extra="forbid", serialize_by_alias=True)


class AddedItem(Frozen):
    """An id present in only one of the two editions (added or removed)."""

    id: str
    summary: str
    rules: tuple[str, ...]
    details: dict[str, JsonValue]
    citation: CitationView


class ChangedItem(Frozen):
    """An id in both editions whose substance differs: ``changes[field] = [old, new]``."""

    id: str
    changes: dict[str, tuple[JsonValue, JsonValue]]
    from_summary: str
    to_summary: str
    from_rules: tuple[str, ...]
    to_rules: tuple[str, ...]
    note: str | None = None
    from_citation: CitationView
    to_citation: CitationView
    evidence: dict[str, tuple[JsonValue, JsonValue]] = Field(default_factory=dict)


class UnchangedItem(Frozen):
    """An id in both editions with the same substance (possibly cited elsewhere).

    ``evidence`` lists differences in how well the research supports it (confidence,
    provisional flag) — not changes to the guidance itself.
    """

    id: str
    from_citation: CitationView
    to_citation: CitationView
    moved: bool
    evidence: dict[str, tuple[JsonValue, JsonValue]] = Field(default_factory=dict)


class SectionDiff(Frozen):
    added: tuple[AddedItem, ...]
    removed: tuple[AddedItem, ...]
    changed: tuple[ChangedItem, ...]
    unchanged: tuple[UnchangedItem, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


class EditionDiff(Frozen):
    """Everything that differs between two editions' packs (DESIGN §9)."""

    from_: str = Field(alias="from")
    to: str
    obligations: SectionDiff
    case_holders: SectionDiff
    sign_offs: SectionDiff

    def sections(self) -> tuple[tuple[str, SectionDiff], ...]:
        return (
            ("obligations", self.obligations),
            ("case_holders", self.case_holders),
            ("sign_offs", self.sign_offs),
        )


# --- pack diff ------------------------------------------------------------------------

#: Fields compared for each kind of item, as (name in the diff, key in rule_record).
_FIELDS: dict[Kind, tuple[tuple[str, str], ...]] = {
    "obligation": (
        ("timescale", "timescale"),
        ("timescale_source", "timescale_source"),
        ("clock", "clock"),
        ("trigger", "trigger"),
        ("actor", "actor"),
        ("modality", "modality"),
        ("satisfied_by", "satisfied_by"),
        ("window", "window"),
        ("on_repeat", "on_repeat"),
        ("in_force_from", "in_force_from"),
    ),
    "case_holder": (
        ("roles", "lead_roles"),
        ("lead_social_work_qualified", "lead_social_work_qualified"),
        ("oversight", "oversight"),
        ("agreement_required", "agreement_required"),
        ("trigger", "trigger"),
        ("in_force_from", "in_force_from"),
    ),
    "sign_off": (
        ("subject", "subject"),
        ("sign_off_roles", "required_roles"),
        ("social_work_qualified", "required_social_work_qualified"),
        ("clock", "clock"),
        ("trigger", "trigger"),
        ("done_when", "done_when"),
        ("given_by", "given_by"),
        ("in_force_from", "in_force_from"),
    ),
}


#: How well the research supports an item: compared separately from its substance, so a
#: duty the guidance left alone stays "unchanged" while a confidence downgrade still shows.
_EVIDENCE: tuple[tuple[str, str], ...] = (
    ("confidence", "confidence"),
    ("provisional", "is_provisional"),
)


def _normalised(value: Any) -> JsonValue:
    """Role lists compare as sets: sort them (also inside an oversight mapping)."""
    if isinstance(value, list):
        return sorted(value, key=str)
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    result: JsonValue = value
    return result


def _record(rule: Rule) -> dict[str, Any]:
    record = rule_record(rule)
    record.setdefault("clock", rule.match.name)  # sign-offs: the event that starts them
    # a downgrade in confidence, or becoming provisional, is a change users must see
    record["is_provisional"] = bool(rule.provisional)
    return record


def _field_values(rules: Sequence[Rule], key: str) -> JsonValue:
    distinct: list[JsonValue] = []
    for rule in rules:
        value = _normalised(_record(rule).get(key))
        if value not in distinct:
            distinct.append(value)
    return distinct[0] if len(distinct) == 1 else distinct


def _citation(rule: Rule) -> CitationView:
    return citation_view(rule.citation)


def _location(rules: Sequence[Rule]) -> JsonValue:
    """Where the item is cited, without edition and URL (which always differ)."""
    distinct: list[JsonValue] = []
    for rule in rules:
        c = rule.citation
        place: JsonValue = {"chapter": c.chapter, "section": c.section, "paragraph": c.paragraph}
        if place not in distinct:
            distinct.append(place)
    return distinct[0] if len(distinct) == 1 else distinct


def _grouped(pack: RulePack, kind: Kind) -> dict[str, list[Rule]]:
    groups: dict[str, list[Rule]] = {}
    for rule in pack.rules:
        if rule.kind == kind:
            groups.setdefault(rule.output_id, []).append(rule)
    return groups


def _details(kind: Kind, rules: Sequence[Rule]) -> dict[str, JsonValue]:
    return {name: _field_values(rules, key) for name, key in _FIELDS[kind]}


def _added(kind: Kind, item_id: str, rules: Sequence[Rule]) -> AddedItem:
    return AddedItem(
        id=item_id,
        summary=rules[0].summary,
        rules=tuple(r.id for r in rules),
        details=_details(kind, rules),
        citation=_citation(rules[0]),
    )


def _variants_note(a: str, b: str, old: Sequence[Rule], new: Sequence[Rule]) -> str | None:
    if len(old) == 1 and len(new) == 1:
        return None
    return (
        f"{a} has {len(old)} rule(s) and {b} has {len(new)} rule(s) for this id "
        "(different triggers or in-force dates); where they disagree a field lists "
        "each distinct value in pack order"
    )


def _section(a: RulePack, b: RulePack, kind: Kind) -> SectionDiff:
    old, new = _grouped(a, kind), _grouped(b, kind)
    added = tuple(_added(kind, i, new[i]) for i in sorted(new.keys() - old.keys()))
    removed = tuple(_added(kind, i, old[i]) for i in sorted(old.keys() - new.keys()))
    changed: list[ChangedItem] = []
    unchanged: list[UnchangedItem] = []
    for item_id in sorted(old.keys() & new.keys()):
        before, after = old[item_id], new[item_id]
        old_details, new_details = _details(kind, before), _details(kind, after)
        changes: dict[str, tuple[JsonValue, JsonValue]] = {
            name: (old_details[name], new_details[name])
            for name, _ in _FIELDS[kind]
            if old_details[name] != new_details[name]
        }
        evidence: dict[str, tuple[JsonValue, JsonValue]] = {}
        for name, key in _EVIDENCE:
            was, now = _field_values(before, key), _field_values(after, key)
            if was != now:
                evidence[name] = (was, now)
        old_place, new_place = _location(before), _location(after)
        if changes:
            if old_place != new_place:
                changes["citation"] = (old_place, new_place)
            changed.append(
                ChangedItem(
                    id=item_id,
                    changes=changes,
                    from_summary=before[0].summary,
                    to_summary=after[0].summary,
                    from_rules=tuple(r.id for r in before),
                    to_rules=tuple(r.id for r in after),
                    note=_variants_note(a.edition, b.edition, before, after),
                    from_citation=_citation(before[0]),
                    to_citation=_citation(after[0]),
                    evidence=evidence,
                )
            )
        else:
            unchanged.append(
                UnchangedItem(
                    id=item_id,
                    from_citation=_citation(before[0]),
                    to_citation=_citation(after[0]),
                    moved=old_place != new_place,
                    evidence=evidence,
                )
            )
    return SectionDiff(
        added=added, removed=removed, changed=tuple(changed), unchanged=tuple(unchanged)
    )


def _rule_pack(pack: RulePack | CompiledPack | str, name: str) -> RulePack:
    if isinstance(pack, str):  # an edition id of the shipped set, e.g. "2023"
        from wtguidance.editions import shipped_editions

        return shipped_editions().get(pack).pack
    if isinstance(pack, CompiledPack):
        return pack.pack
    if isinstance(pack, (int, float)):  # a year: an edition id is text
        require_edition(pack, name, "diff_editions")
    return require(
        pack,
        RulePack,
        name,
        "diff_editions",
        "pass an edition id such as '2023', or a pack from load_edition / load_editions",
    )


def diff_editions(
    a: RulePack | CompiledPack | str, b: RulePack | CompiledPack | str
) -> EditionDiff:
    """What changes going from edition ``a`` to edition ``b`` (either order, any two).

    Each is an edition id of the shipped set (``"2018"``) or a loaded pack.
    """
    old, new = _rule_pack(a, "a"), _rule_pack(b, "b")
    return EditionDiff.model_validate(
        {
            "from": old.edition,
            "to": new.edition,
            "obligations": _section(old, new, "obligation"),
            "case_holders": _section(old, new, "case_holder"),
            "sign_offs": _section(old, new, "sign_off"),
        }
    )
