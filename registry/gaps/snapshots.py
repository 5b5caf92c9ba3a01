"""Snapshots of the coverage matrix, one per harvest run (or by hand), for the trend.

A snapshot keeps every harmonised cell with a score or datasets, and for its best dataset each
factor's points, so that a comparison (:mod:`registry.gaps.trend`) can say why a cell moved
without the catalogue as it was. The method fingerprint says whether two snapshots were
scored alike.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from registry.gaps import method, today
from registry.gaps.bitsets import bitset_cells, read_catalogue
from registry.gaps.facts import read_facts
from registry.gaps.matrix import cell_evidence
from registry.quality.mqa import RECORD_MAXIMUM
from schemas import GapSnapshot, HarvestRun

log = logging.getLogger(__name__)

GRADE_LEVEL = "harmonised"


def method_fingerprint() -> str:
    """A short hash of the method table: every weight and threshold that moves a score or a
    band (the priorities rank gaps but change no score, so they are left out)."""
    table = {
        name: _plain(value)
        for name, value in sorted(vars(method).items())
        if name.isupper() and not name.endswith("PRIORITY")
    }
    table["RECORD_MAXIMUM"] = RECORD_MAXIMUM  # the metadata factor's denominator
    text = json.dumps(table, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def take_snapshot(
    *, session: Session, run_id: int | None = None, on: date | None = None
) -> GapSnapshot:
    """Score the harmonised matrix now (or as of ``on``) and store it; commits."""
    when = on or today()
    catalogue = read_catalogue(session=session, today=when)
    cells = bitset_cells(catalogue, grade_level=GRADE_LEVEL)
    # Only the best datasets are read in full, for the factor points kept with each cell.
    pk_of = dict(zip(catalogue.ids, catalogue.pks, strict=True))
    best = sorted({pk_of[c.best] for c in cells.values() if c.best})
    by_id = {f.id: f for f in read_facts(session=session, pks=best)}
    stored: list[list[Any]] = []
    for key, cell in cells.items():
        if not cell.score and not cell.datasets:
            continue
        best = by_id.get(cell.best) if cell.best else None
        found = cell_evidence([best], key, today=when, grade_level=GRADE_LEVEL) if best else []
        stored.append(
            [*key, cell.score, cell.datasets, cell.best, _evidence(found[0]) if found else None]
        )
    snapshot = GapSnapshot(
        run_id=run_id,
        grade_level=GRADE_LEVEL,
        method=method_fingerprint(),
        datasets=catalogue.n,
        cells=stored,
    )
    session.add(snapshot)
    session.commit()
    session.refresh(snapshot)
    return snapshot


def snapshot_after_run(*, session: Session, run_id: int | None) -> GapSnapshot | None:
    """The snapshot every harvest run stores, in its own transaction. A failure is logged and
    swallowed: the run is already committed and must stand whatever the matrix does."""
    try:
        with Session(session.get_bind()) as own:
            return take_snapshot(session=own, run_id=run_id)
    except Exception:
        log.exception("the gap snapshot after harvest run %s failed", run_id)
        return None


def list_snapshots(*, session: Session, limit: int = 100) -> list[dict[str, Any]]:
    """The latest snapshots, newest first, without their cells (the source of the run that
    took each, if the run is still kept)."""
    rows = session.execute(
        select(
            GapSnapshot.id,
            GapSnapshot.taken_at,
            GapSnapshot.run_id,
            HarvestRun.source_name,
            GapSnapshot.method,
            GapSnapshot.datasets,
        )
        .outerjoin(HarvestRun, HarvestRun.id == GapSnapshot.run_id)  # type: ignore[arg-type]
        .order_by(GapSnapshot.id.desc())  # type: ignore[union-attr]
        .limit(limit)
    ).all()
    return [
        {
            "id": r.id,
            "taken_at": r.taken_at.isoformat(),
            "run_id": r.run_id,
            "source": r.source_name,
            "method": r.method,
            "datasets": r.datasets,
        }
        for r in rows
    ]


def _evidence(found: Any) -> dict[str, Any]:
    return {
        "title": found.title,
        "provenance": found.provenance,
        "at_grade": found.at_grade,
        "points": {c.factor: c.points for c in found.contributions},
        "notes": {c.factor: c.note for c in found.contributions},
    }


def _plain(value: Any) -> Any:
    """JSON-ready: dataclasses as their fields, dict keys as text (``None`` is one)."""
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
