"""DCAT RDF feed harvester (kind ``dcat``): a DCAT catalogue in Turtle, RDF/XML, JSON-LD or
N-Triples, paged with Hydra, read into registry datasets.

``gather`` GETs the feed URL, parses it by the response's Content-Type (else the URL's suffix,
or the source option ``format``) and follows Hydra paging: ``hydra:next`` on a
``hydra:PartialCollectionView`` (current style) or a legacy ``hydra:PagedCollection``, falling
back to the legacy ``hydra:nextPage``; literal or URI values, as ckanext-dcat writes them.
A page URL met twice, more than ``max_pages`` pages, or a next page on another host (unless
``same_host = false``) stops the run with a :class:`FetchError`. Each ``dcat:Dataset`` becomes one
item: its URI (or ``dct:identifier`` for a blank node, else the feed URL + its title) is the
guid and its description (its own triples and those of its distributions, publisher, contact
point ...) is the payload, as N-Triples text. Pages are read by :mod:`harvesters.rdf_pages`
(fast, and safe by construction).

``transform`` maps that text with the registry's one DCAT mapping, :mod:`schemas.dcat` (the
same rows that write our own feed), under this harvester's ids (``dcat-`` + the identifier or
the URI's last segment); descriptions are reduced to plain text, keywords that differ only in
case are kept once, and a distribution with no format takes one from its URL's suffix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

import vocab
from harvesters import rdf_pages
from harvesters.base import Harvester, Records, RemoteItem, TransformError
from harvesters.ckan import plain_text
from harvesters.errors import BadPayload, FetchError
from harvesters.http import Fetched
from harvesters.rdf_pages import Page
from harvesters.snapshots import normalise_url
from schemas import describe_errors
from schemas.dcat import PROFILES, DcatParseError
from schemas.dcat.parse import dataset_data, read_graph, validated
from schemas.dcat.values import bounded_id, parse_datetime, slug

ACCEPT = (
    "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, application/n-triples;q=0.7"
)
DCAT_DATASET = URIRef("http://www.w3.org/ns/dcat#Dataset")
WEAK_SEGMENT = re.compile(r"^(\d+|index(\.\w+)?|default(\.\w+)?|dataset|datasets|data)$", re.I)
PROFILE = PROFILES["dcat-ap-3"]


class DcatRdfHarvester(Harvester):
    kind = "dcat"

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")

        format: str | None = Field(
            default=None, description="force the syntax: a media type or an rdflib format name"
        )
        max_pages: int = Field(default=200, ge=1, le=100_000)
        max_items: int | None = Field(default=None, ge=1)
        same_host: bool = Field(default=True, description="follow next pages on this host only")

        @field_validator("format")
        @classmethod
        def _known_syntax(cls, value: str | None) -> str | None:
            if (
                value is not None
                and value not in rdf_pages.SYNTAX_BY_TYPE
                and value not in rdf_pages.SYNTAXES
            ):
                known = ", ".join(sorted({*rdf_pages.SYNTAX_BY_TYPE, *rdf_pages.SYNTAXES}))
                raise ValueError(f"unknown RDF syntax {value!r} (known: {known})")
            return value

    options: Options

    # -- gather -----------------------------------------------------------------------------

    def gather(self) -> Iterator[RemoteItem]:
        url: str | None = self.source.url
        pages: set[str] = set()
        guids: set[str] = set()
        while url:
            if normalise_url(url) in pages:
                raise FetchError(url, "the feed's paging loops: this page was already read")
            if len(pages) >= self.options.max_pages:
                raise FetchError(
                    url, f"more than max_pages={self.options.max_pages} pages; raise the option"
                )
            pages.add(normalise_url(url))
            fetched = self.http.get(url, headers={"Accept": ACCEPT})
            page = self._parse(fetched, url)
            for node in page.datasets():
                item = self._item(page, node)
                if item is None or item.guid in guids:
                    continue
                guids.add(item.guid)
                yield item
                if self.options.max_items and len(guids) >= self.options.max_items:
                    return
            url = self._next(page, fetched.url or url)

    def _parse(self, fetched: Fetched, url: str) -> Page:
        head = fetched.content[:300].lstrip().lower()
        if fetched.content_type == "text/html" or head.startswith((b"<!doctype html", b"<html")):
            raise BadPayload(url, f"expected RDF, got an HTML page ({fetched.content_type})")
        syntax = rdf_pages.syntax_for(fetched.content_type, fetched.url or url, self.options.format)
        if syntax is None:
            raise BadPayload(
                url,
                f"cannot tell the RDF syntax of {fetched.content_type or 'an untyped answer'}; "
                "set the source option `format`",
            )
        return rdf_pages.read_page(fetched.content, syntax, base=fetched.url or url)

    def _next(self, page: Page, page_url: str) -> str | None:
        target = page.next_page(page_url)
        if target is None:
            return None
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            raise FetchError(target, "next page is not an http(s) URL")
        home = urlsplit(self.source.url).netloc.lower()
        if self.options.same_host and parts.netloc.lower() != home:
            raise FetchError(target, f"next page leaves {home}; refused (option same_host)")
        return target

    def _item(self, page: Page, node: rdf_pages.Term) -> RemoteItem | None:
        if isinstance(node, rdf_pages.ox.NamedNode):
            guid: str | None = node.value
        else:
            title = page.text(node, rdf_pages.DCT + "title")
            guid = page.text(node, rdf_pages.DCT + "identifier") or (
                f"{self.source.url}#{slug(title)}" if title else None
            )
        if guid is None:
            return None
        return RemoteItem(
            guid=guid,
            payload=page.ntriples(node),
            url=node.value if isinstance(node, rdf_pages.ox.NamedNode) else None,
            modified=parse_datetime(page.text(node, rdf_pages.DCT + "modified")),
        )

    # -- transform --------------------------------------------------------------------------

    def transform(self, item: RemoteItem) -> Records:
        if not isinstance(item.payload, str) or not item.payload.strip():
            raise TransformError(f"{item.guid}: the payload is not N-Triples text")
        try:
            graph = read_graph(item.payload, "nt", base_uri=item.url or "urn:x-dcat:item")
        except DcatParseError as exc:
            raise TransformError(f"{item.guid}: {exc}") from None
        node = _root(graph, item.guid)
        if node is None:
            raise TransformError(f"{item.guid}: no dcat:Dataset in the payload")

        def identify(identifier: str | None) -> str:
            return dataset_id(identifier or key_of(item.guid), item.guid)

        data = dataset_data(graph, node, PROFILE, identify=identify)
        if not data.get("title"):
            raise TransformError(f"{item.guid}: the dataset has no dct:title")
        _tidy(data, item)
        try:
            return Records(datasets=[validated(data)])
        except ValidationError as exc:
            raise TransformError(f"{item.guid}: " + "; ".join(describe_errors(exc))) from None


def _root(graph: Graph, guid: str) -> Node | None:
    found = sorted(
        set(graph.subjects(RDF.type, DCAT_DATASET)),
        key=lambda n: (not isinstance(n, URIRef), str(n)),
    )
    if URIRef(guid) in found:
        return URIRef(guid)
    roots = [n for n in found if not any(True for _ in graph.subjects(None, n))]
    return (roots or found or [None])[0]


def _tidy(data: dict[str, Any], item: RemoteItem) -> None:
    """What other catalogues' feeds need beyond the shared mapping: HTML or Markdown in
    descriptions, keywords repeated in another case, formats known only by a file suffix."""
    data["description"] = plain_text(data.get("description"))[:20_000]
    keywords: dict[str, str] = {}
    for keyword in data.get("keywords") or ():
        keywords.setdefault(keyword.casefold(), keyword)
    data["keywords"] = sorted(keywords.values(), key=str.casefold)
    data["source_record"] = (item.url or item.guid)[:2000]
    for dist in data.get("distributions") or ():
        if dist.get("description"):
            dist["description"] = plain_text(dist["description"])[:5000] or None
        if not dist.get("format"):
            url = dist.get("download_url") or dist.get("access_url") or ""
            concept = vocab.match("format", PurePosixPath(urlsplit(url).path).suffix or "")
            if concept is not None:
                dist["format"] = concept.notation


def key_of(guid: str) -> str:
    """What a URI guid is called: its fragment, else its last path segment (with the one before
    when the last is generic, e.g. ``node/3584`` or ``.../index.html``), else its host."""
    parts = urlsplit(guid)
    if not (parts.scheme and parts.netloc):
        return guid
    if parts.fragment:
        return parts.fragment
    segments = [s for s in parts.path.split("/") if s]
    tail = segments[-2:] if segments and WEAK_SEGMENT.match(segments[-1]) else segments[-1:]
    return "-".join(tail) or parts.netloc


def dataset_id(key: str, guid: str) -> str:
    """``dcat-<slug>``: stable for the same key, at most 200 characters."""
    return bounded_id("dcat-" + (slug(key) or hashlib.sha1(guid.encode()).hexdigest()[:12]), guid)
