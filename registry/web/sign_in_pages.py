"""Signing in to the pages with an API token (``/sign-in``) and out (``/sign-out``, a POST with
the CSRF token). How the session is kept: :mod:`registry.web.session`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from registry.api.deps import SessionDep
from registry.auth import resolve_token
from registry.submissions import parse_form, read_body
from registry.web.routing import PageRoute
from registry.web.session import (
    FORM_MAX_BYTES,
    editor_form,
    end_session,
    local_path,
    one,
    signed_in,
    start_session,
)
from registry.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str = "/") -> HTMLResponse:
    response = render(
        request, "sign_in.html.j2", errors={}, next=local_path(next), who=signed_in(request)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request, session: SessionDep) -> Response:
    form = parse_form(await read_body(request, limit=FORM_MAX_BYTES))
    secret, goal = one(form, "token"), local_path(one(form, "next"))
    user = None
    if secret:
        user = await run_in_threadpool(lambda: resolve_token(session=session, secret=secret))
    if user is None:
        message = (
            "Enter your API token"
            if not secret
            else "That token is not valid: it may be mistyped, expired or revoked. "
            "Ask an admin for a new one (registry tokens create)"
        )
        # The token typed is never sent back into the page.
        return render(
            request,
            "sign_in.html.j2",
            status_code=422 if not secret else 401,
            errors={"token": message},
            next=goal,
            who=None,
        )
    response = RedirectResponse(goal, status_code=303)
    await run_in_threadpool(
        lambda: start_session(request, response, session=session, secret=secret)
    )
    return response


@router.post("/sign-out")
async def sign_out(request: Request, session: SessionDep) -> Response:
    await editor_form(request)
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
    await run_in_threadpool(lambda: end_session(request, response, session=session))
    return response
