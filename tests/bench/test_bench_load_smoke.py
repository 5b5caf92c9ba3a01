"""Smoke test of the load benchmark (bench/load.py): a few seconds, a few clients, a harvest
writing meanwhile; it asserts no errors and the report's shape, never timings.

The catalogue is a 300-dataset SQLite file built into the test's own folder; on PostgreSQL
(REGISTRY_TEST_DATABASE_URL) the benchmark makes its own private schema on that server.
"""

from __future__ import annotations

import asyncio
import collections
import importlib.util
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    if "bench_load" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_load", BENCH / "load.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_load"] = module
        spec.loader.exec_module(module)
    return sys.modules["bench_load"]


def test_readers_and_a_harvest_at_once_make_no_errors(bench, tmp_path):
    result = bench.measure(
        size=300,
        seed=42,
        clients=4,
        seconds=4.0,
        warmup=1.0,
        workers=2,
        harvest=True,
        think=0.0,  # saturation: as many requests as a few seconds allow
        database_url=os.environ.get("REGISTRY_TEST_DATABASE_URL"),
        cache_dir=tmp_path,
    )
    assert result["errors"] == 0, result["first_errors"] or result["server_log"]
    assert result["exceptions"] == {} and set(result["statuses"]) == {"200"}
    assert result["harvest"]["runs"] >= 1 and result["harvest"]["failed_runs"] == 0
    assert result["targets"]["zero_errors"] is True
    kinds = {"search_api", "search_page", "dataset_page", "dataset_json", "feed_page"}
    assert kinds <= set(result["by_kind"])
    assert {"p50_ms", "p95_ms", "p99_ms", "n"} == set(result["overall"])
    assert result["requests"] == sum(k["n"] for k in result["by_kind"].values())
    assert result["load_model"]["mode"] == "saturation"


def test_think_time_paces_the_clients(bench):
    """With a think time, each client waits before every request: 2 clients thinking 0.2 s
    on average over 2 s send a few dozen requests, not the thousands of a closed loop."""
    hits: collections.Counter[str] = collections.Counter()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits[self.path] += 1
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        mix = [("ping", ["/ping"])]
        tally = asyncio.run(bench.drive(base, mix, clients=2, seconds=2.0, seed=1, think=0.2))
    finally:
        server.shutdown()
        server.server_close()
    sent = sum(hits.values())
    assert sent == len(tally.latencies["ping"])
    assert 5 <= sent <= 60  # about 2 clients x 2 s / 0.2 s = 20
    assert bench.load_model(0.2)["mode"] == "think"
