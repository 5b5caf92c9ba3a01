"""Page routes answer errors as HTML pages: a person who mistypes a filter or follows a dead
link gets the message in the site's layout, not the API's JSON. Machine formats (``.csv``,
``.json``) keep the API's JSON errors."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from registry.errors import RegistryError
from registry.web.session import SignInRequired
from registry.web.templating import render

TITLES = {
    400: "Cannot search like that",
    403: "You cannot do that",
    404: "Page not found",
    413: "That is too much to send",
    422: "Cannot read that address",
    429: "Too many in a short time",
}


def error_page(request: Request, status: int, message: str) -> Response:
    return render(
        request,
        "error.html.j2",
        status_code=status,
        title=TITLES.get(status, "Something went wrong"),
        message=message,
    )


class PageRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                return RedirectResponse(sign_in_href(request), status_code=303)
            except RegistryError as exc:
                page = error_page(request, exc.status_code, exc.message)
                page.headers.update(exc.headers or {})  # Retry-After on a 429
                return page
            except RequestValidationError as exc:
                problems = [
                    f"{'.'.join(str(p) for p in e['loc'] if p != 'query')}: {e['msg']}"
                    for e in exc.errors()
                ]
                return error_page(request, 422, "; ".join(problems))
            except HTTPException as exc:
                return error_page(request, exc.status_code, str(exc.detail))

        return page_handler


def sign_in_href(request: Request) -> str:
    """The sign-in page, coming back here afterwards (a GET's own address; after a POST, the
    page the form was on is not known, so the path without the action)."""
    back = request.url.path if request.method == "GET" else "/"
    if request.method == "GET" and request.url.query:
        back += "?" + request.url.query
    return "/sign-in?" + urlencode({"next": back})
