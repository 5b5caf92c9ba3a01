"""People's writes to dataset records, shared by the API, the pages and the command line.

Each write names the version it was made against (``expected_version``, from the ETag): a
record changed since gets :class:`PreconditionFailed` and nothing is written. A write records
what the person set in ``dataset_curation`` and then stores the record through
:func:`registry.store.upsert_datasets`, the harvests' own path, so the search index, facets,
the gap matrix's generation and the feed order move exactly as they do for a harvest, and one
version is written with the person's name and reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from registry import history
from registry.curation.overlay import EDITABLE, STATUS, field_value, overlay
from registry.errors import Conflict, NotFound, PreconditionFailed, Unprocessable
from registry.store import upsert_datasets
from schemas import (
    Coverage,
    CoverageCreate,
    Dataset,
    DatasetCreate,
    DatasetCuration,
    DatasetUpdate,
    DistributionCreate,
    DistributionUpdate,
    Provenance,
    RecordStatus,
    describe_errors,
)
from schemas.common import now

Concept = tuple[str, str]  # scheme, concept


def check_version(*, session: Session, dataset_id: str, expected: int | None) -> int:
    """The current version, if it is ``expected`` (None: any); else 412."""
    current = history.current_version(session=session, dataset_id=dataset_id)
    if expected is not None and expected != current:
        raise PreconditionFailed(
            f"dataset {dataset_id!r} is at version {current}, not {expected}: it changed since "
            "you read it; read it again (its ETag) and make your change to that"
        )
    return current


def create_dataset(
    *, session: Session, record: DatasetCreate, actor: str, reason: str | None = None
) -> int:
    """Add a dataset made by a person: every field given, and every coverage statement, is
    curated (a harvest that later finds the same id never overwrites them)."""
    if session.execute(select(Dataset.pk).where(Dataset.id == record.id)).first():
        raise Conflict(f"there is already a dataset with id {record.id!r}")
    statements = [c.model_copy(update={"provenance": Provenance.curated}) for c in record.coverage]
    record = record.model_copy(update={"coverage": statements})
    _check_references(session, record)
    upsert_datasets(session=session, records=[record], curated_by=actor, reason=reason)
    given = record.model_fields_set & set(EDITABLE)
    session.add(
        DatasetCuration(
            dataset_id=record.id,
            fields={name: field_value(record, name) for name in sorted(given)},
            coverage=_unique([_statement(c.scheme.value, c.concept, c.note) for c in statements]),
            updated_by=actor,
        )
    )
    return _commit(session, record.id)


def update_dataset(
    *,
    session: Session,
    dataset_id: str,
    changes: DatasetUpdate,
    actor: str,
    expected_version: int | None,
    reason: str | None = None,
) -> int:
    fields = changes.model_dump(mode="json", exclude_unset=True)
    return curate(
        session=session,
        dataset_id=dataset_id,
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        fields=fields,
    )


def set_status(
    *,
    session: Session,
    dataset_id: str,
    status: RecordStatus,
    actor: str,
    expected_version: int | None,
    reason: str,
) -> int:
    """Withdraw a dataset (it stays withdrawn whatever a harvest finds) or reinstate it."""
    return curate(
        session=session,
        dataset_id=dataset_id,
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        status=status.value,
    )


def add_distribution(
    *,
    session: Session,
    dataset_id: str,
    distribution: DistributionCreate,
    actor: str,
    expected_version: int | None,
    reason: str | None = None,
) -> int:
    current = stored_record(session, dataset_id)
    listed = [*current.distributions, distribution]
    return _set_distributions(session, dataset_id, listed, actor, expected_version, reason)


def update_distribution(
    *,
    session: Session,
    dataset_id: str,
    distribution_id: str,
    changes: DistributionUpdate,
    actor: str,
    expected_version: int | None,
    reason: str | None = None,
) -> int:
    current = stored_record(session, dataset_id)
    values = changes.model_dump(exclude_unset=True)
    listed = [
        DistributionCreate.model_validate({**d.model_dump(), **values})
        if d.id == distribution_id
        else d
        for d in _with(current, distribution_id)
    ]
    return _set_distributions(session, dataset_id, listed, actor, expected_version, reason)


def remove_distribution(
    *,
    session: Session,
    dataset_id: str,
    distribution_id: str,
    actor: str,
    expected_version: int | None,
    reason: str | None = None,
) -> int:
    current = stored_record(session, dataset_id)
    listed = [d for d in _with(current, distribution_id) if d.id != distribution_id]
    return _set_distributions(session, dataset_id, listed, actor, expected_version, reason)


def add_coverage(
    *,
    session: Session,
    dataset_id: str,
    scheme: str,
    concept: str,
    reason: str,
    actor: str,
    expected_version: int | None,
    note: str | None = None,
) -> int:
    try:
        CoverageCreate(scheme=scheme, concept=concept, provenance=Provenance.curated)
    except ValidationError as exc:
        raise Unprocessable("; ".join(describe_errors(exc))) from None
    return curate(
        session=session,
        dataset_id=dataset_id,
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        add=[(scheme, concept, note or reason)],
    )


def remove_coverage(
    *,
    session: Session,
    dataset_id: str,
    scheme: str,
    concept: str,
    reason: str,
    actor: str,
    expected_version: int | None,
) -> int:
    """Remove every statement that the dataset covers ``concept``; a harvest never brings it
    back (the statement is suppressed)."""
    current = stored_record(session, dataset_id)
    if not any(c.scheme.value == scheme and c.concept == concept for c in current.coverage):
        raise NotFound(f"dataset {dataset_id!r} has no coverage statement {scheme}:{concept}")
    return curate(
        session=session,
        dataset_id=dataset_id,
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        remove=[(scheme, concept)],
    )


# -- the one write ----------------------------------------------------------------------------


def curate(
    *,
    session: Session,
    dataset_id: str,
    actor: str,
    expected_version: int | None,
    reason: str | None = None,
    fields: dict[str, Any] | None = None,
    add: Iterable[tuple[str, str, str | None]] = (),
    remove: Iterable[Concept] = (),
    status: str | None = None,
) -> int:
    """Record what a person set and store the record with it; returns the new version (the
    same one when nothing changed)."""
    row = session.execute(
        select(Dataset.source_name, Dataset.status).where(Dataset.id == dataset_id)
    ).first()
    if row is None:
        raise NotFound(f"no dataset with id {dataset_id!r}")
    check_version(session=session, dataset_id=dataset_id, expected=expected_version)
    current = stored_record(session, dataset_id)
    curation = session.get(DatasetCuration, dataset_id) or DatasetCuration(dataset_id=dataset_id)
    values, harvested = dict(curation.fields), dict(curation.harvested)
    for name, value in (fields or {}).items():
        if name not in values:
            harvested[name] = field_value(current, name)  # what the source said until now
        values[name] = value
    if status == RecordStatus.withdrawn.value:
        values[STATUS] = status
    elif status == RecordStatus.active.value:
        values.pop(STATUS, None)
    removed = set(remove)
    added = {(s, c): n for s, c, n in add}
    suppressed = {(s, c) for s, c in curation.suppressed} - set(added) | removed
    statements = [
        c for c in curation.coverage if (c["scheme"], c["concept"]) not in removed | set(added)
    ]
    statements += [_statement(s, c, n) for (s, c), n in added.items()]
    curation.fields, curation.harvested = values, harvested
    curation.coverage = _unique(statements)
    curation.suppressed = [list(p) for p in sorted(suppressed)]
    curation.updated_by, curation.updated_at = actor, now()
    session.add(curation)
    if removed:  # stored curated statements outlive a harvest's rewrite: remove them here
        session.execute(
            delete(Coverage).where(
                Coverage.dataset_id == dataset_id,
                tuple_(Coverage.scheme, Coverage.concept).in_(list(removed)),
            )
        )
    try:
        record = overlay(current, curation)
    except ValidationError as exc:
        session.rollback()
        raise Unprocessable("; ".join(describe_errors(exc))) from None
    _check_references(session, record)
    upsert_datasets(
        session=session,
        records=[record],
        source_name=row.source_name,
        curated_by=actor,
        reason=reason,
        statuses={dataset_id: status or row.status},
    )
    return _commit(session, dataset_id)


def _set_distributions(
    session: Session,
    dataset_id: str,
    listed: Sequence[DistributionCreate],
    actor: str,
    expected_version: int | None,
    reason: str | None,
) -> int:
    values = [d.model_dump(mode="json", exclude_none=True) for d in listed]
    return curate(
        session=session,
        dataset_id=dataset_id,
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        fields={"distributions": values},
    )


def stored_record(session: Session, dataset_id: str) -> DatasetCreate:
    """The record as stored, in the shape a loader submits (what a write starts from)."""
    from registry.loading import dataset_records

    found = dataset_records(session=session, dataset_ids=[dataset_id])
    if not found:
        raise NotFound(f"no dataset with id {dataset_id!r}")
    try:
        # The export form marks a withdrawn record; its status is not a field of the record.
        fields = {k: v for k, v in found[0].items() if k != "withdrawn"}
        return DatasetCreate.model_validate(fields)
    except ValidationError as exc:
        raise Unprocessable(
            f"dataset {dataset_id!r} as stored no longer validates: "
            + "; ".join(describe_errors(exc))
        ) from None


def _with(record: DatasetCreate, distribution_id: str) -> list[DistributionCreate]:
    if not any(d.id == distribution_id for d in record.distributions):
        raise NotFound(f"dataset {record.id!r} has no distribution {distribution_id!r}")
    return list(record.distributions)


def _check_references(session: Session, record: DatasetCreate) -> None:
    from registry.loading import reference_problems

    problems = reference_problems(session=session, record=record)
    if problems:
        session.rollback()
        raise Unprocessable("; ".join(problems), detail=problems)


def _statement(scheme: str, concept: str, note: str | None) -> dict[str, Any]:
    return {"scheme": scheme, "concept": concept, "note": (note or None) and note[:1000]}


def _unique(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[Concept, dict[str, Any]] = {}
    for s in statements:
        seen.setdefault((s["scheme"], s["concept"]), s)
    return list(seen.values())


def _commit(session: Session, dataset_id: str) -> int:
    """Commit, and return the dataset's version. Two writers racing for one version number:
    the database's unique (dataset, version) lets one win; the other gets 412."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise PreconditionFailed(
            f"dataset {dataset_id!r} was changed by someone else at the same time; read it again"
        ) from None
    return history.current_version(session=session, dataset_id=dataset_id)
