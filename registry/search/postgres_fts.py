"""PostgreSQL full-text search: a ``dataset_fts`` table of weighted tsvectors with a GIN index."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, text

from registry.search.text import Term, TextDocument, TextIndex

CREATE = (
    "CREATE TABLE IF NOT EXISTS dataset_fts ("
    " pk integer PRIMARY KEY REFERENCES dataset(pk) ON DELETE CASCADE,"
    " document tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS ix_dataset_fts_document ON dataset_fts USING gin (document)",
)


def tsquery(terms: list[Term]) -> tuple[str, dict[str, str]]:
    """A tsquery SQL expression with bound parameters: phrases with ``<->``, prefixes with ``:*``.

    Each word goes through ``plainto_tsquery`` (so it is stemmed and never parsed as syntax);
    the pieces are then joined with the tsquery operators.
    """
    pieces: list[str] = []
    params: dict[str, str] = {}
    for t_index, term in enumerate(terms):
        words = []
        for w_index, word in enumerate(term.words):
            name = f"w{t_index}_{w_index}"
            params[name] = word
            last = w_index == len(term.words) - 1
            if term.prefix and last:
                # to_tsquery with a prefix needs the lexeme itself; keep only word characters.
                params[name] = "".join(ch for ch in word if ch.isalnum()) or "x"
                words.append(f"to_tsquery('simple', :{name} || ':*')")
            else:
                words.append(f"plainto_tsquery('english', :{name})")
        pieces.append("(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0])
    return " && ".join(pieces), params


class PostgresTextIndex(TextIndex):
    def matches(self, conn: Connection, terms: list[Term]) -> list[int]:
        expression, params = tsquery(terms)
        rows = conn.execute(
            text(f"SELECT pk FROM dataset_fts WHERE document @@ ({expression})"), params
        )
        return [row[0] for row in rows]

    def ranked(self, conn: Connection, terms: list[Term]) -> Iterator[int]:
        expression, params = tsquery(terms)
        rows = conn.execute(
            text(
                f"SELECT pk FROM dataset_fts CROSS JOIN (SELECT {expression} AS query) AS q "
                "WHERE document @@ q.query "
                "ORDER BY ts_rank_cd(document, q.query) DESC, pk"
            ),
            params,
        )
        for row in rows:
            yield row[0]

    def put(self, conn: Connection, documents: Iterable[TextDocument]) -> None:
        docs = [
            {
                "pk": d.pk,
                "title": d.title,
                "keywords": d.keywords,
                "description": d.description,
                "publisher": d.publisher,
            }
            for d in documents
        ]
        if not docs:
            return
        conn.execute(
            text(
                "INSERT INTO dataset_fts (pk, document) VALUES (:pk, "
                "setweight(to_tsvector('english', :title), 'A') || "
                "setweight(to_tsvector('english', :keywords), 'B') || "
                "setweight(to_tsvector('english', :publisher), 'C') || "
                "setweight(to_tsvector('english', :description), 'D')) "
                "ON CONFLICT (pk) DO UPDATE SET document = EXCLUDED.document"
            ),
            docs,
        )

    def clear(self, conn: Connection) -> None:
        conn.exec_driver_sql("DELETE FROM dataset_fts")
