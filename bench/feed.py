"""Feed benchmark: DCAT catalogue pages over HTTP and the full dump, against the rdflib Graph path.

    python bench/feed.py [--sizes 10000 100000] [--seed 42] [--reps 30] [--baseline-reps 10]
                         [--out bench/results/feed-<date>.json] [--quick] [--no-uvicorn]

For each size N a migrated SQLite file loaded with N generated records (``bench/gen.py``, through
the real write path) is taken from ``bench/.cache/`` (built and cached by ``bench/search.py``'s
``build_sqlite``, keyed by N, seed and what the write path stores).

Pages (B1-B3 of the performance plan): ``/catalog.{ttl,nt,jsonld,rdf}?page=P`` for the first, a
middle and the last page, requested through ``create_app(Settings(database_url=...))``:

* ``testclient``: in process with Starlette's ``TestClient`` (ASGI, no sockets);
* ``uvicorn``: end to end, uvicorn (1 worker) on 127.0.0.1 in a child process + httpx, one
  connection, requests in sequence (skipped with ``--no-uvicorn``; the server is stopped by PID):
  what a Python harvester waits, its client's parsing and decompressing included;
* ``wire``: a second such server, read with ``http.client``, the body taken off the socket as sent
  (not decompressed): the server's and the network's time without a client's;
* ``pure``: when the writing path is compiled (``registry speedups``), ``uvicorn`` once more
  with ``REGISTRY_PURE=1``, so the build's gain is measured in the same repetitions.

Every answer carries ``Server-Timing: app;dur=…``, the app's own time until the response began
(for these whole-body pages: reading, rendering and compressing), reported as ``app``.

Each repetition requests the page through every client in turn (all servers are up at once),
then, in the same process, renders the same page's 100 records twice more: ``write()`` (our
streaming serialiser, no DB, no HTTP) and the baseline ``to_graph(...).serialize(format=...)``
(the rdflib Graph path: turtle, nt, pretty-xml (what ckanext-dcat serves for RDF/XML),
json-ld). Ratios are medians of paired ratios baseline / ours. The first repetition is a
warm-up and is discarded; GC is collected before, and disabled during, each timed call.
Before timing, the HTTP body of every format's first page is parsed by rdflib and must be
isomorphic to the baseline graph (a mismatch is reported and the run exits non-zero).

Dump (B4): ``registry.catalog_dump.write_dump(fmt="nt", profile="dcat-ap-3")`` written to a temp
file, in a child process per run, once in one process (``jobs=1``) and once with the processes
it chooses for N (``jobs=None``: one per 20,000 records, at most one per CPU and 4): wall seconds,
datasets/s, bytes, and resident memory sampled while writing, the child's and its largest
worker's (``getrusage`` peaks are kept in the JSON as upper bounds only: Linux carries a peak
across fork and exec). At N <= 10k the rdflib baseline
(``catalogue_graph(...).serialize(format="nt")``) runs too, also in a child, with a time limit.

The report ends with the targets (``targets`` in the JSON): the worst Turtle page of each size
under 20 ms through uvicorn, rendering at least 30 times faster than rdflib, the 100k
N-Triples dump under 15 s, and its memory flat from the smallest size to the largest, each
with this run's reading. The machine's pace varies; the rdflib figures of the same run show it.

This is a benchmark, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import rdflib
from rdflib.compare import isomorphic
from sqlmodel import Session

from registry import feed
from registry.config import Settings
from registry.db import make_engine
from schemas.dcat import COMPILED, to_graph, write

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE_DIR = BENCH / ".cache"
RESULTS_DIR = BENCH / "results"
BASE_URI = "http://registry.bench"
FORMATS = ("ttl", "nt", "jsonld", "rdf")
# rdflib's name for each format; RDF/XML as ckanext-dcat serves it (pretty-xml).
RDFLIB_OUT = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "pretty-xml"}
RDFLIB_IN = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}
PROFILE = "dcat-ap-3"
DUMP_BASELINE_MAX_N = 10_000
DUMP_TIMEOUT_S = 600.0
SERVER_START_TIMEOUT_S = 60.0
PACKAGES = (
    "rdflib",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "sqlalchemy",
    "sqlmodel",
    "pydantic",
    "pydantic-core",
    "orjson",
)


# -- statistics -----------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100), linear between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def stats(seconds: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(seconds),
        "median_ms": round(percentile(seconds, 50) * 1000, 3),
        "p95_ms": round(percentile(seconds, 95) * 1000, 3),
        "min_ms": round(min(seconds) * 1000, 3) if seconds else float("nan"),
        "max_ms": round(max(seconds) * 1000, 3) if seconds else float("nan"),
    }


def paired_ratio(baseline: Sequence[float], ours: Sequence[float]) -> float | None:
    pairs = [b / o for b, o in zip(baseline, ours, strict=False) if o > 0]
    return round(statistics.median(pairs), 2) if pairs else None


@contextmanager
def no_gc() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    with no_gc():
        started = time.perf_counter()
        value = call()
        return time.perf_counter() - started, value


# -- databases -------------------------------------------------------------------------------------


def _bench_module(name: str) -> Any:
    """bench/<name>.py (bench/ is not a package; search.py imports gen by name)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return __import__(name)


def build_db(n: int, seed: int, cache_dir: Path = CACHE_DIR) -> dict[str, Any]:
    """A loaded SQLite file for (n, seed), from bench/search.py's cache (built there if missing)."""
    built = _bench_module("search").build_sqlite(n, seed, cache_dir)
    return {
        "url": built.url,
        "load_seconds": round(built.load_seconds, 2),
        "load_cached": built.cached,
        "db_bytes": built.db_bytes,
    }


def load_db(url: str, n: int, seed: int) -> None:
    """Load n generated records into the migrated (empty) database at url (for small runs)."""
    engine = make_engine(Settings(database_url=url))
    try:
        _bench_module("search").load_records(engine, n, seed)
    finally:
        engine.dispose()


# -- one page: what the endpoint renders, and the baseline ---------------------------------------


@dataclass
class PageInputs:
    """Exactly what ``/catalog.{fmt}?page=P`` passes to ``write()``."""

    page: int
    pages: int
    records: list[Any]
    kwargs: dict[str, Any]


def page_inputs(session: Session, settings: Settings, fmt: str, page: int) -> PageInputs:
    """The records, catalogue and paging of one feed page, built as registry/api/catalog.py does."""
    query = feed.FeedQuery(page=page, profile=PROFILE)
    found = feed.feed_page(session=session, search=None, order=feed.FeedOrder(), query=query)  # type: ignore[arg-type]
    path = f"/catalog.{fmt}"
    urls = {
        n: f"{settings.base_uri}{path}?" + urlencode([("page", str(n))])
        for n in {1, found.pages, found.page, found.page - 1, found.page + 1}
        if 1 <= n <= found.pages
    }
    return PageInputs(
        page=page,
        pages=found.pages,
        records=found.records,
        kwargs={
            "base_uri": settings.base_uri,
            "profile": PROFILE,
            "catalog": feed.catalog_info(settings, found.last_modified),
            "page": feed.page_info(urls, found),
        },
    )


def render_ours(inputs: PageInputs, fmt: str) -> str:
    return "".join(write(inputs.records, fmt, **inputs.kwargs))


def baseline_graph(inputs: PageInputs) -> rdflib.Graph:
    return to_graph(inputs.records, **inputs.kwargs)


def render_baseline(inputs: PageInputs, fmt: str) -> str:
    return baseline_graph(inputs).serialize(format=RDFLIB_OUT[fmt])


def check_page(body: bytes, inputs: PageInputs, fmt: str) -> dict[str, Any]:
    """Our HTTP body, parsed by rdflib, against the baseline graph of the same records."""
    ours = rdflib.Graph().parse(data=body, format=RDFLIB_IN[fmt], publicID=BASE_URI)
    reference = baseline_graph(inputs)
    return {
        "format": fmt,
        "page": inputs.page,
        "triples_ours": len(ours),
        "triples_baseline": len(reference),
        "isomorphic": isomorphic(ours, reference),
    }


# -- HTTP clients ----------------------------------------------------------------------------------


Get = Callable[[str], tuple[bytes, float | None]]


def server_ms(header: str | None) -> float | None:
    """The app's own time from ``Server-Timing: app;dur=…`` (milliseconds), if given."""
    for metric in (header or "").split(","):
        name, _, params = metric.strip().partition(";")
        if name == "app" and params.startswith("dur="):
            return float(params.removeprefix("dur="))
    return None


def _getter(client: Any) -> Get:
    """``get`` through an httpx-style client (httpx's, or Starlette's TestClient)."""

    def get(path: str) -> tuple[bytes, float | None]:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code} {response.text[:200]}")
        return response.content, server_ms(response.headers.get("server-timing"))

    return get


@contextmanager
def testclient(url: str, encoding: str = "gzip") -> Iterator[Get]:
    from fastapi.testclient import TestClient

    from registry.app import create_app

    app = create_app(Settings(database_url=url, base_uri=BASE_URI))
    with TestClient(app, headers={"Accept-Encoding": encoding}) as client:
        yield _getter(client)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _uvicorn(url: str, **environ: str) -> Iterator[int]:
    """uvicorn (1 worker, factory create_app) on 127.0.0.1 in a child; yields its port once
    ``/healthz`` answers. The child is stopped by PID."""
    port = _free_port()
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": url,
        "REGISTRY_BASE_URI": BASE_URI,
        "REGISTRY_LOG_LEVEL": "warning",
        **environ,
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "registry.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {server.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    if probe.recv(64).startswith(b"HTTP/1.1 200"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start in time")
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@contextmanager
def uvicorn_server(url: str, encoding: str = "gzip", **environ: str) -> Iterator[Get]:
    """uvicorn with httpx as the client, one connection, requests in sequence: what a Python
    harvester sees, its own parsing and decompressing included."""
    import httpx

    with (
        _uvicorn(url, **environ) as port,
        httpx.Client(
            base_url=f"http://127.0.0.1:{port}", timeout=60.0, headers={"Accept-Encoding": encoding}
        ) as client,
    ):
        yield _getter(client)


@contextmanager
def wire_client(url: str, encoding: str = "gzip") -> Iterator[Get]:
    """uvicorn with the standard library's ``http.client``: the body read off the socket as
    sent (not decompressed), so the time is the server's and the network's, not a client's."""
    import http.client

    with _uvicorn(url) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:

            def get(path: str) -> tuple[bytes, float | None]:
                connection.request("GET", path, headers={"Accept-Encoding": encoding})
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
                return body, server_ms(response.getheader("server-timing"))

            yield get
        finally:
            connection.close()


@contextmanager
def pure_server(url: str, encoding: str = "gzip") -> Iterator[Get]:
    """``uvicorn`` with the writing path as pure Python (``REGISTRY_PURE=1``): beside a
    compiled ``uvicorn``, what ``registry speedups`` gains, in the same repetitions."""
    with uvicorn_server(url, encoding, REGISTRY_PURE="1") as get:
        yield get


CLIENTS = {
    "testclient": testclient,
    "uvicorn": uvicorn_server,
    "wire": wire_client,
    "pure": pure_server,
}


# -- measuring pages -------------------------------------------------------------------------------


def page_numbers(pages: int) -> dict[str, int]:
    return {"first": 1, "middle": max(1, (pages + 1) // 2), "last": pages}


def measure_pages(
    url: str,
    *,
    reps: int = 30,
    baseline_reps: int = 10,
    clients: Sequence[str] = ("testclient",),
    formats: Sequence[str] = FORMATS,
    encoding: str = "gzip",
) -> dict[str, Any]:
    """Per format and page: HTTP latency per client, our render, the baseline; paired ratios.

    ``reps`` timed repetitions after one warm-up; the baseline is timed on the first
    ``baseline_reps`` of them (it is ~100x slower). The clients send ``Accept-Encoding:
    encoding`` (``gzip``, as harvesters do, includes compressing and decompressing the page;
    ``identity`` measures the page alone). Returns the report's ``pages`` section."""
    settings = Settings(database_url=url, base_uri=BASE_URI)
    engine = make_engine(settings)
    result: dict[str, Any] = {
        "reps": reps,
        "baseline_reps": baseline_reps,
        "clients": list(clients),
        "accept_encoding": encoding,
        "baseline": {f: f"to_graph(...).serialize(format={RDFLIB_OUT[f]!r})" for f in formats},
        "correctness": [],
        "formats": {},
    }
    try:
        with Session(engine) as session:
            total_pages = page_inputs(session, settings, "ttl", 1).pages
            numbers = page_numbers(total_pages)
            inputs = {
                (fmt, where): page_inputs(session, settings, fmt, number)
                for fmt in formats
                for where, number in numbers.items()
            }
        result["total_pages"] = total_pages
        result["page_numbers"] = numbers
        with ExitStack() as stack:
            # Every client open at once (an idle server costs nothing), so that each
            # repetition times them all back to back: the VM's speed drifts by minutes, and
            # clients measured one after another would be measured on different machines.
            gets = {name: stack.enter_context(CLIENTS[name](url, encoding)) for name in clients}
            for fmt in formats:
                body, _ = gets[clients[0]](f"/catalog.{fmt}?page=1")
                result["correctness"].append(check_page(body, inputs[fmt, "first"], fmt))
            for fmt in formats:
                per_format = result["formats"].setdefault(fmt, {})
                for where, number in numbers.items():
                    per_format[where] = {
                        "page": number,
                        **_measure_one(
                            gets,
                            f"/catalog.{fmt}?page={number}",
                            inputs[fmt, where],
                            fmt,
                            reps=reps,
                            baseline_reps=baseline_reps,
                        ),
                    }
    finally:
        engine.dispose()
    result["isomorphic"] = all(c["isomorphic"] for c in result["correctness"])
    return result


def _measure_one(
    gets: dict[str, Get],
    path: str,
    inputs: PageInputs,
    fmt: str,
    *,
    reps: int,
    baseline_reps: int,
) -> dict[str, Any]:
    """Each repetition: every client, then our render, then (the first ``baseline_reps``) the
    rdflib baseline; so every ratio pairs samples taken seconds apart."""
    http: dict[str, list[float]] = {name: [] for name in gets}
    server: dict[str, list[float]] = {name: [] for name in gets}
    size: dict[str, int] = {}
    render: list[float] = []
    base: list[float] = []
    for rep in range(reps + 1):  # rep 0 is the warm-up
        for name, get in gets.items():
            seconds, (body, app_ms) = timed(lambda get=get: get(path))
            size[name] = len(body)
            if rep:
                http[name].append(seconds)
                if app_ms is not None:
                    server[name].append(app_ms / 1000)
        seconds, _ = timed(lambda: render_ours(inputs, fmt))
        if rep:
            render.append(seconds)
        if rep <= baseline_reps:
            seconds, _ = timed(lambda: render_baseline(inputs, fmt))
            if rep:
                base.append(seconds)
    row: dict[str, Any] = {
        "records": len(inputs.records),
        "render_ours": stats(render),
        "baseline": stats(base),
        "ratio_baseline_over_render": paired_ratio(base, render),
    }
    for name in gets:
        row[f"http_{name}"] = {**stats(http[name]), "bytes": size[name]}
        if server[name]:
            row[f"server_{name}"] = stats(server[name])
        row[f"ratio_baseline_over_http_{name}"] = paired_ratio(base, http[name])
    return row


# -- measuring the dump ----------------------------------------------------------------------------


def _dump_child(url: str, fmt: str, kind: str, out: str, jobs: str = "1") -> dict[str, Any]:
    """Runs in a child process: one dump to ``out``; prints a JSON line of what it cost.
    ``jobs``: processes for ``registry.catalog_dump.write_dump`` ("auto" lets it choose)."""
    from registry.catalog_dump import catalogue_graph, write_dump

    settings = Settings(database_url=url, base_uri=BASE_URI)
    engine = make_engine(settings)
    gc.collect()
    rss = _RssSampler(_rss_kb())
    cpu_started = time.process_time()
    started = time.perf_counter()
    used = 1
    if kind == "ours":
        with open(out, "w", encoding="utf-8") as sink:
            used = write_dump(
                rss.watching(sink),
                settings=settings,
                fmt=fmt,
                profile=PROFILE,
                jobs=None if jobs == "auto" else int(jobs),
            )
    else:
        with Session(engine) as session:
            graph = catalogue_graph(session=session, settings=settings, profile=PROFILE)
            rss.sample()
            graph.serialize(destination=out, format=RDFLIB_OUT[fmt], encoding="utf-8")
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    rss.sample()
    engine.dispose()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "jobs": used,
        "bytes": os.path.getsize(out),
        "rss_before_kb": rss.start,
        "rss_during_max_kb": rss.most,
        "workers_rss_during_max_kb": rss.workers_most,  # 0 when no worker ran
        # An upper bound only: on Linux it includes what the launching process held.
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


class _RssSampler:
    """Resident memory sampled every :data:`RSS_EVERY` chunks written: this process's, and
    the largest of its child processes' (a parallel dump's workers). Sampled, because
    ``getrusage``'s peak is no use here: Linux carries a process's peak across fork and exec,
    so a child reports at least what its parent held when it was started."""

    def __init__(self, start: int) -> None:
        self.start = self.most = start
        self.workers_most = 0

    def sample(self) -> None:
        self.most = max(self.most, _rss_kb())
        self.workers_most = max(self.workers_most, _children_rss_kb())

    def watching(self, sink: Any) -> Any:
        sampler = self

        class Watched:
            written = 0

            def write(self, text: str) -> int:
                self.written += 1
                if self.written % RSS_EVERY == 0:
                    sampler.sample()
                return sink.write(text)

            def writelines(self, texts: Any) -> None:
                for text in texts:
                    self.write(text)

            def flush(self) -> None:
                sink.flush()

            def fileno(self) -> int:
                return sink.fileno()

        return Watched()


RSS_EVERY = 200  # chunks (records) between two samples of the dump's resident memory


def _statm_kb(process: Path) -> int:
    """Resident memory now of the process whose /proc folder this is."""
    statm = (process / "statm").read_text(encoding="ascii")
    return int(statm.split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _children_rss_kb() -> int:
    """The largest resident memory among this process's children now (Linux /proc; 0 else)."""
    me, most = str(os.getpid()), 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii").rsplit(")", 1)[1].split()
            if fields[1] == me:  # the parent pid
                most = max(most, _statm_kb(stat.parent))
        except (OSError, IndexError, ValueError):
            continue
    return most


def _rss_kb() -> int:
    """Resident memory now (Linux /proc; ru_maxrss only gives the peak, which imports set)."""
    try:
        return _statm_kb(Path("/proc/self"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_dump(
    url: str, n: int, fmt: str = "nt", kind: str = "ours", jobs: str = "1", *, pure: bool = False
) -> dict[str, Any]:
    """One dump in a child process (so its peak RSS is its own); ``pure``: the writing path
    as Python even when compiled."""
    env = {**os.environ, "REGISTRY_PURE": "1"} if pure else None
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / f"dump.{fmt}"
        command = [sys.executable, __file__, "--dump-child", url, fmt, kind, str(out), jobs]
        started = time.perf_counter()
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=DUMP_TIMEOUT_S,
            check=False,
            cwd=ROOT,
            env=env,
        )
        wall = time.perf_counter() - started
        if done.returncode:
            raise RuntimeError(f"dump child failed: {done.stderr[-2000:]}")
        child = json.loads(done.stdout.strip().splitlines()[-1])
        triples = _count_lines(out) if fmt == "nt" else None
    return {
        "kind": kind,
        "format": fmt,
        "n": n,
        "jobs": child["jobs"],
        "seconds": round(child["seconds"], 3),
        "cpu_seconds": round(child["cpu_seconds"], 3),  # this process only, not its workers
        "process_wall_seconds": round(wall, 3),
        "datasets_per_s": round(n / child["seconds"]) if child["seconds"] else None,
        "bytes": child["bytes"],
        "triples": triples,
        "rss_before_mb": round(child["rss_before_kb"] / 1024, 1),
        "rss_during_max_mb": round(child["rss_during_max_kb"] / 1024, 1),
        "rss_growth_mb": round((child["rss_during_max_kb"] - child["rss_before_kb"]) / 1024, 1),
        "workers_rss_during_max_mb": round(child["workers_rss_during_max_kb"] / 1024, 1),
        "peak_rss_mb": round(child["peak_rss_kb"] / 1024, 1),
    }


def _count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            count += block.count(b"\n")
    return count


def measure_dump(url: str, n: int, *, runs: int = 1, baseline: bool = True) -> dict[str, Any]:
    """One process (``jobs`` 1) and as many as ``write_dump`` chooses for N (``auto``), one
    process as pure Python when the writing path is compiled (``pure``), then the rdflib
    baseline at N <= DUMP_BASELINE_MAX_N."""
    result: dict[str, Any] = {}
    variants = [("ours", "1", False), ("parallel", "auto", False)]
    variants += [("pure", "1", True)] if COMPILED else []
    for name, jobs, pure in variants:
        done = [run_dump(url, n, "nt", "ours", jobs, pure=pure) for _ in range(runs)]
        median = round(statistics.median(r["seconds"] for r in done), 3)
        result[name] = done
        result[f"{name}_median_seconds"] = median
        result[f"{name}_jobs"] = done[0]["jobs"]
        result[f"{name}_peak_rss_mb"] = max(r["peak_rss_mb"] for r in done)
        result[f"{name}_rss_during_max_mb"] = max(r["rss_during_max_mb"] for r in done)
        result[f"{name}_workers_rss_during_max_mb"] = max(
            r["workers_rss_during_max_mb"] for r in done
        )
        result[f"{name}_datasets_per_s"] = round(n / median)
        result[f"{name}_best"] = min(done, key=lambda r: r["seconds"])
    result["baseline"] = None
    if baseline and n <= DUMP_BASELINE_MAX_N:
        try:
            result["baseline"] = run_dump(url, n, "nt", "rdflib")
            result["ratio_baseline_over_ours"] = round(
                result["baseline"]["seconds"] / result["ours_median_seconds"], 2
            )
        except subprocess.TimeoutExpired:
            result["baseline"] = {"timed_out_after_s": DUMP_TIMEOUT_S}
    return result


# -- report ----------------------------------------------------------------------------------------

# The targets (issue 4), read off this run: reported, never asserted.
PAGE_TARGET_MS = 20.0
RENDER_TARGET_RATIO = 30.0
DUMP_TARGET_N, DUMP_TARGET_S = 100_000, 15.0
FLAT_FACTOR = 1.5  # "flat": the largest size's resident memory within this of the smallest's


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with this run's reading: the worst Turtle page (first, middle, last) of each
    size through the first real HTTP client, the worst render ratio, the 100k N-Triples dump in
    one process and in the processes it chooses, and the dump's memory from smallest to largest
    size. ``met`` is None where this run did not measure it."""
    rows: list[dict[str, Any]] = []
    for size in result["sizes"]:
        pages = size.get("pages")
        if not pages or "ttl" not in pages["formats"]:
            continue
        client = next((c for c in pages["clients"] if c != "testclient"), pages["clients"][0])
        ttl = pages["formats"]["ttl"].values()
        worst = max(row[f"http_{client}"]["median_ms"] for row in ttl)
        rows.append(
            _target(
                f"Turtle page p50 < {PAGE_TARGET_MS:g} ms",
                size["n"],
                client,
                round(worst, 2),
                worst < PAGE_TARGET_MS,
            )
        )
        ratios = [row["ratio_baseline_over_render"] for row in ttl]
        low = min((r for r in ratios if r is not None), default=None)
        rows.append(
            _target(
                f"Turtle render >= {RENDER_TARGET_RATIO:g}x rdflib",
                size["n"],
                "render",
                low,
                None if low is None else low >= RENDER_TARGET_RATIO,
            )
        )
    for size in result["sizes"]:
        dump = size.get("dump")
        if size["n"] != DUMP_TARGET_N or not dump:
            continue
        for name in ("ours", "parallel"):
            seconds = dump[f"{name}_median_seconds"]
            rows.append(
                _target(
                    f"{DUMP_TARGET_N // 1000}k N-Triples dump < {DUMP_TARGET_S:g} s",
                    size["n"],
                    f"{dump[f'{name}_jobs']} process(es)",
                    seconds,
                    seconds < DUMP_TARGET_S,
                )
            )
    dumped = [size for size in result["sizes"] if size.get("dump")]
    if len(dumped) > 1:
        small, large = dumped[0]["dump"], dumped[-1]["dump"]
        first = small["ours_rss_during_max_mb"]
        last = large["ours_rss_during_max_mb"]
        rows.append(
            _target(
                f"dump memory flat (within {FLAT_FACTOR:g}x)",
                dumped[-1]["n"],
                f"{dumped[0]['n']:,} -> {dumped[-1]['n']:,}",
                [first, last],
                last <= first * FLAT_FACTOR,
            )
        )
    return rows


def _target(name: str, n: int, measured: str, reading: Any, met: bool | None) -> dict[str, Any]:
    return {"target": name, "n": n, "measured": measured, "reading": reading, "met": met}


def environment(args: argparse.Namespace) -> dict[str, Any]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        # The writing path compiled by `registry speedups` (mypyc), or pure Python; the
        # uvicorn child and the dump's children find the same build.
        "compiled": COMPILED,
        "seed": args.seed,
        "sizes": args.sizes,
        "reps": args.reps,
        "baseline_reps": args.baseline_reps,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "libraries": versions,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "percentiles": "linear between closest ranks over timed repetitions (warm-up dropped)",
        "ratios": "median of paired ratios baseline/ours, same process, interleaved",
    }


def table(result: dict[str, Any]) -> str:
    compiled = result["environment"].get("compiled")
    lines = [f"writing path: {'compiled (registry speedups)' if compiled else 'pure Python'}"]
    for size in result["sizes"]:
        if "pages" not in size:
            lines.append(f"\nN = {size['n']:,}")
            _dump_lines(size, lines)
            continue
        pages = size["pages"]
        lines.append(
            f"\nN = {size['n']:,}  ({pages['total_pages']} pages; "
            f"db {size['db']['db_bytes'] / 1e6:.0f} MB)  isomorphic: {pages['isomorphic']}"
        )
        clients = pages["clients"]
        head = f"{'fmt':<7}{'page':<8}"
        for c in clients:
            head += f"{c + ' p50':>16}{'p95':>8}{'app p50':>8}"
        head += f"{'render p50':>11}{'rdflib p50':>11}{'x http':>8}{'x render':>9}"
        lines.append(head)
        for fmt, rows in pages["formats"].items():
            for where, row in rows.items():
                line = f"{fmt:<7}{where + ' ' + str(row['page']):<8}"
                for c in clients:
                    h, app = row[f"http_{c}"], row.get(f"server_{c}", {})
                    line += f"{h['median_ms']:>16.2f}{h['p95_ms']:>8.2f}"
                    line += f"{app.get('median_ms', float('nan')):>8.2f}"
                line += (
                    f"{row['render_ours']['median_ms']:>11.2f}{row['baseline']['median_ms']:>11.1f}"
                    f"{row['ratio_baseline_over_http_' + clients[0]] or float('nan'):>8.1f}"
                    f"{row['ratio_baseline_over_render'] or float('nan'):>9.1f}"
                )
                lines.append(line)
        _dump_lines(size, lines)
    if result.get("targets"):
        lines.append("\ntargets (this run; the rdflib figures above show the machine's pace):")
        for row in result["targets"]:
            verdict = {True: "met", False: "NOT met", None: "not measured"}[row["met"]]
            lines.append(
                f"  {row['target']:<34} N={row['n']:<8,} {row['measured']:<14} "
                f"{row['reading']!s:<14} {verdict}"
            )
    return "\n".join(lines)


def _dump_lines(size: dict[str, Any], lines: list[str]) -> None:
    dump = size.get("dump")
    if not dump:
        return
    for name in ("ours", "parallel", "pure"):
        if f"{name}_best" not in dump:
            continue
        best = dump[f"{name}_best"]
        lines.append(
            f"dump nt{' as pure Python' if name == 'pure' else ''}, "
            f"{dump[f'{name}_jobs']} process(es): {dump[f'{name}_median_seconds']:.2f} s,"
            f" {dump[f'{name}_datasets_per_s']:,} datasets/s, {best['bytes'] / 1e6:.0f} MB, "
            f"{best['triples']:,} triples, RSS during dump max {best['rss_during_max_mb']} MB "
            f"(at start {best['rss_before_mb']} MB), largest worker "
            f"{dump[f'{name}_workers_rss_during_max_mb']} MB"
        )
    base = dump.get("baseline")
    if base and "seconds" in base:
        lines.append(
            f"dump nt rdflib: {base['seconds']:.2f} s, {base['datasets_per_s']:,} "
            f"datasets/s, RSS max {base.get('rss_during_max_mb')} MB, process peak "
            f"{base['peak_rss_mb']} MB; ratio (one process) "
            f"{dump['ratio_baseline_over_ours']}x"
        )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--dump-child"]:
        print(json.dumps(_dump_child(*argv[1:6])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--baseline-reps", type=int, default=10)
    parser.add_argument("--dump-runs", type=int, default=1)
    parser.add_argument("--no-uvicorn", action="store_true", help="in-process TestClient only")
    parser.add_argument("--no-dump", action="store_true")
    parser.add_argument("--no-pages", action="store_true", help="the dump only")
    parser.add_argument("--no-dump-baseline", action="store_true")
    parser.add_argument(
        "--quick", action="store_true", help="5 reps, 3 baseline reps, no uvicorn (for iterating)"
    )
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    parser.add_argument(
        "--accept-encoding",
        choices=("gzip", "identity"),
        default="gzip",
        help="what the HTTP clients accept: gzip (as harvesters send) or identity",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.reps, args.baseline_reps, args.no_uvicorn = 5, 3, True
    clients: tuple[str, ...] = ("testclient",)
    if not args.no_uvicorn:
        clients += ("uvicorn", "wire", "pure") if COMPILED else ("uvicorn", "wire")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = args.out or RESULTS_DIR / f"feed-{stamp}.json"
    result: dict[str, Any] = {"environment": environment(args), "sizes": []}
    ok = True
    for n in args.sizes:
        print(f"N = {n:,}: database ...", file=sys.stderr, flush=True)
        db = build_db(n, args.seed, args.cache_dir)
        size: dict[str, Any] = {"n": n, "db": db}
        if not args.no_pages:
            print(f"N = {n:,}: pages ...", file=sys.stderr, flush=True)
            size["pages"] = measure_pages(
                db["url"],
                reps=args.reps,
                baseline_reps=args.baseline_reps,
                clients=clients,
                encoding=args.accept_encoding,
            )
            ok = ok and size["pages"]["isomorphic"]
            out.parent.mkdir(parents=True, exist_ok=True)  # kept even if the dump fails
            out.write_text(json.dumps({**result, "sizes": [*result["sizes"], size]}, indent=1))
        if not args.no_dump:
            print(f"N = {n:,}: dump ...", file=sys.stderr, flush=True)
            size["dump"] = measure_dump(
                db["url"], n, runs=args.dump_runs, baseline=not args.no_dump_baseline
            )
        result["sizes"].append(size)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    result["environment"]["load_average_after"] = os.getloadavg()
    result["targets"] = targets(result)
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(table(result))
    print(f"\nwritten to {out}")
    if not ok:
        print("CORRECTNESS: some page is not isomorphic to the baseline", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
