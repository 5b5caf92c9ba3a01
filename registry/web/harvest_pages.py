"""The harvest status pages: every source with its last run, and one run's failed items with
their messages. They read :mod:`registry.harvest.status`, like ``/api/harvest``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from registry.api.deps import SessionDep
from registry.harvest.status import run_detail, source_statuses
from registry.web.routing import PageRoute
from registry.web.templating import render
from schemas import ItemState

router = APIRouter(route_class=PageRoute, include_in_schema=False)
# The order item counts read in; a run stores only the states it saw.
STATES = tuple(state.value for state in ItemState)
# Where an item failed (registry.harvest.process, .bookkeeping), in words: a failure at
# "transform" is the source's record rejected as unreadable or invalid.
STAGES = {
    "transform": "rejected: could not be read as a valid record",
    "profile": "failed while its files were profiled or classified",
    "store": "refused when stored",
}
# A run page lists this many failed items; the JSON it links to can give up to 10,000.
ITEMS_SHOWN = 1000


@router.get("/harvest", response_class=HTMLResponse)
def harvest_page(request: Request, session: SessionDep) -> HTMLResponse:
    return render(
        request, "harvest.html.j2", sources=source_statuses(session=session), states=STATES
    )


@router.get("/harvest/runs/{run_id}", response_class=HTMLResponse)
def run_page(run_id: int, request: Request, session: SessionDep) -> HTMLResponse:
    # An unknown run is NotFound: the page's 404.
    run = run_detail(
        session=session, run_id=run_id, state=ItemState.failed.value, limit=ITEMS_SHOWN
    )
    return render(
        request,
        "harvest_run.html.j2",
        run=run,
        states=STATES,
        stages=STAGES,
        json_href=f"/api/harvest/runs/{run.id}?state={ItemState.failed.value}",
    )
