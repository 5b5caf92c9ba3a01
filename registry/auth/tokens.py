"""API tokens: made with :mod:`secrets`, stored as a SHA-256, shown once, revocable, expiring."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from registry.auth.users import get_user
from registry.errors import BadRequest, NotFound
from schemas import ApiToken, ApiTokenPublic, User
from schemas.common import now

PREFIX = "ldr_"
MAX_LENGTH = 200  # longer than any token we issue; longer input is not hashed at all


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the secret, shown once and never stored, and its listing."""

    secret: str
    token: ApiTokenPublic


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    *,
    session: Session,
    user_name: str,
    expires_in_days: float | None = None,
    note: str | None = None,
) -> IssuedToken:
    user = get_user(session=session, name=user_name)
    if expires_in_days is not None and expires_in_days <= 0:
        raise BadRequest("expires_in_days must be more than 0")
    secret = PREFIX + secrets.token_urlsafe(32)
    stamp = now()
    row = ApiToken(
        user_id=user.id,
        token_hash=token_hash(secret),
        prefix=secret[: len(PREFIX) + 6],
        note=note,
        created_at=stamp,
        expires_at=stamp + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return IssuedToken(secret=secret, token=_public(row, user.name))


def revoke_token(*, session: Session, token_id: int) -> ApiTokenPublic:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no token with id {token_id}")
    if row.revoked_at is None:
        row.revoked_at = now()
        session.add(row)
        session.commit()
        session.refresh(row)
    user = session.get(User, row.user_id)
    return _public(row, user.name if user else "")


def list_tokens(*, session: Session, user_name: str | None = None) -> list[ApiTokenPublic]:
    query = select(ApiToken, User.name).join(User, User.id == ApiToken.user_id)
    if user_name:
        query = query.where(User.name == user_name)
    return [_public(t, name) for t, name in session.execute(query.order_by(ApiToken.id))]


def resolve_token(*, session: Session, secret: str) -> User | None:
    """The user a token secret belongs to, or None when it is unknown, revoked, expired or its
    user disabled. Marks the token used (committing the session)."""
    if not secret or len(secret) > MAX_LENGTH:
        return None
    digest = token_hash(secret)
    found = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == digest)
    ).first()
    if found is None:
        return None
    token, user = found
    # The lookup is by hash, so timing says nothing of the secret; compare anyway, in constant
    # time, so the check never rests on the database's string comparison alone.
    if not hmac.compare_digest(token.token_hash, digest):
        return None
    stamp = now()
    if token.revoked_at is not None or user.disabled:
        return None
    if token.expires_at is not None and _aware(token.expires_at) <= stamp:
        return None
    session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=stamp))
    session.commit()
    return user


def _public(row: ApiToken, user_name: str) -> ApiTokenPublic:
    return ApiTokenPublic(
        id=row.id or 0,
        user=user_name,
        prefix=row.prefix,
        note=row.note,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
