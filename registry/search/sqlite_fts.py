"""SQLite FTS5: a ``dataset_fts`` virtual table whose rowid is ``dataset.pk``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import Connection, text

from registry.search.text import Term, TextDocument, TextIndex

# Column weights for bm25: title, keywords, description, publisher.
WEIGHTS = (10.0, 5.0, 1.0, 2.0)
CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS dataset_fts USING fts5("
    "title, keywords, description, publisher, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
)


BM25 = f"bm25(dataset_fts, {', '.join(str(w) for w in WEIGHTS)})"
KEEP = "ldr_search_keep"
MATCHES = "SELECT '[' || group_concat(rowid) || ']' FROM dataset_fts WHERE dataset_fts MATCH ?"


def fts5_query(terms: list[Term]) -> str:
    """Terms as an FTS5 expression: each word quoted (so it is never syntax), all required."""
    parts = []
    for term in terms:
        # "a" + "b" is FTS5's phrase: b right after a. Quoting keeps every word a plain string.
        quoted = " + ".join('"' + word.replace('"', '""') + '"' for word in term.words)
        parts.append(f"({quoted} *)" if term.prefix else f"({quoted})")
    return " AND ".join(parts)


class SqliteTextIndex(TextIndex):
    """Queries go straight to the driver's cursor: a common word matches a third of the
    catalogue, and SQLAlchemy's result rows cost more than FTS5 takes to find them."""

    def matches(self, conn: Connection, terms: list[Term]) -> list[int]:
        return _pks(conn, MATCHES, (fts5_query(terms),))

    def ranked(self, conn: Connection, terms: list[Term]) -> Iterator[int]:
        yield from self.top(conn, terms, None)

    def top(
        self,
        conn: Connection,
        terms: list[Term],
        limit: int | None,
        required: Sequence[tuple[str, str]] = (),
        only: bytes | None = None,
    ) -> list[int]:
        # bm25 is computed for every match that passes the WHERE clause; LIMIT keeps a heap.
        # ``only`` (the hits, as a bitset table) is tested by a Python function: cheaper per
        # match than bm25 or than looking the facet values up (``required`` is implied by it).
        del required
        sql = "SELECT rowid FROM dataset_fts WHERE dataset_fts MATCH ?"
        params: tuple[object, ...] = (fts5_query(terms),)
        if only is not None:
            sql += f" AND {KEEP}(rowid)"
        sql += f" ORDER BY {BM25}, rowid"
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        if only is None:
            return [row[0] for row in _rows(conn, sql, params)]
        driver = conn.connection.driver_connection
        size = len(only)

        def keep(pk: int) -> bool:
            return (pk >> 3) < size and bool(only[pk >> 3] >> (pk & 7) & 1)

        driver.create_function(KEEP, 1, keep, deterministic=True)
        try:
            return [row[0] for row in _rows(conn, sql, params)]
        finally:
            driver.create_function(KEEP, 1, None)

    def put(self, conn: Connection, documents: Iterable[TextDocument]) -> None:
        docs = list(documents)
        if not docs:
            return
        conn.execute(
            text("DELETE FROM dataset_fts WHERE rowid = :pk"), [{"pk": d.pk} for d in docs]
        )
        conn.execute(
            text(
                "INSERT INTO dataset_fts (rowid, title, keywords, description, publisher) "
                "VALUES (:pk, :title, :keywords, :description, :publisher)"
            ),
            [_row(d) for d in docs],
        )

    def clear(self, conn: Connection) -> None:
        conn.exec_driver_sql("DELETE FROM dataset_fts")


def _rows(conn: Connection, sql: str, params: tuple[object, ...]) -> list[tuple[int, ...]]:
    """Rows straight from the DB-API cursor (same connection, same transaction)."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _pks(conn: Connection, sql: str, params: tuple[object, ...]) -> list[int]:
    """pks from a query that returns them as one JSON array (``group_concat``): one row
    instead of thousands, parsed in C."""
    (joined,) = _rows(conn, sql, params)[0]
    return json.loads(joined) if joined else []


def _row(doc: TextDocument) -> dict[str, object]:
    return {
        "pk": doc.pk,
        "title": doc.title,
        "keywords": doc.keywords,
        "description": doc.description,
        "publisher": doc.publisher,
    }
