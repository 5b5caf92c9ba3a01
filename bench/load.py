"""Load benchmark: the served registry under concurrent readers while a harvest writes.

    python bench/load.py [--size 10000] [--clients 50] [--seconds 30] [--workers 4]
                         [--think 1.0] [--no-saturation]
                         [--database-url postgresql://...] [--no-harvest] [--out FILE]

A catalogue of ``--size`` generated datasets (bench/search.py's cached SQLite file, copied so
the harvest's writes never touch the cache; or a private schema on the PostgreSQL server named
by ``--database-url``, dropped afterwards) is served by uvicorn with ``--workers`` processes on
127.0.0.1 and a free port. ``--clients`` concurrent clients (httpx, asyncio) then send a mix of
search (API and page), dataset (page and JSON), feed page and CKAN API requests for
``--seconds`` after a warm-up, while ``registry harvest run`` (a subprocess, run again and
again) harvests a CKAN catalogue served on 127.0.0.1 whose records change every run, so every
run writes. The JSON written says requests per second, p50/p95/p99 per kind and overall, the
errors (status codes, exceptions, "database is locked" or tracebacks in the server's log) and
the harvest runs made meanwhile. Targets: no error, p99 under 250 ms at 50 clients. It asserts
nothing about time.

The load model. Each client is a person (or a harvester) who sends a request, reads the
answer, then thinks: it waits an exponentially distributed time with mean ``--think`` seconds
(default 1 s) before its next request. So 50 clients offer at most about 50 requests per second
whatever the server does, and the latencies measure the server, not a queue the benchmark
built. With ``--think 0`` the clients send back to back (a closed loop with no pause): that is
the saturation mode, whose requests per second is the most the server can do, and whose
latencies are mostly queueing (p50 is about clients / throughput). By default each client count
is measured with the think time and then again in saturation (``--no-saturation`` skips it);
the JSON's ``summary`` gives p99 with think time beside the saturation throughput, and each
result names its ``load_model``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
RESULTS_DIR = BENCH / "results"
TARGET_P99_MS = 250.0
HARVEST_SIZE = 200  # datasets per harvest run
SOURCE = "loadbench-ckan"


def _bench(name: str) -> Any:
    """A sibling script as a module (bench/ is not a package)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return __import__(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the database --------------------------------------------------------------------------------


@contextmanager
def catalogue_database(
    size: int, seed: int, workdir: Path, url: str | None, cache_dir: Path | None = None
) -> Iterator[tuple[str, dict[str, int]]]:
    """(database URL, word document frequencies) of a loaded catalogue, private to this run."""
    search = _bench("search")
    if url and not url.startswith("sqlite"):
        built = search.build_postgres(url, size, seed)
        try:
            yield built.url, built.document_frequency
        finally:
            built.dispose()
        return
    built = search.build_sqlite(size, seed, **({"cache_dir": cache_dir} if cache_dir else {}))
    copy = workdir / "load.db"
    source = sqlite3.connect(built.url.removeprefix("sqlite:///"))
    target = sqlite3.connect(copy)
    source.backup(target)  # the cached file stays as built
    target.close()
    source.close()
    yield f"sqlite:///{copy}", built.document_frequency


# -- the harvest that writes meanwhile ------------------------------------------------------------


@dataclass
class Harvester:
    """``registry harvest run`` again and again against a CKAN catalogue on 127.0.0.1 that
    changes between runs (another seed each time), until stopped."""

    database_url: str
    workdir: Path
    runs: list[dict[str, Any]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        server = _bench("harvest_server")
        self._handler = type(
            "Handler", (server._Handler,), {"catalogue": server.Catalogue(size=1, files=False)}
        )
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler)
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        sources = self.workdir / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "{SOURCE}"\nkind = "ckan"\nurl = "{self.base}/api/3/action/"\n'
            "[source.options]\nrows = 100\nincremental = false\n",
            encoding="utf-8",
        )
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")},
            "DATABASE_URL": self.database_url,
            "REGISTRY_SOURCES_FILE": str(sources),
            "REGISTRY_HARVEST_MIN_INTERVAL": "0",
            "REGISTRY_HARVEST_WITHDRAW_AFTER_HOURS": "0",
            # The source is this script's own server on 127.0.0.1, which the harvest's
            # address guard refuses unless allowed.
            "REGISTRY_URL_ALLOWLIST": "127.0.0.1",
        }
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        server = _bench("harvest_server")
        seed = 1000
        while not self._stop.is_set():
            seed += 1
            catalogue = server.Catalogue(size=HARVEST_SIZE, seed=seed, files=False)
            catalogue.base_url = self.base
            self._handler.catalogue = catalogue
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "registry", "harvest", "run", SOURCE],
                env=self.env,
                capture_output=True,
                text=True,
            )
            self.runs.append(
                {
                    "exit": done.returncode,
                    "seconds": round(time.perf_counter() - started, 2),
                    "output": (done.stderr.strip().splitlines() or [""])[-1][:300],
                }
            )

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(600)
        self._server.shutdown()
        self._server.server_close()


# -- the server -----------------------------------------------------------------------------------


@contextmanager
def served(database_url: str, workers: int, workdir: Path) -> Iterator[tuple[str, Path]]:
    """uvicorn with ``workers`` processes on 127.0.0.1; yields (base URL, its log file)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = workdir / "server.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")},
        "DATABASE_URL": database_url,
        "REGISTRY_BASE_URI": base,
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "registry.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        # Longer than a client's (or a proxy's) idle time, so the server never closes a
        # kept-alive connection as a request is sent on it (the client would see ReadError).
        "--timeout-keep-alive",
        "75",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with log.open("w") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"the server stopped: {log.read_text()[-2000:]}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not answer /healthz within 120 s")
                time.sleep(0.2)
            yield base, log
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# -- the clients ----------------------------------------------------------------------------------


def request_mix(size: int, seed: int, frequency: dict[str, int]) -> list[tuple[str, list[str]]]:
    """(kind, URLs) with the share of each kind in the mix given by repetition."""
    gen = _bench("gen")
    rng = random.Random(seed)
    words = sorted(w for w, n in frequency.items() if n >= 2 and len(w) > 3)
    words = rng.sample(words, min(200, len(words))) or ["police"]
    ids = [gen.dataset(rng.randrange(size), seed)["id"] for _ in range(200)]
    pages = max(1, size // 100)
    mix = {
        "search_api": [f"/api/datasets?q={w}" for w in words]
        + [f"/api/datasets?q={w}&sector=police" for w in words[:50]],
        "search_page": [f"/search?q={w}" for w in words],
        "dataset_page": [f"/datasets/{i}?f=html" for i in ids],
        "dataset_json": [f"/api/datasets/{i}" for i in ids],
        "feed_page": [f"/catalog.ttl?page={rng.randrange(1, pages + 1)}" for _ in range(50)],
        "ckan_search": [f"/api/3/action/package_search?q={w}&rows=10" for w in words],
        "ckan_show": [f"/api/3/action/package_show?id={i}" for i in ids],
    }
    weights = {"search_api": 3, "search_page": 2, "dataset_page": 2, "dataset_json": 2}
    return [(kind, urls) for kind, urls in mix.items() for _ in range(weights.get(kind, 1))]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[str] = field(default_factory=Counter)
    exceptions: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # the first few, for people


async def drive(
    base: str,
    mix: list[tuple[str, list[str]]],
    clients: int,
    seconds: float,
    seed: int,
    think: float = 0.0,
) -> Tally:
    """``clients`` concurrent clients for ``seconds``, each pausing an exponentially distributed
    time of mean ``think`` seconds before every request (none when ``think`` is 0)."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30.0, limits=limits) as client:

        async def one_client(number: int) -> None:
            rng = random.Random(seed * 1000 + number)
            while time.monotonic() < deadline:
                if think > 0:
                    await asyncio.sleep(rng.expovariate(1 / think))
                    if time.monotonic() >= deadline:
                        break
                kind, urls = rng.choice(mix)
                url = rng.choice(urls)
                started = time.perf_counter()
                try:
                    response = await client.get(url)
                    await response.aread()
                except httpx.HTTPError as exc:
                    tally.exceptions[type(exc).__name__] += 1
                    if len(tally.errors) < 10:
                        tally.errors.append(f"{url}: {type(exc).__name__}: {exc}")
                    continue
                elapsed = (time.perf_counter() - started) * 1000
                tally.latencies[kind].append(elapsed)
                tally.statuses[str(response.status_code)] += 1
                if response.status_code >= 500 and len(tally.errors) < 10:
                    tally.errors.append(f"{url}: {response.status_code}: {response.text[:200]}")

        await asyncio.gather(*(one_client(i) for i in range(clients)))
    return tally


def percentiles(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)

    return {"n": len(ordered), "p50_ms": at(50), "p95_ms": at(95), "p99_ms": at(99)}


def server_problems(log: Path) -> dict[str, int]:
    text = log.read_text(errors="replace")
    return {
        "database_is_locked": text.count("database is locked"),
        "tracebacks": text.count("Traceback (most recent call last)"),
    }


# -- one measurement ------------------------------------------------------------------------------


def measure(
    *,
    size: int,
    seed: int,
    clients: int,
    seconds: float,
    warmup: float,
    workers: int,
    harvest: bool,
    think: float = 1.0,
    database_url: str | None = None,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ldr-load-") as folder:
        workdir = Path(folder)
        with catalogue_database(size, seed, workdir, database_url, cache_dir) as (url, freq):
            mix = request_mix(size, seed, freq)
            with served(url, workers, workdir) as (base, log):
                asyncio.run(drive(base, mix, min(clients, 8), warmup, seed + 1))  # warm caches
                writer = Harvester(url, workdir) if harvest else None
                if writer:
                    writer.start()
                started = time.perf_counter()
                tally = asyncio.run(drive(base, mix, clients, seconds, seed, think))
                elapsed = time.perf_counter() - started
                if writer:
                    writer.stop()
                problems = server_problems(log)
    every = [v for values in tally.latencies.values() for v in values]
    server_errors = sum(n for status, n in tally.statuses.items() if status.startswith("5"))
    overall = percentiles(every)
    errors = server_errors + sum(tally.exceptions.values()) + sum(problems.values())
    return {
        "backend": "sqlite" if not database_url or database_url.startswith("sqlite") else "pg",
        "size": size,
        "clients": clients,
        "workers": workers,
        "load_model": load_model(think),
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "requests_per_second": round(len(every) / elapsed, 1) if elapsed else 0.0,
        "overall": overall,
        "by_kind": {kind: percentiles(values) for kind, values in sorted(tally.latencies.items())},
        "statuses": dict(sorted(tally.statuses.items())),
        "exceptions": dict(tally.exceptions),
        "server_log": problems,
        "first_errors": tally.errors,
        "errors": errors,
        "harvest": {
            "runs": len(writer.runs) if writer else 0,
            "failed_runs": sum(1 for r in writer.runs if r["exit"] != 0) if writer else 0,
            "detail": writer.runs if writer else [],
        },
        "targets": {
            "zero_errors": errors == 0 and (not writer or not any(r["exit"] for r in writer.runs)),
            "p99_under_250ms": bool(overall) and overall["p99_ms"] < TARGET_P99_MS,
        },
    }


def load_model(think: float) -> dict[str, Any]:
    if think > 0:
        return {
            "mode": "think",
            "think_mean_seconds": think,
            "description": "each client waits an exponential time of this mean before every "
            "request: latencies are the server's, offered load at most clients / think",
        }
    return {
        "mode": "saturation",
        "think_mean_seconds": 0.0,
        "description": "clients send back to back: requests per second is the maximum "
        "throughput; latencies are mostly queueing (p50 ~ clients / throughput)",
    }


def summary(results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per client count: p99 under the think-time model beside the saturation throughput."""
    out = []
    for clients in dict.fromkeys(r["clients"] for r in results):
        row: dict[str, Any] = {"clients": clients}
        for result in results:
            if result["clients"] != clients:
                continue
            if result["load_model"]["mode"] == "think":
                row["think_mean_seconds"] = result["load_model"]["think_mean_seconds"]
                row["requests_per_second"] = result["requests_per_second"]
                row["p50_ms"] = result["overall"].get("p50_ms")
                row["p99_ms"] = result["overall"].get("p99_ms")
                row["p99_under_250ms"] = result["targets"]["p99_under_250ms"]
            else:
                row["saturation_requests_per_second"] = result["requests_per_second"]
                row["saturation_p99_ms"] = result["overall"].get("p99_ms")
            row["errors"] = row.get("errors", 0) + result["errors"]
        out.append(row)
    return out


def environment() -> dict[str, Any]:
    from importlib import metadata

    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "uvicorn": metadata.version("uvicorn"),
        "sqlalchemy": metadata.version("sqlalchemy"),
        "note": "the machine is shared: other work ran meanwhile; compare within one run",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=_bench("gen").DEFAULT_SEED)
    parser.add_argument("--clients", type=int, nargs="+", default=[50])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="Mean think time (exponential) before each request; 0 is saturation only.",
    )
    parser.add_argument(
        "--no-saturation",
        action="store_true",
        help="Skip the saturation run (think 0) after each think-time run.",
    )
    parser.add_argument("--database-url", help="PostgreSQL server (a private schema is used)")
    parser.add_argument("--no-harvest", action="store_true", help="Readers only.")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    results = []
    thinks = [args.think] + ([0.0] if args.think > 0 and not args.no_saturation else [])
    for clients in args.clients:
        for think in thinks:
            result = measure(
                size=args.size,
                seed=args.seed,
                clients=clients,
                seconds=args.seconds,
                warmup=args.warmup,
                workers=args.workers,
                harvest=not args.no_harvest,
                think=think,
                database_url=args.database_url,
            )
            results.append(result)
            print(
                f"{result['backend']} clients={clients} think={think}: "
                f"{result['requests_per_second']} req/s, "
                f"{result['overall']}, errors {result['errors']}, "
                f"harvest runs {result['harvest']['runs']} "
                f"({result['harvest']['failed_runs']} failed)",
                file=sys.stderr,
            )
    stamp = datetime.now(UTC)
    document = {
        "benchmark": "load",
        "date": stamp.isoformat(timespec="seconds"),
        "environment": environment(),
        "summary": summary(results),
        "results": results,
    }
    out = args.out or RESULTS_DIR / f"load-{results[0]['backend']}-{stamp:%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2), encoding="utf-8")
    print(out)
    return 0 if all(r["targets"]["zero_errors"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
