"""One census ``Child`` element → one case per ``CINdetails`` episode (or a rejected entry).

The mapping is docs/cin-census.md (field by field) and shared/guidance/cin-census.md §6.
Every episode becomes a :class:`~wtguidance.sources.SourcedCase` carrying its data-quality
notes and its stated ``InitialCPCtarget`` dates, or a :class:`~wtguidance.case.Rejected`
entry naming the child, the field, the value and the line. Nothing is coerced: a value the
layout does not allow rejects the episode that holds it (for a child-level field, every
episode of that child).

This module reads the child-level fields and fixes each episode's case id; one episode's
mapping is :mod:`~wtguidance.sources.cin_census._cindetails`, the census's own data-quality
rules that bear on timeliness (each finding naming the DfE rule, the element and its line)
are :mod:`~wtguidance.sources.cin_census._quality`, and structure the layout does not allow
— a ``Child`` inside a ``Child``, a ``CINdetails`` anywhere but directly in a ``Child`` —
is a rejected entry with its line (:mod:`~wtguidance.sources.cin_census._layout`), never
silently dropped.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from pydantic import ValidationError

from wtguidance.case.record import Case
from wtguidance.case.source import Rejected
from wtguidance.sources.cin_census._cindetails import map_episode
from wtguidance.sources.cin_census._layout import direct_child_id, find_misplaced
from wtguidance.sources.cin_census._model import ChildContext, Episode, dated
from wtguidance.sources.cin_census._quality import (
    before_year,
    collection_start,
    note,
    note_overlaps,
    note_plan_overlaps,
)
from wtguidance.sources.cin_census._values import BadValue, Fields
from wtguidance.sources.sourced import SourcedCase, SourceNote

__all__ = ["ChildContext", "collection_start", "map_child"]


def map_child(
    element: Element, ordinal: int, ctx: ChildContext, *, irregular: bool = True
) -> list[SourcedCase | Rejected]:
    """Every episode of the ``ordinal``-th ``Child`` (1-based) as a case or a rejected entry,
    in file order, with a rejected entry for each episode the layout puts out of reach.

    ``irregular=False`` says the reader saw no ``Child`` inside this one and no
    ``CINdetails`` anywhere but directly in it, so the walk looking for them is skipped.
    """
    out = _map_child(element, ordinal, ctx)
    misplaced = find_misplaced(element, ctx) if irregular else []
    if not misplaced:
        return out
    if len(out) == 1 and isinstance(out[0], Rejected) and out[0].field == "Child/CINdetails":
        out = []  # its only episodes are the misplaced ones, each rejected below
    return sorted([*out, *misplaced], key=lambda item: item.line or 0)


def _map_child(element: Element, ordinal: int, ctx: ChildContext) -> list[SourcedCase | Rejected]:
    tolerated: list[SourceNote] = []
    top = Fields(element, "", ctx.locate, tolerated)
    ids = top.single_block("ChildIdentifiers") or top
    episodes = [Fields(e, "CINdetails", ctx.locate, []) for e in top.all("CINdetails")]
    line, column = ctx.locate(element)
    if not episodes:
        return [
            Rejected(
                child_id=direct_child_id(element),
                reason=f"child #{ordinal} in the file has no CINdetails episode",
                field="Child/CINdetails",
                line=line,
                column=column,
            )
        ]
    try:
        child_id = ids.text("LAchildID")
    except BadValue as bad:
        return [_rejected(None, bad) for _ in episodes]
    if child_id is None:
        return [
            _reject_episode(
                None,
                e,
                ctx,
                f"child #{ordinal} in the file has no LAchildID",
                "ChildIdentifiers/LAchildID",
                None,
            )
            for e in episodes
        ]
    try:
        birth = ids.date("PersonBirthDate")
        expected = ids.date("ExpectedPersonBirthDate")
        death = dated(ids, "PersonDeathDate")
    except BadValue as bad:
        return [_rejected(child_id, bad) for _ in episodes]
    if birth is not None and death is not None and death.day < birth:
        order = ids.bad(
            "PersonDeathDate", death.day.isoformat(), f"{death.day} is before the birth {birth}"
        )
        return [_rejected(child_id, order) for _ in episodes]
    child_notes: list[SourceNote] = []
    if not ctx.first_sighting(child_id):
        child_notes.append(
            note("duplicate-child", f"LAchildID {child_id} appears on an earlier Child (8510)")
        )
    if birth is None and expected is not None:
        child_notes.append(
            note(
                "unborn-child",
                f"only an expected birth date ({expected}): date of birth left empty",
                "info",
            )
        )
    stray = _stray_text(element)
    if stray:
        child_notes.append(note("mixed-content", f"text between elements ignored: {stray}"))
    start = collection_start(ctx.reference_date)
    if death is not None and start is not None and death.day < start:
        child_notes.append(before_year(death, start, "8545Q", "clocks stop at the death"))
    disabled = any(
        (d.text or "").strip().upper() not in ("", "NONE")
        for chars in top.blocks("ChildCharacteristics")
        for block in chars.blocks("Disabilities")
        for d in block.all("Disability")
    )
    died = death.day if death is not None else None
    child = {"date_of_birth": birth, "date_of_death": died, "disabled": disabled}
    mapped: list[Episode | Rejected] = []
    for episode in episodes:
        try:
            mapped.append(map_episode(episode, died, ctx))
        except BadValue as bad:
            mapped.append(_rejected(child_id, bad))
    good = [m for m in mapped if isinstance(m, Episode)]
    if good:
        good[0].notes[:0] = child_notes
        good[0].notes.extend(tolerated)
        note_overlaps(good)
        note_plan_overlaps(good, ctx.reference_date)
    out: list[SourcedCase | Rejected] = []
    for item in mapped:
        if isinstance(item, Rejected):
            out.append(item)
            continue
        base = f"{child_id}/{item.referral.isoformat()}"
        number = ctx.case_number(base)
        case_id = base if number == 1 else f"{base}#{number}"
        if number > 1:
            item.notes.append(
                note(
                    "duplicate-episode",
                    f"another episode of {child_id} has referral date "
                    f"{item.referral}: this one is {case_id}",
                )
            )
        try:
            case = Case.model_validate({"case_id": case_id, "child": child, "events": item.events})
        except ValidationError as error:  # whatever else the case model refuses: this record
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            out.append(
                Rejected(
                    child_id=child_id,
                    reason=f"the case model refuses the episode: {where}: {first['msg']}",
                    field=where,
                    line=item.line,
                )
            )
            continue
        out.append(SourcedCase(case, child_id, item.line, tuple(item.notes), tuple(item.targets)))
    return out


def _rejected(child_id: str | None, bad: BadValue) -> Rejected:
    return Rejected(
        child_id=child_id,
        reason=f"{bad.field}: {bad.reason}",
        field=bad.field,
        value=bad.value,
        line=bad.line,
        column=bad.column,
    )


def _reject_episode(
    child_id: str | None,
    episode: Fields,
    ctx: ChildContext,
    reason: str,
    name: str,
    value: str | None,
) -> Rejected:
    line, column = ctx.locate(episode.element)
    return Rejected(
        child_id=child_id, reason=reason, field=name, value=value, line=line, column=column
    )


def _stray_text(element: Element) -> str:
    """Non-blank text standing between elements inside ``element`` (mixed content)."""
    found: list[str] = []
    for node in element.iter():
        if len(node) and (node.text or "").strip():
            found.append((node.text or "").strip())
        if node is not element and (node.tail or "").strip():
            found.append((node.tail or "").strip())
    return ", ".join(repr(text[:40]) for text in found[:5])
