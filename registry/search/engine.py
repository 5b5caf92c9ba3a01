"""The search engine: full text from the database, filters and facets from bitsets.

One :class:`Search` per application (or CLI run, or benchmark) holds the facet index of its
database and refreshes it when the database's ``search`` counter has moved.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text

from registry.search.facets import FACETS, FacetIndex, bits_from, has, members, pks_of
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


class Search:
    """Search one database. Thread-safe; the facet index is shared by all requests."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.text: TextIndex = (
            SqliteTextIndex() if engine.dialect.name == "sqlite" else PostgresTextIndex()
        )
        self._index: FacetIndex | None = None
        self._lock = threading.Lock()

    # -- the facet index -------------------------------------------------------------------

    def facet_index(self, conn: Connection) -> FacetIndex:
        generation = current_generation(conn)
        index = self._index
        if index is not None and index.generation == generation:
            return index
        with self._lock:
            if self._index is None or self._index.generation != generation:
                self._index = build_index(conn, generation)
            return self._index

    # -- queries ---------------------------------------------------------------------------

    def run(self, conn: Connection, query: SearchQuery) -> SearchResult:
        index = self.facet_index(conn)
        allowed = self._allowed(index, query)
        terms = query.terms
        sort = query.sort if (query.sort != "relevance" or terms) else "modified"
        wanted = query.page * query.size
        if terms and sort == "relevance":
            ranked = list(self.text.ranked(conn, terms))
            hits = bits_from(ranked) & allowed
            table = members(hits)
            page_pks = _first(ranked, table, wanted)
        else:
            hits = allowed & bits_from(self.text.matches(conn, terms)) if terms else allowed
            page_pks = _ordered_page(index.orders[sort], index.positions[sort], hits, wanted)
        counts = {facet: index.counts(facet, hits) for facet in FACETS}
        start = (query.page - 1) * query.size
        return SearchResult(
            total=hits.bit_count(), pks=page_pks[start:wanted], counts=counts, sort=sort
        )

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


def _ordered_page(
    order: Sequence[int], positions: dict[int, int], hits: int, wanted: int
) -> list[int]:
    """The first ``wanted`` hits in ``order``: scan it when hits are dense, else sort the hits."""
    count = hits.bit_count()
    if not count:
        return []
    expected_scan = wanted * len(order) / count
    if expected_scan < count:
        return _first(order, members(hits), wanted)
    pks = pks_of(hits)
    pks.sort(key=lambda pk: positions.get(pk, len(order)))
    return pks[:wanted]


def current_generation(conn: Connection) -> int:
    row = conn.execute(text("SELECT value FROM registry_state WHERE name = 'search'")).first()
    return int(row[0]) if row else 0


def build_index(conn: Connection, generation: int) -> FacetIndex:
    """Read every facet row and sort key into memory: one pass over ``dataset_facet``."""
    grouped: dict[str, dict[str, list[int]]] = {}
    for facet, value, pk in conn.execute(
        text("SELECT facet, value, dataset_pk FROM dataset_facet")
    ):
        grouped.setdefault(facet, {}).setdefault(value, []).append(pk)
    bits = {
        facet: {value: bits_from(pks) for value, pks in values.items()}
        for facet, values in grouped.items()
    }
    by_modified = [
        row[0]
        for row in conn.execute(
            text(
                "SELECT pk FROM dataset ORDER BY CASE WHEN modified IS NULL THEN 1 ELSE 0 END, "
                "modified DESC, id"
            )
        )
    ]
    by_title = [
        row[0] for row in conn.execute(text("SELECT pk FROM dataset ORDER BY lower(title), id"))
    ]
    orders = {"modified": by_modified, "title": by_title}
    names = dict(conn.execute(text("SELECT id, name FROM organisation")).all())
    return FacetIndex(
        generation=generation,
        bits=bits,
        orders=orders,
        positions={key: {pk: i for i, pk in enumerate(order)} for key, order in orders.items()},
        publisher_names={str(k): str(v) for k, v in names.items()},
    )
