"""Smoke test of bench/index_refresh.py: a few commits on a small catalogue, each index
patched and checked equal to a rebuild (the script raises otherwise); no timings asserted."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_each_commit_is_patched_and_equals_a_rebuild(tmp_path):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_index_refresh", BENCH / "index_refresh.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.measure(
        size=300,
        seed=42,
        commits=3,
        batch=5,
        url=os.environ.get("REGISTRY_TEST_DATABASE_URL"),
        cache_dir=tmp_path,
    )
    assert result["commits"] == 3 and result["size"] == 300
    assert {"median_ms", "min_ms", "max_ms"} == set(result["incremental_patch"])
