"""Search benchmark: the API's whole search request, in process, against a plain-SQL baseline.

    python bench/search.py [--sizes 1000 10000 100000] [--seed 42]
                           [--out bench/results/search-<date>.json] [--database-url URL]

For each size N a migrated database is loaded with ``N`` generated records (``bench/gen.py``)
through the real write path (``registry.loading.load_lines``). SQLite files are cached in
``bench/.cache/`` keyed by N, seed and a hash of what the write path stores for a few probe
records (so edits that store the same rows keep the cache; ``--rebuild`` forces a new load);
a PostgreSQL run uses a private schema that is dropped afterwards.

Each request is ``registry.queries.search_datasets`` (filters check, ``Search.run`` with a warm
facet index, page summaries, facet labels; all 8 facets) in a fresh session, as the API does.
Query bands: single words by document frequency (common: in 20-35% of records, mid: 0.5-1%,
rare: <= 0.1%), word pairs, no query, filters only; a third of the text queries carry a sector
or grade filter. Each query runs once to warm up, then ``--reps`` timed runs alternating with
the baseline (GC collected before each); a query's time is its median.

The baseline, on the same database in the same process, is what plain SQL would do: full-text
top-20 by bm25 (ts_rank_cd on PostgreSQL), a count, and one GROUP BY over ``dataset_facet`` per
facet for the matches. Before timing, every query's total and facet counts are checked against
the baseline's (a mismatch is reported, never hidden). This is a benchmark, not a test: it
asserts nothing about time.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import random
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import gen  # bench/gen.py: the script's own directory is on sys.path
from sqlalchemy import Connection, Engine, create_engine, text
from sqlmodel import Session

from registry.config import Settings
from registry.db import make_engine
from registry.loading import load_lines
from registry.migrate import upgrade
from registry.queries import search_datasets
from registry.search import (
    FACETS,
    Search,
    SearchQuery,
    parse_query,
)
from registry.search.postgres_fts import tsquery
from registry.search.sqlite_fts import WEIGHTS, fts5_query

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / "bench" / ".cache"
RESULTS_DIR = ROOT / "bench" / "results"
# A cached database is keyed by what the write path stores: PROBE records are loaded into a
# scratch database and everything stored (but timestamps) is hashed. Edits elsewhere (even in
# the write path) that store the same rows keep the cache; a cached database behind the newest
# migration is upgraded in place, as a deployed registry would be.
PROBE = 200
PROBE_TABLES = (
    "organisation",
    "dataset",
    "distribution",
    "coverage",
    "dataset_facet",
    "dataset_fts",
)
UNSTABLE_COLUMNS = {"created_at", "updated_at"}

# Bands of document frequency, as fractions of N (rare: at most 0.1%, and at least one record).
COMMON = (0.20, 0.35)
MID = (0.005, 0.01)
RARE = (0.0, 0.001)
TEXT_BANDS = (
    "1 word common",
    "1 word mid",
    "1 word rare",
    "2 words common+common",
    "2 words common+rare",
    "2 words mid+mid",
)
OTHER_BANDS = ("no query: all facets", "facet filter only")
BANDS = TEXT_BANDS + OTHER_BANDS
# Filters people pick: sectors, and grades from broad (rolled up) to specific.
FILTER_SECTORS = ("civil-service", "nhs", "police", "schools", "local-government", "fire")
FILTER_GRADES = (
    "executive",
    "senior-manager",
    "head-of-organisation",
    "scs",
    "scs2",
    "nhs-vsm",
    "chief-inspector-and-above",
    "headteacher",
)


# -- building the databases ----------------------------------------------------------------------


@cache
def content_version(seed: int = gen.DEFAULT_SEED) -> str:
    """A short hash of what the write path stores for the first :data:`PROBE` records."""
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(database_url=f"sqlite:///{scratch}/probe.db")
        upgrade(settings)
        engine = make_engine(settings)
        try:
            load_records(engine, PROBE, seed)
            with engine.connect() as conn:
                for table in PROBE_TABLES:
                    # Sorted, not in rowid order: facet rows are inserted from a set.
                    result = conn.exec_driver_sql(f"SELECT * FROM {table}")
                    keep = [i for i, c in enumerate(result.keys()) if c not in UNSTABLE_COLUMNS]
                    digest.update(table.encode())
                    for line in sorted(repr([row[i] for i in keep]) for row in result):
                        digest.update(line.encode())
        finally:
            engine.dispose()
    return digest.hexdigest()[:12]


@dataclass
class Built:
    """A loaded database and what building it cost."""

    url: str
    n: int
    seed: int
    load_seconds: float
    db_bytes: int | None
    document_frequency: dict[str, int]
    cached: bool = False
    dispose: Callable[[], None] = field(default=lambda: None, repr=False)


def load_records(engine: Engine, n: int, seed: int, batch_size: int = 1000) -> dict[str, int]:
    """Load ``n`` generated datasets (and the organisations) through ``load_lines``.

    Returns each word's document frequency (distinct records whose indexed text has it).
    """
    names = {o["id"]: o["name"] for o in gen.organisations(seed)}
    frequency: Counter[str] = Counter()

    def lines() -> Iterator[str]:
        for org in gen.organisations(seed):
            yield json.dumps({"type": "organisation", **org}, ensure_ascii=False)
        for record in gen.datasets(n, seed):
            frequency.update(gen.words_of(record, names[record["publisher"]]))
            yield json.dumps({"type": "dataset", **record}, ensure_ascii=False)

    with Session(engine) as session:
        report = load_lines(session=session, lines=lines(), batch_size=batch_size)
    if report.errors:
        raise RuntimeError(f"generated records were refused: {report.errors[:3]}")
    return {word: count for word, count in frequency.items() if word.isalpha()}


def build_sqlite(n: int, seed: int, cache_dir: Path = CACHE_DIR, rebuild: bool = False) -> Built:
    """A migrated, loaded SQLite file for (n, seed, code version), from the cache if there."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    ignore = cache_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="utf-8")
    stem = f"search-n{n}-s{seed}-{content_version(seed)}"
    path, meta_path = cache_dir / f"{stem}.db", cache_dir / f"{stem}.json"
    if path.exists() and meta_path.exists() and not rebuild:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        upgrade(Settings(database_url=f"sqlite:///{path}"))
        return Built(
            url=f"sqlite:///{path}",
            n=n,
            seed=seed,
            load_seconds=meta["load_seconds"],
            db_bytes=path.stat().st_size,
            document_frequency=meta["document_frequency"],
            cached=True,
        )
    # Files of other code versions for this size and seed are stale: remove them.
    for stale in cache_dir.glob(f"search-n{n}-s{seed}-*"):
        stale.unlink(missing_ok=True)
    partial = cache_dir / f"{stem}.partial.db"
    settings = Settings(database_url=f"sqlite:///{partial}")
    upgrade(settings)
    engine = make_engine(settings)
    started = time.perf_counter()
    frequency = load_records(engine, n, seed)
    load_seconds = time.perf_counter() - started
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    partial.replace(path)
    meta = {"n": n, "seed": seed, "load_seconds": load_seconds, "document_frequency": frequency}
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return Built(
        url=f"sqlite:///{path}",
        n=n,
        seed=seed,
        load_seconds=load_seconds,
        db_bytes=path.stat().st_size,
        document_frequency=frequency,
    )


def build_postgres(url: str, n: int, seed: int) -> Built:
    """A private, migrated, loaded schema on a PostgreSQL server; ``dispose`` drops it."""
    schema = f"ldr_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(Settings(database_url=url).database_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()

    try:
        joiner = "&" if "?" in url else "?"
        scoped = f"{url}{joiner}options=-csearch_path%3D{schema}"
        settings = Settings(database_url=scoped)
        upgrade(settings)
        engine = make_engine(settings)
        started = time.perf_counter()
        frequency = load_records(engine, n, seed)
        load_seconds = time.perf_counter() - started
        with engine.begin() as conn:  # committed: planner statistics, as autovacuum would
            conn.execute(text("ANALYZE"))
        with engine.connect() as conn:
            size = conn.execute(
                text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "JOIN pg_namespace s ON s.oid = c.relnamespace "
                    "WHERE s.nspname = :schema AND c.relkind = 'r'"
                ),
                {"schema": schema},
            ).scalar_one()
        engine.dispose()
    except BaseException:
        drop()
        raise
    return Built(
        url=scoped,
        n=n,
        seed=seed,
        load_seconds=load_seconds,
        db_bytes=int(size or 0),
        document_frequency=frequency,
        dispose=drop,
    )


# -- the query mix -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    band: str
    query: SearchQuery


def words_in_band(
    frequency: dict[str, int], n: int, band: tuple[float, float], hits: Callable[[str], int]
) -> list[str]:
    """Words whose document frequency (by the generator's count, then by the index's own count,
    which stems) falls in ``band``; sorted, for a seeded choice."""
    low, high = band[0] * n, max(1.0, band[1] * n)
    candidates = sorted(w for w, c in frequency.items() if low < c <= high and len(w) >= 3)
    return [w for w in candidates if low < hits(w) <= high]


def query_mix(
    frequency: dict[str, int],
    n: int,
    seed: int,
    hits: Callable[[str], int],
    per_band: int = 40,
    bands: Sequence[str] = BANDS,
) -> list[BenchQuery]:
    """The fixed, seeded list of requests: ``per_band`` of each band."""
    rng = random.Random(f"queries:{seed}:{n}")

    def pick(words: list[str], k: int) -> list[str]:
        if not words:
            return []
        chosen = rng.sample(words, min(k, len(words)))
        while len(chosen) < k:  # fewer words than queries: reuse (with different filters)
            chosen.append(rng.choice(words))
        return chosen

    wanted = set(bands)
    need = [b for b in TEXT_BANDS if b in wanted]
    pools: dict[str, list[str]] = {}
    if any("common" in b for b in need):
        pools["common"] = words_in_band(frequency, n, COMMON, hits)
    if any("mid" in b for b in need):
        pools["mid"] = words_in_band(frequency, n, MID, hits)
    if any("rare" in b for b in need):
        # Rare words are many: check only a seeded sample of them against the index.
        low, high = RARE[0] * n, max(1.0, RARE[1] * n)
        rare = sorted(w for w, c in frequency.items() if low < c <= high and len(w) >= 3)
        sample = rng.sample(rare, min(len(rare), per_band * 4))
        pools["rare"] = [w for w in sorted(sample) if low < hits(w) <= high]

    texts: dict[str, list[str]] = {
        "1 word common": pick(pools.get("common", []), per_band)
        if "1 word common" in wanted
        else [],
        "1 word mid": pick(pools.get("mid", []), per_band) if "1 word mid" in wanted else [],
        "1 word rare": pick(pools.get("rare", []), per_band) if "1 word rare" in wanted else [],
    }
    for band, (a, b) in (
        ("2 words common+common", ("common", "common")),
        ("2 words common+rare", ("common", "rare")),
        ("2 words mid+mid", ("mid", "mid")),
    ):
        if band not in wanted:
            continue
        firsts, seconds = pick(pools.get(a, []), per_band), pick(pools.get(b, []), per_band)
        pairs = []
        for first, second in zip(firsts, seconds, strict=False):
            if first == second and len(pools[b]) > 1:
                second = rng.choice([w for w in pools[b] if w != first])
            pairs.append(f"{first} {second}")
        texts[band] = pairs

    out: list[BenchQuery] = []
    for band in TEXT_BANDS:
        for j, q in enumerate(texts.get(band, [])):
            filters: dict[str, tuple[str, ...]] = {}
            if j % 3 == 0:  # a third carry a filter, sector and grade in turn
                if j % 6 == 0:
                    filters = {"sector": (rng.choice(FILTER_SECTORS),)}
                else:
                    filters = {"grade": (rng.choice(FILTER_GRADES),)}
            out.append(BenchQuery(band, SearchQuery(q=q, filters=filters)))
    if "no query: all facets" in wanted:
        for j in range(per_band):
            sort = ("relevance", "title", "modified")[j % 3]  # relevance without words = modified
            out.append(BenchQuery("no query: all facets", SearchQuery(sort=sort, page=1 + j % 5)))
    if "facet filter only" in wanted:
        choices: list[tuple[str, tuple[str, ...]]] = [
            *(("sector", FILTER_SECTORS),),
            *(("grade", FILTER_GRADES),),
            ("attribute", ("ethnicity", "sex", "pay", "disability")),
            ("licence", ("ogl-3", "cc-by-4")),
            ("format", ("csv", "xlsx", "pdf")),
            ("year", tuple(str(y) for y in range(2012, 2025))),
            ("theme", ("gove", "heal", "just", "educ")),
        ]
        for _ in range(per_band):
            filters = {}
            for facet, values in rng.sample(choices, rng.choice((1, 1, 2))):
                filters[facet] = (rng.choice(values),)
            out.append(BenchQuery("facet filter only", SearchQuery(filters=filters)))
    return out


def hit_counter(engine: Engine, search: Search) -> Callable[[str], int]:
    """How many records the index matches for one word (stemmed as search stems it)."""

    def hits(word: str) -> int:
        with engine.connect() as conn:
            return len(search.text.matches(conn, parse_query(word)))

    return hits


# -- the baseline --------------------------------------------------------------------------------


@dataclass
class Answer:
    total: int
    pks: list[int]
    counts: dict[str, dict[str, int]]


def _filter_sql(
    query: SearchQuery, column: str, status_column: str | None = None
) -> tuple[str, dict[str, Any]]:
    """The status and every filter value as correlated ``EXISTS`` lookups on ``column``, or
    the status as ``status_column = ...`` when the rows are ``dataset``'s own.

    (``column IN (SELECT ...)`` on the FTS5 table's rowid makes SQLite run the MATCH once per
    listed rowid; a point lookup per match in ``dataset_facet``'s primary key is what a careful
    SQL author writes.)
    """
    clauses, params = [], {}
    if status_column and query.status != "all":
        clauses.append(f"{status_column} = :status")
        params["status"] = query.status
    pairs = [("status", query.status)] if query.status != "all" and not status_column else []
    pairs += [(facet, value) for facet, values in query.filters.items() for value in values]
    for i, (facet, value) in enumerate(pairs):
        clauses.append(
            f"EXISTS (SELECT 1 FROM dataset_facet AS f{i} WHERE f{i}.facet = :f{i} "
            f"AND f{i}.value = :v{i} AND f{i}.dataset_pk = {column})"
        )
        params[f"f{i}"], params[f"v{i}"] = facet, value
    return " AND ".join(clauses) or "1 = 1", params


def baseline(conn: Connection, query: SearchQuery) -> Answer:
    """Top 20 + count + one GROUP BY per facet, written as a plain SQL application would."""
    terms = parse_query(query.q)
    sqlite = conn.dialect.name == "sqlite"
    if terms and sqlite:
        where, params = _filter_sql(query, "dataset_fts.rowid")
        params["match"] = fts5_query(terms)
        weights = ", ".join(str(w) for w in WEIGHTS)
        matches = f"SELECT rowid AS pk FROM dataset_fts WHERE dataset_fts MATCH :match AND {where}"
        top = (
            f"SELECT rowid FROM dataset_fts WHERE dataset_fts MATCH :match AND {where} "
            f"ORDER BY bm25(dataset_fts, {weights}), rowid LIMIT :limit"
        )
    elif terms:
        where, params = _filter_sql(query, "dataset_fts.pk")
        expression, words = tsquery(terms)
        params.update(words)
        matches = f"SELECT pk FROM dataset_fts WHERE document @@ ({expression}) AND {where}"
        top = (
            f"SELECT pk FROM dataset_fts CROSS JOIN (SELECT {expression} AS query) AS q "
            f"WHERE document @@ q.query AND {where} "
            "ORDER BY ts_rank_cd(document, q.query) DESC, pk LIMIT :limit"
        )
    else:
        where, params = _filter_sql(query, "dataset.pk", "dataset.status")
        matches = f"SELECT pk FROM dataset WHERE {where}"
        order = (
            "lower(title), id"
            if query.sort == "title"
            else "CASE WHEN modified IS NULL THEN 1 ELSE 0 END, modified DESC, id"
        )
        top = f"SELECT pk FROM dataset WHERE {where} ORDER BY {order} LIMIT :limit"
    params["limit"] = query.size
    params["offset"] = (query.page - 1) * query.size
    pks = [row[0] for row in conn.execute(text(f"{top} OFFSET :offset"), params)]
    total = conn.execute(text(f"SELECT count(*) FROM ({matches}) AS m"), params).scalar_one()
    counts = {}
    for facet in FACETS:
        rows = conn.execute(
            text(
                "SELECT value, count(*) FROM dataset_facet WHERE facet = :facet "
                f"AND dataset_pk IN ({matches}) GROUP BY value ORDER BY 2 DESC"
            ),
            {**params, "facet": facet},
        )
        counts[facet] = {value: count for value, count in rows}
    return Answer(total=total, pks=pks, counts=counts)


# -- measuring -----------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100), linear between closest ranks; exact for one value."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _stats(times: Sequence[float]) -> dict[str, float]:
    return {
        "median_ms": round(percentile(times, 50) * 1000, 3),
        "p95_ms": round(percentile(times, 95) * 1000, 3),
        "p99_ms": round(percentile(times, 99) * 1000, 3),
        "max_ms": round(max(times) * 1000, 3) if times else float("nan"),
    }


@contextmanager
def _no_gc() -> Iterator[None]:
    gc.collect()  # cheap: what lives through the run is frozen first (see run_size)
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _ours(engine: Engine, search: Search, query: SearchQuery) -> Any:
    with Session(engine) as session:
        return search_datasets(session=session, search=search, query=query)


def _theirs(engine: Engine, query: SearchQuery) -> Answer:
    with engine.connect() as conn:
        return baseline(conn, query)


def check(engine: Engine, search: Search, query: SearchQuery) -> tuple[list[str], float]:
    """Where our answer differs from the baseline's (total, page, facet counts), and how long
    the baseline took (this is its warm-up run)."""
    page = _ours(engine, search, query)
    started = time.perf_counter()
    expected = _theirs(engine, query)
    took = time.perf_counter() - started
    with engine.connect() as conn:
        pks = search.run(conn, query).pks
    problems = []
    if page.total != expected.total:
        problems.append(f"total {page.total} != {expected.total}")
    if pks != expected.pks:
        problems.append(f"page {pks[:5]}... != {expected.pks[:5]}...")
    if len(page.results) != len(pks):
        problems.append(f"{len(page.results)} summaries for {len(pks)} hits")
    for facet, values in page.facets.items():
        got = {v.value: v.count for v in values}
        if got != expected.counts.get(facet, {}):
            problems.append(f"facet {facet} differs")
    return problems, took


def measure(
    engine: Engine,
    search: Search,
    queries: Sequence[BenchQuery],
    reps: int = 5,
    baseline_reps: int | None = None,
) -> dict[str, Any]:
    """Time every query (ours and the baseline, interleaved) and summarise per band and mix.

    ``baseline_reps`` (default ``reps``) of 0 times the baseline by its warm-up run only, for
    quick runs while working on the engine.

    Returns ``{"bands": {band: {...}}, "mix": {...}, "text_mix": {...}, "correctness": {...}}``.
    """
    baseline_reps = reps if baseline_reps is None else baseline_reps
    per_query: list[dict[str, Any]] = []
    mismatches: list[dict[str, Any]] = []
    for item in queries:
        if baseline_reps < 0:  # --quick: no baseline, no check
            _ours(engine, search, item.query)  # warm-up
            problems, first = [], float("nan")
        else:
            problems, first = check(engine, search, item.query)  # the warm-up run of both
        if problems:
            mismatches.append({"band": item.band, "q": item.query.q, "problems": problems})
        ours: list[float] = []
        theirs: list[float] = []
        total = 0
        for rep in range(reps):
            with _no_gc():
                started = time.perf_counter()
                page = _ours(engine, search, item.query)
                ours.append(time.perf_counter() - started)
            if rep < baseline_reps:
                with _no_gc():
                    started = time.perf_counter()
                    _theirs(engine, item.query)
                    theirs.append(time.perf_counter() - started)
            total = page.total
        theirs = theirs or [first]
        per_query.append(
            {
                "band": item.band,
                "q": item.query.q,
                "filters": {k: list(v) for k, v in item.query.filters.items()},
                "hits": total,
                "ours_ms": round(statistics.median(ours) * 1000, 3),
                "baseline_ms": round(statistics.median(theirs) * 1000, 3),
            }
        )
    bands: dict[str, Any] = {}
    for band in dict.fromkeys(q["band"] for q in per_query):
        rows = [q for q in per_query if q["band"] == band]
        ours = [q["ours_ms"] / 1000 for q in rows]
        theirs = [q["baseline_ms"] / 1000 for q in rows]
        ratios = [a / b for a, b in zip(ours, theirs, strict=True) if b > 0]  # NaN > 0 is False
        bands[band] = {
            "queries": len(rows),
            "median_hits": statistics.median(q["hits"] for q in rows),
            **_stats(ours),
            "baseline": _stats(theirs),
            "ratio_median_of_pairs": round(statistics.median(ratios), 3) if ratios else None,
            "ratio_p95": round(percentile(ours, 95) / percentile(theirs, 95), 3)
            if ratios
            else None,
            "examples": [q["q"] for q in rows[:3]],
        }
    everything = [q["ours_ms"] / 1000 for q in per_query]
    text_only = [q["ours_ms"] / 1000 for q in per_query if q["band"] in TEXT_BANDS]
    return {
        "bands": bands,
        "mix": {"queries": len(everything), **_stats(everything)},
        "text_mix": {"queries": len(text_only), **_stats(text_only)},
        "baseline_mix": _stats([q["baseline_ms"] / 1000 for q in per_query]),
        "correctness": {
            "checked": len(queries) if baseline_reps >= 0 else 0,
            "mismatches": mismatches,
        },
        "queries": per_query,
    }


def index_build_ms(engine: Engine, runs: int = 3) -> dict[str, float]:
    """Building the facet index from scratch (a fresh ``Search``), median of ``runs``."""
    times = []
    for _ in range(runs):
        fresh = Search(engine)
        with engine.connect() as conn, _no_gc():
            started = time.perf_counter()
            fresh.facet_index(conn)
            times.append(time.perf_counter() - started)
    return {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
    }


def run_size(
    built: Built,
    *,
    seed: int,
    reps: int,
    per_band: int,
    bands: Sequence[str] = BANDS,
    baseline_reps: int | None = None,
) -> dict[str, Any]:
    settings = Settings(database_url=built.url)
    engine = make_engine(settings)
    try:
        search = Search(engine)
        build = index_build_ms(engine)
        with engine.connect() as conn:
            search.facet_index(conn)  # warm
        queries = query_mix(
            built.document_frequency, built.n, seed, hit_counter(engine, search), per_band, bands
        )
        # Long-lived objects (vocabularies, the facet index, the word counts) leave the
        # collector's view, so the collection before each timed run takes microseconds.
        gc.collect()
        gc.freeze()
        started = time.perf_counter()
        load_before = os.getloadavg()
        if baseline_reps is None:  # above 50k the baseline takes seconds a query
            baseline_reps = reps if built.n < 50_000 else 1
        result = measure(engine, search, queries, reps, baseline_reps)
        gc.unfreeze()
        return {
            "n": built.n,
            "db_bytes": built.db_bytes,
            "load_seconds": round(built.load_seconds, 2),
            "load_cached": built.cached,
            "index_build": build,
            "measure_seconds": round(time.perf_counter() - started, 1),
            "baseline_reps": baseline_reps,
            # Other work on the machine: (1, 5, 15 min) load averages before and after.
            "load_average": {"before": load_before, "after": os.getloadavg()},
            **result,
        }
    finally:
        engine.dispose()


def environment(args: argparse.Namespace, backend: str) -> dict[str, Any]:
    versions = {}
    for package in ("sqlalchemy", "sqlmodel", "pydantic", "pydantic-core", "psycopg"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "backend": backend,
        "seed": args.seed,
        "sizes": args.sizes,
        "reps": args.reps,
        "baseline_reps": args.baseline_reps,  # None: --reps below N=50k, else 1
        "queries_per_band": args.per_band,
        "content_version": content_version(args.seed),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "libraries": versions,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "percentiles": "linear between closest ranks over per-query medians",
    }


def table(result: dict[str, Any]) -> str:
    lines = []
    for size in result["sizes"]:
        build = size["index_build"]["median_ms"]
        lines.append(
            f"\nN = {size['n']:,}  db {size['db_bytes'] / 1e6:.1f} MB  "
            f"load {size['load_seconds']:.1f} s{' (cached)' if size['load_cached'] else ''}  "
            f"facet index build {build:.1f} ms"
        )
        lines.append(
            f"{'band':<24}{'hits':>8}{'p50 ms':>9}{'p95 ms':>9}{'base p50':>10}{'base p95':>10}"
            f"{'ratio':>8}"
        )
        for band, row in size["bands"].items():
            lines.append(
                f"{band:<24}{row['median_hits']:>8.0f}{row['median_ms']:>9.2f}{row['p95_ms']:>9.2f}"
                f"{row['baseline']['median_ms']:>10.2f}{row['baseline']['p95_ms']:>10.2f}"
                f"{row['ratio_median_of_pairs'] or float('nan'):>8.2f}"
            )
        for name in ("mix", "text_mix"):
            mix = size[name]
            lines.append(
                f"{name + ' (' + str(mix['queries']) + ' q)':<24}{'':>8}{mix['median_ms']:>9.2f}"
                f"{mix['p95_ms']:>9.2f}  p99 {mix['p99_ms']:.2f}"
            )
        bad = size["correctness"]["mismatches"]
        lines.append(
            f"correctness: {size['correctness']['checked']} queries checked against the baseline, "
            f"{len(bad)} mismatches"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+")
    parser.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: cached SQLite files)")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument(
        "--baseline-reps",
        type=int,
        help="timed baseline runs (default: --reps below N=50k, else 1; 0: warm-up run only)",
    )
    parser.add_argument("--per-band", type=int, default=40)
    parser.add_argument("--bands", nargs="+", choices=BANDS, default=list(BANDS))
    parser.add_argument(
        "--quick",
        action="store_true",
        help="no baseline and no correctness check (for work on the engine; not for reports)",
    )
    parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR)
    parser.add_argument("--rebuild", action="store_true", help="ignore cached SQLite files")
    args = parser.parse_args(argv)
    # A terminated run still drops its PostgreSQL schema (the ``finally`` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    postgres = bool(args.database_url and not args.database_url.startswith("sqlite"))
    args.sizes = args.sizes or ([1000, 10_000] if postgres else [1000, 10_000, 100_000])
    backend = "postgresql" if postgres else "sqlite"
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = args.out or RESULTS_DIR / f"search-{backend}-{stamp}.json"
    result: dict[str, Any] = {"environment": environment(args, backend), "sizes": []}
    for n in args.sizes:
        print(f"N = {n:,}: building ...", file=sys.stderr, flush=True)
        if postgres:
            built = build_postgres(args.database_url, n, args.seed)
        else:
            built = build_sqlite(n, args.seed, args.cache_dir, args.rebuild)
        try:
            print(
                f"N = {n:,}: loaded in {built.load_seconds:.1f} s"
                f"{' (cached)' if built.cached else ''}; measuring ...",
                file=sys.stderr,
                flush=True,
            )
            result["sizes"].append(
                run_size(
                    built,
                    seed=args.seed,
                    reps=args.reps,
                    per_band=args.per_band,
                    bands=args.bands,
                    baseline_reps=-1 if args.quick else args.baseline_reps,
                )
            )
        finally:
            built.dispose()
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(table(result))
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
