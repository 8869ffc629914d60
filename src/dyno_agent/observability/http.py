"""HTTP metrics: a pure ASGI middleware counting requests by method, route template and status."""

from __future__ import annotations

import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dyno_agent.observability import metrics

UNMATCHED = "<unmatched>"  # no route matched: one label value, whatever the path was


def route_template(scope: Scope) -> str:
    """The matched route's full template (`/api/v1/allocations/{allocation_id}`), never the raw
    path. FastAPI puts the route of an included router in the scope without the routers'
    prefixes; they are the part of the path before the part the route matched (this app's
    prefixes are literal)."""
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str) or not path:
        return UNMATCHED
    regex: re.Pattern[str] | None = getattr(route, "path_regex", None)
    full: str = scope["path"]
    if regex is None or regex.match(full):
        return path
    for index, char in enumerate(full):
        if char == "/" and index and regex.match(full[index:]):
            return full[:index] + path
    return path


class HTTPMetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the client gets when the app fails before starting a response
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        metrics.HTTP_IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            metrics.HTTP_IN_FLIGHT.dec()
            method, route = scope["method"], route_template(scope)
            metrics.HTTP_REQUESTS.labels(method, route, str(status)).inc()
            metrics.HTTP_LATENCY.labels(method, route).observe(time.perf_counter() - started)
