"""Smoke test of the load benchmark (bench/load.py): a few seconds, a few clients, a harvest
writing meanwhile; it asserts no errors and the report's shape, never timings.

The catalogue is a 300-dataset SQLite file built into the test's own folder; on PostgreSQL
(REGISTRY_TEST_DATABASE_URL) the benchmark makes its own private schema on that server.
"""

from __future__ import annotations

import importlib.util
import os
import sys
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
