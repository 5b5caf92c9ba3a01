"""What people set, laid over a record on its way into storage.

Curated fields replace the record's values; coverage statements a person removed
("suppressed") are dropped whatever their provenance; the statements a person added are put
in. The record is hashed after the overlay, so a harvest that brings the same source values
again changes nothing, while a new source value of a curated field is noted (``harvested``)
but never shown in place of the curated one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from schemas import DatasetCreate, DatasetCuration, Provenance

# The fields a person may set (the API's PATCH takes DatasetUpdate's; a restore any of these).
# Distributions are one field: a person's list replaces the source's.
EDITABLE = tuple(name for name in DatasetCreate.model_fields if name not in ("id", "coverage"))
STATUS = "status"  # a curated withdrawal, kept in ``fields`` too


def read_curations(*, session: Session, dataset_ids: Sequence[str]) -> dict[str, DatasetCuration]:
    if not dataset_ids:
        return {}
    return {
        row.dataset_id: row
        for row in session.execute(
            select(DatasetCuration).where(DatasetCuration.dataset_id.in_(dataset_ids))
        ).scalars()
    }


def field_value(record: DatasetCreate, name: str) -> Any:
    """One field of the record in JSON form (the publisher by id)."""
    if name == "publisher":
        return record.publisher_id
    if name == "distributions":
        return [d.model_dump(mode="json", exclude_none=True) for d in record.distributions]
    return record.model_dump(mode="json", include={name}).get(name)


def source_values(record: DatasetCreate, curation: DatasetCuration) -> dict[str, Any]:
    """The record's own values of the fields a person set (what the source says)."""
    return {name: field_value(record, name) for name in curation.fields if name in EDITABLE}


def overlay(record: DatasetCreate, curation: DatasetCuration) -> DatasetCreate:
    values = {k: v for k, v in curation.fields.items() if k in EDITABLE}
    suppressed = {(s, c) for s, c in curation.suppressed}
    mine = {(c["scheme"], c["concept"]) for c in curation.coverage}
    coverage: list[Any] = [
        c
        for c in record.coverage
        if (c.scheme.value, c.concept) not in suppressed
        and not (c.provenance is Provenance.curated and (c.scheme.value, c.concept) in mine)
    ]
    coverage += [
        {
            "scheme": c["scheme"],
            "concept": c["concept"],
            "provenance": Provenance.curated.value,
            "note": c.get("note"),
        }
        for c in curation.coverage
    ]
    data = record.model_dump(exclude={"coverage"})
    data.update(values)
    data["coverage"] = [c if isinstance(c, dict) else c.model_dump() for c in coverage]
    return DatasetCreate.model_validate(data)


def curated_status(curation: DatasetCuration | None) -> str | None:
    return curation.fields.get(STATUS) if curation is not None else None


def apply(
    session: Session,
    record: DatasetCreate,
    curation: DatasetCuration | None,
    curated_by: str | None,
) -> DatasetCreate:
    """The record with what people set laid over it. A harvest's own values of the curated
    fields are kept beside them (not on a person's write: its values are the curated ones)."""
    if curation is None:
        return record
    if curated_by is None:
        values = source_values(record, curation)
        if values != {k: curation.harvested.get(k) for k in values}:
            curation.harvested = {**curation.harvested, **values}
            session.add(curation)
    return overlay(record, curation)
