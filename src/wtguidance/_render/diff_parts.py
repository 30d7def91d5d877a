"""What every format of an edition diff shows, as plain text: the building blocks.

The section titles and legends, a changed field's old and new values (a list of names as
what was kept and what moved), the evidence words of an unchanged item, an added or removed
item's key fields, the heading, and the lined-up rows and citations of a case diff
(:func:`case_rows`, :func:`case_citations`). :mod:`wtguidance._render.diff` (text, JSON),
:mod:`~wtguidance._render.diff_markdown` and :mod:`~wtguidance._render.diff_html` format them.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import JsonValue

from wtguidance._render.text import citation_line, plain_value
from wtguidance.diff import (
    AddedItem,
    CaseDiff,
    CaseHolderRow,
    CaseHolderSide,
    ChangedItem,
    EditionDiff,
    ObligationRow,
    ObligationSide,
    SignOffRow,
    SignOffSide,
    UnchangedItem,
)
from wtguidance.results import CitationView, PersonView

__all__ = [
    "CASE_LEGEND",
    "LEGEND",
    "TITLES",
    "UNCHANGED",
    "Cell",
    "case_citations",
    "case_rows",
    "diff_heading",
    "direction_note",
    "evidence_words",
    "field_change",
    "item_details",
    "plain_cell",
    "short_cite",
    "shown_fields",
]

TITLES = {"obligations": "Obligations", "case_holders": "Case-holders", "sign_offs": "Sign-offs"}
_KEY_FIELDS = (
    "timescale",
    "clock",
    "actor",
    "modality",
    "roles",
    "lead_social_work_qualified",
    "oversight",
    "subject",
    "sign_off_roles",
    "social_work_qualified",
    "in_force_from",
)
LEGEND = "+ added   − removed   ~ changed (each field, then the citation)"
CASE_LEGEND = "≠ judged differently under the two editions"

_value = plain_value


def field_change(old: JsonValue, new: JsonValue) -> tuple[str, str, str]:
    """(old, new, what moved) for one changed field.

    For a list of names the new side is what was kept and "what moved" says ``+ added;
    − removed``, so that no name is listed twice.
    """
    extra = ""
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and all(isinstance(v, str) for v in (*old, *new))
    ):
        plus = [str(v) for v in new if v not in old]
        minus = [str(v) for v in old if v not in new]
        extra = "; ".join(
            part
            for part in (
                f"+ {', '.join(plus)}" if plus else "",
                f"− {', '.join(minus)}" if minus else "",
            )
            if part
        )
        if extra:  # the new list as what was kept, then what moved: no role named twice
            kept = [str(v) for v in new if v in old]
            return _value(old), ", ".join(kept) if kept else "(none kept)", extra
    return _value(old), _value(new), extra


def shown_fields(item: ChangedItem) -> list[tuple[str, tuple[JsonValue, JsonValue]]]:
    """Changed fields to show; a moved citation is shown by the full "citation" row."""
    fields = [(k, v) for k, v in item.changes.items() if k != "citation"]
    return fields + [(f"{k} (evidence)", v) for k, v in item.evidence.items()]


def _evidence(item: UnchangedItem) -> str:
    """``confidence high → medium`` for an unchanged item whose evidence differs."""
    return "; ".join(
        f"{name} {_value(old)} → {_value(new)}" for name, (old, new) in item.evidence.items()
    )


UNCHANGED = "Unchanged (the same rule; only its citation or how sure we are may differ)"
"""What "unchanged" means in a diff: a change of citation or of our evidence is not a change
of the duty, and is said beside it."""


def evidence_words(item: UnchangedItem) -> str:
    """``how sure we are: confidence high → medium``, for an unchanged item."""
    return f"how sure we are: {_evidence(item)}"


def short_cite(view: CitationView) -> str:
    return citation_line(view, say_unverified=False)  # said once per output instead


def item_details(item: AddedItem) -> str:
    return "; ".join(
        f"{name.replace('_', ' ')}: {_value(item.details[name])}"
        for name in _KEY_FIELDS
        if name in item.details and item.details[name] is not None
    )


def diff_heading(diff: EditionDiff) -> str:
    return f"Working Together {diff.from_} → {diff.to}"


def direction_note(diff: EditionDiff) -> str | None:
    if diff.from_ > diff.to:
        return (
            f"{diff.from_} is the later edition: this diff runs backwards in time "
            f"(“added” means present in {diff.to} but not in {diff.from_})."
        )
    return None


# A case cell is (status, detail): the status is coloured where the format allows.
Cell = tuple[str, str]


def _obligation_cell(side: ObligationSide | None) -> Cell:
    if side is None:
        return "", "does not apply"
    limit = _value(dict(side.timescale)) if side.timescale else "no timescale"
    due = f", due {side.due}" if side.due else ""
    done = f", done {side.satisfied_on}" if side.satisfied_on else ""
    return side.status, f"({limit} from {side.clock_event}{due}{done})"


def _holder_cell(side: CaseHolderSide | None) -> Cell:
    if side is None:
        return "", "no rule"
    return ("compliant" if side.compliant else "not compliant"), f"({side.reason})"


def _person(person: PersonView) -> str:
    return person.role + (" (SW-qualified)" if person.social_work_qualified else "")


def _sign_off_cell(side: SignOffSide | None) -> Cell:
    if side is None:
        return "", "not required"
    parts = []
    if side.given_on:
        parts.append(f"on {side.given_on}")
    if side.signed_by is not None:
        parts.append(f"by {_person(side.signed_by)}")
    qualified = "; social-work qualified" if side.required_social_work_qualified else ""
    parts.append(f"(permitted: {', '.join(side.required_roles)}{qualified})")
    return side.status, " ".join(parts)


def case_rows(case: CaseDiff) -> Iterator[tuple[str, str, Cell, Cell, bool]]:
    """(section, item, from cell, to cell, changed) for every lined-up row."""
    for o in case.obligations:
        label = f"{o.id} (clock {o.clock})"
        yield "obligation", label, _obligation_cell(o.from_), _obligation_cell(o.to), o.changed
    for h in case.case_holders:
        label = (
            f"{h.stage} allocated {h.allocation_date} to {h.practitioner_role}"
            if h.allocation_date
            else f"{h.stage} (no allocation)"
        )
        yield "case-holder", label, _holder_cell(h.from_), _holder_cell(h.to), h.changed
    for s in case.sign_offs:
        when = f" (subject done {s.subject_date})" if s.subject_date else ""
        yield "sign-off", f"{s.id}{when}", _sign_off_cell(s.from_), _sign_off_cell(s.to), s.changed


def plain_cell(cell: Cell) -> str:
    return " ".join(part for part in cell if part)


def case_citations(case: CaseDiff) -> list[CitationView]:
    """Distinct citations behind the case rows, in order of first use."""
    seen: list[CitationView] = []
    rows: list[ObligationRow | CaseHolderRow | SignOffRow] = [
        *case.obligations,
        *case.case_holders,
        *case.sign_offs,
    ]
    for row in rows:
        for side in (row.from_, row.to):
            if side is not None and side.citation not in seen:
                seen.append(side.citation)
    return seen
