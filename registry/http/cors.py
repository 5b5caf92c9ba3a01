"""CORS open for reading, closed for writing.

Any origin (or those configured) may GET and HEAD, and read the caching headers; a preflight
asking for any other method is refused, and a response to any other method never carries
``Access-Control-Allow-Origin``, so a page on another site cannot read what a write returned
(and the writes themselves need a token, never a cookie).
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

READS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadOnlyCORS:
    def __init__(self, app: ASGIApp, *, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["GET", "HEAD"],
            allow_headers=["Accept", "If-None-Match", "If-Modified-Since", "X-Request-ID"],
            expose_headers=["ETag", "Last-Modified", "Link", "X-Request-ID"],
            max_age=3600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in READS:
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
