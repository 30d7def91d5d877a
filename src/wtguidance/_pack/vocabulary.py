"""What a rule pack may refer to: event types, their fields, roles and stages.

Derived from the case model itself (``wtguidance.case``), so a pack can never name an
event field that a case record cannot carry.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import BaseModel

__all__ = ["Vocabulary", "case_vocabulary"]


@dataclass(frozen=True)
class Vocabulary:
    """Event type -> dotted field path -> allowed values (None: any value of that type)."""

    events: Mapping[str, Mapping[str, frozenset[Any] | None]]
    roles: frozenset[str]

    def fields_of(self, event_type: str) -> Mapping[str, frozenset[Any] | None]:
        return self.events.get(event_type, {})


def _members(annotation: Any) -> list[Any]:
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _members(get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return [m for arg in get_args(annotation) for m in _members(arg)]
    return [annotation]


def _literal_values(annotation: Any) -> frozenset[Any] | None:
    values: set[Any] = set()
    for member in _members(annotation):
        if get_origin(member) is typing.Literal:
            values.update(get_args(member))
        elif member is bool:
            values.update({True, False})
        elif member is type(None):
            continue
        else:
            return None
    return frozenset(values)


def _field_paths(model: type[BaseModel], prefix: str = "") -> dict[str, frozenset[Any] | None]:
    paths: dict[str, frozenset[Any] | None] = {}
    for name, info in model.model_fields.items():
        if name in {"type", "date", "time", "id", "note"} and not prefix:
            continue
        nested = [m for m in _members(info.annotation) if isinstance(m, type)]
        models = [m for m in nested if issubclass(m, BaseModel)]
        if models:
            for sub in models:
                paths.update(_field_paths(sub, f"{prefix}{name}."))
        else:
            paths[f"{prefix}{name}"] = _literal_values(info.annotation)
    return paths


def case_vocabulary() -> Vocabulary:
    """Read the vocabulary off the pydantic case model."""
    from wtguidance import case  # local import: the case model is a leaf module

    events: dict[str, Mapping[str, frozenset[Any] | None]] = {}
    for member in _members(case.Event):
        if isinstance(member, type) and issubclass(member, BaseModel):
            type_field = member.model_fields["type"]
            (event_type,) = get_args(type_field.annotation)
            events[event_type] = _field_paths(member)
    roles = _literal_values(case.Role) or frozenset()
    return Vocabulary(events, frozenset(roles))
