"""Errors as the service answers them: an HTTP status and ``{"error": {code, message, location}}``.

The ``code`` is the library's (the same one the command line prints, e.g. ``invalid-case``),
and ``message`` is the CLI's one-line cause without the file position, which an HTTP
client finds in ``location`` instead: ``pointer`` is a JSON pointer into the request body
(``/case/events/3/date``), and ``line``/``column`` place the problem in the text at that
pointer (the body itself for malformed JSON, the YAML for a protocol).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, cast

from pydantic import BaseModel

from wtguidance.codes import ErrorCode
from wtguidance.errors import SourceLocation, WtGuidanceError

__all__ = ["STATUS", "ErrorResponse", "ServiceError", "cause", "error_body", "from_library_error"]

#: HTTP status per error code; a library error whose code is not listed is a 422
STATUS: Mapping[str, int] = MappingProxyType(
    {
        # the body cannot be read as JSON at all
        "empty-input": 400,
        "invalid-json": 400,
        "duplicate-key": 400,
        "invalid-input": 400,
        "body-too-large": 413,
        # a path names something that is not there
        "not-found": 404,
        "unknown-rule": 404,
        "method-not-allowed": 405,
        # never caused by input: the one answer that is not the client's fault
        "internal-error": 500,
    }
)


class ServiceError(Exception):
    """An error the service answers with; its HTTP status comes from :data:`STATUS` (422
    when the code is not listed) unless ``status`` says otherwise."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        pointer: str | None = None,
        line: int | None = None,
        column: int | None = None,
        *,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.pointer = pointer
        self.line = line
        self.column = column

    @property
    def http_status(self) -> int:
        return self.status or STATUS.get(self.code, 422)

    def body(self) -> bytes:
        return error_body(self.code, self.message, self.pointer, self.line, self.column)


def error_body(
    code: ErrorCode | str,
    message: str,
    pointer: str | None = None,
    line: int | None = None,
    column: int | None = None,
) -> bytes:
    """The JSON error document (with a trailing newline, like every other response)."""
    location: dict[str, Any] | None = None
    if pointer is not None or line is not None:
        location = {"pointer": pointer, "line": line, "column": column}
    document = {"error": {"code": code, "message": message, "location": location}}
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")


def cause(error: WtGuidanceError) -> str:
    """The CLI's one-line message without its ``file:line:col: error[code]`` prefix."""
    rule = f" (rule {error.rule_id})" if error.rule_id else ""
    hint = f"; hint: {error.hint}" if error.hint else ""
    return f"{error.message}{rule}{hint}"


def from_library_error(
    error: WtGuidanceError,
    *,
    under: str | None = None,
    text: bool = False,
    status: int | None = None,
) -> ServiceError:
    """A library error as the service reports it.

    ``under`` is the JSON pointer of the request-body value the error is about (``/case``,
    ``/protocol``; ``None`` for a path or query parameter). For a JSON value the error's
    own pointer continues it; for a text value (``text=True``, a protocol's YAML) the
    pointer stays at the text and the line and column place the problem inside it.
    """
    where: SourceLocation | None = error.location
    pointer = under
    line = column = None
    if where is not None and under is not None:
        if where.pointer is not None and not text:
            pointer = under + where.pointer
        line, column = where.line, where.column
    code = cast(ErrorCode, error.code)  # a library error's code is one of ErrorCode
    return ServiceError(code, cause(error), pointer, line, column, status=status)


# -- the error document's schema (for the OpenAPI document) -------------------------------
class ErrorLocation(BaseModel):
    """Where the problem is: a JSON pointer into the request body, and a line and column."""

    pointer: str | None
    line: int | None
    column: int | None


class ErrorDetail(BaseModel):
    """One error: the library's code, the CLI's one-line cause, and where."""

    code: str
    message: str
    location: ErrorLocation | None


class ErrorResponse(BaseModel):
    """Every 4xx (and the 500 that input never causes) answers with this document."""

    error: ErrorDetail
