"""Request bodies: read within the size limit, decoded strictly, checked field by field.

A body is read as bytes and decoded here rather than by the framework, so that a
malformed body gets the same one-line cause and code as the command line gives a
malformed file (``invalid-json`` with the line and column, ``duplicate-key``, ...), and
so that the case inside an evaluate request is checked by the library's own reader
(:func:`wtguidance.case.parse_case_obj`), which names the field exactly as the CLI does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from wtguidance.case.parse import (
    DuplicateKeyError,
    duplicate_key_error,
    object_rejecting_duplicates,
)
from wtguidance.service.errors import ServiceError

__all__ = [
    "CaseloadDiffRequest",
    "DiffCaseRequest",
    "EvaluateRequest",
    "read_body",
    "request_object",
    "request_text",
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class EvaluateRequest(_Request):
    """``POST /v1/evaluate``: a case and how to judge it (``wtguidance evaluate``'s flags)."""

    case: Any = Field(
        description="The case record (schemas/case.schema.json), as `wtguidance evaluate` reads it"
    )
    as_of: str | None = Field(
        default=None,
        description="Judge the case as it stood on this date (YYYY-MM-DD); default: today",
    )
    edition: str = Field(
        default="auto",
        description="An edition id (e.g. `2023`) to pin the whole case, or `auto`: each "
        "obligation is judged under the edition in force when its clock started",
    )
    protocol: str | None = Field(
        default=None,
        description="A local assessment protocol (YAML text) to apply as an overlay; an "
        "invalid one is refused",
    )


class DiffCaseRequest(_Request):
    """``POST /v1/diff/{a}/{b}``: one case, judged under both editions."""

    case: Any = Field(description="The case record (schemas/case.schema.json)")
    as_of: str | None = Field(
        default=None, description="Judge the case as of this date (YYYY-MM-DD); default: today"
    )


class CaseloadDiffRequest(_Request):
    """``POST /v1/diff-caseload``: a JSON Lines batch judged under two sides."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=False)

    from_: str = Field(
        alias="from",
        description="The edition to compare from (e.g. `2023`), or `auto`: each conclusion "
        "under the edition in force on its anchor date",
    )
    to: str | None = Field(
        default=None,
        description="The edition to compare to (e.g. `2026`); null with a `protocol`: the "
        "`from` edition by national rules against the same edition tightened by it",
    )
    cases: str = Field(
        description="The caseload as JSON Lines text, one case record per line, as "
        "`wtguidance batch` reads it (a bad line is a rejected record naming the line)"
    )
    as_of: str | None = Field(
        default=None, description="Judge every case as of this date (YYYY-MM-DD); default: today"
    )
    protocol: str | None = Field(
        default=None,
        description="A local assessment protocol (YAML text); an invalid one is refused",
    )


async def read_body(chunks: AsyncIterator[bytes], declared: str | None, limit: int) -> bytes:
    """The whole body, refused with ``body-too-large`` (413) as soon as it passes ``limit``."""
    too_large = ServiceError(
        "body-too-large", f"the request body is larger than the limit of {limit} bytes"
    )
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise too_large
    return bytes(body)


def request_text(body: bytes) -> str:
    """The body as UTF-8 text (``invalid-input`` otherwise)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ServiceError(
            "invalid-input", f"the request body is not UTF-8 text ({exc.reason})"
        ) from None


def request_object(body: bytes, model: type[_Request]) -> tuple[_Request, dt.date]:
    """Decode a JSON request body and check it against ``model``; also return its ``as_of``."""
    data = _strict_json(request_text(body))
    if not isinstance(data, dict):
        raise ServiceError(
            "invalid-request",
            f"the request body must be a JSON object, not {_kind(data)}",
            pointer="",
        )
    if "case" in model.model_fields and "case" not in data:
        raise ServiceError(
            "invalid-request", "the request has no 'case' (a case record object)", pointer=""
        )
    try:
        request = model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        path = [str(part) for part in first["loc"]]
        if first["type"] == "extra_forbidden":
            allowed = ", ".join(f.alias or n for n, f in model.model_fields.items())
            message = f"unknown field {path[-1]!r}; the request's fields are: {allowed}"
        else:
            message = f"{'.'.join(path)}: {first['msg']} (got {_kind(first.get('input'))})"
        raise ServiceError(
            "invalid-request", message, pointer="".join("/" + p for p in path)
        ) from None
    as_of = getattr(request, "as_of", None)
    return request, _as_of(as_of)


def _as_of(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ServiceError(
            "invalid-date",
            f"as_of: {text!r} is not a real date in YYYY-MM-DD form",
            pointer="/as_of",
        ) from None


# -- strict JSON, as the CLI reads a case file -----------------------------------------------
def _no_constants(name: str) -> object:
    raise ServiceError("invalid-json", f"{name} is not allowed in JSON")


def _strict_json(text: str) -> object:
    """JSON as the CLI accepts it: no duplicate keys, no ``NaN``/``Infinity``."""
    if not text.strip():
        raise ServiceError(
            "empty-input", "the request body is empty; expected a JSON object with a 'case'"
        )
    try:
        return json.loads(
            text, object_pairs_hook=object_rejecting_duplicates, parse_constant=_no_constants
        )
    except json.JSONDecodeError as exc:
        message = exc.msg[:1].lower() + exc.msg[1:]
        raise ServiceError("invalid-json", message, line=exc.lineno, column=exc.colno) from None
    except DuplicateKeyError as exc:  # the case reader's scan names the object and the position
        error = duplicate_key_error(text, exc.key, "<request>")
        where = error.location
        raise ServiceError(
            "duplicate-key",
            error.message,
            pointer=where.pointer if where else None,
            line=where.line if where else None,
            column=where.column if where else None,
        ) from None
    except RecursionError:
        raise ServiceError("invalid-json", "the JSON is nested too deeply") from None
    except ValueError:  # an integer with more digits than Python will convert
        raise ServiceError("invalid-json", "a number in the JSON has too many digits") from None


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "null"
