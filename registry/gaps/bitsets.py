"""The coverage matrix from sets of datasets: the fast path of :func:`registry.gaps.matrix.build`.

Why a second path: ``build`` places each dataset in each cell it covers, in Python. At 100k
datasets that is about a million placements and, with :func:`read_facts`, about 7 seconds.
Here the database does the per-dataset work in two grouped queries (score inputs; coverage
statements with their datasets joined into one string), and Python works per cell on sets of
datasets held as integers, one bit per dataset, so the cost follows the size of the matrix.
``build`` stays the definition: a test checks that both give the same cells.

Bits are datasets ranked by their base points (every factor but grade), most first, then by
insertion order (pk); the dataset of rank ``r`` is bit ``n - 1 - r``, so a set's best dataset is
its highest bit (``int.bit_length``, constant time). A dataset's score for a cell also depends
on whether it is placed at the cell's grade and on the weakest provenance placing it there; a
set holds datasets of several such classes, so each class is scored on a superset of it (every
dataset whose statements weigh at least the class's weight): a dataset scored in a class lower
than its own scores no more than it does in its own, so the best over all classes is exact.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from itertools import repeat
from operator import or_
from typing import Any

from sqlmodel import Session

import vocab
from registry.gaps import method
from registry.gaps.matrix import Cell, Key, Priorities, axes, empty_cells, within
from registry.gaps.scoring import (
    cell_score,
    format_share,
    granularity_share,
    licence_share,
    metadata_share,
    recency_share,
    recency_since,
    regularity_share,
)
from registry.quality.mqa import record_facts, record_points

# A record's optional fields as MQA flags: present and not empty ("" or an empty JSON value).
_PRESENT = "CASE WHEN {0} IS NOT NULL AND CAST({0} AS TEXT) <> '' THEN 1 ELSE 0 END"
_FILLED = (
    "CASE WHEN TRIM(COALESCE(CAST({0} AS TEXT), '')) "
    "NOT IN ('', 'null', '[]', '{{}}', '\"\"') THEN 1 ELSE 0 END"
)
_FLAGS = (  # RecordFacts fields, as bits of one column (the first is bit 0)
    ("publisher", _PRESENT.format("d.publisher_id")),
    ("access_rights", _PRESENT.format("d.access_rights")),
    ("issued", _PRESENT.format("d.issued")),
    ("modified", _PRESENT.format("d.modified")),
    (
        "temporal",
        f"CASE WHEN {_PRESENT.format('d.temporal_start')} + "
        f"{_PRESENT.format('d.temporal_end')} > 0 THEN 1 ELSE 0 END",
    ),
    ("keywords", _FILLED.format("d.keywords")),
    ("themes", _FILLED.format("d.themes")),
    ("spatial", _FILLED.format("d.spatial")),
    ("contact_point", _FILLED.format("d.contact_point")),
)
# The latest of modified, end of period and issued is at least a date when any of them is.
_AFTER = "(d.modified >= {0} OR d.temporal_end >= {0} OR d.issued >= {0})"


def _inputs_sql(dialect: str, since: tuple[date, ...]) -> str:
    """One row per active dataset: pk, id and what its base points depend on, the dates as the
    recency step they reach (0 = newest; one past the last: none)."""
    # Dates we made, written into the SQL (the driver's cursor has no one parameter style).
    # SQLite keeps dates and times as ISO text, whose order is the dates' order.
    literal = "'{}'" if dialect == "sqlite" else "DATE '{}'"
    recency = " ".join(
        f"WHEN {_AFTER.format(literal.format(day.isoformat()))} THEN {i}"
        for i, day in enumerate(since)
    )
    return (
        "SELECT d.pk, d.id, d.licence, d.accrual_periodicity, d.granularity, "
        # One number rather than nine columns: 100k rows are grouped by these inputs in Python.
        f"{' + '.join(f'{1 << i} * ({e})' for i, (_, e) in enumerate(_FLAGS))}, "
        f"CASE {recency} ELSE {len(since)} END FROM dataset d WHERE d.status = 'active'"
    )


def _files_sql(dialect: str) -> str:
    """Per dataset with distributions: its formats joined, and whether any has a download URL,
    a media type, a size. A query of its own: joined to the datasets in SQL, SQLite would
    build a temporary index on the grouped rows every time."""
    # Repeats are dropped in Python (DISTINCT costs SQLite a temporary B-tree per dataset).
    joined = "group_concat(f)" if dialect == "sqlite" else "string_agg(f, ',')"
    return (
        f"SELECT dataset_id, {joined}, "
        "MAX(CASE WHEN download_url IS NOT NULL THEN 1 ELSE 0 END), "
        "MAX(CASE WHEN COALESCE(media_type, '') <> '' THEN 1 ELSE 0 END), "
        "MAX(CASE WHEN byte_size IS NOT NULL THEN 1 ELSE 0 END) "
        "FROM (SELECT dataset_id, NULLIF(format, '') AS f, download_url, media_type, byte_size "
        "FROM distribution) y GROUP BY dataset_id"
    )


_NO_FILES = (None, 0, 0, 0)


def _coverage_sql(dialect: str) -> str:
    """Each coverage statement (scheme, concept, provenance) with its datasets' ids joined
    into one string: a few hundred rows rather than every statement, read in the order of the
    index ``ix_coverage_statement`` (no sort, no join: ids of inactive datasets are skipped
    in Python). Identifiers hold no commas."""
    joined = "group_concat(dataset_id)" if dialect == "sqlite" else "string_agg(dataset_id, ',')"
    return (
        f"SELECT scheme, concept, provenance, {joined} FROM coverage "
        "GROUP BY scheme, concept, provenance"
    )


@dataclass(frozen=True)
class Catalogue:
    """Every active dataset as a bit, ranked by base points, and each coverage statement as the
    set of datasets making it, by provenance weight."""

    n: int
    pks: tuple[int, ...]  # by rank
    ids: tuple[str, ...]  # by rank
    base: tuple[float, ...]  # by rank
    segment_end: tuple[int, ...]  # by rank: the end of its run of datasets of equal base
    statements: dict[tuple[str, str], dict[float, int]]  # (scheme, concept) -> weight -> set

    def ranks(self, bits: int) -> list[int]:
        """The ranks of a set's datasets, best first: as a binary numeral of n digits, rank r
        is digit r."""
        return [m.start() for m in re.finditer("1", format(bits, f"0{self.n}b"))]


def read_catalogue(*, session: Session, today: date) -> Catalogue:
    """The active catalogue as sets, read in three grouped queries."""
    conn = session.connection()
    dialect = conn.dialect.name
    since = recency_since(today)
    cursor = conn.connection.cursor()  # the driver's own: 100k rows, no Row objects
    try:
        cursor.execute(_inputs_sql(dialect, since))
        rows = cursor.fetchall()
        cursor.execute(_files_sql(dialect))
        files = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(_coverage_sql(dialect))
        coverage = cursor.fetchall()
    finally:
        cursor.close()
    groups: dict[tuple, list[tuple[int, str]]] = {}
    for row in rows:
        groups.setdefault(row[2:] + files.get(row[1], _NO_FILES), []).append(row[:2])
    scorer = _BaseScorer()
    by_base: dict[float, list[tuple[int, str]]] = {}
    for inputs, found in groups.items():
        by_base.setdefault(scorer.base(inputs), []).extend(found)
    pks: list[int] = []
    ids: list[str] = []
    base: list[float] = []
    ends: list[int] = []
    for points in sorted(by_base, reverse=True):
        found = sorted(by_base[points])
        pks.extend(pk for pk, _ in found)
        ids.extend(ident for _, ident in found)
        base.extend([points] * len(found))
        ends.extend([len(pks)] * len(found))
    n = len(pks)
    rank = _Ranks(ids)
    statements: dict[tuple[str, str], dict[float, int]] = {}
    for scheme, concept, provenance, joined in coverage:
        # The set as a binary numeral: rank r is character r; a withdrawn dataset's id lands
        # on the spare last character. The loop runs in C (half a million ids at 100k).
        chars = bytearray(b"0" * (n + 1))
        deque(map(chars.__setitem__, map(rank.__getitem__, joined.split(",")), _ONE), maxlen=0)
        by_weight = statements.setdefault((scheme, concept), {})
        weight = method.weight(provenance)
        by_weight[weight] = by_weight.get(weight, 0) | int(chars[:n], 2)
    return Catalogue(n, tuple(pks), tuple(ids), tuple(base), tuple(ends), statements)


_ONE = repeat(ord("1"))


class _Ranks(dict[str, int]):
    """Dataset ids to ranks; an id not among the active datasets maps to one past the last."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__((ident, r) for r, ident in enumerate(ids))
        self.spare = len(ids)

    def __missing__(self, ident: str) -> int:
        return self.spare


class _BaseScorer:
    """The base points of datasets from their inputs, through the scorer's own share of each
    factor, each remembered per the one value it reads, and added in the scorer's order (the
    same sum, to the last bit, as :func:`registry.gaps.scoring.base_points`)."""

    def __init__(self) -> None:
        self.formats: dict[str | None, tuple[str, ...]] = {}
        self.points: dict[tuple, int] = {}  # MQA points by their inputs
        # Per factor, in BASE_FACTORS order: its points by the value it reads.
        self.factors = tuple(
            _Points(method.POINTS[name], share)
            for name, share in (
                ("licence", licence_share),
                ("format", format_share),
                ("recency", recency_share),
                ("regularity", regularity_share),
                ("granularity", granularity_share),
                ("metadata", metadata_share),
            )
        )

    def base(self, inputs: tuple) -> float:
        (licence, periodicity, granularity, flags, step, joined, download, media, size) = inputs
        formats = self.formats.get(joined)
        if formats is None:
            formats = self.formats[joined] = tuple(sorted(set(joined.split(",")))) if joined else ()
        key = (licence, formats, download, media, size, flags)
        points = self.points.get(key)
        if points is None:
            named = {name: bool(flags >> i & 1) for i, (name, _) in enumerate(_FLAGS)}
            record = record_facts(
                formats=formats,
                licence=licence,
                download_url=bool(download),
                media_type=bool(media),
                byte_size=bool(size),
                **named,
            )
            points = self.points[key] = record_points(record)
        lic, fmt, rec, reg, gra, meta = self.factors
        found = (lic[licence], fmt[formats], rec[step], reg[periodicity], gra[granularity])
        return sum((*found, meta[points]))


class _Points(dict[Any, float]):
    """One factor's points by the value it reads, each worked out once by the scorer's share."""

    def __init__(self, points: int, share: Callable[[Any], float]) -> None:
        super().__init__()
        self.weight, self.share = points, share

    def __missing__(self, value: Any) -> float:
        found = self[value] = self.weight * self.share(value)
        return found


@dataclass(frozen=True)
class _Grade:
    """One grade cell's datasets: all placed there, those at the cell's grade, and by weight
    those whose grade statement (if any) weighs at least that much."""

    placed: int
    at_grade: int
    at_least: dict[float, int]


def _grades(catalogue: Catalogue, grade_level: str, weights: list[float]) -> dict[str, _Grade]:
    """As :func:`registry.gaps.matrix._grade_cells`, for every dataset at once: a statement at a
    grade places the dataset at that grade's cells; a dataset stating no grade, or
    ``workforce``, is placed in every harmonised level it has no statement for, as
    workforce-wide data (weighed by its workforce statement, or not at all)."""
    everyone = (1 << catalogue.n) - 1
    graded = 0
    at: dict[str, int] = {}
    at_least: dict[str, dict[float, int]] = {}
    for (scheme, concept), by_weight in catalogue.statements.items():
        if scheme != "grade":
            continue
        for weight, bits in by_weight.items():
            graded |= bits
            for grade in within(concept, grade_level):
                at[grade] = at.get(grade, 0) | bits
                ladder = at_least.setdefault(grade, {})
                for w in weights:
                    if weight >= w:
                        ladder[w] = ladder.get(w, 0) | bits
    stated = catalogue.statements.get(("grade", method.WORKFORCE), {})
    ungraded = everyone & ~graded
    workforce = ungraded | _any(stated)
    found: dict[str, _Grade] = {}
    for grade in axes(grade_level)["grade"]:
        at_grade = at.get(grade, 0)
        ladder = dict(at_least.get(grade, {}))
        placed = at_grade
        if grade in vocab.load("grade").top_concepts:
            wide = workforce & ~at_grade
            placed |= wide
            for w in weights:
                heavy = ungraded | _any({k: v for k, v in stated.items() if k >= w})
                ladder[w] = ladder.get(w, 0) | (wide & heavy)
        found[grade] = _Grade(placed, at_grade, ladder)
    return found


def _any(by_weight: dict[float, int]) -> int:
    return reduce(or_, by_weight.values(), 0)


def _at_least(by_weight: dict[float, int], weight: float) -> int:
    return _any({k: v for k, v in by_weight.items() if k >= weight})


def bitset_cells(
    catalogue: Catalogue, *, grade_level: str = "harmonised", priorities: Priorities | None = None
) -> dict[Key, Cell]:
    """Every cell of the matrix, as :func:`registry.gaps.matrix.build` gives it."""
    cells = empty_cells(grade_level, priorities)
    if not catalogue.n:
        return cells
    weights = sorted({w for by in catalogue.statements.values() for w in by}, reverse=True)
    grades = _grades(catalogue, grade_level, weights)
    dims = axes(grade_level)
    none: dict[float, int] = {}
    for sector in dims["sector"]:
        s = catalogue.statements.get(("sector", sector), none)
        for attribute in dims["attribute"]:
            a = catalogue.statements.get(("attribute", attribute), none)
            pair = _any(s) & _any(a)
            if not pair:
                continue
            # Each weight but the lowest (which every statement reaches): the datasets whose
            # sector and attribute statements both weigh at least that much.
            heavy = {w: _at_least(s, w) & _at_least(a, w) for w in weights[:-1]}
            for grade, placed in grades.items():
                members = pair & placed.placed
                if members:
                    cell = cells[(sector, grade, attribute)]
                    cell.datasets = members.bit_count()
                    cell.score, cell.best = _best(catalogue, members, heavy, placed, weights)
    return cells


def _best(
    catalogue: Catalogue,
    members: int,
    heavy: dict[float, int],
    grade: _Grade,
    weights: list[float],
) -> tuple[int, str]:
    """The best (score, dataset id) of a cell's members: the highest score, then the first
    inserted, over every (at grade?, weight) class."""
    found: tuple[int, int, int] | None = None  # (score, -pk, rank)
    for weight in weights:
        if weight == weights[-1]:
            candidates = members
        else:
            candidates = members & heavy[weight] & grade.at_least.get(weight, 0)
        for at_grade, part in ((False, candidates), (True, candidates & grade.at_grade)):
            if part:
                key = _top(catalogue, part, at_grade=at_grade, weight=weight)
                if found is None or key > found:
                    found = key
    assert found is not None  # the lowest weight's candidates are every member
    return found[0], catalogue.ids[found[2]]


def _top(catalogue: Catalogue, bits: int, *, at_grade: bool, weight: float) -> tuple[int, int, int]:
    """(score, -pk, rank) of the best dataset of a set, all scored in one class: the highest
    bit has the most base points and, among equal points, the first pk; runs of lower base
    that round to the same score may hold an earlier pk, so those are looked at too."""
    n, base, ends, pks = catalogue.n, catalogue.base, catalogue.segment_end, catalogue.pks
    best = n - bits.bit_length()
    score = cell_score(base[best], at_grade=at_grade, weight=weight)
    start = stop = ends[best]
    while stop < n and cell_score(base[stop], at_grade=at_grade, weight=weight) == score:
        stop = ends[stop]
    if stop > start:
        tied = (bits >> (n - stop)) & ((1 << (stop - start)) - 1)  # ranks start..stop-1
        run = start
        while tied and run < stop:
            end = ends[run]
            part = (tied >> (stop - end)) & ((1 << (end - run)) - 1)
            if part and pks[end - part.bit_length()] < pks[best]:
                best = end - part.bit_length()
            run = end
    return score, -pks[best], best


def members(catalogue: Catalogue, key: Key, *, grade_level: str) -> list[int]:
    """The pks of the datasets placed in one cell."""
    sector, grade, attribute = key
    weights = sorted({w for by in catalogue.statements.values() for w in by}, reverse=True)
    placed = _grades(catalogue, grade_level, weights).get(grade)
    if placed is None or not catalogue.n:
        return []
    bits = (
        _any(catalogue.statements.get(("sector", sector), {}))
        & _any(catalogue.statements.get(("attribute", attribute), {}))
        & placed.placed
    )
    return sorted(catalogue.pks[r] for r in catalogue.ranks(bits))
