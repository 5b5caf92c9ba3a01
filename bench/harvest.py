"""Harvest benchmark: a full first run and an unchanged re-run of a CKAN and a DCAT source.

    .venv/bin/python bench/harvest.py                      # N=10,000, seed 42, ckan and dcat
    .venv/bin/python bench/harvest.py --size 1000 10000 --reps 5 3
    .venv/bin/python bench/harvest.py --size 1000 --kinds ckan --profile bench/results/prof

For each size a seeded synthetic catalogue (bench/harvest_server.py) is served on 127.0.0.1
from a thread of this process: a CKAN ``package_search`` API and a DCAT Turtle feed with Hydra
paging, plus the resources' files. Resources are CSV, XLSX and PDF; the CSV and XLSX files are
served as small real tables, so the run loop downloads and profiles them on the first run
(``--no-files`` makes every resource a PDF, HTML page or DOCX, which are never downloaded). For
each kind and repetition: a fresh migrated SQLite database, one ``HarvestSource`` row (a CKAN
source with ``incremental = false``, so the re-run lists every package again), then

1. the first run, timed: ``run_source`` must end ``succeeded`` with counts ``{"added": N}``;
2. an immediate re-run with nothing changed, timed: counts ``{"unchanged": N}``, and the
   database must hold N active datasets.

The correctness gate is checked for every pair before its times count (a failure raises
:class:`GateFailed`). Reported: first-run records/second, re-run seconds and the ratio
re-run / first (target <= 0.10), medians over the repetitions with min and max, and the same
ratio on CPU time (the process's, less the local server threads'), steadier than wall time on
a busy machine. A discarded
warm-up harvest (first 50 items) runs first for each kind; garbage is collected before each
timed run. The server pre-renders every answer before timing, and its thread shares this
process's interpreter, so its (small) cost of sending bytes is inside the times, like network
I/O would be. Everything goes to a JSON file (sizes, seed, kinds, per-run times, versions,
``os.cpu_count()``) and a table is printed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, Path(__file__).resolve().parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import httpx  # noqa: E402
from harvest_server import Catalogue, serve  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from registry.config import Settings  # noqa: E402
from registry.db import make_engine  # noqa: E402
from registry.harvest import run_source  # noqa: E402
from registry.migrate import upgrade  # noqa: E402
from schemas import Dataset, HarvestItem, HarvestSource, RecordStatus  # noqa: E402

KINDS = ("ckan", "dcat")
TARGET_RATIO = 0.10  # re-run time / first-run time
TARGET_FIRST_RATE = 100.0  # records per second on the first run (a sanity floor)
WARMUP_ITEMS = 50
CKAN_ROWS = 100  # the CKAN harvester's default page size
DCAT_PAGE_SIZE = 100  # ckanext-dcat's default page size


class GateFailed(AssertionError):
    """A run did not store what it should have: its times mean nothing."""


def default_reps(size: int) -> int:
    return 5 if size <= 1_000 else 3 if size <= 10_000 else 1


# -- one harvest --------------------------------------------------------------------------------


def source_options(kind: str, catalogue: Catalogue) -> dict[str, Any]:
    if kind == "ckan":
        # A full listing every run: the re-run must see every package again, unchanged.
        return {"incremental": False, "rows": CKAN_ROWS}
    return {"max_pages": catalogue.pages + 10}


def source_url(kind: str, base_url: str) -> str:
    return f"{base_url}/api/3/action/" if kind == "ckan" else f"{base_url}/catalog.ttl?page=1"


def harvest_settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        harvest_from="live",
        allow_private_urls=True,  # the catalogue is served on 127.0.0.1
        harvest_min_interval=0.0,
        harvest_time_limit=24 * 3600.0,
    )


@contextmanager
def database(template: Path, target: Path) -> Iterator[tuple[Settings, Session]]:
    """A fresh migrated SQLite database (a copy of ``template``): its settings and a session."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    settings = harvest_settings(f"sqlite:///{target}")
    engine = make_engine(settings)
    try:
        with Session(engine) as session:
            yield settings, session
    finally:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)


def migrated_template(folder: Path) -> Path:
    template = folder / "template.db"
    if not template.exists():
        upgrade(harvest_settings(f"sqlite:///{template}"))
    return template


def timed_run(
    session: Session,
    settings: Settings,
    name: str,
    catalogue: Catalogue,
    profiler: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    """One ``run_source``, timed, with what the server answered meanwhile."""
    catalogue.reset_counters()
    gc.collect()
    with httpx.Client() as client, profiler() if profiler else nullcontext():
        wall, cpu = time.perf_counter(), time.process_time()
        run = run_source(session=session, settings=settings, name=name, client=client)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "seconds": wall,
        "cpu_seconds": cpu,
        "status": run.status,
        "message": run.message,
        "counts": dict(run.counts),
        "requests": dict(catalogue.served),
        "server_cpu_seconds": catalogue.server_cpu,
    }


def check(condition: bool, message: str) -> None:
    if not condition:
        raise GateFailed(message)


def harvest_pair(
    kind: str,
    catalogue: Catalogue,
    base_url: str,
    template: Path,
    workdir: Path,
    profile: Path | None = None,
) -> dict[str, Any]:
    """A fresh database, the first run and the re-run, both checked; their figures."""
    size, name = catalogue.size, f"bench-{kind}"
    with database(template, workdir / f"{kind}-{size}.db") as (settings, session):
        session.add(
            HarvestSource(
                name=name,
                kind=kind,
                url=source_url(kind, base_url),
                options=source_options(kind, catalogue),
            )
        )
        session.commit()
        first = timed_run(
            session, settings, name, catalogue, _profiler(profile, f"{kind}-{size}-first")
        )
        check(
            first["status"] == "succeeded" and first["counts"] == {"added": size},
            f"{kind} N={size}: first run {first['status']} {first['counts']} "
            f"({first['message']}), expected succeeded {{'added': {size}}}",
        )
        rerun = timed_run(
            session, settings, name, catalogue, _profiler(profile, f"{kind}-{size}-rerun")
        )
        check(
            rerun["status"] == "succeeded" and rerun["counts"] == {"unchanged": size},
            f"{kind} N={size}: re-run {rerun['status']} {rerun['counts']} "
            f"({rerun['message']}), expected succeeded {{'unchanged': {size}}}",
        )
        active = session.execute(
            select(func.count())
            .select_from(Dataset)
            .where(Dataset.status == RecordStatus.active.value)
        ).scalar_one()
        items = session.execute(select(func.count()).select_from(HarvestItem)).scalar_one()
        check(active == size, f"{kind} N={size}: {active} active datasets, expected {size}")
        check(items == 2 * size, f"{kind} N={size}: {items} harvest items, not {2 * size}")
    return {
        "first_seconds": first["seconds"],
        "rerun_seconds": rerun["seconds"],
        "ratio": rerun["seconds"] / first["seconds"],
        "cpu_ratio": (rerun["cpu_seconds"] - rerun["server_cpu_seconds"])
        / (first["cpu_seconds"] - first["server_cpu_seconds"]),
        "first_records_per_second": size / first["seconds"],
        "first_cpu_seconds": first["cpu_seconds"],
        "rerun_cpu_seconds": rerun["cpu_seconds"],
        # CPU of the process minus that of the local server's threads: the harvest's own.
        "first_harvest_cpu_seconds": first["cpu_seconds"] - first["server_cpu_seconds"],
        "rerun_harvest_cpu_seconds": rerun["cpu_seconds"] - rerun["server_cpu_seconds"],
        "first_server_cpu_seconds": first["server_cpu_seconds"],
        "rerun_server_cpu_seconds": rerun["server_cpu_seconds"],
        "first_counts": first["counts"],
        "rerun_counts": rerun["counts"],
        "first_requests": first["requests"],
        "rerun_requests": rerun["requests"],
        "datasets": active,
    }


def _profiler(folder: Path | None, label: str) -> Callable[[], Any] | None:
    """A context manager factory profiling one run with pyinstrument into ``folder/label.*``."""
    if folder is None:
        return None
    try:
        from pyinstrument import Profiler
    except ImportError:
        raise SystemExit("--profile needs pyinstrument importable (pip install it)") from None

    @contextmanager
    def profiled() -> Iterator[None]:
        profiler = Profiler(interval=0.002)
        profiler.start()
        try:
            yield
        finally:
            profiler.stop()
            folder.mkdir(parents=True, exist_ok=True)
            stem = folder / label
            stem.with_suffix(".txt").write_text(
                profiler.output_text(unicode=True, color=False, show_all=False)
            )
            stem.with_suffix(".html").write_text(profiler.output_html())

    return profiled


def warm_up(kind: str, catalogue: Catalogue, base_url: str, template: Path, workdir: Path) -> None:
    """A discarded harvest of the first items: imports, vocabularies and caches loaded."""
    with database(template, workdir / f"warmup-{kind}.db") as (settings, session):
        options = {**source_options(kind, catalogue), "max_items": WARMUP_ITEMS}
        url = source_url(kind, base_url)
        session.add(HarvestSource(name="warm-up", kind=kind, url=url, options=options))
        session.commit()
        with httpx.Client() as client:
            run = run_source(session=session, settings=settings, name="warm-up", client=client)
        check(run.status == "succeeded", f"{kind} warm-up run {run.status}: {run.message}")


# -- a size, every kind -------------------------------------------------------------------------


def _summary(values: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def measure(
    *,
    size: int,
    seed: int = 42,
    kinds: Sequence[str] = KINDS,
    reps: int = 1,
    workdir: Path,
    files: bool = True,
    warmup: bool = True,
    profile: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Serve a catalogue of ``size`` datasets and measure each kind ``reps`` times; one result
    per kind. Raises :class:`GateFailed` when a run does not store what it should."""
    say = progress or (lambda _: None)
    catalogue = Catalogue(size=size, seed=seed, files=files, page_size=DCAT_PAGE_SIZE)
    started = time.perf_counter()
    catalogue.records  # noqa: B018 - generated before the server starts
    generated = time.perf_counter() - started
    template = migrated_template(workdir)
    results = []
    with serve(catalogue) as base_url:
        catalogue.warm(CKAN_ROWS)
        say(f"N={size}: catalogue generated in {generated:.1f} s, served at {base_url}")
        for kind in kinds:
            if warmup:
                warm_up(kind, catalogue, base_url, template, workdir)
            pairs = []
            for rep in range(reps):
                pair = harvest_pair(
                    kind,
                    catalogue,
                    base_url,
                    template,
                    workdir,
                    profile if rep == 0 else None,
                )
                pairs.append(pair)
                say(
                    f"  {kind} N={size} rep {rep + 1}/{reps}: first {pair['first_seconds']:.2f} s"
                    f" ({pair['first_records_per_second']:.0f} rec/s), re-run"
                    f" {pair['rerun_seconds']:.2f} s, ratio {pair['ratio']:.3f}"
                )
            summary = {
                key: _summary([p[key] for p in pairs])
                for key in (
                    "first_seconds",
                    "rerun_seconds",
                    "ratio",
                    "cpu_ratio",
                    "first_records_per_second",
                )
            }
            results.append(
                {
                    "kind": kind,
                    "size": size,
                    "reps": reps,
                    "gate": "passed",
                    "runs": pairs,
                    **summary,
                    "target_ratio_met": summary["ratio"]["median"] <= TARGET_RATIO,
                    "target_first_rate_met": summary["first_records_per_second"]["median"]
                    >= TARGET_FIRST_RATE,
                }
            )
    return results


# -- report -------------------------------------------------------------------------------------


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def environment() -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "sqlite": sqlite3.sqlite_version,
        **{
            name: _version(name)
            for name in ("rdflib", "sqlalchemy", "sqlmodel", "pydantic", "httpx")
        },
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def report(
    results: list[dict[str, Any]],
    *,
    sizes: Sequence[int],
    seed: int,
    files: bool,
    reps: Sequence[int] | None = None,
) -> dict[str, Any]:
    return {
        "benchmark": "harvest",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "sizes": list(sizes),
        "reps": list(reps) if reps is not None else None,
        "seed": seed,
        "kinds": sorted({r["kind"] for r in results}),
        "files_served_and_profiled": files,
        "ckan_rows": CKAN_ROWS,
        "dcat_page_size": DCAT_PAGE_SIZE,
        "server": "http.server.ThreadingHTTPServer, 127.0.0.1, a thread of the benchmark "
        "process, HTTP/1.1 keep-alive, every answer pre-rendered",
        "database": "SQLite file (WAL), a fresh migrated copy per first/re-run pair",
        "targets": {
            "rerun_ratio_max": TARGET_RATIO,
            "first_records_per_second_min": TARGET_FIRST_RATE,
        },
        "environment": environment(),
        "results": results,
    }


def table(results: list[dict[str, Any]]) -> str:
    head = (
        f"{'kind':<5} {'N':>7} {'reps':>4} {'first s':>9} {'rec/s':>7} {'re-run s':>9} "
        f"{'ratio':>7} {'(min-max)':>13} {'cpu ratio':>9}  target"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        ratio = r["ratio"]
        lines.append(
            f"{r['kind']:<5} {r['size']:>7,} {r['reps']:>4} {r['first_seconds']['median']:>9.2f} "
            f"{r['first_records_per_second']['median']:>7.0f} "
            f"{r['rerun_seconds']['median']:>9.2f} {ratio['median']:>7.3f} "
            f"{ratio['min']:>6.3f}-{ratio['max']:<6.3f} {r['cpu_ratio']['median']:>9.3f}  "
            f"{'met' if r['target_ratio_met'] else 'MISSED'} (<= {TARGET_RATIO:.0%})"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, nargs="+", default=[10_000], help="catalogue sizes")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument(
        "--reps",
        type=int,
        nargs="+",
        help="pairs per size (one value, or one per size); default 5 up to 1k, 3 up to 10k, else 1",
    )
    parser.add_argument("--out", type=Path, help="JSON file (default bench/results/harvest-<date>)")
    parser.add_argument(
        "--no-files", action="store_true", help="only PDF/HTML/DOCX resources: nothing profiled"
    )
    parser.add_argument("--no-warmup", action="store_true", help="skip the discarded warm-up")
    parser.add_argument("--profile", type=Path, help="folder for pyinstrument profiles (rep 1)")
    parser.add_argument("--workdir", type=Path, help="folder for the databases (default: temp)")
    args = parser.parse_args(argv)

    reps = args.reps or [default_reps(s) for s in args.size]
    if len(reps) == 1:
        reps = reps * len(args.size)
    if len(reps) != len(args.size):
        parser.error("--reps takes one value or one per --size")
    out = args.out or ROOT / "bench" / "results" / f"harvest-{datetime.now():%Y-%m-%d}.json"

    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-harvest-", dir=args.workdir) as scratch:
        for size, count in zip(args.size, reps, strict=True):
            results += measure(
                size=size,
                seed=args.seed,
                kinds=args.kinds,
                reps=count,
                workdir=Path(scratch),
                files=not args.no_files,
                warmup=not args.no_warmup,
                profile=args.profile,
                progress=lambda line: print(line, flush=True),
            )
    document = report(results, sizes=args.size, seed=args.seed, files=not args.no_files, reps=reps)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2) + "\n")
    print()
    print(table(results))
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
