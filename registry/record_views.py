"""Stored datasets as the DCAT writers read them: plain attribute views, straight from the
database driver.

Feed pages and full dumps write every record they read, so reading must cost less than
writing. Through the ORM and pydantic models (:func:`registry.records.public_datasets`) a page
of 100 records took longer to read than to write as Turtle; through SQLAlchemy Core, half of
that went to compiling ``IN`` lists and per-value result processing. Here each batch is four
plain SQL statements on the driver's cursor (the pks are integers from our own tables, written
into the SQL as numbers), and values are converted only where the driver left them as text
(SQLite: JSON, dates and times; PostgreSQL's driver already gives Python objects). What the
database holds was validated on the way in, so nothing is validated again. A test writes the
demo catalogue both ways, in every format, and requires the same text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlmodel import Session


class ContactView(NamedTuple):
    name: str | None = None
    email: str | None = None
    url: str | None = None
    telephone: str | None = None


class PublisherView(NamedTuple):
    id: str
    name: str


class CoverageView(NamedTuple):
    scheme: str
    concept: str
    provenance: str


class DistributionView(NamedTuple):
    dataset_pk: int
    id: str
    title: str | None
    description: str | None
    access_url: str
    download_url: str | None
    media_type: str | None
    format: str | None
    byte_size: int | None
    issued: date | None
    modified: datetime | None
    licence: str | None


class RecordView:
    """A stored dataset as the DCAT mapping reads it: the dataset's columns as attributes,
    with ``publisher``, ``contact_point``, ``distributions`` (without their tabular profile)
    and ``coverage``, in the order :func:`registry.records.public_datasets` gives them."""

    def __init__(self, columns: dict[str, Any]) -> None:
        self.__dict__.update(columns)
        self.publisher: PublisherView | None = None
        self.distributions: list[DistributionView] = []
        self.coverage: list[CoverageView] = []


# The dataset columns the mapping reads: plain ones, JSON ones, dates and times.
PLAIN = (
    "pk",
    "id",
    "title",
    "description",
    "publisher_id",
    "landing_page",
    "licence",
    "access_rights",
    "accrual_periodicity",
    "granularity",
    "status",
)
JSON = ("contact_point", "spatial", "keywords", "themes", "conforms_to", "other_identifiers")
DATES = ("issued", "temporal_start", "temporal_end")
TIMES = ("modified", "withdrawn_at", "updated_at")
_DATASET_SQL = f"SELECT {', '.join(PLAIN + JSON + DATES + TIMES)} FROM dataset WHERE pk IN ({{}})"
_DISTRIBUTION_SQL = (
    f"SELECT d.pk, {', '.join('x.' + f for f in DistributionView._fields[1:])} "
    "FROM distribution x JOIN dataset d ON d.id = x.dataset_id "
    "WHERE d.pk IN ({}) ORDER BY x.dataset_id, x.position"
)
_COVERAGE_SQL = (
    "SELECT d.pk, c.scheme, c.concept, c.provenance "
    "FROM coverage c JOIN dataset d ON d.id = c.dataset_id "
    "WHERE d.pk IN ({}) ORDER BY c.id"
)
_PUBLISHER_SQL = (
    "SELECT DISTINCT o.id, o.name FROM organisation o JOIN dataset d ON d.publisher_id = o.id "
    "WHERE d.pk IN ({})"
)


def record_views(*, session: Session, pks: Sequence[int]) -> list[RecordView]:
    """The datasets with these pks, in the order given; unknown pks are left out."""
    if not pks:
        return []
    numbers = ",".join(str(int(pk)) for pk in pks)  # integers only: safe to inline
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(_DATASET_SQL.format(numbers))
        views = _datasets(cursor.fetchall())
        cursor.execute(_DISTRIBUTION_SQL.format(numbers))
        for row in cursor.fetchall():
            dist = DistributionView._make(row)
            if isinstance(dist.issued, str) or isinstance(dist.modified, str):
                dist = dist._replace(issued=_date(dist.issued), modified=_time(dist.modified))
            views[dist.dataset_pk].distributions.append(dist)
        cursor.execute(_COVERAGE_SQL.format(numbers))
        statements: dict[tuple[str, str, str], CoverageView] = {}  # few, repeated often
        for pk, scheme, concept, provenance in cursor.fetchall():
            key = (scheme, concept, provenance)
            found = statements.get(key)
            if found is None:
                found = statements[key] = CoverageView._make(key)
            views[pk].coverage.append(found)
        cursor.execute(_PUBLISHER_SQL.format(numbers))
        publishers = {org_id: PublisherView(org_id, name) for org_id, name in cursor.fetchall()}
    finally:
        cursor.close()
    for view in views.values():
        view.publisher = publishers.get(view.publisher_id)
    return [views[pk] for pk in pks if pk in views]


def _datasets(rows: list[Any]) -> dict[int, RecordView]:
    plain, json_at = len(PLAIN), len(PLAIN) + len(JSON)
    if rows and any(isinstance(v, str) for row in rows for v in row[plain:json_at]):
        # Every JSON cell of the batch parsed in one call (C speed, not 600 Python calls).
        cells = [v if v is not None else "null" for row in rows for v in row[plain:json_at]]
        decoded = json.loads("[" + ",".join(cells) + "]")
    else:
        decoded = [v for row in rows for v in row[plain:json_at]]
    views: dict[int, RecordView] = {}
    width = len(JSON)
    for number, row in enumerate(rows):
        columns = dict(zip(PLAIN, row, strict=False))
        columns.update(zip(JSON, decoded[number * width : (number + 1) * width], strict=True))
        at = json_at
        for name in DATES:
            columns[name] = _date(row[at])
            at += 1
        for name in TIMES:
            columns[name] = _time(row[at])
            at += 1
        contact = columns["contact_point"]
        columns["contact_point"] = (
            ContactView(*(contact.get(k) for k in ContactView._fields)) if contact else None
        )
        views[columns["pk"]] = RecordView(columns)
    return views


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def iter_record_views(
    *, session: Session, pks: Sequence[int], batch: int = 500
) -> Iterator[RecordView]:
    """:func:`record_views` for many pks, a batch at a time (full dumps with flat memory)."""
    for start in range(0, len(pks), batch):
        yield from record_views(session=session, pks=pks[start : start + batch])
