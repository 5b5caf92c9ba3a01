"""Full-text search behind one small interface, with a SQLite FTS5 and a PostgreSQL twin.

A query is parsed once (:func:`parse_query`) into terms: words, ``"quoted phrases"`` and
``prefix*`` words, all required. Each backend turns the terms into its own syntax, so no user
text ever reaches FTS5's or ``to_tsquery``'s grammar unescaped.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import Connection

from registry.search.facets import bits_from

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+")
MAX_TERMS = 16


@dataclass(frozen=True, slots=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase
    prefix: bool = False  # the last word is a prefix


@dataclass(frozen=True, slots=True)
class TextDocument:
    """What the full-text index holds for one dataset."""

    pk: int
    title: str
    keywords: str
    description: str
    publisher: str


def parse_query(text: str) -> list[Term]:
    """Terms of a search box query. Punctuation splits words; it never becomes syntax."""
    terms: list[Term] = []
    for phrase, bare in _TOKEN.findall(text):
        if phrase:
            words = tuple(w.casefold() for w in _WORD.findall(phrase))
            if words:
                terms.append(Term(words))
            continue
        prefix = bare.endswith("*")
        words = [w.casefold() for w in _WORD.findall(bare)]
        if not words:
            continue
        # "civil-service" means the phrase "civil service"; "pay*" is a prefix.
        terms.append(Term(tuple(words), prefix=prefix))
    return terms[:MAX_TERMS]


class TextIndex(ABC):
    """A full-text index of datasets, keyed by ``dataset.pk``."""

    @abstractmethod
    def matches(self, conn: Connection, terms: list[Term]) -> list[int]:
        """Every pk matching all terms, in no particular order."""

    @abstractmethod
    def ranked(self, conn: Connection, terms: list[Term]) -> Iterator[int]:
        """Matching pks, most relevant first (title counts most, then keywords, then text)."""

    def match_bits(self, conn: Connection, terms: list[Term]) -> tuple[int, int]:
        """Every match as a bitset of pks (see :mod:`registry.search.facets`), and how many."""
        pks = self.matches(conn, terms)
        return bits_from(pks), len(pks)

    def top(
        self,
        conn: Connection,
        terms: list[Term],
        limit: int | None,
        required: Sequence[tuple[str, str]] = (),
        only: bytes | None = None,
    ) -> list[int]:
        """The first ``limit`` pks of :meth:`ranked` (all of them for ``None``).

        A backend may rank only the datasets with every ``required`` (facet, value), or only
        those in ``only`` (a :func:`~registry.search.facets.members` table): the caller filters
        by its hits either way, and passes both or neither.
        """
        del required, only  # this generic version ranks everything
        return list(islice(self.ranked(conn, terms), limit))

    @abstractmethod
    def put(self, conn: Connection, documents: Iterable[TextDocument]) -> None:
        """Index or re-index these documents."""

    @abstractmethod
    def clear(self, conn: Connection) -> None:
        """Empty the index."""
