"""The ASGI application: routes, the body-size limit and the error answers.

:func:`create_app` builds one application over one set of compiled editions (loaded
once, shared by every request). Every response body is the command line's JSON for the
same input, byte for byte; every failure is ``{"error": {code, message, location}}``
with a 4xx status, never a stack trace (see :mod:`wtguidance.service.errors`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

from wtguidance._version import __version__
from wtguidance.editions import Editions, shipped_editions
from wtguidance.service.errors import ServiceError, error_body
from wtguidance.service.handlers import Handlers
from wtguidance.service.interactive_docs import add_docs
from wtguidance.service.methods import MethodsMiddleware
from wtguidance.service.openapi import DESCRIPTION, openapi_text, operation_docs
from wtguidance.service.requests import read_body

__all__ = ["DEFAULT_MAX_BODY_BYTES", "ServiceSettings", "app_from_environment", "create_app"]

#: the default request-body limit: 1 MiB, room for a case of about ten thousand events
DEFAULT_MAX_BODY_BYTES = 1_048_576
#: the environment variable that sets the limit (``wtguidance serve --max-body-bytes``)
MAX_BODY_ENV = "WTGUIDANCE_MAX_BODY_BYTES"
#: the status logged for a request whose client went away mid-body (nginx's convention)
CLIENT_CLOSED = 499
_JSON = "application/json"
_log = logging.getLogger("wtguidance.service")


@dataclass(frozen=True)
class ServiceSettings:
    """What an operator may set."""

    #: a request body longer than this is refused with 413 before it is read in full
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ServiceSettings:
        value = (os.environ if environ is None else environ).get(MAX_BODY_ENV)
        if value is None:
            return cls()
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"{MAX_BODY_ENV} must be a positive whole number of bytes")
        return cls(max_body_bytes=int(value))


def _json(content: bytes) -> Response:
    return Response(content=content, media_type=_JSON)


def _error(error: ServiceError) -> Response:
    return Response(content=error.body(), status_code=error.http_status, media_type=_JSON)


def _method_not_allowed(app: FastAPI, request: Request) -> Response:
    """405 naming the methods the path takes, in the message and the ``Allow`` header.

    The message names the route's template (``/v1/explain/{rule_id}``), never the request's
    own path, which is the client's text (it may hold anything, a line break included).
    """
    allowed: set[str] = set()
    templates: list[str] = []
    for route in app.routes:
        match, _child = route.matches(request.scope)
        if match is not Match.NONE:
            allowed.update(getattr(route, "methods", None) or ())
            templates.append(str(getattr(route, "path", "")))
    methods = sorted(allowed, key=lambda m: (m == "HEAD", m))
    use = " or ".join(m for m in methods if m != "HEAD")
    error = ServiceError(
        "method-not-allowed", f"{templates[0]} does not take {request.method}; use {use}"
    )
    return Response(
        content=error.body(),
        status_code=405,
        media_type=_JSON,
        headers={"Allow": ", ".join(methods)},
    )


def create_app(
    settings: ServiceSettings | None = None, editions: Editions | None = None
) -> FastAPI:
    """The application over ``editions`` (default: the shipped packs)."""
    settings = settings or ServiceSettings()
    handlers = Handlers(editions or shipped_editions())
    app = FastAPI(
        title="wtguidance",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=None,  # served below: the committed document, byte for byte
        docs_url=None,  # served below from installed files: no third-party host
        redoc_url=None,
    )

    async def body(request: Request) -> bytes:
        return await read_body(
            request.stream(), request.headers.get("content-length"), settings.max_body_bytes
        )

    async def answer(work: Callable[..., bytes], *args: Any, **kwargs: Any) -> Response:
        return _json(await run_in_threadpool(work, *args, **kwargs))

    @app.post("/v1/evaluate", **operation_docs("evaluate"))
    async def evaluate(request: Request) -> Response:
        return await answer(handlers.evaluate, await body(request))

    @app.post("/v1/validate-protocol", **operation_docs("validate-protocol"))
    async def validate_protocol(
        request: Request,
        edition: str | None = Query(None, description="check against this edition"),
        strict: bool = Query(False, description="treat warnings as errors"),
        file: str = Query("<request>", description="the file name the report shows"),
    ) -> Response:
        return await answer(
            handlers.validate_protocol,
            await body(request),
            edition=edition,
            strict=strict,
            file=file,
        )

    @app.get("/v1/diff/{a}/{b}", **operation_docs("diff"))
    async def diff(a: str, b: str) -> Response:
        return await answer(handlers.diff, a, b)

    @app.post("/v1/diff/{a}/{b}", **operation_docs("diff-case"))
    async def diff_case(a: str, b: str, request: Request) -> Response:
        return await answer(handlers.diff, a, b, await body(request))

    @app.post("/v1/diff-caseload", **operation_docs("diff-caseload"))
    async def diff_caseload(request: Request) -> Response:
        return await answer(handlers.diff_caseload, await body(request))

    @app.get("/v1/editions", **operation_docs("editions"))
    async def editions_list() -> Response:
        return _json(handlers.editions_list())

    @app.get("/v1/explain/{rule_id}", **operation_docs("explain"))
    async def explain(rule_id: str) -> Response:
        return await answer(handlers.explain, rule_id)

    @app.get("/healthz", **operation_docs("health"))
    async def health() -> Response:
        return _json(handlers.health())

    document = openapi_text(app).encode("utf-8")

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi() -> Response:
        return _json(document)

    add_docs(app, "/openapi.json")

    @app.exception_handler(ServiceError)
    async def service_error(_request: Request, error: Exception) -> Response:
        assert isinstance(error, ServiceError)
        return _error(error)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(_request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"][1:]) or "request"
        return _error(ServiceError("invalid-request", f"{name}: {first['msg']}"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if error.status_code == 405:
            return _method_not_allowed(app, request)
        if error.status_code == 404:
            return _error(ServiceError("not-found", "no such path; see /openapi.json"))
        return _error(ServiceError("invalid-request", str(error.detail), status=error.status_code))

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, _error: Exception) -> Response:
        # the client closed the connection before its body was complete: input, not a
        # fault of the service; one log line, and no answer anyone will read
        _log.warning("client disconnected mid-request on %s %s", request.method, request.url.path)
        return Response(status_code=CLIENT_CLOSED)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> Response:
        _log.error("internal error on %s %s", request.method, request.url.path, exc_info=error)
        return Response(
            content=error_body("internal-error", "internal error; the server log has the details"),
            status_code=500,
            media_type=_JSON,
        )

    app.add_middleware(MethodsMiddleware, routes=app.router.routes)
    return app


def app_from_environment() -> FastAPI:
    """The application ``uvicorn`` workers build (``--factory``): settings from the environment."""
    return create_app(ServiceSettings.from_environment())
