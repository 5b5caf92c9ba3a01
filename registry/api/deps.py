"""Typed dependency aliases, so routes read like prose: ``def f(session: SessionDep)``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from registry.auth import may, resolve_token
from registry.config import Settings
from registry.errors import BadRequest, Forbidden, PreconditionRequired, Unauthorized
from registry.feed import FeedOrder
from registry.gaps.cache import CatalogueCache
from registry.gaps.matrix import Priorities
from registry.search import Search
from schemas import Role, User

# What the app holds is read with ``async def``: a plain ``def`` dependency costs a hop to the
# threadpool and back on every request, for one attribute read. The session stays ``def``:
# opening and closing it may wait on the database.


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


async def get_search(request: Request) -> Search:
    return request.app.state.search


async def get_feed_order(request: Request) -> FeedOrder:
    return request.app.state.feed_order


async def get_priorities(request: Request) -> Priorities:
    return request.app.state.priorities


async def get_gap_cache(request: Request) -> CatalogueCache:
    return request.app.state.gap_cache


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
SearchDep = Annotated[Search, Depends(get_search)]
FeedOrderDep = Annotated[FeedOrder, Depends(get_feed_order)]
PrioritiesDep = Annotated[Priorities, Depends(get_priorities)]
GapCacheDep = Annotated[CatalogueCache, Depends(get_gap_cache)]


# -- who is writing ---------------------------------------------------------------------------

# Declares the bearer scheme in OpenAPI; its own 403 for a missing header is turned off so that
# every failure is ours: 401 with WWW-Authenticate.
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token (`registry tokens create NAME`), as `Authorization: Bearer <token>`.",
)


def current_user(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """The user whose token the request carries; 401 without a valid one."""
    if credentials is None:
        raise Unauthorized("this needs an API token: send Authorization: Bearer <token>")
    user = resolve_token(session=session, secret=credentials.credentials)
    if user is None:
        raise Unauthorized("the API token is not valid: unknown, expired or revoked")
    return user


def require_editor(user: Annotated[User, Depends(current_user)]) -> User:
    if not may(user, Role.editor):
        raise Forbidden(f"user {user.name!r} ({user.role}) may not edit records")
    return user


def require_admin(user: Annotated[User, Depends(current_user)]) -> User:
    if not may(user, Role.admin):
        raise Forbidden(f"user {user.name!r} ({user.role}) may not do this: admins only")
    return user


UserDep = Annotated[User, Depends(current_user)]
EditorDep = Annotated[User, Depends(require_editor)]
AdminDep = Annotated[User, Depends(require_admin)]


# -- which version a write is made against ----------------------------------------------------


def if_match(
    if_match: Annotated[
        str | None,
        Header(
            description="The ETag of the dataset as you read it (GET /api/datasets/{id}); "
            "a write against an older version gets 412, one without If-Match 428."
        ),
    ] = None,
) -> int | None:
    """The version named by If-Match (None for ``*``: any version)."""
    if if_match is None:
        raise PreconditionRequired(
            "send If-Match with the dataset's ETag (from GET /api/datasets/{id}), so an edit "
            "made against an older version cannot overwrite a newer one"
        )
    return parse_etag(if_match)


def parse_etag(value: str) -> int | None:
    value = value.strip()
    if value == "*":
        return None
    tag = value.split(",")[0].strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise BadRequest(f'If-Match: {value!r} is not an ETag of this registry (like "3")')
    return int(tag)


def etag(version: int) -> str:
    return f'"{version}"'


IfMatchDep = Annotated[int | None, Depends(if_match)]
