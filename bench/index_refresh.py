"""Facet index refresh benchmark: after a harvest's commit, rebuild the index or patch it?

    python bench/index_refresh.py [--sizes 10000] [--commits 20] [--batch 25]
                                  [--database-url postgresql://...] [--out FILE]

A catalogue of N generated datasets (a copy of bench/search.py's cached SQLite file, or a
private PostgreSQL schema, as bench/load.py makes) gets ``--commits`` commits of ``--batch``
changed records each (other generated records' content under existing ids: new titles, dates
and facet values), through the real write path, as a harvest makes them. After each commit
both ways of bringing a process's facet index up to date are timed on the same database: a
full ``build_index`` and ``Search.facet_index`` patching the previous index from the change log
(which must report a patch, and whose result is checked equal to the rebuild). The JSON gives
the median, min and max of each, and their ratio. It asserts nothing about time.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from registry.config import Settings
from registry.db import make_engine
from registry.search import Search
from registry.search.engine import build_index, current_generation
from registry.store import upsert_datasets
from schemas import DatasetCreate

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import gen  # noqa: E402  (bench/ is not a package)
import load  # noqa: E402


def stats(values: Sequence[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(values) * 1000, 2),
        "min_ms": round(min(values) * 1000, 2),
        "max_ms": round(max(values) * 1000, 2),
    }


def same(a: Any, b: Any) -> bool:
    return a.bits == b.bits and a.orders == b.orders and a.publisher_names == b.publisher_names


def measure(
    size: int,
    seed: int,
    commits: int,
    batch: int,
    url: str | None,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    rng = random.Random(seed)
    full, patch = [], []
    with (
        tempfile.TemporaryDirectory(prefix="ldr-refresh-") as folder,
        load.catalogue_database(size, seed, Path(folder), url, cache_dir) as (database_url, _),
    ):
        engine = make_engine(Settings(database_url=database_url))
        search = Search(engine)
        try:
            with engine.connect() as conn:
                search.facet_index(conn)  # the index a process holds before the commit
            for number in range(commits):
                records = []
                for i in rng.sample(range(size), batch):
                    record = gen.dataset(size + number * batch + len(records), seed)
                    record["id"] = gen.dataset(i, seed)["id"]
                    records.append(DatasetCreate.model_validate(record))
                with Session(engine) as session:
                    upsert_datasets(session=session, records=records, source_name="bench")
                    session.commit()
                with engine.connect() as conn:
                    generation = current_generation(conn)
                    gc.collect()
                    started = time.perf_counter()
                    rebuilt = build_index(conn, generation)
                    full.append(time.perf_counter() - started)
                    gc.collect()
                    started = time.perf_counter()
                    patched = search.facet_index(conn)
                    patch.append(time.perf_counter() - started)
                if not same(patched, rebuilt):
                    raise RuntimeError(f"the patched index differs after commit {number}")
        finally:
            engine.dispose()
    if search.refreshes["patched"] != commits:
        raise RuntimeError(f"expected {commits} patches, got {dict(search.refreshes)}")
    return {
        "backend": "sqlite" if not url or url.startswith("sqlite") else "pg",
        "size": size,
        "commits": commits,
        "records_per_commit": batch,
        "full_rebuild": stats(full),
        "incremental_patch": stats(patch),
        "speedup_median": round(statistics.median(full) / statistics.median(patch), 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--database-url", help="PostgreSQL server (a private schema is used)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    results = []
    for size in args.sizes:
        result = measure(size, args.seed, args.commits, args.batch, args.database_url)
        results.append(result)
        print(json.dumps(result), file=sys.stderr)
    stamp = datetime.now(UTC)
    document = {
        "benchmark": "index_refresh",
        "date": stamp.isoformat(timespec="seconds"),
        "environment": load.environment(),
        "results": results,
    }
    out = (
        args.out
        or load.RESULTS_DIR / f"index-refresh-{results[0]['backend']}-{stamp:%Y%m%dT%H%M%S}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2), encoding="utf-8")
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
