"""What the dataset page shows of each profiled tabular file: its column profile (with the
coverage the classifier read from each column), a preview of the stored first rows, and the
grade chart when the table has one (:mod:`registry.web.chart`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from registry.web.chart import GradeChart, Layout, grade_chart, layout
from schemas import CoveragePublic, DistributionPublic
from schemas.profile import ColumnProfile

TOP_VALUES = 5  # the most frequent values listed per column
PREVIEW_ROWS = 10  # of the stored sample (up to 50 rows)


@dataclass(frozen=True)
class ColumnRow:
    name: str
    kind: str
    distinct: int
    top_values: tuple[str, ...]
    more_values: int  # distinct values not listed
    missing: int
    suppressed: int
    concepts: tuple[str, ...]  # "Sex (attribute)": what the classifier read from it


@dataclass(frozen=True)
class TableView:
    number: int  # the file's position on the page, from 1
    title: str
    format: str
    sheet: str | None
    row_count: int
    truncated: bool
    columns: tuple[ColumnRow, ...]
    headers: tuple[str, ...]
    preview: tuple[tuple[str, ...], ...]
    chart: GradeChart | None
    drawn: Layout | None


def table_views(
    distributions: Sequence[DistributionPublic], coverage: Sequence[CoveragePublic]
) -> list[TableView]:
    """One view per distribution with a profile, in the page's file order."""
    observed = [c for c in coverage if c.provenance == "observed" and c.note]
    views = []
    for number, dist in enumerate(distributions, start=1):
        profile = dist.profile
        if profile is None:
            continue
        chart = grade_chart(profile)
        views.append(
            TableView(
                number=number,
                title=dist.title or str(dist.download_url or dist.access_url),
                format=profile.format.upper(),
                sheet=profile.sheet,
                row_count=profile.row_count,
                truncated=profile.truncated,
                columns=tuple(_column_row(c, observed) for c in profile.columns),
                headers=tuple(c.name for c in profile.columns),
                preview=tuple(tuple(row) for row in profile.sample[:PREVIEW_ROWS]),
                chart=chart,
                drawn=layout(chart) if chart else None,
            )
        )
    return views


def _column_row(column: ColumnProfile, observed: Sequence[CoveragePublic]) -> ColumnRow:
    return ColumnRow(
        name=column.name,
        kind=column.kind,
        distinct=column.distinct_count,
        top_values=tuple(column.values[:TOP_VALUES]),
        more_values=max(0, column.distinct_count - min(TOP_VALUES, len(column.values))),
        missing=column.missing,
        suppressed=column.suppressed,
        concepts=column_concepts(column.name, observed),
    )


def column_concepts(name: str, observed: Sequence[CoveragePublic]) -> tuple[str, ...]:
    """The concepts the classifier observed in a column, read from its statements' notes
    (``column "Sex"``, ``column "Grade" holds "SCS2"``: the evidence it keeps), since the
    profile itself stores no concepts."""
    mark = f'column "{name}"'
    found = [f"{c.label} ({c.scheme})" for c in observed if mark in (c.note or "")]
    return tuple(dict.fromkeys(found))
