"""Security headers on every response, and CORS that lets any site read but none write.

The Content-Security-Policy allows only this origin's scripts and styles, plus the one inline
script of the page layout (GOV.UK Frontend's ``js-enabled`` switch), by its SHA-256 hash read
from the template itself, so the policy follows the template. A response that already carries
a policy keeps it (the self-contained gap report sets its own, for its inline ``<style>``);
the API docs pages get the looser policy Swagger UI and ReDoc need (their CDN and inline
start-up script).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TEMPLATES = Path(__file__).parent.parent / "web" / "templates"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
    "https://cdn.redoc.ly; worker-src blob:; frame-ancestors 'none'; base-uri 'self'"
)


def inline_script_hashes(folder: Path = TEMPLATES) -> list[str]:
    """CSP source expressions for every inline (executable) script in the page templates."""
    found: set[str] = set()
    for template in sorted(folder.glob("*.j2")):
        for body in INLINE_SCRIPT.findall(template.read_text(encoding="utf-8")):
            digest = hashlib.sha256(body.encode("utf-8")).digest()
            found.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return sorted(found)


def page_policy(script_hashes: Iterable[str]) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(script_hashes),
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """Adds the headers to every response (an existing header of the same name wins)."""

    def __init__(self, app: ASGIApp, policy: str | None = None) -> None:
        self.app = app
        self.policy = policy or page_policy(inline_script_hashes())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_CSP if scope["path"] in DOCS_PATHS else self.policy

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in (
                    ("Content-Security-Policy", policy),
                    ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "strict-origin-when-cross-origin"),
                    ("X-Frame-Options", "DENY"),
                    ("Cross-Origin-Opener-Policy", "same-origin"),
                ):
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
