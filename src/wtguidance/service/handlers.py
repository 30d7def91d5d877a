"""What each endpoint does, without the web framework: bytes in, the CLI's JSON bytes out.

One :class:`Handlers` is made per application. It holds the compiled editions (loaded
once, immutable, shared by every request and thread) and an :class:`Evaluator` for
requests without a local protocol. Every method is synchronous and CPU-bound; the
application runs them in a thread pool so the event loop keeps accepting requests.
Bad input raises :class:`~wtguidance.service.errors.ServiceError`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import cast

from wtguidance._render.documents import (
    diff_document,
    editions_document,
    explain_document,
    outcome_document,
    protocol_document,
)
from wtguidance._version import __version__
from wtguidance.case import Case, parse_case_obj
from wtguidance.diff import diff_case, diff_editions
from wtguidance.editions import Editions
from wtguidance.errors import (
    CalendarError,
    CaseError,
    ProtocolError,
    UnknownIdError,
    WtGuidanceError,
)
from wtguidance.evaluation import Evaluator
from wtguidance.protocol import protocol_overlay, validate_protocol_text
from wtguidance.service.errors import ServiceError, from_library_error
from wtguidance.service.requests import (
    CaseloadDiffRequest,
    DiffCaseRequest,
    EvaluateRequest,
    request_object,
    request_text,
)

__all__ = ["Handlers"]

#: the name a protocol sent in an evaluate request has in its findings
PROTOCOL_SOURCE = "<protocol>"
#: distinct protocol texts whose compiled evaluators a service keeps
PROTOCOLS_KEPT = 32


class Handlers:
    """The service's operations over one set of compiled editions."""

    def __init__(self, editions: Editions) -> None:
        self.editions = editions
        self.evaluator = Evaluator.create(editions)
        self._editions_document = editions_document(editions).encode("utf-8")
        # each distinct protocol text is validated and compiled once, not per request
        # (bounded, least recently used out; lru_cache is safe across the request threads)
        self.protocol_evaluator = lru_cache(maxsize=PROTOCOLS_KEPT)(self._protocol_evaluator)

    def _protocol_evaluator(self, text: str) -> Evaluator | ProtocolError:
        """The evaluator for a protocol text, or why it is refused (kept, like a success)."""
        report = validate_protocol_text(text, PROTOCOL_SOURCE, None, self.editions)
        try:
            return Evaluator.create(self.editions, protocol_overlay(report))
        except ProtocolError as error:
            return error

    # -- evaluate -------------------------------------------------------------------------
    def evaluate(self, body: bytes) -> bytes:
        """``POST /v1/evaluate``: ``wtguidance evaluate CASE --format json``."""
        request, as_of = request_object(body, EvaluateRequest)
        request = cast(EvaluateRequest, request)
        case = _case(request.case)
        if request.edition != "auto":
            self._edition(request.edition, "/edition")
        evaluator = self.evaluator
        if request.protocol is not None:
            found = self.protocol_evaluator(request.protocol)
            if isinstance(found, ProtocolError):
                raise from_library_error(found, under="/protocol", text=True) from None
            evaluator = found
        try:
            outcome = evaluator.evaluate(case, edition=request.edition, as_of=as_of)
        except WtGuidanceError as error:  # calendar-range: at /case/events/<i>/date
            raise from_library_error(error, under=_in_case(error)) from None
        return outcome_document(outcome).encode("utf-8")

    # -- validate-protocol ----------------------------------------------------------------
    def validate_protocol(
        self, body: bytes, *, edition: str | None, strict: bool, file: str
    ) -> bytes:
        """``POST /v1/validate-protocol``: ``wtguidance validate-protocol FILE --format json``.

        A protocol with errors is a result, not a failed request (200, ``"valid": false``);
        a body that cannot be parsed as YAML is refused like the CLI refuses the file
        (exit 2 there, 422 here).
        """
        if edition is not None:
            self._edition(edition, None, status=422)
        report = validate_protocol_text(request_text(body), file, edition, self.editions)
        if report.unparsable:
            first = next(f for f in report.findings if f.code == "invalid-yaml")
            raise ServiceError(
                "invalid-yaml", first.message, pointer="", line=first.line, column=first.column
            )
        return protocol_document(report, strict=strict).encode("utf-8")

    # -- diff -----------------------------------------------------------------------------
    def diff(self, a: str, b: str, body: bytes | None = None) -> bytes:
        """``GET /v1/diff/{a}/{b}`` (``wtguidance diff A B --format json``) and, with a
        case in the body, ``POST`` (``... --case CASE --as-of D``)."""
        first, second = self._edition(a, None), self._edition(b, None)
        case = None
        if body is not None:
            request, as_of = request_object(body, DiffCaseRequest)
            parsed = _case(cast(DiffCaseRequest, request).case)
            try:
                case = diff_case(self.editions, first, second, parsed, as_of)
            except WtGuidanceError as error:
                raise from_library_error(error, under=_in_case(error)) from None
        pair = diff_editions(self.editions.get(first), self.editions.get(second))
        return diff_document(pair, case).encode("utf-8")

    def diff_caseload(self, body: bytes) -> bytes:
        """``POST /v1/diff-caseload``: ``wtguidance diff A [B] --caseload CASES.jsonl
        [--protocol P] --as-of D --format json``."""
        import io

        from wtguidance.diff.caseload import diff_caseload
        from wtguidance.sources.jsonl import read_jsonl

        request, as_of = request_object(body, CaseloadDiffRequest)
        request = cast(CaseloadDiffRequest, request)

        def known(edition: str, pointer: str) -> str:
            return edition if edition == "auto" else self._edition(edition, pointer)

        a = known(request.from_, "/from")
        b = known(request.to, "/to") if request.to is not None else None
        overlay = None
        if request.protocol is not None:
            report = validate_protocol_text(request.protocol, PROTOCOL_SOURCE, None, self.editions)
            try:
                overlay = protocol_overlay(report)
            except ProtocolError as error:
                raise from_library_error(error, under="/protocol", text=True) from None
        if b is None and overlay is None:
            raise ServiceError(
                "invalid-request",
                "a caseload diff needs 'to' (a second edition) or a 'protocol'",
                pointer="/to",
            )
        if b is None and overlay is not None and a not in ("auto", overlay.edition):
            raise ServiceError(
                "invalid-request",
                f"the protocol tightens edition {overlay.edition}, not {a}",
                pointer="/from",
            )
        cases = read_jsonl(io.StringIO(request.cases), name="<request>")
        try:
            result = diff_caseload(
                cases,
                a,
                b,
                as_of=as_of,
                overlay=overlay,
                editions=self.editions,
                source="<request>",
                source_kind="jsonl",
            )
        except WtGuidanceError as error:
            raise from_library_error(error) from None
        return result.to_json().encode("utf-8")

    # -- editions, explain, health ------------------------------------------------------
    def editions_list(self) -> bytes:
        """``GET /v1/editions``: ``wtguidance editions --format json``."""
        return self._editions_document

    def explain(self, rule_id: str) -> bytes:
        """``GET /v1/explain/{id}``: ``wtguidance explain ID --format json``."""
        try:
            return explain_document(self.editions, rule_id).encode("utf-8")
        except UnknownIdError as error:
            raise from_library_error(error, status=404) from None

    def health(self) -> bytes:
        """``GET /healthz``: the service is up and its packs are loaded."""
        document = {"status": "ok", "version": __version__, "editions": list(self.editions.ids)}
        return (json.dumps(document, indent=2) + "\n").encode("utf-8")

    def _edition(self, edition: str, pointer: str | None, *, status: int = 404) -> str:
        """A known edition id, or ``unknown-edition`` (404 in a path, 422 in a body)."""
        try:
            return self.editions.get(edition).edition
        except UnknownIdError as error:
            raise from_library_error(
                error, under=pointer, status=422 if pointer is not None else status
            ) from None


def _in_case(error: WtGuidanceError) -> str | None:
    """``/case`` when the error points into the case (a deadline the calendar cannot count)."""
    located = error.location is not None and error.location.pointer is not None
    return "/case" if isinstance(error, CalendarError) and located else None


def _case(value: object) -> Case:
    try:
        return parse_case_obj(value, "<request>")
    except CaseError as error:
        raise from_library_error(error, under="/case") from None
