"""The DCAT-AP catalogue feed and per-dataset RDF, chosen by ``?f=``, extension or ``Accept``.

/catalog  /catalog.ttl|.rdf|.jsonld|.nt      pages of 100, Hydra paging, filters, ETag/304
/datasets/{id}  /datasets/{id}.ttl|...       one record (HTML page for browsers and ?f=html)
/datasets/{id}.schemaorg.jsonld              schema.org Dataset, for pages and search engines
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from registry import feed
from registry.api.deps import FeedOrderDep, SearchDep, SessionDep, SettingsDep
from registry.errors import BadRequest, NotAcceptable, NotFound
from registry.formats import FORMATS, RDF, choose
from registry.records import public_datasets
from registry.search import FACETS
from registry.web.dataset_page import dataset_page
from schemas import schemaorg
from schemas.dcat import PROFILES, write

router = APIRouter(tags=["catalogue"])
FEED_PARAMS = frozenset({"page", "modified_since", "q", "profile", "profiles", "f", *FACETS})
RDF_RESPONSES = {200: {"content": {FORMATS[f].split(";")[0]: {} for f in RDF}}}


def negotiate(request: Request, extension: str | None, offered: tuple[str, ...] = RDF) -> str:
    """The format to answer in (?f=, then extension, then Accept), or 406 naming the offer."""
    fmt = choose(
        f=request.query_params.get("f"),
        extension=extension,
        accept=request.headers.get("accept"),
        offered=offered,
    )
    if fmt is None:
        asked = request.query_params.get("f") or extension or request.headers.get("accept")
        raise NotAcceptable(f"cannot give {asked!r}; formats: {', '.join(offered)}")
    return fmt


def _profile(request: Request) -> str:
    profile = request.query_params.get("profile") or request.query_params.get("profiles")
    profile = (profile or "dcat-ap-3").split(",")[0].strip()
    if profile not in PROFILES:
        raise BadRequest(f"unknown profile {profile!r}; profiles: {', '.join(PROFILES)}")
    return profile


def parse_feed_query(request: Request) -> feed.FeedQuery:
    params = request.query_params
    unknown = sorted(set(params) - FEED_PARAMS)
    if unknown:
        raise BadRequest(
            f"unknown parameter {unknown[0]!r}; parameters: {', '.join(sorted(FEED_PARAMS))}"
        )
    page_text = params.get("page", "1")
    if not page_text.isdigit() or int(page_text) < 1 or int(page_text) > 10**7:
        raise BadRequest(f"page must be a whole number from 1 (got {page_text!r})")
    since = None
    if "modified_since" in params:
        since = parse_timestamp(params["modified_since"])
    filters = {k: tuple(dict.fromkeys(params.getlist(k))) for k in FACETS if k in params}
    return feed.FeedQuery(
        page=int(page_text),
        modified_since=since,
        q=params.get("q", "")[:500],
        filters=filters,
        profile=_profile(request),
    )


def parse_timestamp(value: str) -> datetime:
    """An ISO 8601 date or date-time; a time without a zone is UTC."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise BadRequest(
                f"modified_since must be an ISO 8601 date or date-time, e.g. 2024-03-31 or "
                f"2024-03-31T12:00:00Z (got {value!r})"
            ) from None
        parsed = datetime(day.year, day.month, day.day)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def _not_modified(request: Request, tag: str, last_modified: datetime | None) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        # Weak comparison (RFC 9110 13.1.2): a gzipped answer carries the tag as W/"…".
        given = {_opaque(t) for t in if_none_match.split(",")}
        return _opaque(tag) in given or if_none_match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since and last_modified:
        try:
            return last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _validators(tag: str, last_modified: datetime | None) -> dict[str, str]:
    headers = {"ETag": tag, "Vary": "Accept", "Cache-Control": "public, max-age=60"}
    if last_modified:
        headers["Last-Modified"] = format_datetime(last_modified.astimezone(UTC), usegmt=True)
    return headers


def _catalog(
    request: Request,
    extension: str | None,
    session: SessionDep,
    search: SearchDep,
    order: FeedOrderDep,
    settings: SettingsDep,
) -> Response:
    fmt = negotiate(request, extension)
    query = parse_feed_query(request)
    page = feed.feed_page(session=session, search=search, order=order, query=query)
    if page.page > page.pages:
        raise NotFound(f"page {page.page} is past the last page ({page.pages}) of the catalogue")
    tag = feed.etag(
        page,
        fmt,
        query.profile,
        query.q,
        sorted(query.filters.items()),
        query.modified_since,
        settings.base_uri,
    )
    headers = _validators(tag, page.last_modified)
    if _not_modified(request, tag, page.last_modified):
        return Response(status_code=304, headers=headers)
    path = "/catalog" + (f".{extension}" if extension else "")
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    urls = {
        n: f"{settings.base_uri}{path}?" + urlencode([*kept, ("page", str(n))])
        for n in {1, page.pages, page.page, page.page - 1, page.page + 1}
        if 1 <= n <= page.pages
    }
    # A page is at most 100 records: one body, rather than a threadpool hop per record chunk.
    body = "".join(
        write(
            page.records,
            fmt,
            base_uri=settings.base_uri,
            profile=query.profile,
            catalog=feed.catalog_info(settings, page.last_modified),
            page=feed.page_info(urls, page),
        )
    )
    return Response(body, media_type=FORMATS[fmt], headers=headers)


@router.get("/catalog", summary="The DCAT-AP catalogue", responses=RDF_RESPONSES)
def catalog(
    request: Request,
    session: SessionDep,
    search: SearchDep,
    order: FeedOrderDep,
    settings: SettingsDep,
) -> Response:
    """Pages of 100 records in a stable order, with Hydra paging; ``page``, ``modified_since``,
    ``q`` and the search filters; ``profile=dcat-ap-2`` for older consumers. The format comes
    from ``?f=``, then ``Accept`` (Turtle when there is no preference)."""
    return _catalog(request, None, session, search, order, settings)


@router.get(
    "/catalog.{extension}", summary="The DCAT-AP catalogue in one format", responses=RDF_RESPONSES
)
def catalog_as(
    extension: str,
    request: Request,
    session: SessionDep,
    search: SearchDep,
    order: FeedOrderDep,
    settings: SettingsDep,
) -> Response:
    return _catalog(request, extension, session, search, order, settings)


def _one(dataset_id: str, session: SessionDep, settings: SettingsDep):
    found = public_datasets(session=session, base_uri=settings.base_uri, ids=[dataset_id])
    if not found:
        raise NotFound(f"no dataset with id {dataset_id!r}")
    return found[0]


@router.get("/datasets/{dataset_id}.schemaorg.jsonld", summary="schema.org Dataset JSON-LD")
def dataset_schemaorg(dataset_id: str, session: SessionDep, settings: SettingsDep) -> Response:
    record = _one(dataset_id, session, settings)
    body = json.dumps(schemaorg.dataset(record, base_uri=settings.base_uri), ensure_ascii=False)
    return Response(body, media_type="application/ld+json")


def _dataset(
    request: Request,
    dataset_id: str,
    extension: str | None,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    # A browser (Accept: text/html first) or ?f=html gets the page; RDF stays the default.
    fmt = negotiate(request, extension, RDF if extension else (*RDF, "html"))
    if fmt == "html":
        return dataset_page(request, session=session, settings=settings, dataset_id=dataset_id)
    profile = _profile(request)
    record = _one(dataset_id, session, settings)
    tag = (
        '"' + f"{record.id}-{record.updated_at.timestamp()}-{fmt}-{profile}".replace('"', "") + '"'
    )
    headers = _validators(tag, record.updated_at)
    if _not_modified(request, tag, record.updated_at):
        return Response(status_code=304, headers=headers)
    body = "".join(write([record], fmt, base_uri=settings.base_uri, profile=profile))
    return Response(body, media_type=FORMATS[fmt], headers=headers)


@router.get(
    "/datasets/{dataset_id}.{extension}", summary="One dataset as RDF", responses=RDF_RESPONSES
)
def dataset_as(
    dataset_id: str, extension: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    if extension not in RDF:  # ids may hold dots: "a.b" is the dataset "a.b", not format "b"
        return _dataset(request, f"{dataset_id}.{extension}", None, session, settings)
    return _dataset(request, dataset_id, extension, session, settings)


@router.get("/datasets/{dataset_id}", summary="One dataset (its URI)", responses=RDF_RESPONSES)
def dataset(
    dataset_id: str, request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """The dataset's URI: RDF by ``?f=`` or ``Accept`` (Turtle by default); the dataset's web
    page for ``?f=html`` or an ``Accept`` that prefers ``text/html``."""
    return _dataset(request, dataset_id, None, session, settings)
