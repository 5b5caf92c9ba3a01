"""The trend: two snapshots of the matrix compared cell by cell, with why each cell moved.

A cell improved or worsened when its score changed; band changes come first. The reasons come
from what the snapshots kept about each cell's best dataset (its factor points and notes) and
how many datasets covered it; whether a former best dataset is still in the catalogue is read
from the catalogue as it stands.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from registry.errors import NotFound
from registry.gaps import BANDS, method
from registry.gaps.matrix import axes
from registry.gaps.scoring import band
from schemas import Dataset, GapSnapshot

Key = tuple[str, str, str]
EMPTY: dict[str, Any] = {"score": 0, "datasets": 0, "best": None, "evidence": None}


def compare_snapshots(
    *, session: Session, before: int | None = None, after: int | None = None
) -> dict[str, Any]:
    """Cells that improved and worsened between two snapshots (default: the latest two), each
    with its old and new score, band and best dataset and why; counts per band; a warning when
    the snapshots were scored by different methods."""
    old, new = _pair(session, before, after)
    was, now = _cells(old), _cells(new)
    gone = _gone(session, was, now)
    improved, worsened = [], []
    for key in sorted(was.keys() | now.keys()):
        a, b = was.get(key, EMPTY), now.get(key, EMPTY)
        if a["score"] == b["score"]:
            continue
        row = {
            "sector": key[0],
            "grade": key[1],
            "attribute": key[2],
            "before": _side(a),
            "after": _side(b),
            "change": b["score"] - a["score"],
            "band_changed": band(a["score"]) != band(b["score"]),
            "why": reasons(a, b, gone),
        }
        (improved if row["change"] > 0 else worsened).append(row)
    for rows in (improved, worsened):
        rows.sort(key=lambda r: (not r["band_changed"], -abs(r["change"])))
    warning = None
    if old.method != new.method:
        warning = (
            f"the snapshots were scored by different methods ({old.method} and {new.method}): "
            "some changes come from the method, not the catalogue"
        )
    return {
        "before": _meta(old),
        "after": _meta(new),
        "method_warning": warning,
        "bands": {"before": _band_counts(was), "after": _band_counts(now)},
        "improved": improved,
        "worsened": worsened,
    }


def reasons(a: dict[str, Any], b: dict[str, Any], gone: dict[str, str]) -> list[str]:
    """Why one cell moved from ``a`` to ``b`` (each: score, datasets, best, evidence)."""
    why: list[str] = []
    if a["best"] != b["best"]:
        if b["best"] is None:
            why.append("no dataset covers it any more")
        elif a["best"] is None:
            why.append(f"first evidence: dataset {b['best']} ({b['score']})")
        else:
            why.append(f"new best dataset {b['best']} ({b['score']})")
        if a["best"] is not None and a["best"] in gone:
            why.append(f"dataset {a['best']} {gone[a['best']]}")
        elif a["best"] is not None and b["best"] is not None:
            why.append(f"dataset {a['best']} ({a['score']} before) no longer the best here")
    elif a["evidence"] and b["evidence"]:
        why += _factor_changes(a["evidence"], b["evidence"])
    more = b["datasets"] - a["datasets"]
    if more:
        noun = "dataset" if abs(more) == 1 else "datasets"
        why.append(f"{abs(more)} {'more' if more > 0 else 'fewer'} {noun}")
    return why or [f"score {'rose' if b['score'] > a['score'] else 'fell'}"]


def _factor_changes(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The same best dataset scored differently: each factor that moved, and its provenance."""
    found = []
    for factor in method.FACTORS:
        old, new = a["points"].get(factor.name, 0), b["points"].get(factor.name, 0)
        if old == new:
            continue
        verb = "rose" if new > old else "fell"
        note = b["notes"].get(factor.name, "")
        if factor.name == "recency" and new < old and note != "no dates":
            note = f"{note}, now {_age(new / factor.points)}"
        found.append(f"{factor.name} {verb} from {_num(old)} to {_num(new)}: {note}")
    if a["provenance"] != b["provenance"]:
        found.append(
            f"coverage now {b['provenance']} (was {a['provenance']}): "
            f"weight {method.weight(b['provenance'])}"
        )
    return found


def _age(share: float) -> str:
    """The age a recency share implies: past the limit of the step above it."""
    limits = [limit for limit, _ in method.RECENCY_STEPS]
    for (_, step), above in zip(method.RECENCY_STEPS[1:], limits, strict=False):
        if abs(share - step) < 0.01:
            return f"over {above} year{'s' if above != 1 else ''} old"
    return f"over {limits[-1]} years old"


def _pair(session: Session, before: int | None, after: int | None) -> tuple[Any, Any]:
    ids = select(GapSnapshot.id).order_by(GapSnapshot.id.desc())  # type: ignore[union-attr]
    if after is None:
        after = session.execute(ids).scalar()
    if before is None and after is not None:
        before = session.execute(ids.where(GapSnapshot.id < after)).scalar()  # type: ignore[operator]
    if after is None or before is None:
        raise NotFound("fewer than two gap snapshots: a harvest run or `registry gaps snapshot`")
    found = []
    for ident in (before, after):
        snapshot = session.get(GapSnapshot, ident)
        if snapshot is None:
            raise NotFound(f"no gap snapshot {ident}")
        found.append(snapshot)
    return found[0], found[1]


def _cells(snapshot: GapSnapshot) -> dict[Key, dict[str, Any]]:
    """The stored cells by key; a six-item row (no evidence kept) reads as evidence None."""
    cells = {}
    for row in snapshot.cells:
        sector, grade, attribute, score, datasets, best, *rest = row
        cells[(sector, grade, attribute)] = {
            "score": score,
            "datasets": datasets,
            "best": best,
            "evidence": rest[0] if rest else None,
        }
    return cells


def _gone(session: Session, was: dict, now: dict) -> dict[str, str]:
    """Former best datasets that are no longer active: id -> what became of them."""
    still = {c["best"] for c in now.values()}
    asked = {c["best"] for c in was.values() if c["best"] and c["best"] not in still}
    if not asked:
        return {}
    status = dict(
        session.execute(
            select(Dataset.id, Dataset.status).where(Dataset.id.in_(asked))  # type: ignore[attr-defined]
        ).all()
    )
    return {
        i: "no longer in the catalogue" if i not in status else f"is {status[i]}"
        for i in asked
        if status.get(i) != "active"
    }


def _side(cell: dict[str, Any]) -> dict[str, Any]:
    return {"score": cell["score"], "band": band(cell["score"]), "best": cell["best"]}


def _band_counts(cells: dict[Key, dict[str, Any]]) -> dict[str, int]:
    """Cells per band over the whole harmonised matrix (unstored cells are gaps)."""
    dims = axes("harmonised")
    total = len(dims["sector"]) * len(dims["grade"]) * len(dims["attribute"])
    counts = dict.fromkeys(BANDS, 0)
    for cell in cells.values():
        counts[band(cell["score"])] += 1
    counts["gap"] += max(total - len(cells), 0)
    return counts


def _meta(snapshot: GapSnapshot) -> dict[str, Any]:
    return {
        "id": snapshot.id,
        "taken_at": snapshot.taken_at.isoformat(),
        "run_id": snapshot.run_id,
        "method": snapshot.method,
        "datasets": snapshot.datasets,
    }


def _num(points: float) -> str:
    return f"{points:g}"
