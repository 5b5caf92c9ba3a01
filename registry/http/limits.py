"""A bound on the query string: a longer one gets 414, in the API's JSON error shape, before
any route parses it. (The body cap is FastAPI's own ``max_body_size``, counted on the bytes as
they arrive, so a chunked upload cannot slip past it: 413.)"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


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
