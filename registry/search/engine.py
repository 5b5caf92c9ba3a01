"""The search engine: full text from the database, filters and facets from bitsets.

One :class:`Search` per application (or CLI run, or benchmark) holds the facet index of its
database and refreshes it when the database's ``search`` counter has moved.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, text

from registry.search import changes
from registry.search.facets import FacetIndex, has, members
from registry.search.patch import patched
from registry.search.postgres_fts import PostgresTextIndex
from registry.search.sqlite_fts import SqliteTextIndex
from registry.search.text import Term, TextIndex, parse_query

SORTS = ("relevance", "modified", "title")
STATUSES = ("active", "withdrawn", "all")


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    size: int = 20
    status: str = "active"

    @property
    def terms(self) -> list[Term]:
        return parse_query(self.q)


@dataclass(frozen=True)
class SearchResult:
    total: int
    pks: list[int]  # this page, in order
    counts: dict[str, list[tuple[str, int]]]  # facet -> (value, count), largest first
    sort: str  # the sort actually used
    hits: int = 0  # every hit, as a bitset of pks


class Search:
    """Search one database. Thread-safe; the facet index is shared by all requests."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.text: TextIndex = (
            SqliteTextIndex() if engine.dialect.name == "sqlite" else PostgresTextIndex()
        )
        self._index: FacetIndex | None = None
        self._lock = threading.Lock()
        # How the index was brought up to date, for benchmarks and metrics.
        self.refreshes: Counter[str] = Counter()

    # -- the facet index -------------------------------------------------------------------

    def facet_index(self, conn: Connection) -> FacetIndex:
        """The index as of the database's current generation.

        After a write, the index is patched for the datasets it changed (the change log says
        which), else rebuilt. Either way a new index replaces the old one, which is never
        modified: requests still reading it are not disturbed.
        """
        generation = current_generation(conn)
        index = self._index
        if index is not None and index.generation == generation:
            return index
        with self._lock:
            index = self._index
            if index is None or index.generation != generation:
                index = self._index = self._refreshed(conn, index, generation)
            return index

    def _refreshed(self, conn: Connection, index: FacetIndex | None, generation: int) -> FacetIndex:
        if index is not None and index.order_keys:
            limit = max(changes.MAX_LISTED // 10, len(index.doc_codes) // 20)
            changed = changes.changed_since(conn, index.generation, generation, limit)
            if changed is not None:
                self.refreshes["patched"] += 1
                return patch_index(conn, index, generation, changed)
        self.refreshes["rebuilt"] += 1
        return build_index(conn, generation)

    # -- queries ---------------------------------------------------------------------------

    def run(self, conn: Connection, query: SearchQuery) -> SearchResult:
        index = self.facet_index(conn)
        allowed = self._allowed(index, query)
        terms = query.terms
        sort = query.sort if (query.sort != "relevance" or terms) else "modified"
        wanted = query.page * query.size
        if terms:
            matched, n_matched = self.text.match_bits(conn, terms)
            hits = matched & allowed
        else:
            hits, n_matched = allowed, 0
        whole = query.status if not terms and not query.filters else None
        counts = index.all_counts(hits, whole)
        if terms and sort == "relevance":
            required = [("status", query.status)] if query.status != "all" else []
            required += [
                (facet, value) for facet, values in query.filters.items() for value in values
            ]
            page_pks = self._ranked_page(conn, terms, hits, n_matched, wanted, required)
        else:
            page_pks = index.first_in_order(sort, hits, wanted)
        start = (query.page - 1) * query.size
        return SearchResult(
            total=hits.bit_count(), pks=page_pks[start:wanted], counts=counts, sort=sort, hits=hits
        )

    def _ranked_page(
        self,
        conn: Connection,
        terms: list[Term],
        hits: int,
        n_matched: int,
        wanted: int,
        required: list[tuple[str, str]],
    ) -> list[int]:
        """The first ``wanted`` hits by relevance.

        Ranking is what costs (bm25 or ts_rank_cd of every ranked match, whatever the LIMIT),
        so the match set comes unranked and only the best matches are fetched ranked:

        * every match is a hit: the first ``wanted``;
        * most are: as many as should hold ``wanted`` hits;
        * else the index itself keeps only the hits (or the matches with the ``required``
          facet values: the status and the filters), so the others are never ranked;
        * and if a try came up short (the index changed in between), every match.

        Whatever the index returns is checked against ``hits``.
        """
        count = hits.bit_count()
        if not count:
            return []
        want = min(wanted, count)
        table = members(hits)
        if count == n_matched:
            tries: list[tuple[int | None, bool]] = [(want, False)]
        elif count * 2 >= n_matched:
            tries = [(int(want * n_matched / count * 1.25) + 16, False)]
        else:
            tries = [(want, True)]
        tries.append((None, False))
        for limit, filtered in tries:
            ranked = (
                self.text.top(conn, terms, limit, required, table)
                if filtered
                else self.text.top(conn, terms, limit)
            )
            page = _first(ranked, table, want)
            if len(page) == want:
                break
        return page

    @staticmethod
    def _allowed(index: FacetIndex, query: SearchQuery) -> int:
        if query.status == "all":
            allowed = index.value_bits("status", "active") | index.value_bits("status", "withdrawn")
        else:
            allowed = index.value_bits("status", query.status)
        for facet, values in query.filters.items():
            for value in values:
                allowed &= index.value_bits(facet, value)
        return allowed


def _first(ranked: Sequence[int], table: bytes, wanted: int) -> list[int]:
    out: list[int] = []
    for pk in ranked:
        if has(table, pk):
            out.append(pk)
            if len(out) == wanted:
                break
    return out


def current_generation(conn: Connection) -> int:
    """The ``search`` counter; asked on every request, so straight from the driver's cursor."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute("SELECT value FROM registry_state WHERE name = 'search'")
        row = cursor.fetchone()
    finally:
        cursor.close()
    return int(row[0]) if row else 0


def build_index(conn: Connection, generation: int) -> FacetIndex:
    """Read every facet value's datasets and the sort orders into memory.

    Each (facet, value) comes back as one row with its pks joined into a string (parsed as
    JSON, in C): a few hundred rows rather than millions.
    """
    joined = (
        "group_concat(dataset_pk)"
        if conn.dialect.name == "sqlite"
        else "string_agg(CAST(dataset_pk AS text), ',')"
    )
    values: dict[str, dict[str, list[int]]] = {}
    for facet, value, pks in conn.execute(
        text(f"SELECT facet, value, {joined} FROM dataset_facet GROUP BY facet, value")
    ):
        values.setdefault(facet, {})[value] = json.loads(f"[{pks}]")
    orders, keys = {}, {}
    for name in ORDER_KEYS:
        rows = _rows(conn, _order_sql(conn, name))
        orders[name] = [row[0] for row in rows]
        keys[name] = [tuple(row[1:]) for row in rows]
    return FacetIndex.build(
        generation,
        values,
        orders=orders,
        publisher_names=_publisher_names(conn),
        order_keys=keys,
    )


def patch_index(
    conn: Connection, index: FacetIndex, generation: int, changed: set[int]
) -> FacetIndex:
    """``index`` brought to ``generation`` by re-reading only the ``changed`` datasets."""
    facet_rows: list[tuple[str, str, int]] = []
    key_rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in ORDER_KEYS}
    pks = sorted(changed)
    for start in range(0, len(pks), 500):
        listed = ",".join(str(int(pk)) for pk in pks[start : start + 500])
        sql = f"SELECT facet, value, dataset_pk FROM dataset_facet WHERE dataset_pk IN ({listed})"
        facet_rows += _rows(conn, sql)
        for name in ORDER_KEYS:
            key_rows[name] += _rows(conn, _order_sql(conn, name, f"WHERE pk IN ({listed})"))
    return patched(index, generation, changed, facet_rows, key_rows, _publisher_names(conn))


# The orders, each (pk, sort key...) with its ORDER BY. On PostgreSQL text is compared with the
# "C" collation: the same order on both databases, and the one Python's comparison gives, so
# a patch places a dataset exactly where a rebuild would (registry/search/patch.py).
ORDER_KEYS = {
    "modified": (
        "SELECT pk, modified, id FROM dataset {where} ORDER BY "
        "CASE WHEN modified IS NULL THEN 1 ELSE 0 END, modified DESC, id{c}"
    ),
    "title": "SELECT pk, lower(title){c}, id{c} FROM dataset {where} ORDER BY 2, 3",
}


def _order_sql(conn: Connection, name: str, where: str = "") -> str:
    collate = "" if conn.dialect.name == "sqlite" else ' COLLATE "C"'
    return ORDER_KEYS[name].format(where=where, c=collate)


def _publisher_names(conn: Connection) -> dict[str, str]:
    return {str(k): str(v) for k, v in _rows(conn, "SELECT id, name FROM organisation")}


def _rows(conn: Connection, sql: str) -> list[Any]:
    """A query's rows, straight from the driver's cursor (no SQLAlchemy rows to build)."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()
