"""The gap method as one table: every weight, threshold and default priority the scorer uses.

``docs/gap-method.md`` explains each number; a test keeps the document and this table equal.
Change a weight here and every score, advice line and report follows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Factor:
    """One part of a dataset's score for a cell: at most ``points``."""

    name: str
    points: int
    question: str


# What one dataset is worth as evidence for a cell (sector x grade x attribute); sums to 100.
FACTORS: tuple[Factor, ...] = (
    Factor("grade", 25, "data at the cell's grade, not only workforce-wide"),
    Factor("licence", 15, "an open licence"),
    Factor("format", 15, "a machine-readable format"),
    Factor("recency", 15, "how recent (last modified, latest period covered)"),
    Factor("regularity", 10, "a regular schedule (accrual periodicity)"),
    Factor("granularity", 10, "named posts, or figures by grade, rather than workforce totals"),
    Factor("metadata", 10, "metadata quality (the record's own MQA points)"),
)
POINTS: dict[str, int] = {f.name: f.points for f in FACTORS}

# Recency: full points when the latest date is at most 1 year old, then these shares.
RECENCY_STEPS: tuple[tuple[int, float], ...] = ((1, 1.0), (2, 2 / 3), (3, 1 / 3))

# Regularity: the share of points each accrual periodicity earns (others: none).
REGULARITY: dict[str, float] = {
    "continuous": 1.0,
    "daily": 1.0,
    "weekly": 1.0,
    "monthly": 1.0,
    "quarterly": 1.0,
    "semiannual": 1.0,
    "annual": 1.0,
    "biennial": 0.6,
    "triennial": 0.3,
}

# Granularity: the share of points; a record that does not say earns the "unknown" share.
GRANULARITY: dict[str | None, float] = {
    "individual": 1.0,
    "aggregate-by-grade": 0.6,
    "workforce": 0.0,
    None: 0.3,
}

# How much a coverage statement is believed, by provenance: a dataset's score for a cell is
# multiplied by the weakest of its sector, grade and attribute statements (each dimension's
# strongest statement).
PROVENANCE: dict[str, float] = {"curated": 1.0, "observed": 1.0, "declared": 0.9, "inferred": 0.75}


def weight(provenance: str | None) -> float:
    """A provenance's weight (an unknown one weighs least); also how statements are ranked."""
    return PROVENANCE.get(provenance or "", min(PROVENANCE.values()))


# Bands of a cell's score (the best evidence behind it).
COVERED_FROM = 70
PARTIAL_FROM = 35

# Default priorities: which cells matter most (1 = most). A gap's rank is priority x
# (100 - score). Senior grades first; the protected characteristics and social background first.
GRADE_PRIORITY: dict[str, float] = {
    "head-of-organisation": 1.0,
    "executive": 0.9,
    "board-non-executive": 0.7,
    "senior-manager": 0.6,
    "middle-manager": 0.3,
    "workforce": 0.1,
}
ATTRIBUTE_PRIORITY: dict[str, float] = {
    "sex": 1.0,
    "ethnicity": 1.0,
    "disability": 1.0,
    "socio-economic-background": 1.0,
    "sexual-orientation": 0.8,
    "religion": 0.6,
    "age": 0.8,
    "pay": 0.9,
    "identity": 0.7,
    "mobility": 0.6,
    "tenure": 0.5,
    "education": 0.6,
    "profession": 0.5,
    "headcount": 0.5,
    "location": 0.4,
    "engagement": 0.4,
    "performance": 0.3,
}
SECTOR_PRIORITY: dict[str, float] = {}  # every sector 1.0 unless set
DEFAULT_PRIORITY = 1.0

# The grade used for data that covers no leadership grade.
WORKFORCE = "workforce"
