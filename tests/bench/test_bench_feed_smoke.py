"""Smoke test of the feed benchmark (bench/feed.py) on 30 records: it runs end to end, the
isomorphism gate passes and the report has its keys. Never a timing assertion."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
N = 30


def _module(name: str) -> ModuleType:
    """Import bench/<name>.py (bench/ is not a package; it imports its siblings by name)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    key = f"bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, BENCH / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _module("feed")


@pytest.fixture
def loaded(bench: ModuleType, database_url: str) -> str:
    if not database_url.startswith("sqlite"):
        pytest.skip("the feed benchmark measures SQLite files")
    bench.load_db(database_url, N, 42)
    return database_url


def test_pages_isomorphic_and_reported(bench: ModuleType, loaded: str):
    pages = bench.measure_pages(loaded, reps=2, baseline_reps=1)
    assert pages["isomorphic"] is True
    assert {c["format"] for c in pages["correctness"]} == set(bench.FORMATS)
    for check in pages["correctness"]:
        assert check["isomorphic"] and check["triples_ours"] == check["triples_baseline"] > 0
    assert pages["total_pages"] == 1
    assert pages["page_numbers"] == {"first": 1, "middle": 1, "last": 1}
    for fmt in bench.FORMATS:
        for where in ("first", "middle", "last"):
            row = pages["formats"][fmt][where]
            assert row["records"] == N
            assert row["http_testclient"]["n"] == 2 and row["http_testclient"]["bytes"] > 0
            assert {"median_ms", "p95_ms"} <= set(row["http_testclient"])
            assert row["server_testclient"]["n"] == 2  # from each answer's Server-Timing
            assert {"median_ms", "p95_ms"} <= set(row["render_ours"])
            assert row["baseline"]["n"] == 1
            assert row["ratio_baseline_over_http_testclient"] > 0
            assert row["ratio_baseline_over_render"] > 0
    json.dumps(pages)


def test_dump_measured_in_a_child(bench: ModuleType, loaded: str):
    dump = bench.measure_dump(loaded, N, runs=1, baseline=True)
    best = dump["ours_best"]
    assert best["kind"] == "ours" and best["format"] == "nt" and best["n"] == N
    assert best["bytes"] > 0 and best["triples"] > N
    assert best["peak_rss_mb"] > 0 and best["rss_during_max_mb"] >= best["rss_before_mb"] > 0
    assert dump["ours_datasets_per_s"] > 0
    base = dump["baseline"]
    assert base["kind"] == "rdflib" and base["triples"] == best["triples"]
    assert dump["ratio_baseline_over_ours"] > 0
    # A catalogue this small is written by one process however the dump is asked.
    assert dump["parallel_jobs"] == dump["ours_jobs"] == 1
    assert dump["parallel_best"]["triples"] == best["triples"]
    json.dumps(dump)


def test_server_timing_read(bench: ModuleType):
    assert bench.server_ms("app;dur=12.5") == 12.5
    assert bench.server_ms("db;dur=1.0, app;dur=2") == 2.0
    assert bench.server_ms("db;dur=1.0") is None and bench.server_ms(None) is None


def test_report_keys(bench: ModuleType):
    args = bench.argparse.Namespace(seed=42, sizes=[N], reps=2, baseline_reps=1)
    env = bench.environment(args)
    assert {"seed", "sizes", "libraries", "cpu_count", "python", "sqlite"} <= set(env)
    assert env["compiled"] in (True, False)
    assert env["libraries"]["rdflib"]


def _size(n: int, page_ms: float, ratio: float, dump_s: float | None, rss: float) -> dict:
    row = {"http_uvicorn": {"median_ms": page_ms}, "ratio_baseline_over_render": ratio}
    size: dict = {
        "n": n,
        "pages": {"clients": ["testclient", "uvicorn"], "formats": {"ttl": {"first": row}}},
    }
    if dump_s is not None:
        size["dump"] = {
            "ours_median_seconds": dump_s,
            "ours_jobs": 1,
            "parallel_median_seconds": dump_s / 2,
            "parallel_jobs": 2,
            "ours_rss_during_max_mb": rss,
        }
    return size


def test_targets_are_read_off_the_run_and_judged(bench: ModuleType):
    result = {
        "sizes": [_size(10_000, 12.0, 40.0, 1.0, 100.0), _size(100_000, 21.0, 29.0, 16.0, 120.0)]
    }
    verdicts = {(t["target"][:14], t["n"], t["measured"]): t["met"] for t in bench.targets(result)}
    assert verdicts == {
        ("Turtle page p5", 10_000, "uvicorn"): True,
        ("Turtle render ", 10_000, "render"): True,
        ("Turtle page p5", 100_000, "uvicorn"): False,  # 21 ms
        ("Turtle render ", 100_000, "render"): False,  # 29x
        ("100k N-Triples", 100_000, "1 process(es)"): False,  # 16 s
        ("100k N-Triples", 100_000, "2 process(es)"): True,  # 8 s
        ("dump memory fl", 100_000, "10,000 -> 100,000"): True,
    }
    assert "targets" in bench.table(
        {"environment": {}, "sizes": [], "targets": bench.targets(result)}
    )


def test_targets_not_measured_are_left_out(bench: ModuleType):
    assert bench.targets({"sizes": [{"n": 30, "db": {}}]}) == []
