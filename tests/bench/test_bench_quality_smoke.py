"""Smoke test of the quality benchmark (bench/quality.py) on 40 generated records: it runs end
to end and reports its keys, and the summary covers every active dataset. Never a timing
assertion."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
N = 40


@pytest.fixture(scope="module")
def bench():
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return __import__("quality")


def test_the_benchmark_runs_and_reports(bench, engine, database_url):
    bench._search_bench().load_records(engine, N, 42)
    found = bench.measure(database_url, seed=42, reps=1, checked=0.5, broken=0.5)
    assert found["active_datasets"] == N and found["link_answers"] > 0
    assert found["publishers"] >= 1 and found["largest_publisher_datasets"] >= 1
    assert 30 <= found["mean_score_overall"] <= 405
    for key in ("publisher_quality_all_ms", "dataset_quality_ms_each"):
        assert found[key] >= 0
