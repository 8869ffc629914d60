"""Request ids and the access log: one line per request, and the id on every line it logs.

`X-Request-ID` from the client is kept only when the socket's peer is a trusted proxy
(DYNO_TRUSTED_PROXIES) and the value is well-formed; otherwise a new id is generated. Either way
the id is bound to the logging context for the whole request (tool calls and SQL errors included)
and returned on every response, errors and 503s included.
"""

from __future__ import annotations

import ipaddress
import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

import structlog
from fastapi.routing import iter_route_contexts
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
# Letters, digits and . _ : - (UUIDs, nginx's $request_id, trace ids); nothing a log could misread.
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
STATE_KEY = "request_id"
UNMATCHED = "(unmatched)"

log = structlog.get_logger("dyno_agent.access")


@dataclass
class RequestInfo:
    request_id: str
    user_id: int | None = None


_current: ContextVar[RequestInfo | None] = ContextVar("dyno_request", default=None)


def note_user(user_id: int) -> None:
    """Record the signed-in user on the current request's log lines (and its access line)."""
    info = _current.get()
    if info is not None:
        info.user_id = user_id
    structlog.contextvars.bind_contextvars(user_id=user_id)


def request_id_of(connection: HTTPConnection) -> str | None:
    """The id given to this request (for responses rendered outside the middleware)."""
    state = connection.scope.get("state") or {}
    value = state.get(STATE_KEY)
    return value if isinstance(value, str) else None


class RequestContextMiddleware:
    """Pure ASGI middleware: assigns the request id, logs the access line, sets the header."""

    def __init__(self, app: ASGIApp, trusted_proxies: list[str]) -> None:
        self.app = app
        self.trusted = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]
        self._templates: dict[int, str] | None = None

    def route_template(self, scope: Scope) -> str:
        """The matched route's full path template ("/api/v1/vehicles/{vehicle_id}"): a bounded
        label, unlike the raw path. Routes sit in included routers, each knowing only its own
        part, so the full templates are listed once from the application."""
        route = scope.get("route")
        if route is None:
            return UNMATCHED
        if self._templates is None:
            routes = scope["app"].routes if "app" in scope else []
            self._templates = {
                id(context.original_route): context.path_format or ""
                for context in iter_route_contexts(routes)
            }
        return self._templates.get(id(route)) or str(getattr(route, "path", UNMATCHED))

    def request_id(self, scope: Scope) -> str:
        client = scope.get("client")
        given = MutableHeaders(scope=scope).get(HEADER)
        if given and client and self._trusted(client[0]) and WELL_FORMED.fullmatch(given):
            return given
        return uuid.uuid4().hex

    def _trusted(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        info = RequestInfo(self.request_id(scope))
        scope.setdefault("state", {})[STATE_KEY] = info.request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = info.request_id
            await send(message)

        token = _current.set(info)
        try:
            with structlog.contextvars.bound_contextvars(request_id=info.request_id, user_id=None):
                try:
                    await self.app(scope, receive, send_with_id)
                finally:
                    # An exception here is rendered as a 500 by the outermost handler.
                    self._access(scope, info, status, started)
        finally:
            _current.reset(token)

    def _access(self, scope: Scope, info: RequestInfo, status: int, started: float) -> None:
        method = log.warning if status >= 500 else log.info
        method(
            "request",
            method=scope["method"],
            route=self.route_template(scope),
            status=status,
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
            user_id=info.user_id,
        )
