"""The gap pages: the heatmap, one cell's evidence, organisation coverage and the trend between
snapshots. Each reads the same data functions as ``/api/gaps`` (:mod:`registry.gaps`), with the
app's priorities and its per-generation catalogue cache, so a page and its JSON agree."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

import vocab
from registry.api.deps import GapCacheDep, PrioritiesDep, SessionDep
from registry.api.search_params import url
from registry.gaps import BANDS, gap_cell, gap_cells
from registry.gaps.method import COVERED_FROM, PARTIAL_FROM
from registry.gaps.organisations import organisation_coverage
from registry.gaps.snapshots import list_snapshots
from registry.gaps.trend import compare_snapshots
from registry.web import gap_view
from registry.web.routing import PageRoute
from registry.web.search_view import cell_href, cell_phrase
from registry.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Values = Annotated[list[str] | None, Query(max_length=100)]
Choice = Annotated[str | None, Query(max_length=60)]
# The trend page lists this many cells each way; the JSON it links to has them all.
TREND_SHOWN = 100
SNAPSHOT_CHOICES = 100
NEAREST = {
    "same_sector_other_grades": "The same sector at other grades",
    "same_grade_other_sectors": "The same grade in other sectors",
}


def _given(values: list[str] | None) -> tuple[str, ...]:
    """Repeated values without the blanks an "all" option sends."""
    return tuple(v for v in values or () if v)


def _bands() -> list[tuple[str, str, int, int]]:
    """(band, meaning, from, to): the legend, from the method's thresholds."""
    limits = {"covered": (COVERED_FROM, 100), "partial": (PARTIAL_FROM, COVERED_FROM - 1)}
    limits["gap"] = (0, PARTIAL_FROM - 1)
    return [(b, gap_view.BAND_MEANINGS[b], *limits[b]) for b in BANDS]


@router.get("/gaps", response_class=HTMLResponse)
def gaps_page(
    request: Request,
    session: SessionDep,
    priorities: PrioritiesDep,
    cache: GapCacheDep,
    rows: Annotated[str, Query(max_length=20)] = "sector",
    attribute: Annotated[str, Query(max_length=60)] = gap_view.ALL,
    sector: Values = None,
    grade: Values = None,
) -> HTMLResponse:
    selection = gap_view.HeatmapSelection(
        rows=rows,
        attribute=attribute or gap_view.ALL,
        sectors=_given(sector),
        grades=_given(grade),
    )
    cells = gap_cells(session=session, query=selection.query(), priorities=priorities, cache=cache)
    return render(
        request,
        "gaps.html.j2",
        selection=selection,
        heatmaps=gap_view.heatmaps(cells, selection),
        downloads=gap_view.downloads(selection),
        options=gap_view.form_options(),
        layouts=gap_view.LAYOUTS,
        bands=_bands(),
        dimension_labels=gap_view.DIMENSION_LABELS,
    )


@router.get("/gaps/cells/{sector}/{grade}/{attribute}", response_class=HTMLResponse)
def cell_page(
    sector: str,
    grade: str,
    attribute: str,
    request: Request,
    session: SessionDep,
    priorities: PrioritiesDep,
    cache: GapCacheDep,
) -> HTMLResponse:
    # An unknown sector, grade or attribute is NotFound: the page's 404.
    cell = gap_cell(
        session=session,
        sector=sector,
        grade=grade,
        attribute=attribute,
        priorities=priorities,
        cache=cache,
    )
    nearest = [
        (NEAREST.get(kind, kind), gap_view.labelled_rows(rows))
        for kind, rows in cell["nearest"].items()
    ]
    return render(
        request,
        "gap_cell.html.j2",
        cell=cell,
        phrase=cell_phrase(sector, grade, attribute),
        nearest=nearest,
        bands=_bands(),
        search_href=cell_href(sector, grade, attribute),
        json_href=f"/api/gaps/cells/{sector}/{grade}/{attribute}",
        request_href=url(
            "", "/request-data", [("sector", sector), ("grade", grade), ("attribute", attribute)]
        ),
    )


@router.get("/gaps/organisations", response_class=HTMLResponse)
def organisations_page(
    request: Request,
    session: SessionDep,
    organisation_type: Choice = None,
    sector: Choice = None,
) -> HTMLResponse:
    found = organisation_coverage(
        session=session, organisation_type=organisation_type or None, sector=sector or None
    )
    return render(
        request,
        "gap_organisations.html.j2",
        found=found,
        options={
            "organisation_type": [
                (c.notation, c.pref_label) for c in vocab.load("organisation-type")
            ],
            "sector": gap_view.form_options()["sector"],
        },
        json_href=url(
            "",
            "/api/gaps/organisations",
            [(k, v) for k, v in found["filters"].items() if v],
        ),
    )


def _snapshot_label(snapshot: dict[str, Any]) -> str:
    """How a snapshot reads in the form: its number, when, and what took it."""
    when = snapshot["taken_at"][:16].replace("T", " ")
    if snapshot["source"]:
        by = f"after harvesting {snapshot['source']}"
    elif snapshot["run_id"]:
        by = f"after harvest run {snapshot['run_id']}"
    else:
        by = "taken by hand"
    return f"Snapshot {snapshot['id']}, {when} UTC, {by}"


@router.get("/gaps/trend", response_class=HTMLResponse)
def trend_page(
    request: Request,
    session: SessionDep,
    before: int | None = None,
    after: int | None = None,
) -> HTMLResponse:
    snapshots = list_snapshots(session=session, limit=SNAPSHOT_CHOICES)
    if len(snapshots) < 2:
        return render(request, "gap_trend.html.j2", snapshots=snapshots, trend=None)
    # An unknown snapshot id is NotFound: the page's 404.
    trend = compare_snapshots(session=session, before=before, after=after)
    shown = {
        direction: gap_view.labelled_rows(trend[direction][:TREND_SHOWN])
        for direction in ("improved", "worsened")
    }
    return render(
        request,
        "gap_trend.html.j2",
        snapshots=snapshots,
        choices=[(s["id"], _snapshot_label(s)) for s in snapshots],
        trend=trend,
        shown=shown,
        json_href=url(
            "",
            "/api/gaps/compare",
            [("before", str(trend["before"]["id"])), ("after", str(trend["after"]["id"]))],
        ),
    )
