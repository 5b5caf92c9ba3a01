""" "Data I need" requests as the gap matrix counts them: per cell, a request for a sector grade
(``scs2``) counting for the cells it is at-grade evidence for (its harmonised level, and when
drilling down the grade itself and its sector groups), exactly as a dataset's statement would.

The counts are read afresh on every call (one grouped query over a small table), not kept in
the catalogue cache: a request is not a change to the records, so it starts no new generation.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlmodel import Session

from registry.gaps.matrix import Cell, Key, Priorities, within
from schemas.suggestion import DataRequest

REQUEST = DataRequest.__table__


def request_counts(*, session: Session, grade_level: str = "harmonised") -> Counter[Key]:
    """Requests per matrix cell at ``grade_level``."""
    counts: Counter[Key] = Counter()
    rows = session.execute(
        select(REQUEST.c.sector, REQUEST.c.grade, REQUEST.c.attribute, func.count()).group_by(
            REQUEST.c.sector, REQUEST.c.grade, REQUEST.c.attribute
        )
    )
    for sector, grade, attribute, n in rows:
        for cell_grade in within(grade, grade_level):
            counts[(sector, cell_grade, attribute)] += n
    return counts


def apply_requests(
    cells: dict[Key, Cell], counts: Counter[Key], priorities: Priorities | None
) -> None:
    """Set each cell's request count, and raise its priority by the configured boost."""
    boost = priorities or Priorities()
    for key, n in counts.items():
        cell = cells.get(key)
        if cell is not None:
            cell.requests = n
            cell.priority = boost.boosted(cell.priority, n)
