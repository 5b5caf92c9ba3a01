"""Web benchmark: the server-side render of the search page (``GET /search``, all 8 facets,
20 results, through the whole app in process) on a synthetic catalogue, SQLite.

    python bench/web.py [--sizes 10000] [--seed 42] [--reps 30]
                        [--out bench/results/web-<date>.json]

The catalogue is bench/search.py's cached SQLite file for N (built there if missing). Each
request shape (no words; a facet filter; two filters; a common word; a word with a filter; a
later page sorted by title; an empty result, explained from the gap matrix) is requested once
to warm up, then ``--reps`` times with the GC collected before each; its time is the median.
The target (issue 6) is under 50 ms median at 10k datasets. This is a benchmark, not a test:
it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from registry.app import create_app
from registry.config import Settings

BENCH = Path(__file__).resolve().parent
RESULTS_DIR = BENCH / "results"


def _search_bench() -> Any:
    """bench/search.py, whose cached catalogues this reuses (bench/ is not a package)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return __import__("search")


def request_shapes(url: str) -> dict[str, str]:
    """Search URLs for this catalogue: its commonest title word and first sector and grade."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            titles = [r[0] for r in conn.execute(text("SELECT title FROM dataset LIMIT 2000"))]
            sector = conn.execute(
                text("SELECT value FROM dataset_facet WHERE facet = 'sector' LIMIT 1")
            ).scalar_one()
            grade = conn.execute(  # a grade some dataset of that sector has: a non-empty page
                text(
                    "SELECT g.value FROM dataset_facet AS g JOIN dataset_facet AS s "
                    "ON s.dataset_pk = g.dataset_pk AND s.facet = 'sector' AND s.value = :s "
                    "WHERE g.facet = 'grade' LIMIT 1"
                ),
                {"s": sector},
            ).scalar_one()
    finally:
        engine.dispose()
    words = Counter(w.lower() for t in titles for w in t.split() if w.isalpha() and len(w) > 4)
    word = words.most_common(1)[0][0]
    return {
        "no_words": "/search",
        "one_filter": f"/search?sector={sector}",
        "two_filters": f"/search?sector={sector}&grade={grade}",
        "common_word": f"/search?q={word}",
        "word_and_filter": f"/search?q={word}&sector={sector}",
        "page_3_by_title": "/search?sort=title&page=3",
        # No hits: the page explains the empty result from the gap matrix (gap_cells).
        "empty_explained": f"/search?q=zzzzqqq&sector={sector}",
    }


def measure(url: str, reps: int) -> dict[str, Any]:
    shapes = request_shapes(url)
    out: dict[str, Any] = {}
    with TestClient(create_app(Settings(database_url=url))) as client:
        for name, path in shapes.items():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            times = []
            for _ in range(reps):
                gc.collect()
                started = time.perf_counter()
                client.get(path)
                times.append(time.perf_counter() - started)
            out[name] = {
                "path": path,
                "median_ms": round(statistics.median(times) * 1000, 2),
                "max_ms": round(max(times) * 1000, 2),
                "bytes": len(response.content),
            }
    return out


def measure_size(n: int, seed: int, reps: int) -> dict[str, Any]:
    built = _search_bench().build_sqlite(n, seed)
    requests = measure(built.url, reps)
    medians = [r["median_ms"] for k, r in requests.items() if k != "empty_explained"]
    return {
        "n": n,
        "catalogue_cached": built.cached,
        # the pages with results; the explained empty page is reported on its own
        "median_of_medians_ms": round(statistics.median(medians), 2),
        "worst_median_ms": max(medians),
        "target_ms": 50,
        "requests": requests,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    runs = [measure_size(n, args.seed, args.reps) for n in args.sizes]
    report = {
        "benchmark": "web",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "seed": args.seed,
        "reps": args.reps,
        "runs": runs,
    }
    out = args.out or RESULTS_DIR / f"web-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(runs, indent=1))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
