"""Typed dependency aliases, so routes read like prose: ``def f(session: SessionDep)``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from registry.config import Settings
from registry.feed import FeedOrder
from registry.gaps.cache import CatalogueCache
from registry.gaps.matrix import Priorities
from registry.search import Search


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


def get_search(request: Request) -> Search:
    return request.app.state.search


def get_feed_order(request: Request) -> FeedOrder:
    return request.app.state.feed_order


def get_priorities(request: Request) -> Priorities:
    return request.app.state.priorities


def get_gap_cache(request: Request) -> CatalogueCache:
    return request.app.state.gap_cache


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
SearchDep = Annotated[Search, Depends(get_search)]
FeedOrderDep = Annotated[FeedOrder, Depends(get_feed_order)]
PrioritiesDep = Annotated[Priorities, Depends(get_priorities)]
GapCacheDep = Annotated[CatalogueCache, Depends(get_gap_cache)]
