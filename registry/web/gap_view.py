"""What the gap pages show, worked out from the gap data functions (:mod:`registry.gaps`): the
heatmap as tables whose rows and columns the reader chooses, and the links every cell and
download carries. Every state is a URL (GET parameters), so a selection can be shared, and the
download links carry the same selection to the API (CSV, JSON) and the printable report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import vocab
from registry.api.search_params import url
from registry.errors import UnknownFilter
from registry.gaps import BANDS, Cell, GapQuery
from registry.gaps.matrix import Key, axes
from registry.gaps.report_html import label as concept_label
from registry.web.search_view import cell_phrase

PATH = "/gaps"
LAYOUTS = {  # rows -> (columns, what the reader picks in the form)
    "sector": ("grade", "Sectors as rows, leadership grades as columns"),
    "grade": ("sector", "Leadership grades as rows, sectors as columns"),
}
ALL = "all"
DIMENSION_LABELS = {"sector": "Sector", "grade": "Leadership grade", "attribute": "Attribute"}
# What each band means, in words beside the colours (the page never relies on colour alone).
BAND_MEANINGS = {
    "covered": "good data exists",
    "partial": "some data exists, with weaknesses",
    "gap": "no data, or data too weak to use",
}


@dataclass(frozen=True)
class HeatmapSelection:
    """The heatmap form's choices: the layout, one attribute or all, and the filters."""

    rows: str = "sector"
    attribute: str = ALL
    sectors: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()

    @property
    def columns(self) -> str:
        return LAYOUTS[self.rows][0]

    def query(self) -> GapQuery:
        """The gap query (harmonised grades); checked, so a bad value is a 400 page."""
        if self.rows not in LAYOUTS:
            raise UnknownFilter("rows must be 'sector' or 'grade'")
        attributes = () if self.attribute == ALL else (self.attribute,)
        query = GapQuery(sectors=self.sectors, grades=self.grades, attributes=attributes)
        grades = vocab.load("grade")
        for grade in self.grades:
            # Said in the page's terms (the API's message names its grade_level parameter).
            if grade in grades and grade not in grades.top_concepts:
                raise UnknownFilter(
                    f"grade {grade!r} is a sector grade: the heatmap's grades are the "
                    "harmonised leadership levels (a sector grade's cells have their own pages)"
                )
        query.check()
        return query

    def filter_params(self) -> list[tuple[str, str]]:
        """The selection as the API's parameters (sector, grade, attribute)."""
        params = [("sector", s) for s in self.sectors] + [("grade", g) for g in self.grades]
        if self.attribute != ALL:
            params.append(("attribute", self.attribute))
        return params


@dataclass(frozen=True)
class HeatmapCell:
    score: int
    band: str
    href: str
    phrase: str  # for the link's hidden text: which cell this is


@dataclass(frozen=True)
class HeatmapRow:
    value: str
    label: str
    cells: list[HeatmapCell]


@dataclass(frozen=True)
class Heatmap:
    attribute: str
    label: str
    columns: list[tuple[str, str]]  # (notation, label)
    rows: list[HeatmapRow]
    bands: dict[str, int]


def label(scheme: str, notation: str) -> str:
    return concept_label(notation, scheme)


def cell_page(sector: str, grade: str, attribute: str) -> str:
    return f"{PATH}/cells/{sector}/{grade}/{attribute}"


def heatmaps(cells: list[Cell], selection: HeatmapSelection) -> list[Heatmap]:
    """One table per attribute shown (small multiples when all are), rows and columns in
    vocabulary order as the selection arranges them."""
    by_key: dict[Key, Cell] = {(c.sector, c.grade, c.attribute): c for c in cells}
    every = axes("harmonised")
    chosen = {"sector": selection.sectors, "grade": selection.grades}
    shown = {
        dim: [v for v in every[dim] if not chosen[dim] or v in chosen[dim]]
        for dim in ("sector", "grade")
    }
    attributes = [a for a in every["attribute"] if selection.attribute in (ALL, a)]
    row_dim, column_dim = selection.rows, selection.columns
    found = []
    for attribute in attributes:
        rows = []
        for row_value in shown[row_dim]:
            placed = []
            for column_value in shown[column_dim]:
                where = {row_dim: row_value, column_dim: column_value}
                key = (where["sector"], where["grade"], attribute)
                cell = by_key[key]
                placed.append(
                    HeatmapCell(
                        score=cell.score,
                        band=cell.band,
                        href=cell_page(*key),
                        phrase=cell_phrase(*key),
                    )
                )
            rows.append(HeatmapRow(row_value, label(row_dim, row_value), placed))
        counts = dict.fromkeys(BANDS, 0)
        for row in rows:
            for placed_cell in row.cells:
                counts[placed_cell.band] += 1
        found.append(
            Heatmap(
                attribute=attribute,
                label=label("attribute", attribute),
                columns=[(v, label(column_dim, v)) for v in shown[column_dim]],
                rows=rows,
                bands=counts,
            )
        )
    return found


def downloads(selection: HeatmapSelection) -> dict[str, str]:
    """The same selection from the API and as the printable report."""
    params = selection.filter_params()
    return {
        "csv": url("", "/api/gaps.csv", params),
        "json": url("", "/api/gaps", params),
        "report": url("", "/api/gaps/report.html", params),
    }


def form_options() -> dict[str, list[tuple[str, str]]]:
    """Every choice the heatmap form offers, in vocabulary order."""
    every = axes("harmonised")
    return {dim: [(v, label(dim, v)) for v in values] for dim, values in every.items()}


def labelled_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Long-format gap rows (:func:`registry.gaps.gap_rows`) with their words and page link."""
    return [
        {
            **row,
            "phrase": cell_phrase(row["sector"], row["grade"], row["attribute"]),
            "href": cell_page(row["sector"], row["grade"], row["attribute"]),
        }
        for row in rows
    ]
