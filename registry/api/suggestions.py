"""The public's submissions: ``POST /api/suggestions`` (suggest a dataset), ``POST
/api/data-requests`` ("data I need") and ``GET /api/data-requests`` (requests per cell).

Both POSTs are anonymous, rate-limited per client (429 with Retry-After), capped in size (413)
and take JSON only (415); see :mod:`registry.submissions`. The editor's review of suggestions
wraps :mod:`registry.suggestions`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from registry.api.deps import SessionDep, SettingsDep
from registry.data_requests import request_rows
from registry.submissions import (
    client_of,
    data_request_limit,
    guard,
    json_object,
    read_body,
    submit_data_request,
    submit_suggestion,
    suggestion_limit,
    validated,
)
from schemas import DataRequestCreate, DataRequestReceipt, SuggestionCreate, SuggestionReceipt

router = APIRouter(prefix="/api", tags=["suggestions"])

ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"description": "The body is over REGISTRY_SUBMISSION_MAX_BYTES"},
    415: {"description": "The body is not application/json"},
    422: {"description": "A field is missing, too long or not valid; each is named"},
    429: {"description": "Too many from this client this hour; see Retry-After"},
}


def _body_schema(model: type[SuggestionCreate] | type[DataRequestCreate]) -> dict[str, Any]:
    # The body is read by hand (to cap it before it is all held), so its schema is stated here.
    schema = model.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


@router.post(
    "/suggestions",
    status_code=201,
    response_model=SuggestionReceipt,
    summary="Suggest a dataset the registry lacks",
    responses=ERRORS,
    openapi_extra=_body_schema(SuggestionCreate),
)
async def suggest_dataset(
    request: Request, session: SessionDep, settings: SettingsDep
) -> SuggestionReceipt:
    """A dataset the registry should know about: its title, a link (http or https), its
    publisher (a name, or an organisation id), what it covers in words, optionally the
    sectors, grades and attributes it covers (vocabulary notations), and optionally an email
    address for a reply. It is kept *pending* (in no search, feed or gap cell) until an editor
    accepts it as a dataset record or rejects it."""
    limit, client = suggestion_limit(settings), client_of(request, settings)
    # A client over its limit is told so before its body is read or checked.
    await run_in_threadpool(lambda: guard(session=session, limit=limit, client=client))
    body = await read_body(request, limit=settings.submission_max_bytes)
    record = validated(SuggestionCreate, json_object(request, body))
    suggestion = await run_in_threadpool(
        lambda: submit_suggestion(session=session, record=record, limit=limit, client=client)
    )
    return SuggestionReceipt(
        id=suggestion.id or 0,
        status=suggestion.status,  # type: ignore[arg-type]
        message="Thank you: an editor will review the suggestion.",
    )


@router.post(
    "/data-requests",
    status_code=201,
    response_model=DataRequestReceipt,
    summary='Ask for data the registry lacks ("data I need")',
    responses=ERRORS,
    openapi_extra=_body_schema(DataRequestCreate),
)
async def request_data(
    request: Request, session: SessionDep, settings: SettingsDep
) -> DataRequestReceipt:
    """Data someone needs, as a gap-matrix cell (a sector, a grade and an attribute, as
    vocabulary notations; a sector grade counts for its harmonised level) and what it is for.
    Requests are counted per cell, shown in the gap report and, when the team turns the boost
    on, raise the cell's priority (docs/gap-method.md)."""
    limit, client = data_request_limit(settings), client_of(request, settings)
    await run_in_threadpool(lambda: guard(session=session, limit=limit, client=client))
    body = await read_body(request, limit=settings.submission_max_bytes)
    record = validated(DataRequestCreate, json_object(request, body))
    stored, total = await run_in_threadpool(
        lambda: submit_data_request(session=session, record=record, limit=limit, client=client)
    )
    return DataRequestReceipt(
        id=stored.id or 0,
        sector=stored.sector,
        grade=stored.grade,
        attribute=stored.attribute,
        requests=total,
        message="Thank you: the request is counted for its cell.",
    )


@router.get("/data-requests", summary='"Data I need" requests per gap-matrix cell')
def data_requests(
    session: SessionDep,
    grade_level: Annotated[str, Query(pattern="^(harmonised|all)$")] = "harmonised",
) -> dict[str, Any]:
    """Every cell someone has asked for, with the number of requests, most first. At
    ``grade_level=all`` a request for a sector grade also counts for that grade's own cells.
    The requests' words are not published (they are for the team)."""
    rows = request_rows(session=session, grade_level=grade_level)
    return {"total": len(rows), "cells": rows}
