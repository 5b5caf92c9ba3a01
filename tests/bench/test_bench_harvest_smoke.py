"""Smoke test of the harvest benchmark (bench/harvest.py): shapes and the correctness gate,
never timings.

A catalogue of 50 datasets is served on 127.0.0.1 and harvested by a CKAN source through the
benchmark's own measuring function: a first run that adds all 50, a re-run that finds all 50
unchanged, on a fresh migrated SQLite database (the benchmark makes its own, whatever database
the suite uses).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
N = 50


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """bench/harvest.py as a module (bench/ is not a package; it imports harvest_server)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    if "bench_harvest" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_harvest", BENCH / "harvest.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_harvest"] = module
        spec.loader.exec_module(module)
    return sys.modules["bench_harvest"]


def test_the_catalogue_is_seeded_and_served_as_ckan_and_dcat(bench):
    import httpx
    from harvest_server import CKAN_SORT, Catalogue, serve

    first, again = Catalogue(size=N, seed=42), Catalogue(size=N, seed=42)
    assert [r.name for r in first.records] == [r.name for r in again.records]
    assert [r.title for r in first.records] != [r.title for r in Catalogue(size=N, seed=7).records]
    with serve(first) as base, httpx.Client() as client:
        answer = client.get(f"{base}/api/3/action/package_search?rows=20&start=40").json()
        assert answer["success"] is True and answer["result"]["count"] == N
        assert len(answer["result"]["results"]) == N - 40
        sorted_answer = client.get(
            f"{base}/api/3/action/package_search", params={"rows": 5, "sort": CKAN_SORT}
        ).json()
        package = sorted_answer["result"]["results"][0]
        assert {"name", "title", "notes", "organization", "resources", "tags"} <= set(package)
        assert all(r["url"].startswith(base) for r in package["resources"])
        page = client.get(f"{base}/catalog.ttl?page=1")
        assert page.headers["content-type"].startswith("text/turtle")
        assert b"hydra:PartialCollectionView" in page.content
        files = [r for r in package["resources"] if r["format"] in ("CSV", "XLSX")]
        for resource in files:
            assert client.get(resource["url"]).headers.get("etag")


def test_measure_passes_the_gate_and_reports_every_key(bench, tmp_path):
    results = bench.measure(size=N, seed=42, kinds=["ckan"], reps=1, workdir=tmp_path)
    (result,) = results
    assert result["kind"] == "ckan" and result["size"] == N and result["gate"] == "passed"
    (pair,) = result["runs"]
    assert pair["first_counts"] == {"added": N}
    assert pair["rerun_counts"] == {"unchanged": N}
    assert pair["datasets"] == N
    assert pair["first_requests"]["ckan"] >= 1 and pair["first_requests"].get("files", 0) > 0
    assert "files" not in pair["rerun_requests"]  # nothing unchanged is downloaded again
    for key in (
        "first_seconds",
        "rerun_seconds",
        "ratio",
        "cpu_ratio",
        "first_records_per_second",
        "first_cpu_seconds",
        "rerun_cpu_seconds",
        "first_harvest_cpu_seconds",
        "rerun_harvest_cpu_seconds",
    ):
        assert isinstance(pair[key], float), key
    for key in ("first_seconds", "rerun_seconds", "ratio", "cpu_ratio"):
        assert set(result[key]) == {"median", "min", "max"}
    assert {"target_ratio_met", "target_first_rate_met"} <= set(result)

    document = json.loads(
        json.dumps(bench.report(results, sizes=[N], seed=42, files=True, reps=[1]))
    )
    assert {
        "benchmark",
        "date",
        "sizes",
        "seed",
        "kinds",
        "files_served_and_profiled",
        "targets",
        "environment",
        "results",
    } <= set(document)
    assert document["sizes"] == [N] and document["seed"] == 42 and document["kinds"] == ["ckan"]
    environment = document["environment"]
    assert {"python", "rdflib", "sqlalchemy", "cpu_count"} <= set(environment)
    assert "ckan" in bench.table(results)


def test_a_wrong_count_fails_the_gate(bench):
    with pytest.raises(bench.GateFailed):
        bench.check(False, "first run {'added': 49}, expected {'added': 50}")
