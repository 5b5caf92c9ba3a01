"""``/api/datasets``: search with facets and toggle URLs, its CSV twin, and one dataset."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from fastapi import APIRouter, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from registry import queries
from registry.api.deps import SearchDep, SessionDep, SettingsDep, etag
from registry.api.search_params import SearchQueryDep, query_params, toggled, url
from registry.config import Settings
from registry.csv_safe import safe_cell
from registry.formats import media_type
from registry.history import current_version
from registry.search import FACETS, SearchQuery
from schemas import DatasetPublic, DatasetSummary

router = APIRouter(prefix="/api", tags=["datasets"])
PATH = "/api/datasets"


class FacetValueOut(BaseModel):
    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str


class FacetOut(BaseModel):
    name: str
    label: str
    values: list[FacetValueOut]


class Links(BaseModel):
    self: str
    first: str
    last: str
    prev: str | None = None
    next: str | None = None
    csv: str


class SearchOut(BaseModel):
    q: str
    filters: dict[str, list[str]]
    sort: str
    page: int
    size: int
    pages: int
    total: int
    results: list[DatasetSummary]
    facets: list[FacetOut]
    links: Links


@router.get("/datasets", response_model=SearchOut, summary="Search datasets")
def search_datasets(
    query: SearchQueryDep, session: SessionDep, search: SearchDep, settings: SettingsDep
) -> SearchOut:
    """Ranked full-text search with filters; facet counts with toggle URLs for every filter."""
    page = queries.search_datasets(session=session, search=search, query=query)
    base, size = settings.base_uri, settings.page_size

    def link(path: str = PATH, **changes: object) -> str:
        return url(base, path, query_params(query, default_size=size, **changes))

    for hit in page.results:
        hit.url = f"{base}{PATH}/{hit.id}"
    facets = [
        FacetOut(
            name=facet,
            label=facet.capitalize(),
            values=[
                FacetValueOut(
                    **value.__dict__,
                    toggle_url=link(filters=toggled(query, facet, value.value), page=1),
                )
                for value in page.facets[facet]
            ],
        )
        for facet in FACETS
    ]
    return SearchOut(
        q=query.q,
        filters={k: list(v) for k, v in query.filters.items()},
        sort=page.sort,
        page=query.page,
        size=query.size,
        pages=page.pages,
        total=page.total,
        results=page.results,
        facets=facets,
        links=Links(
            self=link(),
            first=link(page=1),
            last=link(page=page.pages),
            prev=link(page=query.page - 1) if query.page > 1 else None,
            next=link(page=query.page + 1) if query.page < page.pages else None,
            csv=link(path=PATH + ".csv", page=1),
        ),
    )


CSV_COLUMNS = (
    "id",
    "title",
    "publisher",
    "publisher_name",
    "licence",
    "modified",
    "status",
    "sectors",
    "grades",
    "attributes",
    "formats",
    "url",
    "description",
)


@router.get(
    "/datasets.csv",
    summary="Search datasets, as CSV",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "Every hit, one per row"}},
)
def search_datasets_csv(
    query: SearchQueryDep, session: SessionDep, search: SearchDep, settings: SettingsDep
) -> StreamingResponse:
    """Every result of the search (not only one page), one row each; lists are ``;``-joined."""
    queries.check_filters(query.filters)
    rows = _csv_rows(session=session, search=search, query=query, settings=settings)
    return StreamingResponse(
        rows,
        media_type=media_type("csv"),
        headers={"Content-Disposition": 'attachment; filename="datasets.csv"'},
    )


def _csv_rows(
    *, session: SessionDep, search: SearchDep, query: SearchQuery, settings: Settings
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for hit in queries.iter_search(session=session, search=search, query=query):
        writer.writerow(
            safe_cell(value)
            for value in (
                hit.id,
                hit.title,
                hit.publisher.id if hit.publisher else "",
                hit.publisher.name if hit.publisher else "",
                hit.licence or "",
                hit.modified.isoformat() if hit.modified else "",
                hit.status.value,
                ";".join(hit.sectors),
                ";".join(hit.grades),
                ";".join(hit.attributes),
                ";".join(hit.formats),
                f"{settings.base_uri}{PATH}/{hit.id}",
                hit.description,
            )
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


@router.get("/datasets/{dataset_id}", response_model=DatasetPublic, summary="One dataset")
def get_dataset(
    dataset_id: str, session: SessionDep, settings: SettingsDep, response: Response
) -> DatasetPublic:
    """The whole record: publisher, contact point, distributions and coverage with provenance;
    the fields people set with the source's values beside them. The ETag names the record's
    version: send it as If-Match with an edit."""
    found = queries.get_dataset(session=session, dataset_id=dataset_id, base_uri=settings.base_uri)
    response.headers["ETag"] = etag(current_version(session=session, dataset_id=dataset_id))
    return found
