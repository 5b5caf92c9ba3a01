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
point ...) is the payload, as N-Triples text. Parsing is safe by construction: see
:mod:`harvesters.rdf_util`.

``transform`` parses that text again and maps DCAT-AP to :class:`DatasetCreate`; URIs of the EU
authority tables (data themes, frequencies, file types) and licence URIs map back to the
registry's notations through the vocabularies' ``exact_match``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

import vocab
from harvesters import rdf_util as ru
from harvesters.base import Harvester, Records, RemoteItem, TransformError
from harvesters.errors import BadPayload, FetchError
from harvesters.http import Fetched
from harvesters.rdf_util import DCAT, DCT, FOAF, LOCN, RDFS, SCHEMA, SCHEMA_HTTPS, SKOS, VCARD
from harvesters.snapshots import normalise_url
from schemas import (
    ContactPointCreate,
    DatasetCreate,
    DistributionCreate,
    OrganisationCreate,
    describe_errors,
)

ACCEPT = (
    "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, application/n-triples;q=0.7"
)
ACCESS_RIGHTS = {"PUBLIC": "public", "RESTRICTED": "restricted", "NON_PUBLIC": "non-public"}


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
            if value is not None and value not in ru.SYNTAX_BY_TYPE and value not in ru.SYNTAXES:
                known = ", ".join(sorted({*ru.SYNTAX_BY_TYPE, *ru.SYNTAXES}))
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
            graph = self._parse(fetched, url)
            for node in ru.dataset_nodes(graph):
                item = self._item(graph, node)
                if item is None or item.guid in guids:
                    continue
                guids.add(item.guid)
                yield item
                if self.options.max_items and len(guids) >= self.options.max_items:
                    return
            url = self._next(graph, fetched.url or url)

    def _parse(self, fetched: Fetched, url: str) -> Graph:
        head = fetched.content[:300].lstrip().lower()
        if fetched.content_type == "text/html" or head.startswith((b"<!doctype html", b"<html")):
            raise BadPayload(url, f"expected RDF, got an HTML page ({fetched.content_type})")
        syntax = ru.syntax_for(fetched.content_type, fetched.url or url, self.options.format)
        if syntax is None:
            raise BadPayload(
                url,
                f"cannot tell the RDF syntax of {fetched.content_type or 'an untyped answer'}; "
                "set the source option `format`",
            )
        return ru.parse_graph(fetched.content, syntax, base=fetched.url or url)

    def _next(self, graph: Graph, page_url: str) -> str | None:
        target = ru.next_page(graph, page_url)
        if target is None:
            return None
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            raise FetchError(target, "next page is not an http(s) URL")
        home = urlsplit(self.source.url).netloc.lower()
        if self.options.same_host and parts.netloc.lower() != home:
            raise FetchError(target, f"next page leaves {home}; refused (option same_host)")
        return target

    def _item(self, graph: Graph, node: Node) -> RemoteItem | None:
        guid = dataset_guid(graph, node, self.source.url)
        if guid is None:
            return None
        return RemoteItem(
            guid=guid,
            payload=ru.subgraph_ntriples(graph, node),
            url=str(node) if isinstance(node, URIRef) else None,
            modified=ru.parse_datetime(ru.first_text(graph, node, DCT.modified)),
        )

    # -- transform --------------------------------------------------------------------------

    def transform(self, item: RemoteItem) -> Records:
        if not isinstance(item.payload, str) or not item.payload.strip():
            raise TransformError(f"{item.guid}: the payload is not N-Triples text")
        graph = ru.parse_graph(item.payload.encode(), "nt", base=item.url or "urn:x-dcat:item")
        node = _root(graph, item.guid)
        if node is None:
            raise TransformError(f"{item.guid}: no dcat:Dataset in the payload")
        try:
            return Records(datasets=[to_dataset(graph, node, item)])
        except ValidationError as exc:
            raise TransformError(f"{item.guid}: " + "; ".join(describe_errors(exc))) from None


def dataset_guid(graph: Graph, node: Node, feed_url: str) -> str | None:
    """The dataset's URI, else its ``dct:identifier``, else the feed URL + a slug of its title."""
    if isinstance(node, URIRef):
        return str(node)
    identifier = ru.first_text(graph, node, DCT.identifier)
    if identifier:
        return identifier
    title = ru.first_text(graph, node, DCT.title)
    return f"{feed_url}#{ru.slug(title)}" if title else None


def _root(graph: Graph, guid: str) -> Node | None:
    found = ru.dataset_nodes(graph)
    if URIRef(guid) in found:
        return URIRef(guid)
    roots = [n for n in found if not any(True for _ in graph.subjects(None, n))]
    return (roots or found or [None])[0]


def to_dataset(graph: Graph, node: Node, item: RemoteItem) -> DatasetCreate:
    title = ru.first_text(graph, node, DCT.title)
    if not title:
        raise TransformError(f"{item.guid}: the dataset has no dct:title")
    identifier = ru.first_text(graph, node, DCT.identifier)
    distributions = _distributions(graph, node)
    licence = _licence(graph, ru.objects(graph, node, DCT.license)) or next(
        (d.licence for d in distributions if d.licence), None
    )
    start, end = _temporal(graph, node)

    def theme(value: Node) -> str | None:
        return _concept(graph, "theme", [value])

    return DatasetCreate(
        id=dataset_id(identifier or ru.key_of(item.guid), item.guid),
        title=title[:500],
        description=ru.plain_text(ru.first_text(graph, node, DCT.description))[:20_000],
        publisher=_publisher(graph, node),
        contact_point=_contact(graph, node),
        landing_page=ru.first_url(ru.objects(graph, node, DCAT.landingPage)),
        licence=licence,
        access_rights=_access_rights(ru.objects(graph, node, DCT.accessRights)),
        accrual_periodicity=_concept(
            graph, "frequency", ru.objects(graph, node, DCT.accrualPeriodicity)
        ),
        issued=ru.parse_date(ru.first_text(graph, node, DCT.issued)),
        modified=ru.parse_datetime(ru.first_text(graph, node, DCT.modified)),
        temporal_start=start,
        temporal_end=end,
        spatial=sorted(ru.iter_unique(_spatial(graph, node)), key=str.casefold),
        keywords=sorted(ru.iter_unique(ru.literals(graph, node, DCAT.keyword)), key=str.casefold),
        themes=sorted({t for t in map(theme, ru.objects(graph, node, DCAT.theme)) if t}),
        conforms_to=ru.urls(ru.objects(graph, node, DCT.conformsTo)),
        other_identifiers=[identifier] if identifier else [],
        source_record=(item.url or item.guid)[:2000],
        distributions=distributions,
    )


# -- the parts of a dataset ---------------------------------------------------------------------


def _publisher(graph: Graph, node: Node) -> OrganisationCreate | None:
    for org in ru.objects(graph, node, DCT.publisher):
        name = ru.first_text(
            graph, org, FOAF.name, SKOS.prefLabel, VCARD.fn, VCARD["organization-name"], RDFS.label
        )
        if not name:
            continue
        key = ru.first_text(graph, org, DCT.identifier) or (
            ru.key_of(str(org)) if isinstance(org, URIRef) else name
        )
        return OrganisationCreate(
            id=ru.bounded_id(ru.slug(key) or ru.slug(name), str(org)),
            name=name[:500],
            homepage=ru.first_url(ru.objects(graph, org, FOAF.homepage)),
            identifiers={"uri": str(org)} if isinstance(org, URIRef) else {},
        )
    return None


def _contact(graph: Graph, node: Node) -> ContactPointCreate | None:
    for point in ru.objects(graph, node, DCAT.contactPoint):
        found = {
            "name": ru.first_text(graph, point, VCARD.fn, VCARD["organization-name"], FOAF.name),
            "email": _vcard_value(graph, point, VCARD.hasEmail, "mailto:"),
            "url": ru.first_url(ru.objects(graph, point, VCARD.hasURL)),
            "telephone": _vcard_value(graph, point, VCARD.hasTelephone, "tel:"),
        }
        valid = {k: v for k, v in found.items() if v and _valid_contact_field(k, v)}
        if any(k in valid for k in ("email", "url", "telephone")):
            return ContactPointCreate(**valid)
    return None


def _vcard_value(graph: Graph, point: Node, predicate: URIRef, scheme: str) -> str | None:
    for value in ru.objects(graph, point, predicate):
        text = ru.iri_or_text(value) if not isinstance(value, BNode) else None
        text = text or ru.first_text(graph, value, VCARD.hasValue)
        if not text:
            inner = ru.objects(graph, value, VCARD.hasValue)
            text = ru.iri_or_text(inner[0]) if inner else None
        if text:
            return text[len(scheme) :] if text.lower().startswith(scheme) else text
    return None


def _valid_contact_field(field: str, value: str) -> bool:
    try:
        ContactPointCreate.model_validate({field: value, "telephone": "0"})
    except ValidationError:
        return False
    return True


def _distributions(graph: Graph, node: Node) -> list[DistributionCreate]:
    found: dict[str, DistributionCreate] = {}
    for dist in ru.objects(graph, node, DCAT.distribution):
        download = ru.first_url(ru.objects(graph, dist, DCAT.downloadURL))
        access = ru.first_url(ru.objects(graph, dist, DCAT.accessURL)) or download
        if access is None or access in found:
            continue
        media = ru.media_type(ru.objects(graph, dist, DCAT.mediaType))
        fmt = (
            _concept(graph, "format", ru.objects(graph, dist, DCT.format))
            or (_match("format", media) if media else None)
            or _match("format", PurePosixPath(urlsplit(download or access).path).suffix)
        )
        found[access] = DistributionCreate(
            title=(ru.first_text(graph, dist, DCT.title) or "")[:500] or None,
            description=ru.plain_text(ru.first_text(graph, dist, DCT.description))[:5000] or None,
            access_url=access,
            download_url=download,
            media_type=media,
            format=fmt,
            byte_size=ru.byte_size(ru.first_text(graph, dist, DCAT.byteSize)),
            issued=ru.parse_date(ru.first_text(graph, dist, DCT.issued)),
            modified=ru.parse_datetime(ru.first_text(graph, dist, DCT.modified)),
            licence=_licence(graph, ru.objects(graph, dist, DCT.license)),
        )
    return [found[k] for k in sorted(found)]


def _licence(graph: Graph, values: list[Node]) -> str | None:
    return _concept(graph, "licence", values, extra=(DCT.identifier,))


def _concept(
    graph: Graph, scheme: str, values: list[Node], extra: tuple[URIRef, ...] = ()
) -> str | None:
    """A notation for the first value: by ``exact_match`` URI, then by label (a literal, the
    URI's last segment, or the node's own labels)."""
    for value in values:
        if isinstance(value, URIRef):
            notation = ru.concept_for_uri(scheme, str(value)) or _match(
                scheme, ru.last_segment(str(value))
            )
        elif isinstance(value, Literal):
            notation = ru.concept_for_uri(scheme, str(value)) or _match(scheme, str(value))
        else:
            notation = None
        labels = ru.literals(graph, value, SKOS.prefLabel, RDFS.label, DCT.title, *extra)
        notation = notation or next(
            (n for n in map(lambda t: _match(scheme, t), labels) if n), None
        )
        if notation:
            return notation
    return None


def _match(scheme: str, text: str) -> str | None:
    concept = vocab.match(scheme, text) if text and text.strip() else None
    return concept.notation if concept else None


def _access_rights(values: list[Node]) -> str | None:
    for value in values:
        text = ru.iri_or_text(value)
        if text and ru.last_segment(text).upper() in ACCESS_RIGHTS:
            return ACCESS_RIGHTS[ru.last_segment(text).upper()]
    return None


def _temporal(graph: Graph, node: Node) -> tuple[date | None, date | None]:
    starts: list[date] = []
    ends: list[date] = []
    for period in ru.objects(graph, node, DCT.temporal):
        starts += ru.parse_dates(
            ru.literals(graph, period, DCAT.startDate, SCHEMA.startDate, SCHEMA_HTTPS.startDate)
        )
        ends += ru.parse_dates(
            ru.literals(graph, period, DCAT.endDate, SCHEMA.endDate, SCHEMA_HTTPS.endDate)
        )
    start, end = (min(starts) if starts else None), (max(ends) if ends else None)
    if start and end and end < start:
        return None, None
    return start, end


def _spatial(graph: Graph, node: Node) -> list[str]:
    names: list[str] = []
    for place in ru.objects(graph, node, DCT.spatial):
        if isinstance(place, Literal):
            names.append(str(place).strip())
        else:
            label = ru.first_text(
                graph, place, SKOS.prefLabel, RDFS.label, LOCN.geographicName, DCT.title
            )
            names += [label] if label else []
    return [n for n in names if n]


def dataset_id(key: str, guid: str) -> str:
    """``dcat-<slug>``: stable for the same key, at most 200 characters."""
    return ru.bounded_id(
        "dcat-" + (ru.slug(key) or hashlib.sha1(guid.encode()).hexdigest()[:12]), guid
    )
