"""PostgreSQL full-text search: a ``dataset_fts`` table of weighted tsvectors with a GIN index."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

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
        # One row with every pk in a JSON array: thousands of result rows cost more.
        expression, params = tsquery(terms)
        joined = conn.execute(
            text(
                "SELECT '[' || string_agg(CAST(pk AS text), ',') || ']' FROM dataset_fts "
                f"WHERE document @@ ({expression})"
            ),
            params,
        ).scalar()
        return json.loads(joined) if joined else []

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
        # The required facet values as semi-joins; ``only`` cannot be sent to the server.
        del only
        expression, params = tsquery(terms)
        values: dict[str, object] = dict(params)
        where = ""
        for i, (facet, value) in enumerate(required):
            where += (
                f" AND EXISTS (SELECT 1 FROM dataset_facet WHERE facet = :rf{i}"
                f" AND value = :rv{i} AND dataset_pk = dataset_fts.pk)"
            )
            values[f"rf{i}"], values[f"rv{i}"] = facet, value
        sql = (
            f"SELECT pk FROM dataset_fts CROSS JOIN (SELECT {expression} AS query) AS q "
            f"WHERE document @@ q.query{where} ORDER BY ts_rank_cd(document, q.query) DESC, pk"
        )
        if limit is not None:
            sql += " LIMIT :limit"
            values["limit"] = limit
        return [row[0] for row in conn.execute(text(sql), values)]

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
