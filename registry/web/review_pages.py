"""The review queue (``/review/suggestions``): the public's pending suggestions, for an editor to
accept (as a dataset record, with an id of their choosing or one made from the title) or reject
with a reason. Both post to :mod:`registry.suggestions` with the signed-in editor's name."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from registry.api.deps import SessionDep
from registry.errors import Conflict, NotFound, Unprocessable
from registry.suggestions import accept_suggestion, list_suggestions, reject_suggestion
from registry.web.routing import PageRoute
from registry.web.session import SignedIn, editor_form, one, require_editor
from registry.web.templating import render
from schemas.common import IDENTIFIER_PATTERN

router = APIRouter(route_class=PageRoute, include_in_schema=False)
QUEUE = "/review/suggestions"
QUEUE_SIZE = 100
REASON_MAX = 1000


def queue_page(
    request: Request,
    *,
    session: Session,
    who: SignedIn,
    errors: dict[str, str] | None = None,
    kept: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    response = render(
        request,
        "review.html.j2",
        status_code=status_code,
        suggestions=list_suggestions(session=session, limit=QUEUE_SIZE),
        who=who,
        errors=errors or {},
        kept=kept or {},
        done=request.query_params.get("done"),
        dataset=request.query_params.get("dataset"),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(QUEUE, response_class=HTMLResponse)
def review_queue(request: Request, session: SessionDep) -> HTMLResponse:
    return queue_page(request, session=session, who=require_editor(request))


@router.post(QUEUE + "/{suggestion_id}/accept", response_class=HTMLResponse)
async def accept(suggestion_id: int, request: Request, session: SessionDep) -> Response:
    who, form = await editor_form(request)
    dataset_id = one(form, "dataset_id") or None
    field = f"dataset-id-{suggestion_id}"
    kept = {field: dataset_id or ""}
    if dataset_id is not None and not re.match(IDENTIFIER_PATTERN, dataset_id):
        errors = {
            field: "Enter an id of letters, digits, '.', '_', '~' or '-', starting with a "
            "letter or digit, or leave it empty"
        }
        return await _again(request, session, who, errors, kept)

    def run() -> Response:
        try:
            done = accept_suggestion(
                session=session, suggestion_id=suggestion_id, by=who.name, dataset_id=dataset_id
            )
            session.commit()
        except (Conflict, Unprocessable) as exc:
            session.rollback()
            return queue_page(
                request,
                session=session,
                who=who,
                errors={field: exc.message},
                kept=kept,
                status_code=exc.status_code,
            )
        return RedirectResponse(
            f"{QUEUE}?done=accepted-{done.id}&dataset={done.dataset_id}", status_code=303
        )

    return await run_in_threadpool(run)


@router.post(QUEUE + "/{suggestion_id}/reject", response_class=HTMLResponse)
async def reject(suggestion_id: int, request: Request, session: SessionDep) -> Response:
    who, form = await editor_form(request)
    reason = one(form, "reason")
    field = f"reject-{suggestion_id}"
    if not reason or len(reason) > REASON_MAX:
        message = (
            "Enter the reason for rejecting it"
            if not reason
            else f"The reason must be {REASON_MAX:,} characters or fewer"
        )
        return await _again(request, session, who, {field: message}, {field: reason})

    def run() -> Response:
        try:
            reject_suggestion(
                session=session, suggestion_id=suggestion_id, by=who.name, reason=reason
            )
            session.commit()
        except (Conflict, NotFound) as exc:
            session.rollback()
            if isinstance(exc, NotFound):
                raise
            return queue_page(
                request, session=session, who=who, errors={field: exc.message}, status_code=409
            )
        return RedirectResponse(f"{QUEUE}?done=rejected-{suggestion_id}", status_code=303)

    return await run_in_threadpool(run)


async def _again(
    request: Request,
    session: Session,
    who: SignedIn,
    errors: dict[str, str],
    kept: dict[str, str],
) -> Response:
    return await run_in_threadpool(
        lambda: queue_page(
            request, session=session, who=who, errors=errors, kept=kept, status_code=422
        )
    )
