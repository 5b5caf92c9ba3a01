"""A chart of shares by grade from a table's profile: where a tabular file has a grade column
beside an attribute column and a count column ("Grade", "Sex", "Headcount"), the share of each
attribute value within each grade, computed from the stored sample of first rows only (the
profile keeps no more, and the page says so).

Pure: :func:`grade_chart` reads a :class:`~schemas.profile.TableProfile` and the vocabularies,
and :func:`layout` places the bars of the inline SVG the dataset page draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import vocab
from schemas.profile import ColumnProfile, TableProfile

# A grade column: at least this many of its values, and at least half, are grade labels.
MIN_GRADES = 2
# A chart with more than this many grades or attribute values is no longer readable.
MAX_GRADES = 12
MAX_CATEGORIES = 8
# Values that stand for everyone: a "Total" row would count everyone twice.
TOTALS = frozenset({"total", "all", "all staff", "all employees", "all grades", "overall"})
# Header words of a count column (summing a salary or a percentage means nothing).
COUNT_WORDS = frozenset({"headcount", "count", "number", "fte", "people", "staff", "n"})
# Header words of a period column: rows of different periods must not be added up.
PERIOD_WORDS = frozenset({"year", "period", "date", "time", "quarter", "month"})
WORKFORCE = "workforce"  # the grade concept "Total" and "All staff" match


@dataclass(frozen=True)
class Bar:
    category: str
    count: float | None  # None: every cell of it in the sample was suppressed or missing
    share: float | None  # of the grade's published total


@dataclass(frozen=True)
class Group:
    grade: str
    total: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class GradeChart:
    grade_column: str
    attribute_column: str
    attribute: str  # the attribute concept's notation
    count_column: str
    categories: tuple[str, ...]
    groups: tuple[Group, ...]
    rows_used: int
    suppressed: int  # cells of the count column left out: suppressed ([c], x) or missing
    rows_read: int  # the sample's length
    row_count: int  # the whole table's, as profiled
    held: tuple[tuple[str, str], ...]  # (column, value): other columns held at one value


def grade_chart(profile: TableProfile) -> GradeChart | None:
    """The shares of each attribute value within each grade in the profile's sample, or None
    when the table has no grade, attribute and count columns side by side (or the sample
    holds too little of them to tell)."""
    columns = profile.columns
    grade = next((i for i, c in enumerate(columns) if _is_grade_column(c)), None)
    count = next((i for i, c in enumerate(columns) if _is_count_column(c)), None)
    if grade is None or count is None:
        return None
    for attribute, column in enumerate(columns):
        if attribute != grade and _attribute_of(column) is not None:
            chart = _chart(profile, grade, attribute, count)
            if chart is not None:
                return chart
    return None


def _chart(profile: TableProfile, grade: int, attribute: int, count: int) -> GradeChart | None:
    columns = profile.columns
    rows = [r for r in profile.sample if len(r) == len(columns)]
    held = _held(columns, rows, skip={grade, attribute, count})
    # Per grade and attribute value: the sum of its published counts (None while it has
    # only suppressed ones, so that a value with no published count is shown as such).
    sums: dict[str, dict[str, float | None]] = {}
    used = suppressed = 0
    for row in rows:
        if any(row[i] != value for i, value in held.items()):
            continue
        level, category, number = row[grade].strip(), row[attribute].strip(), _number(row[count])
        if not level or not category or _is_total(level) or _is_total(category):
            continue
        by_category = sums.setdefault(level, {})
        if number is None:
            by_category.setdefault(category, None)
            suppressed += 1
            continue
        by_category[category] = (by_category.get(category) or 0.0) + number
        used += 1
    # A share needs every value of the attribute: the profile lists them all (when it has
    # not cut the list short), and a grade missing one in the sample is left out.
    wanted = tuple(v.strip() for v in columns[attribute].values if not _is_total(v))
    if columns[attribute].distinct_count > len(columns[attribute].values):
        return None
    if not 2 <= len(wanted) <= MAX_CATEGORIES:
        return None
    groups = []
    for level in sorted(sums, key=_grade_order):
        total = sum(v for v in sums[level].values() if v is not None)
        if total <= 0 or any(c not in sums[level] for c in wanted):
            continue
        bars = tuple(_bar(c, sums[level][c], total) for c in wanted)
        groups.append(Group(grade=level, total=total, bars=bars))
    if len(groups) < MIN_GRADES:
        return None
    return GradeChart(
        grade_column=columns[grade].name,
        attribute_column=columns[attribute].name,
        attribute=_attribute_of(columns[attribute]),  # type: ignore[arg-type]
        count_column=columns[count].name,
        categories=wanted,
        groups=tuple(groups[:MAX_GRADES]),
        rows_used=used,
        suppressed=suppressed,
        rows_read=len(profile.sample),
        row_count=profile.row_count,
        held=tuple((columns[i].name, value) for i, value in held.items()),
    )


def _bar(category: str, count: float | None, total: float) -> Bar:
    return Bar(category=category, count=count, share=None if count is None else count / total)


def _grade_concepts(value: str) -> list[vocab.Concept]:
    return [c for c in vocab.matcher("grade").candidates(value) if c.notation != WORKFORCE]


def _is_grade_column(column: ColumnProfile) -> bool:
    if column.kind != "text" or not column.values:
        return False
    graded = sum(1 for v in column.values if _grade_concepts(v))
    return graded >= MIN_GRADES and graded * 2 >= len(column.values)


def _attribute_of(column: ColumnProfile) -> str | None:
    """The attribute a text column's header names ("Sex", "Ethnic group"), if it lists values."""
    if column.kind != "text" or len(column.values) < 2:
        return None
    concept = vocab.match("attribute", column.name)
    return concept.notation if concept else None


def _is_count_column(column: ColumnProfile) -> bool:
    words = set(vocab.normalise(column.name).split())
    return column.kind == "number" and bool(words & COUNT_WORDS)


def _is_period_column(column: ColumnProfile) -> bool:
    return bool(set(vocab.normalise(column.name).split()) & PERIOD_WORDS)


def _is_total(value: str) -> bool:
    return vocab.normalise(value) in TOTALS


def _held(columns: list[ColumnProfile], rows: list[list[str]], skip: set[int]) -> dict[int, str]:
    """Other dimension columns (text, dates, periods) that vary in the sample, each held at its
    total when it has one, else at its first value: adding rows up across them would mix
    leavers with staff in post, or one year with the next."""
    held = {}
    for i, column in enumerate(columns):
        if i in skip or not (column.kind in ("text", "date") or _is_period_column(column)):
            continue
        seen = list(dict.fromkeys(r[i] for r in rows))
        if len(seen) > 1:
            held[i] = next((v for v in seen if _is_total(v)), seen[0])
    return held


def _number(text: str) -> float | None:
    """A count as published ("1,234", " 56 "); a suppressed or missing cell is None."""
    try:
        return float(text.replace(",", "").strip())
    except ValueError:
        return None


def _grade_order(value: str) -> tuple[int, str]:
    """Grades in the vocabulary's order (most senior first), unknown ones after."""
    order = list(vocab.load("grade").concepts)
    found = [order.index(c.notation) for c in _grade_concepts(value)]
    return (min(found) if found else len(order), value)


# -- drawing ----------------------------------------------------------------------------------

WIDTH = 640
LABEL_WIDTH = 190  # the category names, left of the bars
BAR_SPACE = 370  # a share of 100% is this wide; its number is written after the bar
BAR_HEIGHT = 18
ROW = 24
GROUP_HEADING = 26
GROUP_GAP = 10


@dataclass(frozen=True)
class PlacedBar:
    y: float
    width: float
    label: str  # the category
    value: str  # the share, in words too ("suppressed" when there is none)


@dataclass(frozen=True)
class PlacedGroup:
    y: float  # the grade's heading baseline
    grade: str
    bars: tuple[PlacedBar, ...]


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    label_width: int
    bar_height: int
    groups: tuple[PlacedGroup, ...]


def layout(chart: GradeChart) -> Layout:
    """Where each grade heading and bar goes: a grade's heading, then one labelled bar per
    attribute value, its share written beside it (no meaning carried by colour)."""
    y = 0.0
    placed = []
    for group in chart.groups:
        heading = y + GROUP_HEADING - 8
        y += GROUP_HEADING
        bars = []
        for bar in group.bars:
            bars.append(
                PlacedBar(
                    y=y,
                    width=round((bar.share or 0.0) * BAR_SPACE, 1),
                    label=bar.category,
                    value=share_text(bar.share),
                )
            )
            y += ROW
        placed.append(PlacedGroup(y=heading, grade=group.grade, bars=tuple(bars)))
        y += GROUP_GAP
    return Layout(
        width=WIDTH,
        height=int(y),
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        groups=tuple(placed),
    )


def count_text(count: float | None) -> str:
    """A count as people read it: 1,350 (and 12.5 for a full-time equivalent)."""
    if count is None:
        return "suppressed"
    return f"{count:,.0f}" if float(count).is_integer() else f"{count:,.2f}"


def share_text(share: float | None) -> str:
    return "suppressed" if share is None else f"{share * 100:.1f}%"
