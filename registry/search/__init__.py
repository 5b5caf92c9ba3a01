"""Search: ranked full text (SQLite FTS5 or PostgreSQL), filters and facet counts.

Search(engine).run(conn, SearchQuery(q="ethnicity", filters={"grade": ("executive",)}))
"""

from registry.search.engine import SORTS, STATUSES, Search, SearchQuery, SearchResult
from registry.search.facets import FACETS, facet_values
from registry.search.postgres_fts import PostgresTextIndex
from registry.search.sqlite_fts import SqliteTextIndex
from registry.search.text import TextDocument, TextIndex, parse_query


def text_index(dialect: str) -> TextIndex:
    """The full-text index for a SQLAlchemy dialect name."""
    return SqliteTextIndex() if dialect == "sqlite" else PostgresTextIndex()


__all__ = [
    "FACETS",
    "SORTS",
    "STATUSES",
    "Search",
    "SearchQuery",
    "SearchResult",
    "TextDocument",
    "TextIndex",
    "facet_values",
    "parse_query",
    "text_index",
]
