"""The rows a dataset write adds beside the dataset's own: distributions, coverage statements,
facet values and the full-text entry (:func:`registry.store.upsert_datasets` calls these)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from sqlalchemy import insert, select
from sqlmodel import Session

from registry.search import TextDocument, facet_values, text_index
from registry.search.tables import DatasetFacet
from schemas import Coverage, DatasetCreate, Distribution, Organisation, Provenance

ORGANISATION = Organisation.__table__
DISTRIBUTION = Distribution.__table__
COVERAGE = Coverage.__table__
FACET = DatasetFacet.__table__
Kept = tuple[str, str, str | None]  # a stored curated statement: scheme, concept, note


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


def curated_coverage(*, session: Session, dataset_ids: list[str]) -> dict[str, list[Kept]]:
    """The curated statements stored for these datasets (a harvest leaves them in place)."""
    if not dataset_ids:
        return {}
    found: dict[str, list[Kept]] = {}
    for dataset_id, scheme, concept, note in session.execute(
        select(COVERAGE.c.dataset_id, COVERAGE.c.scheme, COVERAGE.c.concept, COVERAGE.c.note).where(
            COVERAGE.c.dataset_id.in_(dataset_ids),
            COVERAGE.c.provenance == Provenance.curated.value,
        )
    ):
        found.setdefault(dataset_id, []).append((scheme, concept, note))
    return found


def insert_children(
    *, session: Session, records: Iterable[DatasetCreate], curated: dict[str, list[Kept]]
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
        kept = {(s, c) for s, c, _ in curated.get(record.id, ())}
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


def index_records(
    *,
    session: Session,
    records: Sequence[DatasetCreate],
    pks: dict[str, int],
    curated: dict[str, list[Kept]],
    statuses: dict[str, str],
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
        coverage += [(s, c) for s, c, _ in curated.get(record.id, ())]
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
            status=statuses[record.id],
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
