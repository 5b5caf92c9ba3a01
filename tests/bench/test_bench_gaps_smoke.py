"""Smoke test of the gap benchmark (bench/gaps.py) on 30 records: it runs end to end, the fast
path equals the straightforward one and the report has its keys. Never a timing assertion."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_the_gap_benchmark_measures_and_checks(database_url: str):
    if not database_url.startswith("sqlite"):
        pytest.skip("the gap benchmark measures SQLite files")
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    import feed
    import gaps

    feed.load_db(database_url, 30, 42)
    measured = gaps.measure(database_url, reps=1, baseline_reps=1)
    assert measured["identical_harmonised"] is True and measured["identical_all"] is True
    assert measured["cells_harmonised"] == 12 * 6 * 17 and measured["filled_harmonised"] > 0
    assert measured["cell"]["evidence"] == measured["cell"]["datasets"] > 0
    for name in ("matrix_harmonised", "matrix_all", "cell", "http_matrix_all", "http_cell"):
        assert measured["timings"][name]["n"] == 1
