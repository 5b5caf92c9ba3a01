"""Every change to a dataset record is a version: who, when, why, a field-level diff, and the
record as it stood afterwards (so an earlier version can be restored).

A version's ``record`` is a *snapshot*: the record's fields in JSON form, its distributions
(each table profile reduced to a fingerprint, since profiles are large and only ever rebuilt
from the files), its coverage statements with their provenance, and its status. Writers build
the snapshot from the record they store, so writing a version costs no extra read; only a
record changed for the first time since versions began is read back once, as a baseline.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, insert, select
from sqlmodel import Session

from registry.errors import NotFound
from schemas import (
    Dataset,
    DatasetCreate,
    DatasetVersion,
    HistoryPage,
    Provenance,
    RecordStatus,
    VersionDetail,
    VersionSummary,
)
from schemas.common import now

VERSION = DatasetVersion.__table__
Statement = tuple[str, str, str, str | None]  # scheme, concept, provenance, note


def snapshot(
    record: DatasetCreate,
    *,
    status: str = RecordStatus.active.value,
    withdrawn_reason: str | None = None,
    kept: Iterable[Statement] = (),
) -> dict[str, Any]:
    """The record as a version keeps it; ``kept`` adds statements stored outside the record
    (curated ones a harvest leaves in place). ``record`` is in stored form (``normalised``)."""
    data = record.model_dump(mode="json", exclude={"id", "publisher", "distributions", "coverage"})
    data["publisher"] = record.publisher_id
    distributions = []
    for dist in record.distributions:
        dumped = dist.model_dump(mode="json", exclude={"profile"})
        if dist.profile is not None:
            text = json.dumps(dist.profile.model_dump(mode="json"), sort_keys=True)
            dumped["profile"] = hashlib.sha1(text.encode()).hexdigest()[:12]
        distributions.append(dumped)
    data["distributions"] = distributions
    statements: dict[tuple[str, str, str], str | None] = {}
    for c in record.coverage:
        statements.setdefault((c.scheme.value, c.concept, c.provenance.value), c.note)
    for scheme, concept, provenance, note in kept:
        statements.setdefault((scheme, concept, provenance), note)
    data["coverage"] = [
        {"scheme": s, "concept": c, "provenance": p, "note": statements[(s, c, p)]}
        for s, c, p in sorted(statements)
    ]
    data["status"] = status
    data["withdrawn_reason"] = withdrawn_reason if status != RecordStatus.active.value else None
    return data


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What changed between two snapshots, field by field: ``{"title": {"old", "new"}}``;
    coverage as the statements added and removed; distributions by id, added, removed, or
    changed field by field."""
    changes: dict[str, Any] = {}
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "coverage":
            before, after = before or [], after or []
            changes[key] = {
                "added": [s for s in after if s not in before],
                "removed": [s for s in before if s not in after],
            }
        elif key == "distributions":
            changes[key] = _distribution_diff(before or [], after or [])
        else:
            changes[key] = {"old": before, "new": after}
    return changes


def _distribution_diff(before: list[dict], after: list[dict]) -> dict[str, Any]:
    old = {d.get("id"): d for d in before}
    new = {d.get("id"): d for d in after}
    changed = {
        i: {k: {"old": old[i].get(k), "new": new[i].get(k)} for k in _changed_keys(old[i], new[i])}
        for i in old.keys() & new.keys()
        if old[i] != new[i]
    }
    result: dict[str, Any] = {
        "added": [new[i] for i in new if i not in old],
        "removed": [old[i] for i in old if i not in new],
        "changed": changed,
    }
    if not any(result.values()):  # same distributions in another order
        result["order"] = {"old": list(old), "new": list(new)}
    return result


def _changed_keys(a: dict, b: dict) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


# -- reading ----------------------------------------------------------------------------------


def current_version(*, session: Session, dataset_id: str) -> int:
    """The dataset's latest version number: 0 for a record unchanged since versions began."""
    return session.execute(
        select(func.coalesce(func.max(VERSION.c.version), 0)).where(
            VERSION.c.dataset_id == dataset_id
        )
    ).scalar_one()


def latest(*, session: Session, dataset_ids: Sequence[str]) -> dict[str, tuple[int, dict]]:
    """Each dataset's latest version number and snapshot; records without versions get
    version 0 and a snapshot read from storage (their baseline)."""
    if not dataset_ids:
        return {}
    newest = (
        select(VERSION.c.dataset_id, func.max(VERSION.c.version).label("version"))
        .where(VERSION.c.dataset_id.in_(dataset_ids))
        .group_by(VERSION.c.dataset_id)
        .subquery()
    )
    found: dict[str, tuple[int, dict]] = {
        dataset_id: (version, record)
        for dataset_id, version, record in session.execute(
            select(VERSION.c.dataset_id, VERSION.c.version, VERSION.c.record).join(
                newest,
                (newest.c.dataset_id == VERSION.c.dataset_id)
                & (newest.c.version == VERSION.c.version),
            )
        )
    }
    missing = [i for i in dataset_ids if i not in found]
    for dataset_id, snap in baselines(session=session, dataset_ids=missing).items():
        found[dataset_id] = (0, snap)
    return found


def baselines(*, session: Session, dataset_ids: Sequence[str]) -> dict[str, dict]:
    """Snapshots of stored records, read from the tables."""
    if not dataset_ids:
        return {}
    from registry.loading import dataset_records  # loading writes through the store

    status = {
        r.id: (r.status, r.withdrawn_reason)
        for r in session.execute(
            select(Dataset.id, Dataset.status, Dataset.withdrawn_reason).where(
                Dataset.id.in_(dataset_ids)
            )
        )
    }
    found = {}
    for data in dataset_records(session=session, dataset_ids=list(dataset_ids)):
        try:
            record = DatasetCreate.model_validate(data)
        except ValidationError:  # a record the vocabularies no longer accept: no baseline
            found[data["id"]] = {}
            continue
        state, reason = status[data["id"]]
        found[data["id"]] = snapshot(record, status=state, withdrawn_reason=reason)
    return found


def version_row(
    *,
    dataset_id: str,
    version: int,
    actor: str,
    action: str,
    old: dict[str, Any],
    new: dict[str, Any],
    reason: str | None = None,
    run_id: int | None = None,
) -> dict[str, Any] | None:
    """The row of a new version (for one insert of many), or None when nothing changed."""
    changes = diff(old, new)
    if not changes:
        return None
    return {
        "dataset_id": dataset_id,
        "version": version,
        "created_at": now(),
        "actor": actor[:200],
        "action": action,
        "reason": reason,
        "run_id": run_id,
        "diff": changes,
        "record": new,
    }


def write(*, session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(VERSION), rows)


def record(
    *,
    session: Session,
    records: Sequence[tuple[DatasetCreate, str, str | None]],
    before: dict[str, tuple[int, dict]],
    kept: dict[str, list[tuple[str, str, str | None]]],
    actor: str,
    reason: str | None = None,
    run_id: int | None = None,
) -> None:
    """One version for each stored record that changed: ``records`` are (stored form, status,
    withdrawn reason); ``before`` the latest (version, snapshot) of those that existed."""
    rows = []
    for stored, status, withdrawn_reason in records:
        version, old = before.get(stored.id, (0, {}))
        curated = [(s, c, Provenance.curated.value, n) for s, c, n in kept.get(stored.id, ())]
        new = snapshot(stored, status=status, withdrawn_reason=withdrawn_reason, kept=curated)
        action = "create" if stored.id not in before else _action(old, new)
        row = version_row(
            dataset_id=stored.id,
            version=version + 1,
            actor=actor,
            action=action,
            old=old,
            new=new,
            reason=reason,
            run_id=run_id,
        )
        if row:
            rows.append(row)
    write(session=session, rows=rows)


def _action(old: dict[str, Any], new: dict[str, Any]) -> str:
    if old.get("status") != new.get("status"):
        return "withdraw" if new.get("status") == RecordStatus.withdrawn.value else "reinstate"
    return "update"


def history(*, session: Session, dataset_id: str, page: int = 1, size: int = 20) -> HistoryPage:
    """The dataset's versions, newest first, one page at a time (without the snapshots)."""
    _exists(session, dataset_id)
    total = session.execute(
        select(func.count()).select_from(VERSION).where(VERSION.c.dataset_id == dataset_id)
    ).scalar_one()
    rows = session.execute(
        select(DatasetVersion)
        .where(DatasetVersion.dataset_id == dataset_id)
        .order_by(DatasetVersion.version.desc())
        .offset((page - 1) * size)
        .limit(size)
    ).scalars()
    return HistoryPage(
        dataset_id=dataset_id,
        total=total,
        page=page,
        size=size,
        versions=[VersionSummary.model_validate(r) for r in rows],
    )


def get_version(*, session: Session, dataset_id: str, version: int) -> VersionDetail:
    _exists(session, dataset_id)
    row = session.execute(
        select(DatasetVersion).where(
            DatasetVersion.dataset_id == dataset_id, DatasetVersion.version == version
        )
    ).scalar()
    if row is None:
        raise NotFound(f"dataset {dataset_id!r} has no version {version}")
    return VersionDetail.model_validate(row, from_attributes=True)


def _exists(session: Session, dataset_id: str) -> None:
    if session.execute(select(Dataset.pk).where(Dataset.id == dataset_id)).first() is None:
        raise NotFound(f"no dataset with id {dataset_id!r}")
