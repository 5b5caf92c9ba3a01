"""The page routes: home, search (with its CSV and JSON twins) and organisations. The dataset
page is answered by ``/datasets/{id}`` when HTML is asked for (:mod:`registry.web.dataset_page`).
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse

import vocab
from registry import queries
from registry.api import datasets
from registry.api.deps import GapCacheDep, PrioritiesDep, SearchDep, SessionDep, SettingsDep
from registry.api.search_params import SearchQueryDep, url
from registry.gaps import GapQuery, gap_cells
from registry.gaps.organisations import leader_data, organisation_cells
from registry.search import SearchQuery
from registry.web.gap_view import cell_page
from registry.web.routing import PageRoute
from registry.web.search_view import cell_href, cell_phrase, explain_empty, search_view
from registry.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
# The downloads answer like the API (JSON errors): they are for programs as much as people.
downloads = APIRouter(tags=["datasets"])
HEADLINE_GAPS = 5


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    session: SessionDep,
    search: SearchDep,
    priorities: PrioritiesDep,
    cache: GapCacheDep,
) -> HTMLResponse:
    page = queries.search_datasets(session=session, search=search, query=SearchQuery(size=1))
    top_grades = set(vocab.load("grade").top_concepts)
    cells = gap_cells(
        session=session, query=GapQuery(sort="need"), priorities=priorities, cache=cache
    )
    gaps = [
        {
            "phrase": cell_phrase(c.sector, c.grade, c.attribute),
            "href": cell_href(c.sector, c.grade, c.attribute),
            "evidence": cell_page(c.sector, c.grade, c.attribute),
            "band": c.band,
            "score": c.score,
            "datasets": c.datasets,
        }
        for c in cells[:HEADLINE_GAPS]
    ]
    return render(
        request,
        "home.html.j2",
        total=page.total,
        sectors=page.facets.get("sector", []),
        grades=[g for g in page.facets.get("grade", []) if g.value in top_grades],
        attributes=page.facets.get("attribute", []),
        publishers=len(page.facets.get("publisher", [])),
        gaps=gaps,
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    query: SearchQueryDep,
    session: SessionDep,
    search: SearchDep,
    settings: SettingsDep,
    priorities: PrioritiesDep,
    cache: GapCacheDep,
) -> HTMLResponse:
    page = queries.search_datasets(session=session, search=search, query=query)
    view = search_view(page, default_size=settings.page_size)
    if not page.total:
        explanation = explain_empty(
            session=session, query=query, priorities=priorities, cache=cache
        )
        view = replace(view, explanation=explanation)
    return render(request, "search.html.j2", view=view, query=query)


@downloads.get(
    "/search.csv",
    summary="The search page's results as CSV (same parameters as /api/datasets.csv)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "Every hit, one per row"}},
)
def search_csv(
    query: SearchQueryDep, session: SessionDep, search: SearchDep, settings: SettingsDep
) -> StreamingResponse:
    return datasets.search_datasets_csv(query, session, search, settings)


@downloads.get(
    "/search.json",
    response_model=datasets.SearchOut,
    summary="The search page's results as JSON (same as /api/datasets)",
)
def search_json(
    query: SearchQueryDep, session: SessionDep, search: SearchDep, settings: SettingsDep
) -> datasets.SearchOut:
    return datasets.search_datasets(query, session, search, settings)


@router.get("/organisations/{organisation_id}", response_class=HTMLResponse)
def organisation_page(
    organisation_id: str,
    request: Request,
    session: SessionDep,
    search: SearchDep,
    priorities: PrioritiesDep,
    cache: GapCacheDep,
) -> HTMLResponse:
    organisation = queries.get_organisation(session=session, organisation_id=organisation_id)
    cells = organisation_cells(
        session=session, organisation_id=organisation_id, priorities=priorities, cache=cache
    )
    page = queries.search_datasets(
        session=session,
        search=search,
        query=SearchQuery(filters={"publisher": (organisation_id,)}, sort="title", size=100),
    )
    return render(
        request,
        "organisation.html.j2",
        organisation=organisation,
        page=page,
        leader_data=leader_data(session=session, organisation_id=organisation_id),
        cells=[
            {
                **c,
                "phrase": cell_phrase(c["sector"], c["grade"], c["attribute"]),
                "href": cell_page(c["sector"], c["grade"], c["attribute"]),
            }
            for c in cells
        ],
        search_href=url("", "/search", [("publisher", organisation_id)]),
    )
