"""Prometheus metrics at ``/metrics``.

- ``registry_http_requests_total{method, route, status}`` and
  ``registry_http_request_duration_seconds{method, route}``: labelled by the route's template
  (``/api/datasets/{dataset_id}``), never by the raw path or query string, so neither ids nor
  whatever a caller typed become label values; a path no route matches is ``<unmatched>``.
- ``registry_harvest_runs_total{source, status}``, ``registry_harvest_items{source, state}``
  (the latest run of each source) and ``registry_harvest_last_run_timestamp_seconds{source}``:
  read from the database at scrape time, so they are right whichever process ran the harvest.

Several worker processes: when ``PROMETHEUS_MULTIPROC_DIR`` is set (before the processes
start, to an empty folder they share), prometheus_client keeps each process's counts in that
folder and every scrape sums them all (its multiprocess mode); without it each process answers
with its own counts.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from schemas import HarvestRun

LOG = logging.getLogger(__name__)
UNMATCHED = "<unmatched>"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class HarvestCollector(Collector):
    """Harvest runs and item states, from the database at each scrape."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        runs = CounterMetricFamily(
            "registry_harvest_runs",
            "Harvest runs by source and status",
            labels=["source", "status"],
        )
        items = GaugeMetricFamily(
            "registry_harvest_items",
            "Items of the latest run of each source, by state",
            labels=["source", "state"],
        )
        last = GaugeMetricFamily(
            "registry_harvest_last_run_timestamp_seconds",
            "When the latest run of each source started",
            labels=["source"],
        )
        up = GaugeMetricFamily(
            "registry_harvest_metrics_up", "1 when the harvest metrics could be read"
        )
        try:
            grouped, latest = self._read()
        except SQLAlchemyError as exc:  # a scrape must answer even while the database cannot
            LOG.warning("harvest metrics unavailable: %s", exc.__class__.__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for source, status, count in grouped:
            runs.add_metric([source, status], count)
        for run in latest:
            last.add_metric([run.source_name], run.started_at.timestamp())
            for state, count in sorted((run.counts or {}).items()):
                items.add_metric([run.source_name, state], count)
        yield from (up, runs, items, last)

    def _read(self) -> tuple[list, list[HarvestRun]]:
        with Session(self.engine) as session:
            grouped = session.exec(
                select(HarvestRun.source_name, HarvestRun.status, func.count()).group_by(
                    HarvestRun.source_name, HarvestRun.status
                )
            ).all()
            latest_ids = select(func.max(HarvestRun.id)).group_by(HarvestRun.source_name)
            latest = session.exec(select(HarvestRun).where(HarvestRun.id.in_(latest_ids))).all()
        return list(grouped), list(latest)


class Metrics:
    """The request metrics of one app, and the registry a scrape reads."""

    def __init__(self, engine: Engine) -> None:
        # Registered with no registry at creation (several apps may live in one process, as in
        # the tests); each scrape builds its own. In multiprocess mode the values live in files
        # that the MultiProcessCollector reads instead.
        self.requests = Counter(
            "registry_http_requests",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=None,
        )
        self.latency = Histogram(
            "registry_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template",
            ["method", "route"],
            buckets=BUCKETS,
            registry=None,
        )
        self.engine = engine
        self.shared = multiprocess_dir()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def exposition(self) -> bytes:
        scrape = CollectorRegistry()
        if self.shared:
            multiprocess.MultiProcessCollector(scrape, path=self.shared)
        else:
            for collector in (self.requests, self.latency):
                scrape.register(collector)
        scrape.register(HarvestCollector(self.engine))
        return generate_latest(scrape)


router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Text exposition"}},
)
def metrics(request: Request) -> Response:
    """Request counts and latencies by route, harvest runs by source and status, and the item
    states of each source's latest run, in Prometheus's text format."""
    return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
