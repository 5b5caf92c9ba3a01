"""Gap analysis benchmark: the full coverage matrix with its evidence summary, and one cell's
drill-down, on seeded synthetic catalogues.

    python bench/gaps.py [--sizes 10000 100000] [--seed 42] [--reps 10] [--baseline-reps 3]
                         [--out bench/results/gaps-<date>.json]

For each size N the migrated SQLite file of N generated records comes from ``bench/.cache/``
(``bench/search.py``'s ``build_sqlite``). Measured, each cold (nothing is cached between calls):

* ``matrix_<level>``: what ``GET /api/gaps`` computes, ``gap_rows(gap_cells(...))`` for both
  grade levels (harmonised, all): every cell's score, band, datasets, best, priority and need;
* ``cell``: ``gap_cell(...)`` (``/api/gaps/cells/...``) for the busiest harmonised cell;
* ``http_*``: the same through ``create_app(Settings(database_url=...))`` and Starlette's
  ``TestClient`` (in process, no sockets), cold (the app's kept catalogue emptied before each
  request); ``http_*_kept``: the same request with the catalogue the app keeps per
  generation of the database (``registry/gaps/cache.py``);
* ``baseline_<level>``: the straightforward path, ``build(read_facts(...))``, which the
  registry used before ``registry/gaps/bitsets.py``; its cells must equal the fast path's
  (``identical``; a difference makes the run exit non-zero).

The first repetition is a warm-up and is dropped. It asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from registry.app import create_app
from registry.config import Settings
from registry.db import make_engine
from registry.gaps import GapQuery, gap_cell, gap_cells, gap_rows
from registry.gaps.cache import CatalogueCache
from registry.gaps.facts import read_facts
from registry.gaps.matrix import build

BENCH = Path(__file__).resolve().parent
RESULTS_DIR = BENCH / "results"
LEVELS = ("harmonised", "all")


def _bench_module(name: str) -> Any:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return __import__(name)


def measure(url: str, *, reps: int, baseline_reps: int) -> dict[str, Any]:
    feed = _bench_module("feed")  # its statistics and timer (GC off while timing)
    today = date.today()
    engine = make_engine(Settings(database_url=url))
    out: dict[str, Any] = {"timings": {}}

    def run(name: str, call: Any, times: int) -> Any:
        seconds, value = [], None
        for i in range(times + 1):
            took, value = feed.timed(call)
            if i:  # the first is a warm-up
                seconds.append(took)
        out["timings"][name] = feed.stats(seconds)
        return value

    try:
        with Session(engine) as session:
            for level in LEVELS:
                query = GapQuery(grade_level=level)
                rows = run(
                    f"matrix_{level}",
                    lambda q=query: gap_rows(gap_cells(session=session, query=q, on=today)),
                    reps,
                )
                out[f"cells_{level}"] = len(rows)
                out[f"filled_{level}"] = sum(1 for r in rows if r["datasets"])
                if baseline_reps:
                    cells = run(
                        f"baseline_{level}",
                        lambda lv=level: build(
                            read_facts(session=session), today=today, grade_level=lv
                        ),
                        baseline_reps,
                    )
                    out[f"identical_{level}"] = gap_rows(list(cells.values())) == rows
                if level == "harmonised":
                    busy = max(rows, key=lambda r: (r["datasets"], r["sector"], r["attribute"]))
            key = (busy["sector"], busy["grade"], busy["attribute"])
            cell = run(
                "cell",
                lambda: gap_cell(
                    session=session,
                    **dict(zip(("sector", "grade", "attribute"), key, strict=True)),
                    on=today,
                ),
                reps,
            )
            out["cell"] = {
                "key": "/".join(key),
                "datasets": busy["datasets"],
                "evidence": len(cell["evidence"]),
            }
    finally:
        engine.dispose()
    with TestClient(create_app(Settings(database_url=url))) as client:
        for name, path in (
            ("http_matrix_harmonised", "/api/gaps"),
            ("http_matrix_all", "/api/gaps?grade_level=all"),
            ("http_cell", "/api/gaps/cells/" + out["cell"]["key"]),
        ):
            # Cold: the app keeps the catalogue it read per generation of the database
            # (registry/gaps/cache.py), so each timed request first empties that cache.
            def cold(p: str = path) -> Any:
                client.app.state.gap_cache = CatalogueCache()  # type: ignore[attr-defined]
                return client.get(p)

            response = run(name, cold, reps)
            assert response.status_code == 200, (path, response.status_code)
            out["timings"][name]["bytes"] = len(response.content)
            # Warm: the same request again, the catalogue kept (nothing was written).
            run(f"{name}_kept", lambda p=path: client.get(p), reps)
    return out


def environment(args: argparse.Namespace) -> dict[str, Any]:
    """bench/feed.py's record of the machine and the run, less its note on paired ratios
    (this benchmark times the old path beside the new one, but reports no ratios)."""
    found = _bench_module("feed").environment(args)
    del found["ratios"]
    return found


def table(result: dict[str, Any]) -> str:
    lines = []
    for size in result["sizes"]:
        m = size["measured"]
        lines.append(
            f"\nN = {size['n']:,}  busiest cell {m['cell']['key']} ({m['cell']['datasets']:,} "
            f"datasets)  identical: "
            + ", ".join(str(m.get(f"identical_{lv}", "not run")) for lv in LEVELS)
        )
        lines.append(f"{'measure':<24}{'p50 ms':>10}{'p95 ms':>10}{'n':>4}")
        for name, t in m["timings"].items():
            lines.append(f"{name:<24}{t['median_ms']:>10.1f}{t['p95_ms']:>10.1f}{t['n']:>4}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--baseline-reps", type=int, default=3, help="0: skip the old path")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = args.out or RESULTS_DIR / f"gaps-{stamp}.json"
    result: dict[str, Any] = {"environment": environment(args), "sizes": []}
    for n in args.sizes:
        print(f"N = {n:,}: database ...", file=sys.stderr, flush=True)
        built = _bench_module("search").build_sqlite(n, args.seed)
        print(f"N = {n:,}: measuring ...", file=sys.stderr, flush=True)
        measured = measure(built.url, reps=args.reps, baseline_reps=args.baseline_reps)
        result["sizes"].append({"n": n, "db_bytes": built.db_bytes, "measured": measured})
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    result["environment"]["load_average_after"] = os.getloadavg()
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(table(result))
    print(f"\nwritten to {out}")
    same = all(
        size["measured"].get(f"identical_{lv}", True) for size in result["sizes"] for lv in LEVELS
    )
    if not same:
        print("CORRECTNESS: the fast path's cells differ from build(read_facts)", file=sys.stderr)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
