"""Bounds on a request: a query string over its cap gets 414, in the API's JSON error shape,
before any route parses it; a body over its cap gets 413 when a route reads it.

The body is counted as it arrives, so a chunked upload cannot slip past the cap, and a
declared ``Content-Length`` over it fails the first read. The 413 is raised inside the app, so
each part answers in its own shape (JSON for the API, a GOV.UK error page for the site).
Starlette's own limit (FastAPI's ``max_body_size``) is not used: a declared length over it
replaced whatever the app answered with the plain text "Content Too Large"."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class QueryLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"") if scope["type"] == "http" else b""
        if len(query) <= self.max_bytes:
            await self.app(scope, receive, send)
            return
        message = f"the query string is {len(query)} bytes; at most {self.max_bytes} allowed"
        response = JSONResponse({"error": {"status": 414, "message": message}}, status_code=414)
        await response(scope, receive, send)


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        received = 0

        async def counted() -> Message:
            nonlocal received
            if declared is not None and declared > self.max_bytes:
                raise self._too_large()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._too_large()
            return message

        await self.app(scope, counted, send)

    def _too_large(self) -> HTTPException:
        return HTTPException(
            413, f"the request body is larger than the {self.max_bytes:,} bytes allowed"
        )


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None
