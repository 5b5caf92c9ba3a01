"""``/api/harvest``: the sources, their runs, and what became of every item."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from registry.api.deps import SessionDep
from registry.harvest.status import RunDetail, SourceStatus, run_detail, source_statuses
from schemas import ItemState

router = APIRouter(prefix="/api/harvest", tags=["harvest"])


@router.get("/sources", response_model=list[SourceStatus], summary="Harvest sources")
def list_harvest_sources(session: SessionDep) -> list[SourceStatus]:
    """Every source with its last run, its last successful run and its active records."""
    return source_statuses(session=session)


@router.get("/runs/{run_id}", response_model=RunDetail, summary="One harvest run")
def get_harvest_run(
    run_id: int,
    session: SessionDep,
    state: Annotated[ItemState | None, Query(description="Only items in this state")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000, description="At most this many items")] = 1000,
) -> RunDetail:
    """The run's status and counts, and each item's state, stage and error message."""
    return run_detail(
        session=session, run_id=run_id, state=state.value if state else None, limit=limit
    )
