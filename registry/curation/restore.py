"""Restoring an earlier version of a dataset record, as a new curated version."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from registry import history
from registry.curation.edits import curate, stored_record
from registry.curation.overlay import EDITABLE


def restore(
    *,
    session: Session,
    dataset_id: str,
    version: int,
    actor: str,
    expected_version: int | None,
    reason: str,
) -> int:
    """Make an earlier version's fields, coverage and status current again. Each field that
    differs becomes curated, each statement added or removed a curated one, so a harvest does
    not undo the restore. Table profiles are not in versions: each file keeps its current one."""
    target = history.get_version(session=session, dataset_id=dataset_id, version=version).record
    _, current = history.latest(session=session, dataset_ids=[dataset_id])[dataset_id]
    profiles = {d.id: d.profile for d in stored_record(session, dataset_id).distributions}
    fields: dict[str, Any] = {}
    for name in EDITABLE:
        if target.get(name) != current.get(name):
            fields[name] = target.get(name)
    if "distributions" in fields:
        fields["distributions"] = [
            _distribution(d, profiles.get(d.get("id"))) for d in fields["distributions"] or []
        ]
    wanted, present = _concepts(target), _concepts(current)
    notes = {(c["scheme"], c["concept"]): c.get("note") for c in target.get("coverage", [])}
    restored = f"restored from version {version}"
    return curate(
        session=session,
        dataset_id=dataset_id,
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        fields=fields,
        add=[(s, c, notes.get((s, c)) or restored) for s, c in sorted(wanted - present)],
        remove=sorted(present - wanted),
        status=target.get("status") if target.get("status") != current.get("status") else None,
    )


def _concepts(snapshot: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["scheme"], c["concept"]) for c in snapshot.get("coverage", [])}


def _distribution(kept: dict[str, Any], profile: Any) -> dict[str, Any]:
    values = {k: v for k, v in kept.items() if k != "profile" and v is not None}
    if profile is not None:
        values["profile"] = profile.model_dump(mode="json")
    return values
