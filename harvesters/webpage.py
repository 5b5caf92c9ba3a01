"""Web pages without an API: one dataset per publication page (kind ``webpage``).

For sites such as the Institute for Government's Whitehall Monitor or NHS England's NHS
Workforce Statistics, which publish data as files linked from HTML pages.

``gather`` reads the listed ``pages`` (default: the source URL). Without ``follow`` each listed
page is a publication page and becomes one item. With ``follow`` (a regular expression) the
listed pages are index pages: the links on them that match it, on the same host, are the
publication pages (at most ``max_pages``), and only those become items. An item's guid is the
page's ``<link rel="canonical">`` when it names the same host, else the URL read; its payload is
``{"url", "html"}`` (the HTML bounded to 2 MB). A publication page that cannot be read becomes an
item whose payload says why, so ``transform`` fails that item alone; an index page that cannot
be read fails the run.

``transform`` parses the HTML with the standard library (:mod:`harvesters.html_text`). A
schema.org ``Dataset`` in JSON-LD (a list or an ``@graph`` too) is preferred, field by field:
name, description, datePublished/dateModified, license, distribution (contentUrl or url,
encodingFormat), temporalCoverage, keywords and publisher.name. What it lacks comes from the page:
``og:title``/``<h1>``/``<title>``, ``description``/``og:description``,
``article:modified_time``/``<time datetime>``, and the data-download links (hrefs ending .csv
.xlsx .xls .ods .zip .json, or links whose text says "download", or says "data" and names a file
of a known format). All harvested text is reduced to plain text. The publisher comes from the
``publisher`` option (a GOV.UK slug or an organisation table); failing that, a JSON-LD
publisher name becomes an organisation ``web-<name>``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

import vocab
from harvesters.base import (
    BadPayload,
    FetchError,
    Harvester,
    Records,
    RemoteItem,
    TransformError,
)
from harvesters.html_text import (
    Page,
    absolute_url,
    dataset_node,
    first_text,
    jsonld_text,
    parse_date,
    parse_datetime,
    parse_page,
    period,
    plain_text,
)
from schemas import DatasetCreate, DistributionCreate, OrganisationCreate
from schemas.common import Identifier, LicenceRef

DATA_EXTENSIONS = frozenset({"csv", "xlsx", "xls", "ods", "zip", "json"})
HTML_TYPES = frozenset({"", "text/html", "application/xhtml+xml"})
MAX_HTML_CHARS = 2_000_000
MAX_DISTRIBUTIONS = 50
MAX_KEYWORDS = 30
_DOWNLOAD = re.compile(r"\bdownload", re.IGNORECASE)
_DATA = re.compile(r"\bdata\b", re.IGNORECASE)
_SLUG = re.compile(r"[^a-z0-9]+")


class WebPageHarvester(Harvester):
    kind = "webpage"

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")

        pages: list[str] = Field(default_factory=list, max_length=50)
        follow: str | None = Field(default=None, max_length=500)
        max_pages: int = Field(default=20, ge=1, le=200)
        publisher: Identifier | OrganisationCreate | None = None
        licence: LicenceRef | None = None
        keywords: list[str] = Field(default_factory=list, max_length=MAX_KEYWORDS)
        max_bytes: int = Field(default=5_000_000, ge=10_000, le=50_000_000)

        @field_validator("follow")
        @classmethod
        def _compiles(cls, value: str | None) -> str | None:
            if value is not None:
                try:
                    re.compile(value)
                except re.error as exc:
                    raise ValueError(f"follow is not a regular expression: {exc}") from None
            return value

    # -- gather -------------------------------------------------------------------------------

    def gather(self) -> Iterator[RemoteItem]:
        listed = self.options.pages or [self.source.url]
        follow = re.compile(self.options.follow) if self.options.follow else None
        seen: set[str] = set()
        queue: list[str] = []
        for url in listed:
            final_url, html = self._read(url)
            if follow is None:
                item = _item(final_url, html)
                if item.guid not in seen:
                    seen.add(item.guid)
                    yield item
                continue
            host = _host(final_url)
            for link in parse_page(html, final_url).links:
                if _host(link.href) == host and follow.search(link.href) and link.href not in queue:
                    queue.append(link.href)
        for url in queue[: self.options.max_pages]:
            try:
                final_url, html = self._read(url)
            except FetchError as exc:
                if url not in seen:
                    seen.add(url)
                    yield RemoteItem(guid=url, url=url, payload={"url": url, "error": exc.cause})
                continue
            item = _item(final_url, html)
            if item.guid not in seen:
                seen.add(item.guid)
                yield item

    def _read(self, url: str) -> tuple[str, str]:
        fetched = self.http.get(
            url,
            headers={"Accept": "text/html,application/xhtml+xml"},
            max_bytes=self.options.max_bytes,
        )
        if fetched.content_type not in HTML_TYPES:
            raise BadPayload(url, f"expected an HTML page, got {fetched.content_type}")
        return fetched.url, fetched.text()[:MAX_HTML_CHARS]

    # -- transform ----------------------------------------------------------------------------

    def transform(self, item: RemoteItem) -> Records:
        payload = item.payload
        if not isinstance(payload, dict) or not isinstance(payload.get("url"), str):
            raise TransformError("expected a payload {url, html}")
        url = payload["url"]
        if payload.get("error"):
            raise TransformError(f"{url}: could not be read ({payload['error']})")
        html = payload.get("html")
        if not isinstance(html, str) or not html.strip():
            raise TransformError(f"{url}: no HTML in the payload")
        page = parse_page(html[:MAX_HTML_CHARS], url)
        found = dataset_node(page.json_ld)
        meta = page.meta
        title = first_text(300, found.get("name"), meta.get("og:title"), page.h1, page.title)
        if not title:
            raise TransformError(f"{url}: the page has no title")
        landing = absolute_url(url, item.guid) or url
        start, end = period(first_text(100, found.get("temporalCoverage")))
        return Records(
            datasets=[
                DatasetCreate(
                    id=record_id(landing),
                    title=title,
                    description=first_text(
                        5000,
                        found.get("description"),
                        meta.get("description"),
                        meta.get("og:description"),
                    ),
                    landing_page=landing,
                    licence=_licence(found.get("license")) or self.options.licence,
                    issued=parse_date(
                        first_text(
                            64, found.get("datePublished"), meta.get("article:published_time")
                        )
                    ),
                    modified=parse_datetime(
                        first_text(
                            64,
                            found.get("dateModified"),
                            meta.get("article:modified_time"),
                            *page.times[:1],
                        )
                    ),
                    temporal_start=start,
                    temporal_end=end,
                    keywords=self._keywords(found, meta),
                    publisher=self._publisher(found),
                    distributions=_distributions(found, page, url),
                    source_record=url[:2000],
                )
            ]
        )

    def _keywords(self, found: dict[str, Any], meta: dict[str, str]) -> list[str]:
        raw = found.get("keywords") or meta.get("keywords") or []
        values = raw.split(",") if isinstance(raw, str) else raw if isinstance(raw, list) else []
        kept: dict[str, str] = {}
        for value in [*values, *self.options.keywords]:
            text = plain_text(jsonld_text(value), limit=100)
            if text:
                kept.setdefault(text.casefold(), text)
        return list(kept.values())[:MAX_KEYWORDS]

    def _publisher(self, found: dict[str, Any]) -> str | OrganisationCreate | None:
        if self.options.publisher is not None:
            return self.options.publisher
        node = found.get("publisher")
        name = plain_text(
            jsonld_text(node.get("name") if isinstance(node, dict) else node), limit=200
        )
        slug = _slug(name)[:100].strip("-")
        if not slug:
            return None
        return OrganisationCreate(id=f"web-{slug}", name=name, organisation_type="other")


def _item(url: str, html: str) -> RemoteItem:
    page = parse_page(html, url)
    canonical = page.canonical if page.canonical and _host(page.canonical) == _host(url) else None
    guid = canonical or url
    return RemoteItem(
        guid=guid,
        url=url,
        payload={"url": url, "html": html},
        modified=parse_datetime(page.meta.get("article:modified_time", "")),
    )


def record_id(url: str) -> str:
    """``web-<host>-<path>``: stable for a URL, URL-safe and at most 150 characters."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = host.removeprefix("www.")
    path = _slug(f"{parts.path}?{parts.query}" if parts.query else parts.path)
    slug = "-".join(filter(None, ("web", _slug(host), path)))
    if len(slug) > 150:
        digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:10]
        slug = f"{slug[:139].rstrip('-')}-{digest}"
    return slug


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _licence(value: Any) -> str | None:
    text = jsonld_text(value).strip()
    concept = vocab.match("licence", text) if text else None
    return concept.notation if concept else None


# -- distributions -----------------------------------------------------------------------------


def _distributions(found: dict[str, Any], page: Page, base: str) -> list[DistributionCreate]:
    made: dict[str, DistributionCreate] = {}
    nodes = found.get("distribution")
    nodes = nodes if isinstance(nodes, list) else [nodes] if isinstance(nodes, dict) else []
    for node in nodes[:MAX_DISTRIBUTIONS]:
        if isinstance(node, dict):
            url = absolute_url(base, jsonld_text(node.get("contentUrl") or node.get("url")))
            name = first_text(300, node.get("name"), node.get("description"))
            _add(made, url, name, jsonld_text(node.get("encodingFormat")), download=True)
    if not made:
        for link in page.links:
            ext = _extension(link.href)
            is_file = ext not in ("", "htm", "html", "php", "asp", "aspx") and _format(ext)
            named = _DOWNLOAD.search(link.text) or (_DATA.search(link.text) and is_file)
            if ext in DATA_EXTENSIONS or named:
                _add(made, link.href, link.text, "", download=bool(is_file))
            if len(made) >= MAX_DISTRIBUTIONS:
                break
    return list(made.values())


def _add(
    made: dict[str, DistributionCreate], url: str | None, title: str, hint: str, *, download: bool
) -> None:
    if not url or url in made or len(made) >= MAX_DISTRIBUTIONS:
        return
    concept = _format(hint) or _format(_extension(url))
    media_type = concept.properties.get("mediaType") if concept else None
    try:
        made[url] = DistributionCreate(
            title=title or None,
            access_url=url,
            download_url=url if download else None,
            media_type=media_type if isinstance(media_type, str) else None,
            format=concept.notation if concept else None,
        )
    except ValidationError:
        return  # a URL pydantic refuses is left out, not the whole page


def _extension(url: str) -> str:
    name = urlsplit(url).path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _format(hint: str) -> vocab.Concept | None:
    hint = (hint or "").split(";")[0].strip()
    if not hint:
        return None
    return vocab.match("format", hint) or vocab.match("format", f".{hint}")
