"""The search change log: which datasets each generation of the ``search`` counter changed.

A write bumps the counter and records the pks it changed in the same transaction
(:func:`bump`), so whoever sees generation ``g`` also sees every change up to ``g``. A process
whose facet index is at generation ``old`` asks :func:`changed_since` for the pks changed
after it, and patches its index for just those; ``None`` means rebuild (the log no longer
reaches back that far, a write changed too many datasets to list, or the counter went back,
as after a restore).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

# More changed datasets than this are cheaper to rebuild from (a bulk load): not listed.
MAX_LISTED = 1000
# Generations kept: a harvest commits every 25 items, so this is many harvest runs' worth; a
# process whose index is older than that rebuilds it.
KEEP_GENERATIONS = 500
NO_DATASET = 0  # a generation that changed no dataset (an organisation's name)
TOO_MANY = -1  # a generation that changed more than MAX_LISTED datasets


def bump(conn: Connection, dataset_pks: Iterable[int] = ()) -> int:
    """Move the ``search`` counter on, record which datasets moved it, prune; the new value."""
    moved = conn.execute(text("UPDATE registry_state SET value = value + 1 WHERE name = 'search'"))
    if not moved.rowcount:
        conn.execute(text("INSERT INTO registry_state (name, value) VALUES ('search', 1)"))
    generation = int(
        conn.execute(text("SELECT value FROM registry_state WHERE name = 'search'")).scalar_one()
    )
    pks = sorted(set(dataset_pks))
    if not pks:
        pks = [NO_DATASET]
    elif len(pks) > MAX_LISTED:
        pks = [TOO_MANY]
    conn.execute(
        text("INSERT INTO search_change (generation, dataset_pk) VALUES (:g, :pk)"),
        [{"g": generation, "pk": pk} for pk in pks],
    )
    conn.execute(
        text("DELETE FROM search_change WHERE generation <= :old"),
        {"old": generation - KEEP_GENERATIONS},
    )
    return generation


def changed_since(conn: Connection, old: int, new: int, limit: int = MAX_LISTED) -> set[int] | None:
    """The pks changed in generations ``old + 1`` to ``new``; None when the index must be
    rebuilt instead (see the module's docstring), or when more than ``limit`` changed."""
    if new <= old:
        return None if new < old else set()
    rows = conn.execute(
        text(
            "SELECT generation, dataset_pk FROM search_change "
            "WHERE generation > :old AND generation <= :new"
        ),
        {"old": old, "new": new},
    ).all()
    generations = {generation for generation, _ in rows}
    if len(generations) != new - old:  # pruned, or written before the log existed
        return None
    pks = {pk for _, pk in rows}
    if TOO_MANY in pks:
        return None
    pks.discard(NO_DATASET)
    return pks if len(pks) <= limit else None
