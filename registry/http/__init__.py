"""The HTTP layer around the routes: security headers, CORS, request limits, gzip, request ids,
access logs, metrics and health checks, each in its own module and switched by settings.

Order, outermost first: :class:`~registry.http.observe.Observe` (request id, access log,
metrics: it sees every answer, including the limits' own), the query-string and body
limits, the security headers, CORS, then gzip next to the app.
"""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import disable_created_metrics

from registry.config import Settings
from registry.http import health, metrics
from registry.http.compress import Compress
from registry.http.cors import ReadOnlyCORS
from registry.http.headers import SecurityHeaders
from registry.http.limits import BodyLimit, QueryLimit
from registry.http.observe import Observe
from registry.migrate import head_revision

# Already compressed, or a stream a client reads as it comes: never gzipped again.
NO_GZIP = ("text/event-stream", "application/gzip", "application/zip", "image/png")


def install(app: FastAPI, settings: Settings) -> None:
    """Add the health and metrics routes and the middleware (innermost first)."""
    app.state.migration_head = head_revision(settings)
    disable_created_metrics()  # the *_created series only double what a scrape stores
    app.include_router(health.router)
    app.state.metrics = metrics.Metrics(app.state.engine) if settings.metrics else None
    if settings.metrics:
        app.include_router(metrics.router)
    if settings.gzip:
        app.add_middleware(Compress, minimum_size=1000, exclude=NO_GZIP)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(ReadOnlyCORS, origins=origins)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(QueryLimit, max_bytes=settings.max_query_bytes)
    app.add_middleware(Observe, metrics=app.state.metrics)
