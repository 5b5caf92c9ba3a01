"""What the gap scorer needs to know about each active dataset, read in three plain queries.

The matrix reads every active record, so this reads only the columns the method uses and turns
them into small frozen :class:`Facts`; the scorer itself (:mod:`registry.gaps.scoring`) is pure.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from registry.gaps import method
from registry.quality.mqa import record_facts, record_points


@dataclass(frozen=True, slots=True)
class Facts:
    """One dataset as the gap method sees it. ``coverage`` maps each scheme to its concepts,
    each with the strongest provenance stated for it."""

    id: str
    title: str
    publisher_id: str | None = None
    licence: str | None = None
    accrual_periodicity: str | None = None
    granularity: str | None = None
    latest: date | None = None  # the latest of modified, end of the period covered, issued
    formats: tuple[str, ...] = ()
    coverage: dict[str, dict[str, str]] = field(default_factory=dict)
    metadata_points: int = 0  # the record's own MQA points (of 325; no link checks)


_DATASETS = (
    "SELECT id, title, publisher_id, licence, accrual_periodicity, granularity, access_rights, "
    "issued, modified, temporal_start, temporal_end, "
    "CAST(keywords AS TEXT), CAST(themes AS TEXT), CAST(spatial AS TEXT), "
    "CAST(contact_point AS TEXT) FROM dataset d WHERE status = 'active'"
)
# In insertion order, so that a cell's best dataset among equals is the same on every database.
_ORDER = " ORDER BY pk"
_DISTRIBUTIONS = (
    "SELECT x.dataset_id, x.format, x.media_type, x.download_url IS NOT NULL, "
    "x.byte_size IS NOT NULL FROM distribution x JOIN dataset d ON d.id = x.dataset_id "
    "WHERE d.status = 'active'"
)
_COVERAGE = (
    "SELECT c.dataset_id, c.scheme, c.concept, c.provenance FROM coverage c "
    "JOIN dataset d ON d.id = c.dataset_id WHERE d.status = 'active'"
)


def read_facts(*, session: Session, pks: Collection[int] | None = None) -> list[Facts]:
    """Every active dataset's facts (or only those of the datasets ``pks`` names), in
    insertion order."""
    # Integers written into the SQL: the driver's cursor has no one parameter style.
    only = "" if pks is None else f" AND d.pk IN ({','.join(str(int(pk)) for pk in pks) or 'NULL'})"
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(_DISTRIBUTIONS + only)
        files: dict[str, list[tuple[Any, ...]]] = {}
        for dataset_id, *row in cursor.fetchall():
            files.setdefault(dataset_id, []).append(tuple(row))
        cursor.execute(_COVERAGE + only)
        coverage: dict[str, dict[str, dict[str, str]]] = {}
        for dataset_id, scheme, concept, provenance in cursor.fetchall():
            concepts = coverage.setdefault(dataset_id, {}).setdefault(scheme, {})
            known = concepts.get(concept)
            if known is None or method.weight(provenance) > method.weight(known):
                concepts[concept] = provenance
        cursor.execute(_DATASETS + only + _ORDER)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return [_facts(row, files.get(row[0], []), coverage.get(row[0], {})) for row in rows]


def _facts(row: tuple[Any, ...], files: list[tuple[Any, ...]], coverage: dict) -> Facts:
    (ident, title, publisher, licence, periodicity, granularity, access) = row[:7]
    issued, modified, start, end = (_day(v) for v in row[7:11])
    keywords, themes, spatial, contact = (_filled(v) for v in row[11:15])
    formats = tuple(dict.fromkeys(f for f, *_ in files if f))
    record = record_facts(
        keywords=keywords,
        themes=themes,
        spatial=spatial,
        temporal=bool(start or end),
        formats=formats,
        download_url=any(f[2] for f in files),
        media_type=any(f[1] for f in files),
        byte_size=any(f[3] for f in files),
        licence=licence,
        access_rights=bool(access),
        contact_point=contact,
        publisher=bool(publisher),
        issued=issued is not None,
        modified=modified is not None,
    )
    dates = [d for d in (modified, end, issued) if d]
    return Facts(
        id=ident,
        title=title,
        publisher_id=publisher,
        licence=licence,
        accrual_periodicity=periodicity,
        granularity=granularity,
        latest=max(dates) if dates else None,
        formats=formats,
        coverage=coverage,
        metadata_points=record_points(record),
    )


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _filled(value: Any) -> bool:
    """A JSON column's text holds something (not null, [], {} or "")."""
    if value is None:
        return False
    text = value if isinstance(value, str) else json.dumps(value)
    return text.strip() not in ("", "null", "[]", "{}", '""')
