"""Smoke test of the benchmark tools (bench/gen.py, bench/search.py): shapes, never timings.

The generator's records must validate and be reproducible; the search benchmark's measuring
function must run on a tiny database and return the keys its JSON report is made of. Runs on
whichever database the suite uses.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from registry.search import Search
from schemas import DatasetCreate, OrganisationCreate

BENCH = Path(__file__).resolve().parents[2] / "bench"
N = 200


def _module(name: str) -> ModuleType:
    """Import bench/<name>.py (bench/ is not a package; search.py imports gen by name)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    key = "gen" if name == "gen" else f"bench_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, BENCH / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return _module("gen")


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _module("search")


def test_generated_records_validate(gen):
    organisations = gen.organisations()
    assert len(organisations) == gen.N_ORGANISATIONS
    assert len({o["id"] for o in organisations}) == len(organisations)
    for org in organisations:
        OrganisationCreate.model_validate(org)
    known = {o["id"] for o in organisations}
    records = list(gen.datasets(N))
    for record in records:
        DatasetCreate.model_validate(record)
        assert record["publisher"] in known
        assert 3 <= len(record["keywords"]) <= 10
        assert 1 <= len(record["distributions"]) <= 3
    assert len({r["id"] for r in records}) == N
    schemes = {c["scheme"] for r in records for c in r["coverage"]}
    assert schemes == {"sector", "grade", "attribute"}


def test_same_seed_same_records_other_seed_other_records(gen):
    first = [json.dumps(r, sort_keys=True) for r in gen.datasets(N, seed=42)]
    again = [json.dumps(r, sort_keys=True) for r in gen.datasets(N, seed=42)]
    other = [json.dumps(r, sort_keys=True) for r in gen.datasets(N, seed=7)]
    assert first == again
    assert first != other
    assert list(gen.jsonl(5, seed=42)) == list(gen.jsonl(5, seed=42))
    # Record i does not depend on how many are generated.
    assert first[:10] == [json.dumps(r, sort_keys=True) for r in gen.datasets(10, seed=42)]


def test_measurement_returns_the_report_keys(bench, engine):
    frequency = bench.load_records(engine, N, seed=42)
    search = Search(engine)
    queries = bench.query_mix(
        frequency,
        N,
        42,
        bench.hit_counter(engine, search),
        per_band=3,
        bands=["1 word common"],
    )
    assert {q.band for q in queries} == {"1 word common"}
    result = bench.measure(engine, search, queries, reps=1)
    assert set(result) >= {"bands", "mix", "text_mix", "baseline_mix", "correctness", "queries"}
    band = result["bands"]["1 word common"]
    assert set(band) >= {
        "queries",
        "median_hits",
        "median_ms",
        "p95_ms",
        "baseline",
        "ratio_median_of_pairs",
    }
    assert set(band["baseline"]) >= {"median_ms", "p95_ms"}
    assert set(result["mix"]) >= {"median_ms", "p95_ms", "p99_ms"}
    # The engine and the plain-SQL baseline agree on totals, pages and facet counts.
    assert result["correctness"]["mismatches"] == []
