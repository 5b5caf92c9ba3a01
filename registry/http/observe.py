"""Per request: its id (echoed as ``X-Request-ID``), the time the app took until the response
began (``Server-Timing: app;dur=…`` in milliseconds, shown by browsers' developer tools and
read by ``bench/feed.py``), one access log line, and its metrics.

Outermost of our middleware, so the time and status it sees include every other layer's work
(a 413, 414 or a compressed body). An exception escaping the app is counted as a 500 and
raised on to Starlette's error handler.
"""

from __future__ import annotations

import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry.http.logs import ACCESS, REQUEST_ID, request_id_from
from registry.http.metrics import UNMATCHED, Metrics


def route_template(scope: Scope) -> str:
    """The matched route's path template; never the raw path."""
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class Observe:
    def __init__(self, app: ASGIApp, *, metrics: Metrics | None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"")
        rid = request_id_from(incoming.decode("latin-1") if incoming else None)
        token = REQUEST_ID.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = rid
                # A whole body is rendered (and compressed) before it starts: for all but
                # streamed answers this is the app's whole time, without the network's.
                headers.append(
                    "Server-Timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
                )
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            if self.metrics is not None:
                self.metrics.observe(scope["method"], route, status, elapsed)
            ACCESS.info(
                "%s %s %s %.1fms",
                scope["method"],
                scope["path"],
                status,
                elapsed * 1000,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            REQUEST_ID.reset(token)
