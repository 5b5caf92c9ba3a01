"""GOV.UK publications: discovered through a document collection or the Search API, read one by
one from the Content API, each becoming one dataset.

Options (one of ``collection`` or ``search``)::

    [source.options]
    collection = "/government/collections/civil-service-statistics"
    max_items = 200                       # optional cap

    [source.options.search]               # or: discovery through the Search API
    q = "Civil Service People Survey"
    filter_organisations = ["cabinet-office"]
    filter_content_store_document_type = ["official_statistics", "transparency"]
    count = 100                           # page size
    max_pages = 20                        # loop guard
    incremental = true                    # ask only for what is newer than the last run

``gather``
    * collection: GET ``/api/content<collection>`` and walk its member documents, in the order
      of ``details.collection_groups[].documents`` (content ids) and then any other
      ``links.documents``. A content id in a group with no expanded link cannot be resolved
      without a lookup the Content API does not offer, so it is skipped.
    * search: GET ``/api/search.json`` ordered by ``-public_timestamp``, ``start += count``
      until ``start >= total``. Runs after a successful one add
      ``filter_public_timestamp=from:<date of self.source.since>`` unless ``incremental`` is
      false (the run loop must then keep older, unlisted records alive). If results remain after
      ``max_pages`` pages, gather raises (after yielding what it read), so the run is marked
      failed instead of treating a truncated listing as complete.
    * each base path (duplicates yielded once) is fetched from ``/api/content<base path>``;
      the guid is the item's ``content_id`` (else the base path). When the listing already
      gives the content id (collection links; the search ``content_id`` field) the GET is
      conditional and a 304 yields ``RemoteItem(guid=<that id>, not_modified=True)``.
    * A failure of the listing itself (collection item, a search page) raises from ``gather``.
      A failure to fetch one publication does not stop the others: it yields an item whose
      payload is ``{"_fetch_error": message, "base_path": ...}``; ``transform`` raises
      :class:`TransformError` with that message, so the run loop records that one item as
      failed at the transform stage and carries on.

``transform`` (pure) maps a content item to one dataset (see :mod:`harvesters.govuk_content`):
id ``govuk-<last base path segment>``, publisher = the primary publishing organisation as an
``OrganisationCreate``, licence OGL v3, distributions from ``details.attachments`` (falling
back to the links in the legacy ``details.documents`` HTML). No coverage is declared: the
classifier infers it.

Withdrawn items: a content item with a non-empty ``withdrawn_notice`` transforms to
``Records(datasets=[])``, and :meth:`GovUkHarvester.withdrawn` returns the plain-text
explanation. The run loop calls ``getattr(harvester, "withdrawn", None)(item)`` on every item
before ``transform`` and withdraws the record with that reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harvesters.base import Harvester, Records, RemoteItem
from harvesters.errors import BadPayload, FetchError, HarvestError, TransformError
from harvesters.govuk_content import (
    CONTENT_API,
    WEB,
    parse_time,
    to_dataset,
    web_url,
    withdrawal_reason,
)

SEARCH_API = f"{WEB}/api/search.json"
SEARCH_FIELDS = (
    "link",
    "title",
    "public_timestamp",
    "content_store_document_type",
    "organisations",
    "description",
    "content_id",
)
FETCH_ERROR = "_fetch_error"


def _base_path(value: str) -> str:
    value = value.strip()
    if value.startswith(WEB + "/"):
        value = value[len(WEB) :]
    if not value.startswith("/") or "?" in value or "#" in value:
        raise ValueError("give a GOV.UK base path such as /government/collections/<slug>")
    return value.rstrip("/") or "/"


class SearchOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str | None = None
    filter_organisations: list[str] = Field(default_factory=list)
    filter_content_store_document_type: list[str] = Field(default_factory=list)
    order: str = "-public_timestamp"
    count: int = Field(default=100, ge=1, le=1500, description="results per page")
    max_pages: int = Field(default=50, ge=1, description="loop guard: pages read at most")
    incremental: bool = Field(
        default=True, description="after a successful run, ask only for newer publications"
    )


class GovUkOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    collection: str | None = Field(default=None, description="base path of a collection")
    search: SearchOptions | None = None
    max_items: int | None = Field(default=None, ge=1, description="publications read at most")

    @field_validator("collection")
    @classmethod
    def _collection_path(cls, value: str | None) -> str | None:
        return None if value is None else _base_path(value)

    @model_validator(mode="after")
    def _one_listing(self) -> GovUkOptions:
        if (self.collection is None) == (self.search is None):
            raise ValueError("give exactly one of 'collection' (a base path) or 'search'")
        return self


@dataclass(frozen=True)
class _Entry:
    base_path: str
    content_id: str | None = None


class GovUkHarvester(Harvester):
    kind: ClassVar[str] = "govuk"
    Options: ClassVar[type[BaseModel]] = GovUkOptions

    # -- gather ------------------------------------------------------------------------------

    _incremental = False  # set when the search asked only for what changed since the last run

    def listed_everything(self) -> bool:
        return not self._incremental

    def gather(self) -> Iterator[RemoteItem]:
        options: GovUkOptions = self.options  # type: ignore[assignment]
        listing = self._collection(options.collection) if options.collection else self._search()
        seen: set[str] = set()
        yielded = 0
        for entry in listing:
            keys = {entry.base_path} | ({entry.content_id} if entry.content_id else set())
            if keys & seen:
                continue
            seen |= keys
            yield self._publication(entry)
            yielded += 1
            if options.max_items is not None and yielded >= options.max_items:
                return

    def _collection(self, base_path: str) -> Iterator[_Entry]:
        url = CONTENT_API + quote(base_path)
        data = self.http.json(url)
        if not isinstance(data, dict):
            raise BadPayload(url, "expected a content item (a JSON object)")
        links = data.get("links") if isinstance(data.get("links"), dict) else {}
        members: dict[str, _Entry] = {}
        for doc in links.get("documents") or []:
            if isinstance(doc, dict) and isinstance(doc.get("base_path"), str):
                entry = _Entry(doc["base_path"], doc.get("content_id") or None)
                members[entry.content_id or entry.base_path] = entry
        details = data.get("details") if isinstance(data.get("details"), dict) else {}
        for group in details.get("collection_groups") or []:
            for content_id in (group.get("documents") or []) if isinstance(group, dict) else []:
                if content_id in members:
                    yield members.pop(content_id)
        yield from members.values()

    def _search(self) -> Iterator[_Entry]:
        search: SearchOptions = self.options.search  # type: ignore[attr-defined]
        params: dict[str, Any] = {}
        if search.q:
            params["q"] = search.q
        if search.filter_organisations:
            params["filter_organisations"] = list(search.filter_organisations)
        if search.filter_content_store_document_type:
            params["filter_content_store_document_type"] = list(
                search.filter_content_store_document_type
            )
        if search.incremental and self.source.since is not None:
            params["filter_public_timestamp"] = f"from:{self.source.since.date().isoformat()}"
            self._incremental = True
        params |= {"order": search.order, "fields": ",".join(SEARCH_FIELDS), "count": search.count}
        start, pages, total = 0, 0, 0
        while True:
            if pages >= search.max_pages:
                raise HarvestError(
                    f"the search listing still had results after {pages} pages of "
                    f"{search.count} ({total} in all): raise max_pages or count"
                )
            page = self.http.json(SEARCH_API, params={**params, "start": start})
            pages += 1
            results, total = _search_page(page, SEARCH_API)
            for result in results:
                link = result.get("link") if isinstance(result, dict) else None
                if isinstance(link, str) and link.startswith("/"):
                    yield _Entry(link, result.get("content_id") or None)
            start += search.count
            if start >= total or not results:
                return

    def _publication(self, entry: _Entry) -> RemoteItem:
        url = CONTENT_API + quote(entry.base_path)
        guid = entry.content_id or entry.base_path
        try:
            # Conditional only when the listing gave the content id: a 304 has no body, so its
            # guid must be the one the item was stored under.
            fetched = self.http.get(url, conditional=entry.content_id is not None)
            if fetched.not_modified:
                return RemoteItem(guid=guid, url=web_url(entry.base_path), not_modified=True)
            payload = fetched.json()
        except FetchError as exc:  # this publication only; the listing goes on
            payload = {FETCH_ERROR: str(exc), "base_path": entry.base_path}
            return RemoteItem(guid=guid, payload=payload, url=web_url(entry.base_path))
        content = payload if isinstance(payload, dict) else {}
        base_path = content.get("base_path")
        return RemoteItem(
            guid=str(content.get("content_id") or guid),
            payload=payload,
            url=web_url(base_path if isinstance(base_path, str) else entry.base_path),
            modified=parse_time(content.get("public_updated_at")),
        )

    # -- transform ---------------------------------------------------------------------------

    def withdrawn(self, item: RemoteItem) -> str | None:
        """The source's explanation when the item carries a withdrawn notice, else None."""
        return withdrawal_reason(item.payload)

    def transform(self, item: RemoteItem) -> Records:
        payload = item.payload
        if isinstance(payload, dict) and FETCH_ERROR in payload:
            raise TransformError(f"the content item could not be read: {payload[FETCH_ERROR]}")
        if withdrawal_reason(payload):
            return Records(datasets=[])
        return Records(datasets=[to_dataset(payload)])


def _search_page(page: Any, url: str) -> tuple[list[Any], int]:
    if not isinstance(page, dict):
        raise BadPayload(url, "expected a search response (a JSON object)")
    results, total = page.get("results"), page.get("total")
    if not isinstance(results, list) or not isinstance(total, int) or isinstance(total, bool):
        raise BadPayload(url, "a search response without 'results' and 'total'")
    return results, total
