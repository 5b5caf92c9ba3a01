"""``/api/gaps``: the coverage matrix (long format, JSON or CSV), each cell's evidence, the
organisations with current leader-level data, and the trend between snapshots."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response

from registry.api.deps import GapCacheDep, PrioritiesDep, SessionDep
from registry.formats import media_type
from registry.gaps import GapQuery, gap_cell, gap_cells, gap_csv, gap_rows
from registry.gaps.organisations import organisation_coverage
from registry.gaps.report import gap_report, render_report_html
from registry.gaps.snapshots import list_snapshots
from registry.gaps.trend import compare_snapshots

# The report is one self-contained file: its own inline <style>, inline SVG, no scripts at all.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"

router = APIRouter(prefix="/api", tags=["gaps"])

Values = Annotated[list[str] | None, Query(max_length=100)]


async def _query(
    sector: Values = None,
    grade: Values = None,
    attribute: Values = None,
    band: Values = None,
    grade_level: Annotated[str, Query(pattern="^(harmonised|all)$")] = "harmonised",
    sort: Annotated[str, Query(pattern="^(matrix|need)$")] = "matrix",
) -> GapQuery:
    return GapQuery.of(
        sector=sector,
        grade=grade,
        attribute=attribute,
        band=band,
        grade_level=grade_level,
        sort=sort,
    )


GapQueryDep = Annotated[GapQuery, Depends(_query)]


@router.get("/gaps", summary="The coverage matrix")
def gaps(
    session: SessionDep, query: GapQueryDep, priorities: PrioritiesDep, cache: GapCacheDep
) -> dict[str, Any]:
    """Every sector x grade x attribute cell the filters select, one row each: its score
    (0-100, from the best dataset behind it), band (covered, partial, gap), how many datasets
    cover it, the best one, its priority and need (priority x the score it lacks).
    ``grade_level=all`` drills down from the harmonised levels to sector grades;
    ``sort=need`` puts the gaps that matter most first. The method: ``docs/gap-method.md``."""
    cells = gap_cells(session=session, query=query, priorities=priorities, cache=cache)
    return {"total": len(cells), "cells": gap_rows(cells)}


@router.get(
    "/gaps.csv",
    summary="The coverage matrix as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "One row per cell"}},
)
def gaps_csv(
    session: SessionDep, query: GapQueryDep, priorities: PrioritiesDep, cache: GapCacheDep
) -> Response:
    """The same rows as ``/api/gaps``, as CSV."""
    return Response(
        gap_csv(
            gap_rows(gap_cells(session=session, query=query, priorities=priorities, cache=cache))
        ),
        media_type=media_type("csv"),
        headers={"Content-Disposition": 'attachment; filename="gaps.csv"'},
    )


@router.get(
    "/gaps/report.html",
    summary="The printable gap report",
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {}}, "description": "One self-contained page"}},
)
def gap_report_html(
    session: SessionDep,
    priorities: PrioritiesDep,
    cache: GapCacheDep,
    sector: Values = None,
    grade: Values = None,
    attribute: Values = None,
) -> HTMLResponse:
    """One self-contained HTML page that opens offline and prints on A4: a heatmap (inline
    SVG, with a table of the same numbers) per attribute over sectors x harmonised grades, the
    top 20 gaps by need, organisation coverage, the trend between the latest two snapshots and
    the method. Filters ``sector``, ``grade`` (harmonised levels), ``attribute``."""
    report = gap_report(
        session=session,
        sector=sector,
        grade=grade,
        attribute=attribute,
        priorities=priorities,
        cache=cache,
    )
    return HTMLResponse(render_report_html(report), headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/gaps/cells/{sector}/{grade}/{attribute}", summary="One cell and its evidence")
def gap_cell_evidence(
    sector: str,
    grade: str,
    attribute: str,
    session: SessionDep,
    priorities: PrioritiesDep,
    cache: GapCacheDep,
) -> dict:
    """The cell's score and every dataset behind it, each factor's contribution and what would
    raise it; for an empty cell, the nearest evidence (same sector at other grades, same grade
    in other sectors). Grades may be harmonised levels or sector grades."""
    return gap_cell(
        session=session,
        sector=sector,
        grade=grade,
        attribute=attribute,
        priorities=priorities,
        cache=cache,
    )


@router.get("/gaps/organisations", summary="Organisations with current leader-level data")
def gap_organisations(
    session: SessionDep,
    organisation_type: Annotated[str | None, Query(max_length=60)] = None,
    sector: Annotated[str | None, Query(max_length=60)] = None,
) -> dict[str, Any]:
    """For each organisation type and sector of the organisations register, the share of live
    organisations that published leader-level data (a dataset at a leadership grade) in the
    last 12 months, and the organisations without, each with the date of its latest
    leader-level data if it has older data."""
    return organisation_coverage(
        session=session, organisation_type=organisation_type, sector=sector
    )


@router.get("/gaps/snapshots", summary="Snapshots of the matrix, newest first")
def gap_snapshots(
    session: SessionDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> dict[str, Any]:
    """The stored snapshots of the matrix (one per harvest run, or taken by hand), without
    their cells: when, which run, the method fingerprint and the active datasets."""
    found = list_snapshots(session=session, limit=limit)
    return {"total": len(found), "snapshots": found}


@router.get("/gaps/compare", summary="How the matrix changed between two snapshots")
def gap_compare(
    session: SessionDep, before: int | None = None, after: int | None = None
) -> dict[str, Any]:
    """Cells that improved and worsened between two snapshots (default: the latest two), band
    changes first, each with its old and new score, band, best dataset and why; counts per
    band before and after; a warning when the two were scored by different methods."""
    return compare_snapshots(session=session, before=before, after=after)
