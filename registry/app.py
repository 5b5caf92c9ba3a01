"""The FastAPI application, built by :func:`create_app` from settings (nothing at import time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from registry import http, web
from registry.api import (
    catalog,
    curation,
    datasets,
    errors,
    gaps,
    harvest,
    harvest_sources,
    organisations,
    quality,
    review,
    suggestions,
    vocabularies,
)
from registry.api.ckan import router as ckan_router
from registry.config import Settings
from registry.db import make_engine
from registry.feed import FeedOrder
from registry.gaps.cache import CatalogueCache
from registry.gaps.priorities import priorities_for
from registry.gc_tuning import young_threshold
from registry.search import Search


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Feed pages build some 50,000 short-lived objects each: see registry.gc_tuning.
        try:
            with young_threshold(settings.gc_threshold):
                yield
        finally:
            engine.dispose()

    app = FastAPI(
        title=settings.title,
        summary="Every known dataset about the people who lead UK public services.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.search = Search(engine)
    app.state.feed_order = FeedOrder()
    app.state.priorities = priorities_for(settings)  # a bad file stops startup
    app.state.gap_cache = CatalogueCache()
    errors.install(app)
    app.include_router(datasets.router)
    app.include_router(curation.router)
    app.include_router(organisations.router)
    app.include_router(vocabularies.router)
    app.include_router(harvest.router)
    app.include_router(harvest_sources.router)
    app.include_router(catalog.router)
    app.include_router(gaps.router)
    app.include_router(quality.router)
    app.include_router(suggestions.router)
    app.include_router(review.router)
    app.include_router(ckan_router)

    web.install(app, settings)
    http.install(app, settings)
    return app
