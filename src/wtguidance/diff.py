"""Edition diff (DESIGN §9): what changed between two editions, and what it means for a case.

:func:`diff_editions` compares two rule packs item by item, keyed by the stable ids of
DESIGN §7 (obligation id, case-holder stage, sign-off id). Each item is described with
:func:`wtguidance._describe.rule_record`, so the diff sees exactly what ``explain`` shows.

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

:func:`diff_case` evaluates one case pinned to each edition and lines up the results:
obligations by (id, clock date), case-holder verdicts by (stage, allocation date) and
sign-offs by (id, subject date), each row flagged ``changed`` when the two editions
judge it differently.

Run ``python -m wtguidance.diff --write-docs docs/changes`` to regenerate the committed
Markdown pages for each consecutive pair of shipped editions (``--check-docs`` exits 1
when they are stale).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from ._compile import CompiledPack, citation_view
from ._describe import rule_record
from ._pack import Rule, RulePack
from .case import Case
from .editions import Editions
from .results import CitationView, Outcome

__all__ = [
    "AddedItem",
    "CaseDiff",
    "CaseHolderRow",
    "ChangedItem",
    "EditionDiff",
    "ObligationRow",
    "SectionDiff",
    "SignOffRow",
    "UnchangedItem",
    "consecutive_pairs",
    "diff_case",
    "diff_editions",
    "docs_pages",
]

Kind = Literal["obligation", "case_holder", "sign_off"]
K = TypeVar("K")
T = TypeVar("T")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", serialize_by_alias=True)


class AddedItem(_Frozen):
    """An id present in only one of the two editions (added or removed)."""

    id: str
    summary: str
    rules: tuple[str, ...]
    details: dict[str, JsonValue]
    citation: CitationView


class ChangedItem(_Frozen):
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


class UnchangedItem(_Frozen):
    """An id in both editions with the same substance (possibly cited elsewhere).

    ``evidence`` lists differences in how well the research supports it (confidence,
    provisional flag) — not changes to the guidance itself.
    """

    id: str
    from_citation: CitationView
    to_citation: CitationView
    moved: bool
    evidence: dict[str, tuple[JsonValue, JsonValue]] = Field(default_factory=dict)


class SectionDiff(_Frozen):
    added: tuple[AddedItem, ...]
    removed: tuple[AddedItem, ...]
    changed: tuple[ChangedItem, ...]
    unchanged: tuple[UnchangedItem, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


class EditionDiff(_Frozen):
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


def _rule_pack(pack: RulePack | CompiledPack) -> RulePack:
    return pack.pack if isinstance(pack, CompiledPack) else pack


def diff_editions(a: RulePack | CompiledPack, b: RulePack | CompiledPack) -> EditionDiff:
    """What changes going from edition ``a`` to edition ``b`` (either order, any two)."""
    old, new = _rule_pack(a), _rule_pack(b)
    return EditionDiff.model_validate(
        {
            "from": old.edition,
            "to": new.edition,
            "obligations": _section(old, new, "obligation"),
            "case_holders": _section(old, new, "case_holder"),
            "sign_offs": _section(old, new, "sign_off"),
        }
    )


# --- case diff ------------------------------------------------------------------------


class ObligationSide(_Frozen):
    rule: str
    clock_event: str
    timescale: dict[str, int] | None
    due: dt.date | None
    status: str
    satisfied_on: dt.date | None
    actor: str
    modality: str
    citation: CitationView


class ObligationRow(_Frozen):
    """One obligation (by id and clock date) under both editions; None where absent."""

    id: str
    clock: dt.date
    from_: ObligationSide | None = Field(alias="from")
    to: ObligationSide | None
    changed: bool


class CaseHolderSide(_Frozen):
    rule: str
    compliant: bool
    reason: str
    permitted_roles: tuple[str, ...]
    supervisor_required: str
    citation: CitationView


class CaseHolderRow(_Frozen):
    stage: str
    allocation_date: dt.date | None
    practitioner_role: str | None
    from_: CaseHolderSide | None = Field(alias="from")
    to: CaseHolderSide | None
    changed: bool


class SignOffSide(_Frozen):
    rule: str
    status: str
    given_on: dt.date | None
    required_roles: tuple[str, ...]
    required_social_work_qualified: bool | None
    citation: CitationView


class SignOffRow(_Frozen):
    id: str
    subject_date: dt.date | None
    from_: SignOffSide | None = Field(alias="from")
    to: SignOffSide | None
    changed: bool


class CaseDiff(_Frozen):
    """One case judged under two pinned editions, lined up item by item."""

    case_id: str
    as_of: dt.date
    from_: str = Field(alias="from")
    to: str
    obligations: tuple[ObligationRow, ...]
    case_holders: tuple[CaseHolderRow, ...]
    sign_offs: tuple[SignOffRow, ...]
    from_outcome: Outcome
    to_outcome: Outcome

    @property
    def changed_count(self) -> int:
        rows: Iterable[ObligationRow | CaseHolderRow | SignOffRow] = (
            *self.obligations,
            *self.case_holders,
            *self.sign_offs,
        )
        return sum(1 for row in rows if row.changed)


def _pair(
    old: Sequence[T], new: Sequence[T], key: Callable[[T], K]
) -> list[tuple[K, T | None, T | None]]:
    """Line up two result lists by key (repeats of one key pair up in order)."""

    def numbered(items: Sequence[T]) -> dict[tuple[K, int], T]:
        seen: dict[K, int] = {}
        out: dict[tuple[K, int], T] = {}
        for item in items:
            k = key(item)
            seen[k] = seen.get(k, 0) + 1
            out[(k, seen[k])] = item
        return out

    left, right = numbered(old), numbered(new)
    keys = list(left) + [k for k in right if k not in left]
    return [(k[0], left.get(k), right.get(k)) for k in keys]


def _same(a: BaseModel | None, b: BaseModel | None) -> bool:
    """Sides are the same when the case is judged alike: the rule id, citation, actor and
    modality always or often differ between editions and are shown by the pack diff."""
    if a is None or b is None:
        return a is b
    skip = {"rule", "citation", "actor", "modality"}
    return a.model_dump(exclude=skip) == b.model_dump(exclude=skip)


def diff_case(
    editions: Editions, a: str, b: str, case: Case, as_of: dt.date | None = None
) -> CaseDiff:
    """Evaluate ``case`` pinned to edition ``a`` and to edition ``b`` and line them up."""
    from .evaluation import Evaluator

    day = as_of or dt.date.today()
    editions.get(a)
    editions.get(b)  # unknown ids → UsageError listing the known ones
    evaluator = Evaluator.create(editions)
    left = evaluator.evaluate(case, edition=a, as_of=day)
    right = evaluator.evaluate(case, edition=b, as_of=day)

    obligations = []
    for (item_id, clock), x, y in _pair(
        left.obligations, right.obligations, lambda o: (o.id, o.clock.date)
    ):
        sides = [
            None
            if o is None
            else ObligationSide(
                rule=o.rule,
                clock_event=o.clock.event,
                timescale=o.timescale.model_dump() if o.timescale else None,
                due=o.due,
                status=o.status,
                satisfied_on=o.satisfied_on,
                actor=o.actor,
                modality=o.modality,
                citation=o.citation,
            )
            for o in (x, y)
        ]
        obligations.append(
            ObligationRow.model_validate(
                {
                    "id": item_id,
                    "clock": clock,
                    "from": sides[0],
                    "to": sides[1],
                    "changed": not _same(sides[0], sides[1]),
                }
            )
        )
    obligations.sort(key=lambda r: (r.clock, r.id))

    holders = []
    for (stage, date, role), hx, hy in _pair(
        left.case_holders,
        right.case_holders,
        lambda v: (
            v.stage,
            v.allocation.date if v.allocation else None,
            v.allocation.practitioner.role if v.allocation else None,
        ),
    ):
        hsides = [
            None
            if v is None
            else CaseHolderSide(
                rule=v.rule,
                compliant=v.compliant,
                reason=v.reason,
                permitted_roles=tuple(sorted(v.permitted.roles)),
                supervisor_required=v.permitted.supervisor_required,
                citation=v.citation,
            )
            for v in (hx, hy)
        ]
        holders.append(
            CaseHolderRow.model_validate(
                {
                    "stage": stage,
                    "allocation_date": date,
                    "practitioner_role": role,
                    "from": hsides[0],
                    "to": hsides[1],
                    "changed": _holder_changed(hsides[0], hsides[1]),
                }
            )
        )

    sign_offs = []
    for (sign_id, subject_date), sx, sy in _pair(
        left.sign_offs, right.sign_offs, lambda s: (s.id, s.subject_date)
    ):
        ssides = [
            None
            if s is None
            else SignOffSide(
                rule=s.rule,
                status=s.status,
                given_on=s.given_on,
                required_roles=tuple(sorted(s.required_from.roles)),
                required_social_work_qualified=s.required_from.social_work_qualified,
                citation=s.citation,
            )
            for s in (sx, sy)
        ]
        sign_offs.append(
            SignOffRow.model_validate(
                {
                    "id": sign_id,
                    "subject_date": subject_date,
                    "from": ssides[0],
                    "to": ssides[1],
                    "changed": not _same(ssides[0], ssides[1]),
                }
            )
        )

    return CaseDiff.model_validate(
        {
            "case_id": case.case_id,
            "as_of": day,
            "from": a,
            "to": b,
            "obligations": obligations,
            "case_holders": holders,
            "sign_offs": sign_offs,
            "from_outcome": left,
            "to_outcome": right,
        }
    )


def _holder_changed(a: CaseHolderSide | None, b: CaseHolderSide | None) -> bool:
    """A verdict changes when compliance or who is permitted changes (not the wording)."""
    if a is None or b is None:
        return a is not b
    return (a.compliant, a.permitted_roles, a.supervisor_required) != (
        b.compliant,
        b.permitted_roles,
        b.supervisor_required,
    )


# --- generated docs -------------------------------------------------------------------


def consecutive_pairs(editions: Editions) -> list[tuple[str, str]]:
    """Each edition with the one that followed it, in order of coming into force."""
    ids = editions.ids
    return list(itertools.pairwise(ids))


def docs_pages(editions: Editions) -> dict[str, str]:
    """File name → Markdown for ``docs/changes/``: one page per consecutive pair + index."""
    from ._diff_render import diff_markdown

    pages: dict[str, str] = {}
    index = [
        "# Changes between editions",
        "",
        "Generated by `python -m wtguidance.diff --write-docs docs/changes`; do not edit.",
        "",
    ]
    for a, b in consecutive_pairs(editions):
        name = f"{a}-to-{b}.md"
        diff = diff_editions(editions.get(a), editions.get(b))
        pages[name] = diff_markdown(diff, generated=True)
        counts = "; ".join(
            title.replace("_", "-")
            + " "
            + ", ".join(
                f"{n} {what}"
                for n, what in (
                    (len(s.added), "added"),
                    (len(s.removed), "removed"),
                    (len(s.changed), "changed"),
                )
                if n
            )
            for title, s in diff.sections()
            if not s.empty
        )
        index.append(f"- [{a} → {b}]({name})" + (f": {counts}" if counts else ": no changes"))
    pages["README.md"] = "\n".join(index) + "\n"
    return pages


def main(argv: Sequence[str] | None = None) -> int:
    """Write or check ``docs/changes/`` for the shipped editions."""
    from .editions import shipped_editions

    parser = argparse.ArgumentParser(prog="python -m wtguidance.diff", description=main.__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write-docs", metavar="DIR", type=Path, help="(re)write the pages")
    group.add_argument("--check-docs", metavar="DIR", type=Path, help="exit 1 if stale")
    args = parser.parse_args(argv)
    pages = docs_pages(shipped_editions())
    target: Path = args.write_docs or args.check_docs
    existing = {p.name for p in target.glob("*.md")} if target.is_dir() else set()
    if args.write_docs is not None:
        target.mkdir(parents=True, exist_ok=True)
        for name in existing - pages.keys():
            (target / name).unlink()
        for name, text in pages.items():
            (target / name).write_text(text, encoding="utf-8")
        return 0
    stale = sorted(
        name
        for name in pages.keys() | existing
        if name not in pages
        or not (target / name).is_file()
        or (target / name).read_text(encoding="utf-8") != pages[name]
    )
    if stale:
        print(
            f"{target}: out of date ({', '.join(stale)}); "
            f"run: python -m wtguidance.diff --write-docs {target}"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
