"""The DCAT catalogue feed: which records a page holds, in an order that never drifts, and the
validators (ETag, Last-Modified) that let harvesters skip what they already have.

Pages hold 100 records in ascending ``pk`` (insertion) order: an edited record keeps its place
and new ones join the end, so a harvester paging through while records change neither skips nor
repeats any. Withdrawn records stay in the feed, marked withdrawn, so harvesters can delete
their copies.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text
from sqlmodel import Session

import vocab
from registry.config import Settings
from registry.queries import check_filters
from registry.records import public_datasets
from registry.search import Search, SearchQuery
from schemas import Dataset, DatasetPublic
from schemas.common import utc
from schemas.dcat import CatalogInfo, PageInfo

PAGE_SIZE = 100
TAXONOMIES = ("sector", "grade", "attribute")


@dataclass(frozen=True)
class FeedQuery:
    page: int = 1
    modified_since: datetime | None = None
    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    profile: str = "dcat-ap-3"


@dataclass(frozen=True)
class FeedPage:
    records: list[DatasetPublic]
    total: int
    page: int
    last_modified: datetime | None
    generation: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def feed_page(*, session: Session, search: Search, query: FeedQuery, base_uri: str) -> FeedPage:
    """One page of the feed. A page past the last is empty (the caller decides what to say)."""
    generation = int(
        session.execute(text("SELECT value FROM registry_state WHERE name = 'search'")).scalar()
        or 0
    )
    last_modified = utc(session.execute(select(func.max(Dataset.updated_at))).scalar())
    start = (query.page - 1) * PAGE_SIZE
    if query.q or query.filters:
        check_filters(query.filters)
        pks = _searched_pks(session, search, query)
        total, page_pks = len(pks), pks[start : start + PAGE_SIZE]
    else:
        statement = select(Dataset.pk)
        if query.modified_since:
            statement = statement.where(Dataset.updated_at >= query.modified_since)
        total = session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
        page_pks = list(
            session.execute(statement.order_by(Dataset.pk).limit(PAGE_SIZE).offset(start)).scalars()
        )
    records = public_datasets(session=session, base_uri=base_uri, pks=page_pks)
    return FeedPage(records, total, query.page, last_modified, generation)


def _searched_pks(session: Session, search: Search, query: FeedQuery) -> list[int]:
    conn = session.connection()
    everything = len(search.facet_index(conn).orders["modified"]) or 1
    found = search.run(
        conn,
        SearchQuery(q=query.q, filters=query.filters, status="all", sort="title", size=everything),
    ).pks
    pks = sorted(found)
    if query.modified_since:
        recent = set(
            session.execute(
                select(Dataset.pk).where(Dataset.updated_at >= query.modified_since)
            ).scalars()
        )
        pks = [pk for pk in pks if pk in recent]
    return pks


def etag(page: FeedPage, *parts: object) -> str:
    """Changes whenever any record changes (the write counter) or the request differs."""
    seed = "|".join(map(str, (page.generation, page.page, page.total, *parts)))
    return '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'


def catalog_info(settings: Settings, modified: datetime | None) -> CatalogInfo:
    base = settings.base_uri
    return CatalogInfo(
        uri=f"{base}/catalog",
        title=settings.title,
        description=settings.description,
        publisher_name=settings.publisher_name,
        publisher_uri=f"{base}/organisations/registry",
        homepage=f"{base}/",
        licence="ogl-3",
        modified=modified,
        theme_taxonomies=tuple(vocab.load(s).uri(base) for s in TAXONOMIES),
    )


def page_info(url_for_page: dict[int, str], page: FeedPage) -> PageInfo:
    """Hydra links; ``url_for_page`` maps page numbers to absolute URLs."""
    return PageInfo(
        this=url_for_page[page.page],
        first=url_for_page[1],
        last=url_for_page[page.pages],
        previous=url_for_page.get(page.page - 1) if page.page > 1 else None,
        next=url_for_page.get(page.page + 1) if page.page < page.pages else None,
        total=page.total,
        per_page=PAGE_SIZE,
    )
