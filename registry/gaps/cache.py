"""The catalogue as the gap matrix reads it, kept per generation of the database.

Reading it is most of the matrix's cost (about a second at 100k datasets); the team moves
between heatmaps, grade levels and cells of one catalogue. Any write to the records starts a
new generation (:func:`registry.store.bump_generation`), and recency depends on the date, so
the kept catalogue is used only for the same generation and the same day: exact, never stale.
One per app, thread-safe; the CLI reads afresh each time.
"""

from __future__ import annotations

import threading
from datetime import date

from sqlmodel import Session

from registry.gaps.bitsets import Catalogue, read_catalogue
from registry.search.engine import current_generation


class CatalogueCache:
    def __init__(self) -> None:
        self._kept: tuple[int, date, Catalogue] | None = None
        self._lock = threading.Lock()

    def read(self, *, session: Session, today: date) -> Catalogue:
        generation = current_generation(session.connection())
        kept = self._kept
        if kept is None or kept[:2] != (generation, today):
            with self._lock:  # one reader at a time; the others then find it kept
                kept = self._kept
                if kept is None or kept[:2] != (generation, today):
                    catalogue = read_catalogue(session=session, today=today)
                    kept = self._kept = (generation, today, catalogue)
        return kept[2]


def read_with(cache: CatalogueCache | None, *, session: Session, today: date) -> Catalogue:
    """From the cache when there is one, else straight from the database."""
    if cache is None:
        return read_catalogue(session=session, today=today)
    return cache.read(session=session, today=today)
