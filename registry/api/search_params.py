"""Search parameters shared by ``/api/datasets`` and its CSV twin, and the URLs built on them."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import Depends, Query, Request

from registry.errors import UnknownFilter
from registry.search import FACETS, SearchQuery

Sort = Literal["relevance", "modified", "title"]
Status = Literal["active", "withdrawn", "all"]
CONTROL_PARAMS = ("q", "sort", "page", "size", "status")
ALLOWED = frozenset(CONTROL_PARAMS) | frozenset(FACETS)


def _filter(facet: str) -> object:
    scheme = FACETS[facet]
    where = f" (notations from /api/vocab/{scheme})" if scheme else ""
    return Query(
        description=f"Only datasets with this {facet}{where}; repeat to require several.",
        max_length=200,
    )


async def search_query(
    request: Request,
    q: Annotated[str, Query(max_length=500, description="Words to search for")] = "",
    sort: Annotated[Sort, Query(description="relevance (needs q), modified or title")] = (
        "relevance"
    ),
    page: Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1")] = 1,
    size: Annotated[int | None, Query(ge=1, description="Results per page")] = None,
    status: Annotated[Status, Query(description="active, withdrawn or all")] = "active",
    publisher: Annotated[list[str] | None, _filter("publisher")] = None,
    sector: Annotated[list[str] | None, _filter("sector")] = None,
    grade: Annotated[list[str] | None, _filter("grade")] = None,
    attribute: Annotated[list[str] | None, _filter("attribute")] = None,
    theme: Annotated[list[str] | None, _filter("theme")] = None,
    format: Annotated[list[str] | None, _filter("format")] = None,
    licence: Annotated[list[str] | None, _filter("licence")] = None,
    year: Annotated[list[str] | None, _filter("year")] = None,
) -> SearchQuery:
    unknown = sorted(set(request.query_params) - ALLOWED)
    if unknown:
        raise UnknownFilter(
            f"unknown parameter {unknown[0]!r}; parameters are: {', '.join(sorted(ALLOWED))}",
            detail={"unknown": unknown},
        )
    settings = request.app.state.settings
    if size is not None and size > settings.page_size_max:
        raise UnknownFilter(f"size {size} is larger than the maximum of {settings.page_size_max}")
    given = {
        "publisher": publisher,
        "sector": sector,
        "grade": grade,
        "attribute": attribute,
        "theme": theme,
        "format": format,
        "licence": licence,
        "year": year,
    }
    filters = {facet: tuple(dict.fromkeys(values)) for facet, values in given.items() if values}
    return SearchQuery(
        q=q.strip(),
        filters=filters,
        sort=sort,
        page=page,
        size=size or settings.page_size,
        status=status,
    )


SearchQueryDep = Annotated[SearchQuery, Depends(search_query)]


def query_params(
    query: SearchQuery, *, default_size: int, **changes: object
) -> list[tuple[str, str]]:
    """The query as URL parameters, with ``changes`` applied; defaults are left out."""
    values = {
        "q": query.q,
        "sort": query.sort,
        "page": query.page,
        "size": query.size,
        "status": query.status,
    }
    values.update(changes)  # type: ignore[arg-type]
    filters = changes.get("filters", query.filters)
    params: list[tuple[str, str]] = []
    if values["q"]:
        params.append(("q", str(values["q"])))
    for facet in FACETS:
        params.extend((facet, v) for v in filters.get(facet, ()))  # type: ignore[union-attr]
    defaults = {"sort": "relevance", "page": 1, "status": "active", "size": default_size}
    for key in ("sort", "status", "size", "page"):
        if values[key] == defaults[key]:
            continue
        params.append((key, str(values[key])))
    return params


def url(base: str, path: str, params: list[tuple[str, str]]) -> str:
    return f"{base}{path}" + (f"?{urlencode(params)}" if params else "")


def toggled(query: SearchQuery, facet: str, value: str) -> dict[str, tuple[str, ...]]:
    """The filters with ``facet=value`` switched on or off."""
    filters = dict(query.filters)
    current = filters.get(facet, ())
    if value in current:
        remaining = tuple(v for v in current if v != value)
        if remaining:
            filters[facet] = remaining
        else:
            filters.pop(facet)
    else:
        filters[facet] = (*current, value)
    return filters
