"""Metadata-quality benchmark: the per-publisher summary over a whole synthetic catalogue, and
one dataset's assessment, on SQLite.

    python bench/quality.py [--sizes 1000 10000] [--seed 42] [--reps 5]
                            [--out bench/results/quality-<date>.json]

For each size N the loaded SQLite file of bench/search.py's cache (built there if missing) is
copied, and link answers are written for a seeded share of the URLs (``--checked``, default
0.7, of which ``--broken``, default 0.1, failed), so the summary reads a realistic link_check
table. Then, each in a fresh session after one warm-up run: ``publisher_quality`` for the whole
catalogue (three plain queries and the scoring of every record), the same for the largest
publisher, and ``dataset_quality`` for 20 datasets. A call's time is the median of ``--reps``.
This is a benchmark, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from registry.config import Settings
from registry.db import make_engine
from registry.quality.assessments import dataset_quality
from registry.quality.link_store import LinkResult, link_targets, store_results
from registry.quality.publishers import publisher_quality

BENCH = Path(__file__).resolve().parent
RESULTS_DIR = BENCH / "results"


def _search_bench() -> Any:
    """bench/search.py, whose cached catalogues this reuses (bench/ is not a package)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return __import__("search")


def seed_link_answers(session: Session, *, checked: float, broken: float, seed: int) -> int:
    """Answers for a seeded share of the catalogue's URLs, as a run of the checker leaves."""
    rng = random.Random(seed)
    when = datetime.now(UTC) - timedelta(days=1)
    answers = []
    for url in link_targets(session=session):
        if rng.random() >= checked:
            continue
        ok = rng.random() >= broken
        answers.append(
            LinkResult(
                url=url,
                ok=ok,
                checked_at=when,
                status_code=200 if ok else 404,
                error=None if ok else "HTTP 404 Not Found",
            )
        )
    for start in range(0, len(answers), 1000):
        store_results(session=session, results=answers[start : start + 1000])
    return len(answers)


def median_seconds(call: Callable[[], Any], reps: int) -> tuple[float, Any]:
    call()  # warm-up
    times, value = [], None
    for _ in range(reps):
        gc.collect()
        started = time.perf_counter()
        value = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def measure(url: str, *, seed: int, reps: int, checked: float, broken: float) -> dict[str, Any]:
    """Time the quality functions on the loaded database at ``url`` (link answers added)."""
    engine = make_engine(Settings(database_url=url))
    try:
        with Session(engine) as session:
            answers = seed_link_answers(session, checked=checked, broken=broken, seed=seed)
            datasets = session.execute(
                text("SELECT count(*) FROM dataset WHERE status = 'active'")
            ).scalar_one()
            ids = [
                row[0]
                for row in session.execute(text("SELECT id FROM dataset ORDER BY id LIMIT 20"))
            ]

        def everyone() -> list[dict[str, Any]]:
            with Session(engine) as session:
                return publisher_quality(session=session)

        whole, summaries = median_seconds(everyone, reps)
        largest = max(summaries, key=lambda s: s["datasets"])

        def one_publisher() -> list[dict[str, Any]]:
            with Session(engine) as session:
                return publisher_quality(session=session, publisher=largest["publisher"])

        single, _ = median_seconds(one_publisher, reps)

        def twenty() -> None:
            with Session(engine) as session:
                for ident in ids:
                    dataset_quality(session=session, dataset_id=ident)

        each, _ = median_seconds(twenty, reps)
    finally:
        engine.dispose()
    return {
        "active_datasets": datasets,
        "link_answers": answers,
        "publishers": len(summaries),
        "publisher_quality_all_ms": round(whole * 1000, 1),
        "publisher_quality_largest_ms": round(single * 1000, 1),
        "largest_publisher_datasets": largest["datasets"],
        "dataset_quality_ms_each": round(each * 1000 / len(ids), 2),
        "mean_score_overall": round(
            sum(s["mean_score"] * s["datasets"] for s in summaries) / datasets, 1
        ),
    }


def measure_size(n: int, seed: int, reps: int, checked: float, broken: float) -> dict[str, Any]:
    """bench/search.py's cached catalogue of ``n`` (built there if missing), measured on a copy
    so the cache keeps no link answers."""
    built = _search_bench().build_sqlite(n, seed)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "quality.db"
        shutil.copyfile(built.url.removeprefix("sqlite:///"), copy)
        found = measure(f"sqlite:///{copy}", seed=seed, reps=reps, checked=checked, broken=broken)
    return {
        "n": n,
        "catalogue_load_seconds": round(built.load_seconds, 2),
        "catalogue_cached": built.cached,
        **found,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--checked", type=float, default=0.7)
    parser.add_argument("--broken", type=float, default=0.1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    runs = [measure_size(n, args.seed, args.reps, args.checked, args.broken) for n in args.sizes]
    report = {
        "benchmark": "quality",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "seed": args.seed,
        "reps": args.reps,
        "runs": runs,
    }
    out = args.out or RESULTS_DIR / f"quality-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(runs, indent=1))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
