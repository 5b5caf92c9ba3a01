"""Health checks, request ids, access logs and metrics."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from registry.app import create_app
from registry.config import Settings
from registry.http.logs import RequestIdFilter, log_config
from schemas import HarvestRun, HarvestSource


def test_healthz_answers_without_the_database(tmp_path: Path):
    # A database that does not exist yet: the process is alive all the same.
    settings = Settings(database_url=f"sqlite:///{tmp_path}/missing/none.db")
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["reason"].startswith("database unreachable")


def test_readyz_is_ok_at_the_newest_migration(client: TestClient):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["revision"]


def test_readyz_is_503_when_migrations_are_behind(tmp_path: Path):
    settings = Settings(database_url=f"sqlite:///{tmp_path}/empty.db")
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["reason"].startswith("migrations behind")
    assert "registry db upgrade" in body["reason"]
    assert body["revision"] is None and body["head"]


def test_every_answer_says_how_long_the_app_took(client: TestClient):
    for path in ("/healthz", "/catalog.ttl", "/api/datasets/no-such-dataset"):
        timing = client.get(path).headers["server-timing"]
        name, duration = timing.split(";")
        assert name == "app" and duration.startswith("dur=")
        assert 0 <= float(duration.removeprefix("dur=")) < 60_000


def test_a_sane_request_id_is_echoed_and_a_bad_one_replaced(client: TestClient):
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32
    for bad in (b"a" * 200, b"no spaces", "x\u00e9".encode(), b"<script>"):
        given = client.get("/healthz", headers={"X-Request-ID": bad})
        assert len(given.headers["x-request-id"]) == 32


def test_each_request_logs_one_line_with_its_id_and_no_query(
    client: TestClient, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger="registry.access")
    client.get("/api/datasets?q=secret-token-123", headers={"X-Request-ID": "req-7"})
    [record] = [r for r in caplog.records if r.name == "registry.access"]
    assert record.status == 200 and record.route == "/api/datasets"
    assert "secret-token-123" not in record.getMessage()
    assert RequestIdFilter().filter(record) and record.request_id == "-"  # after the request


def test_json_log_lines_carry_the_request_id(settings: Settings):
    """The logging config the CLI gives uvicorn, JSON flavour, on a real request."""
    code = f"""
import logging.config, sys
from fastapi.testclient import TestClient
from registry.app import create_app
from registry.config import Settings
from registry.http.logs import log_config
logging.config.dictConfig(log_config("info", "json"))
client = TestClient(create_app(Settings(database_url={settings.database_url!r})))
client.get("/api/vocab?token=hunter2", headers={{"X-Request-ID": "trace-42"}})
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    [access] = [line for line in lines if line["logger"] == "registry.access"]
    assert access["request_id"] == "trace-42" and access["status"] == 200
    assert access["route"] == "/api/vocab" and access["level"] == "INFO"
    assert "hunter2" not in done.stderr


def test_the_text_log_config_names_the_request_id():
    config = log_config("debug", "text")
    assert "%(request_id)s" in config["formatters"]["default"]["format"]
    assert config["loggers"]["registry"]["level"] == "DEBUG"


def _samples(text: str, name: str) -> dict[str, float]:
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name)
    }


def test_metrics_count_requests_by_route_template_never_the_raw_path(client: TestClient):
    client.get("/api/datasets/nope?token=hunter2")
    client.get("/api/datasets/also-nope")
    client.get("/no/such/page/hunter2")
    text = client.get("/metrics").text
    counts = _samples(text, "registry_http_requests_total")
    name = "registry_http_requests_total"
    assert counts[name + '{method="GET",route="/api/datasets/{dataset_id}",status="404"}'] == 2
    assert counts[name + '{method="GET",route="<unmatched>",status="404"}'] == 1
    assert "hunter2" not in text and "nope" not in text
    assert 'registry_http_request_duration_seconds_bucket{le="0.005",method="GET"' in text


def test_metrics_report_harvest_runs_and_item_states(client: TestClient, engine):
    with Session(engine) as session:
        session.add(HarvestSource(name="s1", title="S1", kind="dcat", url="https://example.org/"))
        session.flush()
        session.add(HarvestRun(source_name="s1", status="failed", counts={"failed": 1}))
        session.add(
            HarvestRun(source_name="s1", status="succeeded", counts={"added": 3, "failed": 1})
        )
        session.commit()
    samples = _samples(client.get("/metrics").text, "registry_harvest")
    assert samples['registry_harvest_runs_total{source="s1",status="succeeded"}'] == 1
    assert samples['registry_harvest_runs_total{source="s1",status="failed"}'] == 1
    assert samples['registry_harvest_items{source="s1",state="added"}'] == 3
    assert samples['registry_harvest_items{source="s1",state="failed"}'] == 1
    assert 'registry_harvest_last_run_timestamp_seconds{source="s1"}' in samples


def test_metrics_can_be_switched_off(settings: Settings):
    with TestClient(create_app(settings.model_copy(update={"metrics": False}))) as client:
        assert client.get("/metrics").status_code == 404


def test_metrics_add_up_across_processes_in_multiprocess_mode(settings: Settings, tmp_path: Path):
    """Two processes (as two workers) share PROMETHEUS_MULTIPROC_DIR; the second's scrape
    counts both processes' requests."""
    code = f"""
import sys
from fastapi.testclient import TestClient
from registry.app import create_app
from registry.config import Settings
client = TestClient(create_app(Settings(database_url={settings.database_url!r})))
for _ in range(int(sys.argv[1])):
    client.get("/healthz")
if sys.argv[2] == "scrape":
    print(client.get("/metrics").text)
"""
    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    run = [sys.executable, "-c", code]
    subprocess.run([*run, "3", "quiet"], env=env, check=True, timeout=120)
    done = subprocess.run(
        [*run, "2", "scrape"], env=env, check=True, timeout=120, capture_output=True, text=True
    )
    counts = _samples(done.stdout, "registry_http_requests_total")
    assert counts['registry_http_requests_total{method="GET",route="/healthz",status="200"}'] == 5
    assert list(shared.glob("*.db"))
