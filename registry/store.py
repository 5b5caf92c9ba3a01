"""Writing records: upsert by stable identifier, in batches, with the search index kept in step.

Loading a record whose content hash is unchanged writes nothing at all, so loading the same
file twice changes nothing. Curated coverage (set by people) survives a reload of the record.
Each function is keyword-only and session-first, shared by the API, the CLI and the harvests.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from registry.errors import NotFound
from registry.search import TextDocument, facet_values, text_index
from registry.search import changes as search_changes
from registry.search.tables import DatasetFacet
from schemas import (
    Coverage,
    Dataset,
    DatasetCreate,
    Distribution,
    ItemState,
    Organisation,
    OrganisationCreate,
    Provenance,
    RecordStatus,
)
from schemas.common import now

DATASET = Dataset.__table__
ORGANISATION = Organisation.__table__
DISTRIBUTION = Distribution.__table__
COVERAGE = Coverage.__table__
FACET = DatasetFacet.__table__


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    state: ItemState
    # The stored record's content hash, when the upsert computed it (datasets).
    content_hash: str | None = field(default=None, compare=False)


def content_hash(record: BaseModel) -> str:
    """SHA-256 of the record's canonical JSON: equal records, equal hashes."""
    canonical = json.dumps(record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def bump_generation(*, session: Session, dataset_pks: Iterable[int] = ()) -> None:
    """Tell every process's search that the records changed, and which datasets did (none:
    only an organisation), so each can patch its facet index for just those."""
    search_changes.bump(session.connection(), dataset_pks)


# -- organisations ----------------------------------------------------------------------------


def upsert_organisations(
    *, session: Session, records: Sequence[OrganisationCreate], create_only: bool = False
) -> list[Outcome]:
    """Add or update organisations by id. With ``create_only``, existing ones are left as they
    are (a dataset's inline publisher must not overwrite the organisations register)."""
    if not records:
        return []
    unique = list({r.id: r for r in records}.values())
    existing = dict(
        session.execute(
            select(ORGANISATION.c.id, ORGANISATION.c.content_hash).where(
                ORGANISATION.c.id.in_([r.id for r in unique])
            )
        ).all()
    )
    outcomes, new_rows, changed_rows = [], [], []
    stamp = now()
    for record in unique:
        digest = content_hash(record)
        row = _organisation_row(record, digest)
        if record.id not in existing:
            new_rows.append({**row, "created_at": stamp, "updated_at": stamp})
            outcomes.append(Outcome(record.id, ItemState.added))
        elif existing[record.id] != digest and not create_only:
            changed_rows.append({**row, "updated_at": stamp})
            outcomes.append(Outcome(record.id, ItemState.updated))
        else:
            outcomes.append(Outcome(record.id, ItemState.unchanged))
    if new_rows:
        session.execute(insert(ORGANISATION), new_rows)
    for row in changed_rows:
        session.execute(update(ORGANISATION).where(ORGANISATION.c.id == row["id"]).values(**row))
    if new_rows or changed_rows:
        # Publisher names are searchable and shown as facet labels.
        bump_generation(session=session)
    return outcomes


def _organisation_row(record: OrganisationCreate, digest: str) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "abbreviation": record.abbreviation,
        "organisation_type": record.organisation_type,
        "sectors": list(record.sectors),
        "homepage": str(record.homepage) if record.homepage else None,
        "status": record.status,
        "parent_ids": list(record.parent_ids),
        "identifiers": dict(record.identifiers),
        "content_hash": digest,
    }


# -- datasets ---------------------------------------------------------------------------------


def upsert_datasets(
    *, session: Session, records: Sequence[DatasetCreate], source_name: str | None = None
) -> list[Outcome]:
    """Add or update datasets by id. References must already be valid (see :func:`problems`)."""
    inline = [r.publisher for r in records if isinstance(r.publisher, OrganisationCreate)]
    if inline:
        upsert_organisations(session=session, records=inline, create_only=True)
    unique = list({r.id: r for r in records}.values())
    existing = {
        row.id: row
        for row in session.execute(
            select(DATASET.c.pk, DATASET.c.id, DATASET.c.content_hash, DATASET.c.status).where(
                DATASET.c.id.in_([r.id for r in unique])
            )
        )
    }
    stamp = now()
    outcomes: list[Outcome] = []
    added: list[DatasetCreate] = []
    changed: list[DatasetCreate] = []
    digests: dict[str, str] = {}
    for record in unique:
        digests[record.id] = digest = content_hash(normalised(record))
        old = existing.get(record.id)
        if old is None:
            added.append(record)
            outcomes.append(Outcome(record.id, ItemState.added, digest))
        elif old.content_hash != digest or old.status != RecordStatus.active.value:
            changed.append(record)
            outcomes.append(Outcome(record.id, ItemState.updated, digest))
        else:
            outcomes.append(Outcome(record.id, ItemState.unchanged, digest))
    if not added and not changed:
        return outcomes

    pks: dict[str, int] = {}
    if added:
        rows = [
            {
                **_dataset_row(r, digests[r.id], source_name),
                "created_at": stamp,
                "updated_at": stamp,
            }
            for r in added
        ]
        for pk, dataset_id in session.execute(
            insert(DATASET).returning(DATASET.c.pk, DATASET.c.id), rows
        ):
            pks[dataset_id] = pk
    for record in changed:
        pks[record.id] = existing[record.id].pk
        row = {**_dataset_row(record, digests[record.id], source_name), "updated_at": stamp}
        row.update(status=RecordStatus.active.value, withdrawn_at=None, withdrawn_reason=None)
        session.execute(update(DATASET).where(DATASET.c.id == record.id).values(**row))

    changed_ids = [r.id for r in changed]
    if changed_ids:
        session.execute(delete(DISTRIBUTION).where(DISTRIBUTION.c.dataset_id.in_(changed_ids)))
        session.execute(
            delete(COVERAGE).where(
                COVERAGE.c.dataset_id.in_(changed_ids),
                COVERAGE.c.provenance != Provenance.curated.value,
            )
        )
        session.execute(delete(FACET).where(FACET.c.dataset_pk.in_([pks[i] for i in changed_ids])))
    touched = added + changed
    curated = _curated_coverage(session=session, dataset_ids=changed_ids)
    _insert_children(session=session, records=touched, curated=curated)
    _index(session=session, records=touched, pks=pks, curated=curated)
    bump_generation(session=session, dataset_pks=pks.values())
    return outcomes


def _dataset_row(record: DatasetCreate, digest: str, source_name: str | None) -> dict[str, Any]:
    return {
        "id": record.id,
        "title": record.title,
        "description": record.description,
        "publisher_id": record.publisher_id,
        "contact_point": record.contact_point.model_dump(mode="json", exclude_none=True)
        if record.contact_point
        else None,
        "landing_page": str(record.landing_page) if record.landing_page else None,
        "licence": record.licence,
        "access_rights": record.access_rights.value if record.access_rights else None,
        "accrual_periodicity": record.accrual_periodicity,
        "issued": record.issued,
        "modified": record.modified,
        "temporal_start": record.temporal_start,
        "temporal_end": record.temporal_end,
        "spatial": list(record.spatial),
        "keywords": list(record.keywords),
        "themes": list(record.themes),
        "granularity": record.granularity.value if record.granularity else None,
        "conforms_to": [str(u) for u in record.conforms_to],
        "other_identifiers": list(record.other_identifiers),
        "status": RecordStatus.active.value,
        "source_name": source_name,
        "source_record": record.source_record,
        "content_hash": digest,
    }


def normalised(record: DatasetCreate) -> DatasetCreate:
    """The record as it will read back from storage: publisher by id, every distribution id set.

    Hashing this form makes an export -> load round trip report "unchanged".
    """
    distributions = [
        dist.model_copy(update={"id": dist_id})
        for dist_id, dist in zip(distribution_ids(record), record.distributions, strict=True)
    ]
    return record.model_copy(
        update={"publisher": record.publisher_id, "distributions": distributions}
    )


def distribution_ids(record: DatasetCreate) -> list[str]:
    """Each distribution's id: its own, else one made from the dataset id and its URL."""
    ids: list[str] = []
    for dist in record.distributions:
        base = dist.id or (
            f"{record.id}.{hashlib.sha1(str(dist.access_url).encode()).hexdigest()[:10]}"
        )
        candidate, n = base, 2
        while candidate in ids:
            candidate, n = f"{base}-{n}", n + 1
        ids.append(candidate)
    return ids


def _curated_coverage(
    *, session: Session, dataset_ids: list[str]
) -> dict[str, list[tuple[str, str]]]:
    if not dataset_ids:
        return {}
    found: dict[str, list[tuple[str, str]]] = {}
    for dataset_id, scheme, concept in session.execute(
        select(COVERAGE.c.dataset_id, COVERAGE.c.scheme, COVERAGE.c.concept).where(
            COVERAGE.c.dataset_id.in_(dataset_ids),
            COVERAGE.c.provenance == Provenance.curated.value,
        )
    ):
        found.setdefault(dataset_id, []).append((scheme, concept))
    return found


def _insert_children(
    *, session: Session, records: Iterable[DatasetCreate], curated: dict[str, list[tuple[str, str]]]
) -> None:
    distributions, coverage = [], []
    for record in records:
        for position, (dist_id, dist) in enumerate(
            zip(distribution_ids(record), record.distributions, strict=True)
        ):
            distributions.append(
                {
                    "id": dist_id,
                    "dataset_id": record.id,
                    "position": position,
                    "title": dist.title,
                    "description": dist.description,
                    "access_url": str(dist.access_url),
                    "download_url": str(dist.download_url) if dist.download_url else None,
                    "media_type": dist.media_type,
                    "format": dist.format,
                    "byte_size": dist.byte_size,
                    "issued": dist.issued,
                    "modified": dist.modified,
                    "licence": dist.licence,
                    "profile": dist.profile.model_dump(mode="json") if dist.profile else None,
                }
            )
        kept = set(curated.get(record.id, ()))
        seen: set[tuple[str, str, str]] = set()
        for statement in record.coverage:
            key = (statement.scheme.value, statement.concept, statement.provenance.value)
            if key in seen or (key[2] == Provenance.curated.value and key[:2] in kept):
                continue
            seen.add(key)
            coverage.append(
                {
                    "dataset_id": record.id,
                    "scheme": key[0],
                    "concept": key[1],
                    "provenance": key[2],
                    "note": statement.note,
                }
            )
    if distributions:
        session.execute(insert(DISTRIBUTION), distributions)
    if coverage:
        session.execute(insert(COVERAGE), coverage)


def _index(
    *,
    session: Session,
    records: Sequence[DatasetCreate],
    pks: dict[str, int],
    curated: dict[str, list[tuple[str, str]]],
) -> None:
    publisher_ids = {r.publisher_id for r in records if r.publisher_id}
    names = dict(
        session.execute(
            select(ORGANISATION.c.id, ORGANISATION.c.name).where(
                ORGANISATION.c.id.in_(publisher_ids)
            )
        ).all()
    )
    facet_rows, documents = [], []
    for record in records:
        pk = pks[record.id]
        coverage = [(c.scheme.value, c.concept) for c in record.coverage]
        coverage += curated.get(record.id, [])
        values = facet_values(
            publisher_id=record.publisher_id,
            coverage=coverage,
            themes=record.themes,
            formats=[d.format for d in record.distributions],
            licence=record.licence,
            temporal_start=record.temporal_start,
            temporal_end=record.temporal_end,
            issued=record.issued,
            modified=record.modified,
            status=RecordStatus.active.value,
        )
        facet_rows.extend({"facet": f, "value": v, "dataset_pk": pk} for f, v in values)
        publisher = names.get(record.publisher_id or "", "")
        documents.append(
            TextDocument(
                pk=pk,
                title=record.title,
                keywords=" ".join(record.keywords),
                description=record.description,
                publisher=publisher,
            )
        )
    if facet_rows:
        session.execute(insert(FACET), facet_rows)
    text_index(session.get_bind().dialect.name).put(session.connection(), documents)


def withdraw_dataset(
    *, session: Session, dataset_id: str, reason: str, at: datetime | None = None
) -> bool:
    """Mark a dataset withdrawn (kept, never deleted) now, or ``at`` (a loaded record's own
    date); False if it was already withdrawn."""
    row = session.execute(
        select(DATASET.c.pk, DATASET.c.status).where(DATASET.c.id == dataset_id)
    ).first()
    if row is None:
        raise NotFound(f"no dataset with id {dataset_id!r}")
    if row.status == RecordStatus.withdrawn.value:
        return False
    stamp = now()
    session.execute(
        update(DATASET)
        .where(DATASET.c.pk == row.pk)
        .values(
            status=RecordStatus.withdrawn.value,
            withdrawn_at=at or stamp,
            withdrawn_reason=reason,
            updated_at=stamp,
        )
    )
    session.execute(
        update(FACET)
        .where(FACET.c.dataset_pk == row.pk, FACET.c.facet == "status")
        .values(value=RecordStatus.withdrawn.value)
    )
    bump_generation(session=session, dataset_pks=[row.pk])
    return True
