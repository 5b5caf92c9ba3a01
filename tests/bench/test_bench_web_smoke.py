"""Smoke test of the web benchmark (bench/web.py) on 80 generated records: every request shape
answers 200 and is reported. Never a timing assertion."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def bench():
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return __import__("web")


def test_the_benchmark_runs_and_reports(bench, engine, database_url):
    bench._search_bench().load_records(engine, 80, 42)  # page 3 of 20 needs over 40
    found = bench.measure(database_url, reps=1)
    assert set(found) >= {"no_words", "one_filter", "common_word", "empty_explained"}
    assert all(r["median_ms"] >= 0 and r["bytes"] > 1000 for r in found.values())
