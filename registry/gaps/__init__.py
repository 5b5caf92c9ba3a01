"""Gap analysis: where data about leaders is missing, how good what exists is, and why.

Data functions shared by the API and the CLI; the method is :mod:`registry.gaps.method`
(one table) and ``docs/gap-method.md``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

import vocab
from registry.csv_safe import safe_rows
from registry.errors import NotFound, UnknownFilter
from registry.gaps.bitsets import bitset_cells, members
from registry.gaps.cache import CatalogueCache, read_with
from registry.gaps.facts import Facts, read_facts
from registry.gaps.matrix import Cell, Key, Priorities, axes, cell_evidence, nearest
from registry.gaps.requests import apply_requests, request_counts

__all__ = [
    "Cell",
    "Facts",
    "GapQuery",
    "Priorities",
    "gap_cell",
    "gap_cells",
    "gap_csv",
    "gap_rows",
]

DIMENSIONS = ("sector", "grade", "attribute")
BANDS = ("covered", "partial", "gap")
COLUMNS = (
    "sector",
    "grade",
    "attribute",
    "score",
    "band",
    "datasets",
    "best",
    "priority",
    "need",
    "requests",
)


@dataclass(frozen=True)
class GapQuery:
    sectors: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()
    grade_level: str = "harmonised"  # or "all": every grade concept (drill-down)
    sort: str = "matrix"  # or "need": the gaps that matter most first

    @classmethod
    def of(
        cls,
        *,
        sector: list[str] | None = None,
        grade: list[str] | None = None,
        attribute: list[str] | None = None,
        band: list[str] | None = None,
        grade_level: str = "harmonised",
        sort: str = "matrix",
    ) -> GapQuery:
        """From repeatable options (API query parameters, CLI options), named singular."""
        return cls(
            sectors=tuple(sector or ()),
            grades=tuple(grade or ()),
            attributes=tuple(attribute or ()),
            bands=tuple(band or ()),
            grade_level=grade_level,
            sort=sort,
        )

    def check(self) -> None:
        for scheme, values in (
            ("sector", self.sectors),
            ("grade", self.grades),
            ("attribute", self.attributes),
        ):
            for value in values:
                if value not in vocab.load(scheme):
                    raise UnknownFilter(f"{scheme} {value!r} is not in the {scheme} vocabulary")
        for value in self.bands:
            if value not in BANDS:
                raise UnknownFilter(f"band {value!r} is not one of {', '.join(BANDS)}")
        if self.grade_level not in ("harmonised", "all"):
            raise UnknownFilter("grade_level must be 'harmonised' or 'all'")
        if self.sort not in ("matrix", "need"):
            raise UnknownFilter("sort must be 'matrix' or 'need'")
        top = vocab.load("grade").top_concepts
        if self.grade_level == "harmonised" and any(g not in top for g in self.grades):
            raise UnknownFilter("a sector grade needs grade_level=all (drill-down)")


def today() -> date:
    return datetime.now(UTC).date()


def gap_cells(
    *,
    session: Session,
    query: GapQuery,
    on: date | None = None,
    priorities: Priorities | None = None,
    cache: CatalogueCache | None = None,
) -> list[Cell]:
    """The matrix cells the query selects, in vocabulary order or by need."""
    query.check()
    # The bitset path gives exactly build(read_facts(...)) (tests/registry/gaps/test_bitsets.py)
    # several times faster: the database groups, Python works per cell rather than per dataset.
    cells = bitset_cells(
        read_with(cache, session=session, today=on or today()),
        grade_level=query.grade_level,
        priorities=priorities,
    )
    counts = request_counts(session=session, grade_level=query.grade_level)
    apply_requests(cells, counts, priorities)
    wanted = [
        c
        for c in cells.values()
        if (not query.sectors or c.sector in query.sectors)
        and (not query.grades or c.grade in query.grades)
        and (not query.attributes or c.attribute in query.attributes)
        and (not query.bands or c.band in query.bands)
    ]
    if query.sort == "need":
        wanted.sort(key=lambda c: (-c.need, c.sector, c.grade, c.attribute))
    return wanted


def gap_rows(cells: list[Cell]) -> list[dict[str, Any]]:
    """Long format: one row per cell."""
    return [
        {
            "sector": c.sector,
            "grade": c.grade,
            "attribute": c.attribute,
            "score": c.score,
            "band": c.band,
            "datasets": c.datasets,
            "best": c.best,
            "priority": c.priority,
            "need": c.need,
            "requests": c.requests,
        }
        for c in cells
    ]


def gap_csv(rows: list[dict[str, Any]]) -> str:
    """Long-format rows as CSV (the columns of :data:`COLUMNS`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(safe_rows(rows))
    return buffer.getvalue()


def gap_cell(
    *,
    session: Session,
    sector: str,
    grade: str,
    attribute: str,
    on: date | None = None,
    priorities: Priorities | None = None,
    cache: CatalogueCache | None = None,
) -> dict[str, Any]:
    """One cell with every dataset behind it (factors, provenance, advice), and for an empty
    cell the nearest evidence."""
    key: Key = (sector, grade, attribute)
    for scheme, value in zip(DIMENSIONS, key, strict=True):
        if value not in vocab.load(scheme):
            raise NotFound(f"{scheme} {value!r} is not in the {scheme} vocabulary")
    when = on or today()
    level = "harmonised" if grade in vocab.load("grade").top_concepts else "all"
    catalogue = read_with(cache, session=session, today=when)
    cells = bitset_cells(catalogue, grade_level=level, priorities=priorities)
    apply_requests(cells, request_counts(session=session, grade_level=level), priorities)
    cell = cells[key]
    # Only the cell's own datasets are read in full, for their factors and advice.
    facts = read_facts(session=session, pks=members(catalogue, key, grade_level=level))
    found = cell_evidence(facts, key, today=when, grade_level=level)
    near = nearest(cells, key) if not found else {}
    return {
        **gap_rows([cell])[0],
        "labels": {
            s: vocab.load(s).get(v).pref_label for s, v in zip(DIMENSIONS, key, strict=True)
        },  # type: ignore[union-attr]
        "evidence": [
            {
                "dataset": e.dataset_id,
                "title": e.title,
                "score": e.score,
                "provenance": e.provenance,
                "provenance_weight": e.weight,
                "at_grade": e.at_grade,
                "factors": [
                    {"factor": c.factor, "points": c.points, "maximum": c.maximum, "note": c.note}
                    for c in e.contributions
                ],
                "what_would_raise_it": list(e.advice),
            }
            for e in found
        ],
        "nearest": {k: gap_rows(v) for k, v in near.items()},
        "axes": {k: len(v) for k, v in axes(level).items()},
    }
