"""Signing in to the pages with an API token, and the CSRF check on every editor form.

The cookie never holds the token. It holds the token's row id, when the session began, and an
HMAC of both keyed by ``HMAC(server secret, token hash)``: forging one needs the server's secret
*and* the token's hash, and every request checks the token again, so revoking the token,
disabling its user, the token's expiry, signing out (``sessions_ended_at``) or
``REGISTRY_SESSION_MAX_AGE`` each end the session, and a stolen cookie dies with them. Without
``REGISTRY_SESSION_SECRET`` each process draws a random secret, so nothing guessable signs.

CSRF: each form carries ``HMAC(the same key, "csrf" + cookie)``, a synchronizer token bound to
the session without storing anything, compared in constant time. The cookie is also
``SameSite=Strict``, so a cross-site form post arrives without it in modern browsers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from fastapi import Request, Response
from sqlalchemy import select
from sqlmodel import Session

from registry.auth import may
from registry.config import Settings
from registry.errors import Forbidden, RegistryError
from registry.submissions import parse_form, read_body
from schemas import ApiToken, Role, User

COOKIE = "ldr_session"
CSRF_FIELD = "csrf_token"
FORM_MAX_BYTES = 256_000  # an edit form with a long description, well under it
_UNKNOWN = object()
SKEW_MS = 5000  # a session issued this far ahead (after a sign-out in the same instant) is fine


@dataclass(frozen=True)
class SignedIn:
    user: User
    token_id: int
    csrf: str

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def is_editor(self) -> bool:
        return may(self.user, Role.editor)


class SignInRequired(RegistryError):
    """Not signed in: a page answers with a redirect to the sign-in form."""

    status_code = 401


class CsrfFailed(Forbidden):
    pass


def server_secret(settings: Settings) -> bytes:
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value().encode("utf-8")
    return secrets.token_bytes(32)


def _key(request: Request, token_hash: str) -> bytes:
    secret: bytes = request.app.state.session_secret
    return hmac.new(secret, token_hash.encode("ascii"), hashlib.sha256).digest()


def _sign(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("ascii"), hashlib.sha256).hexdigest()


def start_session(request: Request, response: Response, *, session: Session, secret: str) -> None:
    """Set the cookie for the (already resolved) token ``secret``."""
    from registry.auth.tokens import token_hash

    digest = token_hash(secret)
    token = session.execute(select(ApiToken).where(ApiToken.token_hash == digest)).scalar_one()
    settings: Settings = request.app.state.settings
    # In milliseconds, and after any sign-out of this token, so signing in again at once works.
    issued = int(time.time() * 1000)
    if token.sessions_ended_at is not None:
        issued = max(issued, int(_seconds(token.sessions_ended_at) * 1000) + 1)
    payload = f"{token.id}.{issued}"
    value = f"{payload}.{_sign(_key(request, digest), 'session.' + payload)}"
    response.set_cookie(
        COOKIE,
        value,
        max_age=settings.session_max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.base_uri.startswith("https://"),
    )


def end_session(request: Request, response: Response, *, session: Session) -> None:
    """Sign out: every browser session made with this token ends, and the cookie is cleared."""
    from schemas.common import now

    who = signed_in(request)
    if who is not None:
        token = session.get(ApiToken, who.token_id)
        if token is not None:
            token.sessions_ended_at = now()
            session.add(token)
            session.commit()
    settings: Settings = request.app.state.settings
    response.delete_cookie(
        COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.base_uri.startswith("https://"),
    )


def signed_in(request: Request) -> SignedIn | None:
    """Who the request's cookie signs in, or None (checked once per request)."""
    known = getattr(request.state, "signed_in", _UNKNOWN)
    if known is not _UNKNOWN:
        return known
    found = _check(request, request.cookies.get(COOKIE, ""))
    request.state.signed_in = found
    return found


def _check(request: Request, value: str) -> SignedIn | None:
    parts = value.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(value) > 200:
        return None
    token_id, issued = int(parts[0]), int(parts[1])
    settings: Settings = request.app.state.settings
    moment = time.time() * 1000
    if not issued - SKEW_MS <= moment < issued + settings.session_max_age * 1000:
        return None
    with Session(request.app.state.engine) as session:
        found = session.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.id == token_id)
        ).first()
        if found is None:
            return None
        token, user = found
        key = _key(request, token.token_hash)
        if not hmac.compare_digest(parts[2], _sign(key, f"session.{token_id}.{issued}")):
            return None
        if token.revoked_at is not None or user.disabled:
            return None
        if token.expires_at is not None and _seconds(token.expires_at) * 1000 <= moment:
            return None
        ended = token.sessions_ended_at
        if ended is not None and _seconds(ended) * 1000 >= issued:
            return None
        session.expunge(user)
    return SignedIn(user=user, token_id=token_id, csrf=_sign(key, "csrf." + value))


def _seconds(stamp) -> float:
    from datetime import UTC

    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


def require_editor(request: Request) -> SignedIn:
    """The signed-in editor (or admin); anonymous: to the sign-in page; another role: 403."""
    who = signed_in(request)
    if who is None:
        raise SignInRequired("sign in to do this")
    if not who.is_editor:
        raise Forbidden(f"you are signed in as {who.name} ({who.user.role}), who may not edit")
    return who


async def editor_form(request: Request) -> tuple[SignedIn, dict[str, list[str]]]:
    """An editor's form post: who sent it and its fields, after the CSRF check."""
    who = require_editor(request)
    form = parse_form(await read_body(request, limit=FORM_MAX_BYTES))
    sent = (form.get(CSRF_FIELD) or [""])[0]
    if not hmac.compare_digest(sent.encode("utf-8"), who.csrf.encode("ascii")):
        raise CsrfFailed(
            "This form could not be accepted: it has expired or did not come from this site "
            "(its security token is missing or wrong). Go back, reload the page and try again."
        )
    return who, form


def one(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0].strip()


def local_path(value: str | None, default: str = "/") -> str:
    """``value`` if it is a path on this site (never another site: no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default
