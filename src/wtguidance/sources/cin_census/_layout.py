"""Structure the census layout does not allow, as rejected entries with their lines.

A ``Child`` inside a ``Child`` or a ``CINdetails`` anywhere but directly in a ``Child``
puts an episode out of reach: each becomes a rejected entry naming where it stood, never
silently dropped.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from wtguidance.case.source import Rejected
from wtguidance.sources.cin_census._model import ChildContext
from wtguidance.sources.cin_census._values import local_name

__all__ = ["direct_child_id", "find_misplaced"]


def find_misplaced(element: Element, ctx: ChildContext) -> list[Rejected]:
    """A rejected entry for every episode the census layout puts out of reach: each
    ``CINdetails`` not directly in this ``Child`` (inside another ``CINdetails``, inside a
    block, inside a ``Child`` nested in this one) and each nested ``Child`` with no episode.

    Iterative (no recursion), linear in the size of the child however deep the nesting.
    """
    outer_line = ctx.locate(element)[0]
    outer_id = direct_child_id(element)
    found: list[Rejected] = []
    nested: dict[int, tuple[Element, str, bool]] = {}  # id -> (Child, path, has an episode)
    # (node, its path, its depth, the nested Child it stands in, or None)
    stack: list[tuple[Element, str, int, Element | None]] = [(element, "Child", 1, None)]
    while stack:
        node, path, depth, owner = stack.pop()
        for sub in node:
            name = local_name(sub.tag)
            if not name:
                continue
            where = _path(path, name, depth + 1)
            if name == "Child":
                nested[id(sub)] = (sub, where, False)
                stack.append((sub, where, depth + 1, sub))
                continue
            if name == "CINdetails" and node is not element:
                line, column = ctx.locate(sub)
                if owner is not None:
                    child, owner_path, _ = nested[id(owner)]
                    nested[id(owner)] = (child, owner_path, True)
                    who = direct_child_id(owner)
                    reason = (
                        f"{where} (line {line}) is an episode of a Child nested inside the "
                        f"Child of line {outer_line} ({outer_id or 'no LAchildID'}): not the "
                        "census layout, so which child it belongs to cannot be told; not "
                        "evaluated"
                    )
                else:
                    who = outer_id
                    reason = (
                        f"{where} (line {line}) stands inside another element, not directly "
                        "in a Child: not the census layout; this episode was not evaluated"
                    )
                found.append(
                    Rejected(child_id=who, reason=reason, field=where, line=line, column=column)
                )
            stack.append((sub, where, depth + 1, owner))
    for child, where, has_episode in nested.values():
        if has_episode:
            continue
        line, column = ctx.locate(child)
        found.append(
            Rejected(
                child_id=direct_child_id(child),
                reason=f"{where} (line {line}) is a Child nested inside the Child of line "
                f"{outer_line} ({outer_id or 'no LAchildID'}) with no episode of its own: "
                "not the census layout; not evaluated",
                field=where,
                line=line,
                column=column,
            )
        )
    return sorted(found, key=lambda r: (r.line or 0, r.column or 0))


_PATH_DEPTH = 6


def _path(parent: str, name: str, depth: int) -> str:
    """``parent/name``, shortened past a few levels so deep nesting costs linear space."""
    if depth <= _PATH_DEPTH:
        return f"{parent}/{name}"
    return f"Child/…({depth - 2} levels)…/{name}"


def direct_child_id(element: Element) -> str | None:
    """``ChildIdentifiers/LAchildID`` (or a bare ``LAchildID``) directly in ``element``."""
    for sub in element:
        name = local_name(sub.tag)
        if name == "LAchildID":
            return (sub.text or "").strip() or None
        if name == "ChildIdentifiers":
            for item in sub:
                if local_name(item.tag) == "LAchildID":
                    return (item.text or "").strip() or None
    return None
