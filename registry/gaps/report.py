"""The gap report: everything the printable HTML report shows, gathered in one call.

The harmonised matrix (one heatmap per attribute), the gaps that matter most, organisation
coverage, the trend between the latest two snapshots, the method table and the catalogue's
counts. Plain data in, plain data out: :mod:`registry.gaps.report_html` turns it into one
self-contained HTML file, and the API and the CLI share both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

import vocab
from registry.errors import NotFound
from registry.gaps import (
    BANDS,
    DIMENSIONS,
    GapQuery,
    Priorities,
    gap_cells,
    gap_rows,
    method,
    today,
)
from registry.gaps.cache import CatalogueCache
from registry.gaps.matrix import Cell, Key, axes, nearest
from registry.gaps.organisations import organisation_coverage
from registry.gaps.report_html import render_report_html
from registry.gaps.snapshots import method_fingerprint
from registry.gaps.trend import compare_snapshots
from schemas import Dataset, GapSnapshot, Organisation, RecordStatus

__all__ = ["TOP_GAPS", "gap_report", "render_report_html"]

TOP_GAPS = 20
# A printed report stays readable: long lists are cut here, with the number left out said.
WITHOUT_SHOWN = 50
TREND_SHOWN = 50
DOCUMENT = "docs/gap-method.md"

Filter = str | Sequence[str] | None


def gap_report(
    *,
    session: Session,
    on: date | None = None,
    attribute: Filter = None,
    sector: Filter = None,
    grade: Filter = None,
    priorities: Priorities | None = None,
    cache: CatalogueCache | None = None,
) -> dict[str, Any]:
    """Everything the report shows, as of ``on`` (default today), for the chosen attributes,
    sectors and harmonised grades (default all). Organisation coverage follows a single chosen
    sector (else the whole register); the trend keeps the cells the filters select."""
    when = on or today()
    query = GapQuery.of(
        sector=_many(sector), grade=_many(grade), attribute=_many(attribute), sort="need"
    )
    query.check()
    # Scored over every sector and grade of the attributes shown, so that an empty cell's
    # nearest evidence may come from a sector or grade the filters leave out.
    every = gap_cells(
        session=session,
        query=replace(query, sectors=(), grades=()),
        on=when,
        priorities=priorities,
        cache=cache,
    )
    shown = _shown(query)
    cells = [c for c in every if c.sector in shown["sector"] and c.grade in shown["grade"]]
    by_key: dict[Key, Cell] = {(c.sector, c.grade, c.attribute): c for c in every}
    top = cells[:TOP_GAPS]
    titles = _titles(session, {c.best for c in top if c.best})
    return {
        "on": when.isoformat(),
        "filters": {
            "sector": list(query.sectors),
            "grade": list(query.grades),
            "attribute": list(query.attributes),
        },
        "axes": {dim: list(values) for dim, values in shown.items()},
        "counts": _counts(session),
        "bands": _band_counts(c.band for c in cells),
        "heatmaps": [_heatmap(by_key, a, shown) for a in shown["attribute"]],
        "top_gaps": [_top_gap(c, by_key, titles) for c in top],
        "organisations": _organisations(session, when, query.sectors),
        "trend": _trend(session, shown),
        "method": _method(priorities or Priorities()),
    }


def _many(value: Filter) -> list[str] | None:
    if value is None or isinstance(value, str):
        return [value] if value else None
    return list(value) or None


def _shown(query: GapQuery) -> dict[str, tuple[str, ...]]:
    """Each dimension's values in vocabulary order, narrowed by the query's filters."""
    chosen = {"sector": query.sectors, "grade": query.grades, "attribute": query.attributes}
    return {
        dim: tuple(v for v in values if not chosen[dim] or v in chosen[dim])
        for dim, values in axes("harmonised").items()
    }


def _label(scheme: str, notation: str) -> str:
    concept = vocab.load(scheme).get(notation)
    return concept.pref_label if concept else notation


def _counts(session: Session) -> dict[str, int]:
    """What the report was drawn from: three small aggregate queries."""
    active = Dataset.status == RecordStatus.active.value
    datasets, publishers = session.execute(
        select(func.count(), func.count(func.distinct(Dataset.publisher_id))).where(active)
    ).one()
    organisations = session.execute(
        select(func.count()).select_from(Organisation).where(Organisation.status == "live")
    ).scalar_one()
    snapshots = session.execute(select(func.count()).select_from(GapSnapshot)).scalar_one()
    return {
        "datasets": datasets,
        "publishers": publishers,
        "organisations": organisations,
        "snapshots": snapshots,
    }


def _band_counts(bands: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(BANDS, 0)
    for name in bands:
        counts[name] += 1
    return counts


def _heatmap(
    by_key: dict[Key, Cell], attribute: str, shown: dict[str, tuple[str, ...]]
) -> dict[str, Any]:
    """One attribute's sectors x grades, rows in vocabulary order."""
    rows = [
        {
            "sector": s,
            "cells": gap_rows([by_key[(s, g, attribute)] for g in shown["grade"]]),
        }
        for s in shown["sector"]
    ]
    return {
        "attribute": attribute,
        "rows": rows,
        "bands": _band_counts(c["band"] for row in rows for c in row["cells"]),
    }


def _titles(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.execute(select(Dataset.id, Dataset.title).where(Dataset.id.in_(ids)))  # type: ignore[attr-defined]
    return dict(rows.all())


def _top_gap(cell: Cell, by_key: dict[Key, Cell], titles: dict[str, str]) -> dict[str, Any]:
    """A ranked gap with the evidence nearest to hand: its own best dataset, or for an empty
    cell the best cell of the same sector at another grade and of the same grade elsewhere."""
    row = gap_rows([cell])[0]
    if cell.best:
        row["evidence"] = {"best": {"id": cell.best, "title": titles.get(cell.best, cell.best)}}
        return row
    near = nearest(by_key, (cell.sector, cell.grade, cell.attribute), limit=1)
    row["evidence"] = {
        kind: {"sector": found[0].sector, "grade": found[0].grade, "score": found[0].score}
        for kind, found in near.items()
        if found
    }
    return row


def _organisations(session: Session, on: date, sectors: tuple[str, ...]) -> dict[str, Any]:
    found = organisation_coverage(
        session=session, on=on, sector=sectors[0] if len(sectors) == 1 else None
    )
    return {**found, "without_shown": found["without"][:WITHOUT_SHOWN]}


def _trend(session: Session, shown: dict[str, tuple[str, ...]]) -> dict[str, Any] | None:
    """The latest two snapshots compared, kept to the cells shown; None with fewer than two."""
    try:
        found = compare_snapshots(session=session)
    except NotFound:
        return None
    kept = {}
    for direction in ("improved", "worsened"):
        rows = [r for r in found[direction] if all(r[d] in shown[d] for d in DIMENSIONS)]
        kept[direction] = rows[:TREND_SHOWN]
        kept[f"{direction}_total"] = len(rows)
    return {**found, **kept}


def _method(priorities: Priorities) -> dict[str, Any]:
    """The method table as the report prints it (the priorities actually used)."""
    return {
        "factors": [
            {"name": f.name, "points": f.points, "question": f.question} for f in method.FACTORS
        ],
        "bands": [
            {"band": "covered", "from": method.COVERED_FROM, "to": 100},
            {"band": "partial", "from": method.PARTIAL_FROM, "to": method.COVERED_FROM - 1},
            {"band": "gap", "from": 0, "to": method.PARTIAL_FROM - 1},
        ],
        "provenance": [{"provenance": p, "weight": w} for p, w in method.PROVENANCE.items()],
        "grade_priority": [
            {"grade": g, "label": _label("grade", g), "weight": w}
            for g, w in priorities.grade.items()
        ],
        "sector_priority": [
            {"sector": s, "label": _label("sector", s), "weight": w}
            for s, w in priorities.sector.items()
        ],
        "attribute_priority": [
            {"attribute": a, "label": _label("attribute", a), "weight": w}
            for a, w in priorities.attribute.items()
        ],
        "default_priority": method.DEFAULT_PRIORITY,
        "request_boost": priorities.request_boost,
        "request_boost_cap": priorities.request_boost_cap,
        "fingerprint": method_fingerprint(),
        "document": DOCUMENT,
    }
