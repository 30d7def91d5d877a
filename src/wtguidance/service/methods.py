"""HEAD and OPTIONS on every route, as HTTP expects (RFC 9110 §9.3.2, §9.3.7).

FastAPI routes answer only the methods they declare, so ``HEAD /healthz`` and
``OPTIONS /v1/evaluate`` were 405. This ASGI middleware, in front of the application:

- answers ``HEAD`` wherever ``GET`` is allowed: the ``GET`` response's status and headers
  (``content-length`` included), without its body. Where ``GET`` is not allowed, ``HEAD``
  gets the application's own 405;
- answers ``OPTIONS`` on any path a route serves with ``204 No Content`` and an ``Allow``
  header listing its methods (``HEAD`` with ``GET``, and ``OPTIONS`` itself). A path no
  route serves gets the application's own 404. No CORS headers are added: the service
  is not meant to be called from browsers of other origins.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from starlette.routing import BaseRoute, Match

__all__ = ["MethodsMiddleware", "allowed_methods"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> set[str]:
    """Every method some route takes at the scope's path (empty: no route serves it)."""
    found: set[str] = set()
    probe = {**scope, "method": "GET"}
    for route in routes:
        match, _ = route.matches(probe)
        if match != Match.NONE:
            found.update(getattr(route, "methods", None) or ())
    if found:
        found.add("OPTIONS")
        if "GET" in found:
            found.add("HEAD")
    return found


class MethodsMiddleware:
    """See the module docstring; ``routes`` are the application's (read on each request)."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method") if scope.get("type") == "http" else None
        if method not in {"HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        allowed = allowed_methods(self.routes, scope)
        if method == "OPTIONS" and allowed:
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [(b"allow", ", ".join(sorted(allowed)).encode("ascii"))],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        if method == "HEAD" and "GET" in allowed:
            await self.app({**scope, "method": "GET"}, receive, _without_body(send))
            return
        await self.app(scope, receive, send)


def _without_body(send: Send) -> Send:
    """``send`` passing the response's start (status, headers) and an empty body."""

    async def quiet(message: Message) -> None:
        if message["type"] == "http.response.body":
            if not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b""})
            return
        await send(message)

    return quiet
