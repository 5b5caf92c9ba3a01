"""SQLite FTS5: a ``dataset_fts`` virtual table whose rowid is ``dataset.pk``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, text

from registry.search.text import Term, TextDocument, TextIndex

# Column weights for bm25: title, keywords, description, publisher.
WEIGHTS = (10.0, 5.0, 1.0, 2.0)
CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS dataset_fts USING fts5("
    "title, keywords, description, publisher, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
)


def fts5_query(terms: list[Term]) -> str:
    """Terms as an FTS5 expression: each word quoted (so it is never syntax), all required."""
    parts = []
    for term in terms:
        # "a" + "b" is FTS5's phrase: b right after a. Quoting keeps every word a plain string.
        quoted = " + ".join('"' + word.replace('"', '""') + '"' for word in term.words)
        parts.append(f"({quoted} *)" if term.prefix else f"({quoted})")
    return " AND ".join(parts)


class SqliteTextIndex(TextIndex):
    def matches(self, conn: Connection, terms: list[Term]) -> list[int]:
        rows = conn.exec_driver_sql(
            "SELECT rowid FROM dataset_fts WHERE dataset_fts MATCH ?", (fts5_query(terms),)
        )
        return [row[0] for row in rows]

    def ranked(self, conn: Connection, terms: list[Term]) -> Iterator[int]:
        weights = ", ".join(str(w) for w in WEIGHTS)
        rows = conn.exec_driver_sql(
            f"SELECT rowid FROM dataset_fts WHERE dataset_fts MATCH ? "
            f"ORDER BY bm25(dataset_fts, {weights}), rowid",
            (fts5_query(terms),),
        )
        for row in rows:
            yield row[0]

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


def _row(doc: TextDocument) -> dict[str, object]:
    return {
        "pk": doc.pk,
        "title": doc.title,
        "keywords": doc.keywords,
        "description": doc.description,
        "publisher": doc.publisher,
    }
