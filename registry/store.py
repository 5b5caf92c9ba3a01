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

from registry import history
from registry.curation.overlay import apply, curated_status, read_curations
from registry.errors import NotFound
from registry.search import changes as search_changes
from registry.search.tables import DatasetFacet
from registry.store_rows import curated_coverage, distribution_ids, index_records, insert_children
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
    *,
    session: Session,
    records: Sequence[DatasetCreate],
    source_name: str | None = None,
    curated_by: str | None = None,
    reason: str | None = None,
    run_id: int | None = None,
    statuses: dict[str, str] | None = None,
) -> list[Outcome]:
    """Add or update datasets by id. References must already be valid (see :func:`problems`).

    What people set wins (:mod:`registry.curation.overlay`); every record added or changed
    gets a version, by ``curated_by`` (a person, whose values are already in ``records``) or
    else by the harvest or load. ``statuses`` sets a record's status (curation); otherwise a
    record stored is active unless a person withdrew it.
    """
    inline = [r.publisher for r in records if isinstance(r.publisher, OrganisationCreate)]
    if inline:
        upsert_organisations(session=session, records=inline, create_only=True)
    unique = list({r.id: r for r in records}.values())
    existing = {
        row.id: row
        for row in session.execute(
            select(
                DATASET.c.pk,
                DATASET.c.id,
                DATASET.c.content_hash,
                DATASET.c.status,
                DATASET.c.withdrawn_reason,
            ).where(DATASET.c.id.in_([r.id for r in unique]))
        )
    }
    curations = read_curations(session=session, dataset_ids=list(existing))
    if curations:
        unique = [apply(session, r, curations.get(r.id), curated_by) for r in unique]
    stamp = now()
    outcomes: list[Outcome] = []
    added: list[DatasetCreate] = []
    changed: list[DatasetCreate] = []
    digests: dict[str, str] = {}
    target: dict[str, str] = {}
    for record in unique:
        digests[record.id] = digest = content_hash(normalised(record))
        target[record.id] = (statuses or {}).get(record.id) or (
            curated_status(curations.get(record.id)) or RecordStatus.active.value
        )
        old = existing.get(record.id)
        if old is None:
            added.append(record)
            outcomes.append(Outcome(record.id, ItemState.added, digest))
        elif old.content_hash != digest or old.status != target[record.id]:
            changed.append(record)
            outcomes.append(Outcome(record.id, ItemState.updated, digest))
        else:
            outcomes.append(Outcome(record.id, ItemState.unchanged, digest))
    if not added and not changed:
        return outcomes

    before = history.latest(session=session, dataset_ids=[r.id for r in changed])
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
    reasons: dict[str, str | None] = {}
    for record in changed:
        old = existing[record.id]
        pks[record.id] = old.pk
        row = {**_dataset_row(record, digests[record.id], source_name), "updated_at": stamp}
        row["status"] = status = target[record.id]
        if status == RecordStatus.active.value:
            row.update(withdrawn_at=None, withdrawn_reason=None)
        elif old.status == RecordStatus.active.value:
            row.update(withdrawn_at=stamp, withdrawn_reason=reason or "withdrawn by a person")
        reasons[record.id] = row.get("withdrawn_reason", old.withdrawn_reason)
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
    curated = curated_coverage(session=session, dataset_ids=changed_ids)
    insert_children(session=session, records=touched, curated=curated)
    index_records(session=session, records=touched, pks=pks, curated=curated, statuses=target)
    history.record(
        session=session,
        records=[(normalised(r), target[r.id], reasons.get(r.id)) for r in touched],
        before={i: before.get(i, (0, {})) for i in changed_ids},
        kept=curated,
        actor=curated_by or (f"harvest:{source_name}" if source_name else "load"),
        reason=reason,
        run_id=run_id,
    )
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


def withdraw_dataset(
    *,
    session: Session,
    dataset_id: str,
    reason: str,
    at: datetime | None = None,
    actor: str = "registry",
    run_id: int | None = None,
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
    ((version, old),) = history.latest(session=session, dataset_ids=[dataset_id]).values()
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
    new = {**old, "status": RecordStatus.withdrawn.value, "withdrawn_reason": reason}
    version_row = history.version_row(
        dataset_id=dataset_id,
        version=version + 1,
        actor=actor,
        action="withdraw",
        old=old,
        new=new,
        reason=reason,
        run_id=run_id,
    )
    history.write(session=session, rows=[version_row] if version_row else [])
    bump_generation(session=session, dataset_pks=[row.pk])
    return True
