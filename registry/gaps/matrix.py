"""The coverage matrix: every sector x grade x attribute cell, scored by its best evidence.

A dataset is evidence for a cell when it covers the cell's sector and attribute and either the
cell's grade (a statement at that grade or at a narrower sector grade: ``scs2`` counts for
``executive``) or, as weaker evidence with no grade points, the whole workforce (it states
``workforce``, or no grade at all). Grades are the harmonised levels, or with
``grade_level="all"`` every grade concept, for drilling down to sector grades.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import vocab
from registry.gaps import method
from registry.gaps.facts import Facts
from registry.gaps.scoring import Evidence, band, base_points, cell_score, evidence, shares

Key = tuple[str, str, str]  # sector, grade, attribute


@dataclass
class Cell:
    sector: str
    grade: str
    attribute: str
    score: int = 0
    datasets: int = 0
    best: str | None = None  # the id of the dataset behind the score
    priority: float = 0.0
    requests: int = 0  # "data I need" requests for the cell (registry.gaps.requests)

    @property
    def band(self) -> str:
        return band(self.score)

    @property
    def need(self) -> float:
        """How much the cell needs attention: priority x the score it lacks."""
        return round(self.priority * (100 - self.score), 2)


@dataclass(frozen=True)
class Priorities:
    """Weights per sector, grade and attribute (default 1.0; see :mod:`registry.gaps.method`)."""

    sector: dict[str, float] = field(default_factory=lambda: dict(method.SECTOR_PRIORITY))
    grade: dict[str, float] = field(default_factory=lambda: dict(method.GRADE_PRIORITY))
    attribute: dict[str, float] = field(default_factory=lambda: dict(method.ATTRIBUTE_PRIORITY))
    # "Data I need" requests raise a cell's priority by this share each, up to the cap (a
    # share too): 0 leaves priorities alone. Off by default (docs/gap-method.md#requests).
    request_boost: float = 0.0
    request_boost_cap: float = 1.0

    def boosted(self, priority: float, requests: int) -> float:
        """A cell's priority with its requests' boost: priority x (1 + min(boost x requests,
        cap))."""
        if not requests or not self.request_boost:
            return priority
        return round(priority * (1 + min(self.request_boost * requests, self.request_boost_cap)), 4)

    def of(self, sector: str, grade: str, attribute: str) -> float:
        level = _level(grade)
        return round(
            self.sector.get(sector, method.DEFAULT_PRIORITY)
            * self.grade.get(grade, self.grade.get(level, method.DEFAULT_PRIORITY))
            * self.attribute.get(attribute, method.DEFAULT_PRIORITY),
            4,
        )


def axes(grade_level: str = "harmonised") -> dict[str, tuple[str, ...]]:
    """Every value of each dimension, in vocabulary order."""
    grades = vocab.load("grade")
    return {
        "sector": tuple(c.notation for c in vocab.load("sector")),
        "grade": grades.top_concepts
        if grade_level == "harmonised"
        else tuple(c.notation for c in grades),
        "attribute": tuple(c.notation for c in vocab.load("attribute")),
    }


def placements(facts: Facts, grade_level: str = "harmonised") -> Iterator[tuple[Key, bool, str]]:
    """Each cell the dataset is evidence for: (cell, at the cell's grade?, weakest provenance)."""
    sectors = facts.coverage.get("sector", {})
    attributes = facts.coverage.get("attribute", {})
    if not sectors or not attributes:
        return
    for grade, (at_grade, grade_provenance) in _grade_cells(facts, grade_level).items():
        for sector, sector_provenance in sectors.items():
            for attribute, attribute_provenance in attributes.items():
                found = [sector_provenance, attribute_provenance]
                found += [grade_provenance] if grade_provenance else []
                weakest = min(found, key=method.weight)
                yield (sector, grade, attribute), at_grade, weakest


def _grade_cells(facts: Facts, grade_level: str) -> dict[str, tuple[bool, str | None]]:
    scheme = vocab.load("grade")
    stated = facts.coverage.get("grade", {})
    cells: dict[str, tuple[bool, str | None]] = {}
    for grade, provenance in stated.items():
        for concept in within(grade, grade_level):
            known = cells.get(concept)
            if known is None or method.weight(provenance) > method.weight(known[1]):
                cells[concept] = (True, provenance)
    if not stated or method.WORKFORCE in stated:
        for level in scheme.top_concepts:
            cells.setdefault(level, (False, stated.get(method.WORKFORCE)))
    return cells


@cache
def within(grade: str, grade_level: str) -> tuple[str, ...]:
    """The grade cells a statement at ``grade`` is at-grade evidence for: its harmonised
    levels, and with ``grade_level="all"`` the grade itself and its broader sector groups."""
    scheme = vocab.load("grade")
    groups = [a for a in scheme.ancestors(grade) if a not in scheme.top_concepts]
    found = (*levels(grade), *([] if grade_level == "harmonised" else [grade, *groups]))
    return tuple(dict.fromkeys(found))


def empty_cells(grade_level: str, priorities: Priorities | None = None) -> dict[Key, Cell]:
    """Every cell of the matrix, with its priority and no evidence yet."""
    priorities = priorities or Priorities()
    dims = axes(grade_level)
    return {
        (s, g, a): Cell(s, g, a, priority=priorities.of(s, g, a))
        for s in dims["sector"]
        for g in dims["grade"]
        for a in dims["attribute"]
    }


def build(
    facts: Sequence[Facts],
    *,
    today: date,
    grade_level: str = "harmonised",
    priorities: Priorities | None = None,
) -> dict[Key, Cell]:
    """Every cell of the matrix (empty ones too), each with its best score."""
    cells = empty_cells(grade_level, priorities)
    for item in facts:
        base = None
        for key, at_grade, provenance in placements(item, grade_level):
            cell = cells.get(key)
            if cell is None:  # a concept the vocabulary no longer has
                continue
            if base is None:
                base = base_points(shares(item, today))
            score = cell_score(base, at_grade=at_grade, weight=method.weight(provenance))
            cell.datasets += 1
            if score > cell.score or (score == cell.score and cell.best is None):
                cell.score, cell.best = score, item.id
    return cells


def cell_evidence(
    facts: Sequence[Facts], key: Key, *, today: date, grade_level: str = "all"
) -> list[Evidence]:
    """The datasets behind one cell, best first, each with its factors and advice."""
    found = []
    for item in facts:
        for placed, at_grade, provenance in placements(item, grade_level):
            if placed == key:
                found.append(evidence(item, at_grade=at_grade, provenance=provenance, today=today))
    return sorted(found, key=lambda e: (-e.score, e.dataset_id))


def nearest(cells: dict[Key, Cell], key: Key, limit: int = 3) -> dict[str, list[Cell]]:
    """For an empty cell: the best cells of the same sector at other grades, and of the same
    grade in other sectors (same attribute)."""
    sector, grade, attribute = key
    same_sector = [c for k, c in cells.items() if k[0] == sector and k[2] == attribute]
    same_grade = [c for k, c in cells.items() if k[1] == grade and k[2] == attribute]
    return {
        "same_sector_other_grades": _best([c for c in same_sector if c.grade != grade], limit),
        "same_grade_other_sectors": _best([c for c in same_grade if c.sector != sector], limit),
    }


def _best(cells: list[Cell], limit: int) -> list[Cell]:
    return sorted((c for c in cells if c.score), key=lambda c: (-c.score, c.sector, c.grade))[
        :limit
    ]


@cache  # the vocabularies are loaded once per process, so a grade's levels never change
def levels(grade: str) -> tuple[str, ...]:
    """The harmonised levels a grade rolls up to: its own broader levels when it names any
    (``scs2`` -> executive), else those of its broader groups (``scs`` spans executive and
    senior-manager, but its pay band ``scs2`` is only executive)."""
    scheme = vocab.load("grade")
    if grade in scheme.top_concepts or grade not in scheme:
        return (grade,) if grade in scheme.top_concepts else ()
    broader = scheme.get(grade).broader  # type: ignore[union-attr]
    direct = tuple(b for b in broader if b in scheme.top_concepts)
    if direct:
        return direct
    return tuple(dict.fromkeys(level for b in broader for level in levels(b)))


def _level(grade: str) -> str:
    return next(iter(levels(grade)), grade)
