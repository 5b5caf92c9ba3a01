"""Page routes answer errors as HTML pages: a person who mistypes a filter or follows a dead
link gets the message in the site's layout, not the API's JSON. Machine formats (``.csv``,
``.json``) keep the API's JSON errors."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from registry.errors import RegistryError
from registry.web.templating import render

TITLES = {
    400: "Cannot search like that",
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
