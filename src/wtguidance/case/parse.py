"""Reading a case record from JSON, with one-line errors that say where the problem is.

:func:`parse_case_json` reads JSON text and :func:`parse_case_obj` an already-decoded object.
Both return a :class:`~wtguidance.case.Case` or raise :class:`~wtguidance.errors.CaseError`:

=================  ====================================================================
code               when
=================  ====================================================================
``empty-input``    the text is empty or only whitespace
``invalid-json``   the text is not JSON (the location gives the line and column)
``duplicate-key``  an object names the same key twice
``invalid-case``   the JSON is not a case record; the message names the field, as in
                   ``events[3].date: Input should be ... (got '2024-02-30')``, and the
                   location gives the JSON pointer (and, from text, the line and column)
``input-too-large`` the text is longer than ``limits.max_bytes`` (checked before decoding)
``too-many-events`` ``events`` holds more than ``limits.max_events`` entries (checked
                   before validating them)
=================  ====================================================================

A UTF-8 byte-order mark at the start of the text is ignored, as it is in a protocol.

Most records are read on a fast path (:func:`_fast_case`): msgspec decodes the text, the
case is validated, and a count proves no object named a key twice. Whatever that path is
not sure of — any error at all, a ``\\u`` escape, a count that differs — is read again
on the exact path below it (``json`` with a duplicate-key hook), which alone words every
error; so the fast path changes how quickly a case is read, never what is read or said.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, get_args

import msgspec
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from wtguidance.case.events import EVENT_TYPES
from wtguidance.case.record import Case
from wtguidance.errors import CaseError, SourceLocation, UsageError
from wtguidance.limits import Limits

__all__ = [
    "DuplicateKeyError",
    "duplicate_key_error",
    "locate_pointer",
    "object_rejecting_duplicates",
    "parse_case_json",
    "parse_case_obj",
]

_PathPart = str | int


def parse_case_json(text: str, source: str = "<input>", *, limits: Limits | None = None) -> Case:
    """Parse JSON text into a :class:`Case`; ``source`` names the text in error locations.

    ``limits`` bounds the size of the text and the number of events (default: :class:`Limits`).
    """
    if not isinstance(text, str):
        raise UsageError(
            f"parse_case_json needs the JSON as a str, not {type(text).__name__}",
            code="bad-argument",
            hint="decode bytes first, e.g. data.decode('utf-8')",
        )
    limits = _limits(limits)
    _check_size(text, source, limits)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CaseError(
            "the input is empty; expected a JSON object with 'case_id', 'child' and 'events'",
            code="empty-input",
            location=SourceLocation(path=source),
        )
    fast = _fast_case(text, limits)
    if fast is not None:
        return fast
    try:
        obj = json.loads(
            text,
            object_pairs_hook=object_rejecting_duplicates,
            parse_constant=_reject_constant,
        )
    except json.JSONDecodeError as exc:
        where = SourceLocation(path=source, line=exc.lineno, column=exc.colno)
        raise CaseError(_lower_first(exc.msg), code="invalid-json", location=where) from exc
    except DuplicateKeyError as exc:
        raise duplicate_key_error(text, exc.key, source) from None
    except _NonStandardConstantError as exc:
        where = _position(source, text, _token_offset(text, exc.name), None)
        msg = f"{exc.name} is not allowed in JSON"
        raise CaseError(msg, code="invalid-json", location=where) from None
    except RecursionError:
        msg = "the JSON is nested too deeply"
        raise CaseError(msg, code="invalid-json", location=SourceLocation(path=source)) from None
    except ValueError as exc:  # an integer with more digits than Python will convert
        msg = "a number in the JSON has too many digits"
        raise CaseError(msg, code="invalid-json", location=SourceLocation(path=source)) from exc
    return _validate(obj, source, text, limits)


_DECODE = msgspec.json.Decoder().decode
_ENCODE = msgspec.json.Encoder().encode


def _fast_case(text: str, limits: Limits) -> Case | None:
    """The case ``text`` holds, read quickly, or ``None`` when the exact path must read it.

    msgspec keeps the last of two members with the same key, so the text is counted: each
    member has one ``:`` of its own, and every other ``:`` of the text stands in a string.
    Without ``\\u`` escapes a decoded string holds exactly the colons it was written with,
    so re-encoding the decoded value gives as many colons as the text when no member was
    dropped, and fewer when one was. Numbers, ``NaN`` and the like never reach a case
    (no case field takes a number), so they fail validation here and are worded there.
    """
    if "\\u" in text:
        return None
    try:
        obj = _DECODE(text)
    except (msgspec.DecodeError, RecursionError):
        return None
    if not isinstance(obj, dict):
        return None
    events = obj.get("events")
    if isinstance(events, list) and len(events) > limits.max_events:
        return None
    try:
        case = Case.model_validate(obj)
    except (ValidationError, RecursionError):
        return None
    if _ENCODE(obj).count(b":") != text.count(":"):
        return None  # a member was dropped: the exact path names the duplicate key
    return case


def parse_case_obj(obj: object, source: str = "<input>", *, limits: Limits | None = None) -> Case:
    """Validate a decoded JSON value (normally a ``dict``) as a :class:`Case`."""
    return _validate(obj, source, None, _limits(limits))


# --- Limits -----------------------------------------------------------------------------------


def _limits(limits: object) -> Limits:
    if limits is None:
        return Limits()
    if not isinstance(limits, Limits):
        raise UsageError(
            f"limits must be a wtguidance.limits.Limits, not {type(limits).__name__}",
            code="bad-argument",
        )
    return limits


def _check_size(text: str, source: str, limits: Limits) -> None:
    # a character is 1 to 4 bytes of UTF-8: only encode when the answer is not already known
    if len(text) * 4 <= limits.max_bytes:
        return
    size = len(text) if len(text) > limits.max_bytes else len(text.encode("utf-8", "replace"))
    if size > limits.max_bytes:
        raise CaseError(
            f"the case record is larger than {limits.max_bytes:,} bytes",
            code="input-too-large",
            location=SourceLocation(path=source),
            hint="raise the limit with --max-bytes or WTGUIDANCE_MAX_BYTES if this is intended",
        )


def _check_events(obj: dict[str, Any], source: str, text: str | None, limits: Limits) -> None:
    events = obj.get("events")
    if isinstance(events, list) and len(events) > limits.max_events:
        raise CaseError(
            f"events: {len(events):,} events is more than the limit of {limits.max_events:,}",
            code="too-many-events",
            location=_location(source, text, ("events",), key=True),
            hint="raise the limit with --max-events or WTGUIDANCE_MAX_EVENTS if this is intended",
        )


# --- Validation and error messages ------------------------------------------------------------


def _validate(obj: object, source: str, text: str | None, limits: Limits) -> Case:
    if not isinstance(obj, dict):
        where = _location(source, text, (), key=False)
        msg = f"a case must be a JSON object, not {_json_kind(obj)}"
        raise CaseError(msg, code="invalid-case", location=where)
    _check_events(obj, source, text, limits)
    try:
        return Case.model_validate(obj)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        raise _case_error(errors[0], len(errors) - 1, source, text) from exc


def _case_error(error: ErrorDetails, others: int, source: str, text: str | None) -> CaseError:
    """Turn pydantic's first error into a one-line :class:`CaseError`."""
    path, models = _json_path(error["loc"])
    kind = error["type"]
    hint: str | None = None
    on_key = False
    if kind == "extra_forbidden":
        name = str(path[-1])
        where, message = path[:-1], f"unknown field {name!r}"
        allowed = sorted({field for model in models for field in model.model_fields})
        hint = _did_you_mean(name, allowed) or "allowed fields: " + ", ".join(allowed)
        on_key = True
    elif kind == "union_tag_not_found":
        where, message = path, "the event has no 'type'"
        hint = "'type' is one of " + ", ".join(EVENT_TYPES)
    elif kind == "union_tag_invalid":
        path = (*path, "type")
        where, message = path, error["msg"]
        hint = _did_you_mean(str(error.get("ctx", {}).get("tag", "")), EVENT_TYPES)
    elif kind == "missing":
        where, message = path, error["msg"]
        hint = _misspelt_as(str(path[-1]), error.get("input"), models)
    elif kind == "date_order":  # a rule across fields, reported at the later one
        path = (*path, "date_of_death")
        where, message = path, error["msg"]
    else:
        where, message = path, _JSON_WORDING.get(kind, error["msg"]) + _got(error)
        if kind == "literal_error":
            expected = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
            hint = _did_you_mean(str(error.get("input")), expected)
    message = _one_line(message)
    if where:
        message = f"{_dotted(where)}: {message}"
    if others:
        message += f" (and {others} more)"
    location = _location(source, text, path, key=on_key)
    return CaseError(message, code="invalid-case", location=location, hint=hint)


# Pydantic's wording for these speaks of Python types; a case author writes JSON.
_JSON_WORDING = {
    "tuple_type": "Input should be an array",
    "list_type": "Input should be an array",
    "dict_type": "Input should be an object",
    "model_type": "Input should be an object",
    "model_attributes_type": "Input should be an object",
}


def _json_path(loc: tuple[_PathPart, ...]) -> tuple[tuple[_PathPart, ...], list[type[BaseModel]]]:
    """Drop the union tags pydantic puts in error locations, leaving a path into the JSON.

    Also returns the model (or models) of the object holding the last field of the path, to
    suggest field names.
    """
    path: list[_PathPart] = []
    models: list[type[BaseModel]] = [Case]
    parent = models
    for step in loc:
        if isinstance(step, int):
            path.append(step)
            continue
        if len(models) > 1 and step in EVENT_TYPES:  # a union tag, not a field
            models = [m for m in models if get_args(m.model_fields["type"].annotation) == (step,)]
            continue
        path.append(step)
        parent = models
        fields = [m.model_fields[step] for m in models if step in m.model_fields]
        models = [m for field in fields for m in _models_in(field.annotation)] or models
    return tuple(path), parent


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a field annotation refers to (through unions, tuples and ``Annotated``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models_in(arg)]


def _did_you_mean(name: str, choices: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(name, choices, n=1)
    return f"did you mean {close[0]!r}?" if close else None


def _misspelt_as(name: str, parent: object, models: list[type[BaseModel]]) -> str | None:
    """For a missing field, a hint naming an unknown field beside it that looks like a typo."""
    if not isinstance(parent, dict):
        return None
    known = {field for model in models for field in model.model_fields}
    unknown = [key for key in parent if isinstance(key, str) and key not in known]
    close = difflib.get_close_matches(name, unknown, n=1)
    return f"{close[0]!r} looks like a misspelling of {name!r}" if close else None


def _got(error: ErrorDetails) -> str:
    if error["type"] == "missing":
        return ""
    value = error.get("input")
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f" (got {shown!r})"
    if isinstance(value, (dict, list, tuple)):
        return f" (got {_json_kind(value)})"
    return f" (got {json.dumps(value)})" if _is_json_scalar(value) else ""


def _is_json_scalar(value: object) -> bool:
    return value is None or isinstance(value, (bool, int, float))


def _json_kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "null" if value is None else type(value).__name__


def _dotted(path: Sequence[_PathPart]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _pointer(path: Sequence[_PathPart]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# --- Duplicate keys ---------------------------------------------------------------------------


class DuplicateKeyError(Exception):
    """Raised inside ``json.loads`` by :func:`object_rejecting_duplicates`."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def object_rejecting_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A ``json.loads`` object hook that refuses an object naming a key twice."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return obj


class _NonStandardConstantError(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _reject_constant(name: str) -> object:
    """Refuse ``NaN``, ``Infinity`` and ``-Infinity``, which Python accepts but JSON does not."""
    raise _NonStandardConstantError(name)


def duplicate_key_error(text: str, key: str, source: str) -> CaseError:
    """The located error for the first duplicate key in ``text`` (its object and position)."""
    for member in _members(text):
        if member.duplicate:
            path = member.path
            where = f"{_dotted(path[:-1])}: " if len(path) > 1 else ""
            location = _position(source, text, member.key_offset, path)
            return CaseError(
                f"{where}duplicate key {path[-1]!r}", code="duplicate-key", location=location
            )
    return CaseError(  # not reached: json.loads found a duplicate, so the scan does too
        f"duplicate key {key!r}", code="duplicate-key", location=SourceLocation(path=source)
    )


# --- Positions in the text --------------------------------------------------------------------
# The json module cannot say where a decoded value came from, so on the error path the text is
# scanned again, token by token (no recursion), to find the line and column of a JSON pointer.

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


class _Member(NamedTuple):
    path: tuple[_PathPart, ...]
    key_offset: int | None  # where the member's name starts (object members only)
    value_offset: int
    duplicate: bool


class _Frame:
    """An object or array being scanned."""

    def __init__(self, path: tuple[_PathPart, ...], is_object: bool) -> None:
        self.path = path
        self.is_object = is_object
        self.index = 0
        self.expect_key = is_object
        self.key: str = ""
        self.key_offset: int | None = None
        self.seen: set[str] = set()
        self.duplicate = False


def _members(text: str) -> Iterator[_Member]:
    """Every value in a valid JSON text, in document order, with its path and offsets."""
    stack: list[_Frame] = []
    for match in _TOKEN.finditer(text):
        token, offset = match.group(), match.start()
        top = stack[-1] if stack else None
        if token in "}]":
            stack.pop()
        elif token == ",":
            if top is not None and top.is_object:
                top.expect_key = True
            elif top is not None:
                top.index += 1
        elif token == ":":
            pass
        elif top is not None and top.expect_key:
            top.key, top.key_offset, top.expect_key = json.loads(token), offset, False
            top.duplicate = top.key in top.seen
            top.seen.add(top.key)
        else:
            if top is None:
                member = _Member((), None, offset, False)
            elif top.is_object:
                member = _Member((*top.path, top.key), top.key_offset, offset, top.duplicate)
            else:
                member = _Member((*top.path, top.index), None, offset, False)
            yield member
            if token in "{[":
                stack.append(_Frame(member.path, token == "{"))


def locate_pointer(text: str, source: str, pointer: str) -> SourceLocation:
    """Where the JSON pointer ``pointer`` (``/events/3/date``) is in the case text ``text``:
    the line and column of its value, as the errors of :func:`parse_case_json` give them."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    path = tuple(int(p) if p.isdigit() else p for p in parts)
    return _location(source, text, path, key=False)


def _token_offset(text: str, token: str) -> int | None:
    """Where ``token`` first appears outside a string, if it does."""
    return next((m.start() for m in _TOKEN.finditer(text) if m.group() == token), None)


def _location(
    source: str, text: str | None, path: tuple[_PathPart, ...], *, key: bool
) -> SourceLocation:
    """The location of ``path``: its pointer, and its line and column when the text is known.

    A path that is not in the text (a missing field) gets the position of its nearest
    ancestor that is.
    """
    if text is None:
        return SourceLocation(path=source, pointer=_pointer(path))
    found: dict[tuple[_PathPart, ...], int] = {}
    for member in _members(text):
        if path[: len(member.path)] == member.path:
            offset = member.value_offset
            if key and member.path == path and member.key_offset is not None:
                offset = member.key_offset
            found[member.path] = offset
            if member.path == path:
                break
    for depth in range(len(path), -1, -1):
        if path[:depth] in found:
            return _position(source, text, found[path[:depth]], path)
    return SourceLocation(path=source, pointer=_pointer(path))


def _position(
    source: str, text: str, offset: int | None, path: tuple[_PathPart, ...] | None
) -> SourceLocation:
    """The location of ``offset`` in ``text`` (1-based line and column) and of ``path``."""
    pointer = None if path is None else _pointer(path)
    if offset is None:
        return SourceLocation(path=source, pointer=pointer)
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return SourceLocation(path=source, line=line, column=column, pointer=pointer)
