"""Safe RDF parsing and small graph helpers for the DCAT harvester.

Everything is parsed from bytes already fetched through the harvest client: rdflib is never
given a URL, so it never reaches the network itself. Two syntaxes could still make a parser
fetch or expand things, and both are closed here:

* RDF/XML: the document is first scanned with a bare expat parser that refuses any entity
  declaration (internal or external) and never reads external DTD subsets, so billion-laughs
  payloads and external entities (XXE) fail fast with :class:`BadPayload` before rdflib sees
  the bytes. A DOCTYPE without entity declarations is accepted.
* JSON-LD: every ``@context`` (at any depth) that names a document, absolute or relative, is
  replaced by :data:`BUNDLED_CONTEXT`, a small prefix map of the DCAT-AP vocabularies;
  ``@import`` entries are dropped. Terms that only a remote context would have defined are
  therefore dropped too (JSON-LD ignores undefined terms); full IRIs and the bundled prefixes
  (``dct:title``, ``dcat:Dataset`` ...) keep working.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from functools import cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.parsers import expat

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.serializers.nt import _nt_row
from rdflib.term import Node

import vocab
from harvesters.errors import BadPayload

# -- the vocabularies the DCAT mapping reads (one place) --------------------------------------
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SCHEMA = Namespace("http://schema.org/")
SCHEMA_HTTPS = Namespace("https://schema.org/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")

BUNDLED_CONTEXT: dict[str, str] = {
    "adms": str(ADMS),
    "dcat": str(DCAT),
    "dct": str(DCT),
    "dcterms": str(DCT),
    "foaf": str(FOAF),
    "hydra": str(HYDRA),
    "locn": str(LOCN),
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "vcard": str(VCARD),
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# rdflib format names, by media type and by file extension.
SYNTAX_BY_TYPE = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
    "text/n3": "n3",
}
SYNTAX_BY_EXTENSION = {
    ".ttl": "turtle",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
    ".n3": "n3",
}
SYNTAXES = frozenset(SYNTAX_BY_TYPE.values())
MAX_DEPTH = 4
MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")
WEAK_SEGMENT = re.compile(r"^(\d+|index(\.\w+)?|default(\.\w+)?|dataset|datasets|data)$", re.I)
RECORD_TYPES, RDF_TYPE = frozenset((DCAT.Dataset, DCAT.Catalog, DCAT.DataService)), RDF.type


def syntax_for(content_type: str, url: str, override: str | None = None) -> str | None:
    """The rdflib format of a response: the override, the media type, else the URL's suffix."""
    if override:
        return SYNTAX_BY_TYPE.get(override, override if override in SYNTAXES else None)
    if content_type in SYNTAX_BY_TYPE:
        return SYNTAX_BY_TYPE[content_type]
    return SYNTAX_BY_EXTENSION.get(PurePosixPath(urlsplit(url).path).suffix.lower())


def parse_graph(content: bytes, syntax: str, *, base: str) -> Graph:
    """Parse fetched bytes into a graph; anything unreadable or unsafe is :class:`BadPayload`."""
    if syntax == "xml":
        _refuse_xml_entities(content, base)
    elif syntax == "json-ld":
        content = _without_remote_contexts(content, base)
    graph = Graph()
    try:
        with warnings.catch_warnings():
            # Ill-typed literals ("2020-07-02T08: 50") warn; their text is read as it is.
            warnings.simplefilter("ignore")
            graph.parse(data=content, format=syntax, publicID=base)
    except Exception as exc:  # rdflib raises many types (BadSyntax, SAXParseException ...)
        message = " ".join(str(exc).split())[:300] or exc.__class__.__name__
        raise BadPayload(base, f"unreadable {syntax} RDF: {message}") from None
    return graph


def _refuse_xml_entities(content: bytes, url: str) -> None:
    def refuse(*_: Any) -> None:
        raise _EntityDeclared

    scanner = expat.ParserCreate()
    scanner.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    scanner.EntityDeclHandler = refuse
    scanner.UnparsedEntityDeclHandler = refuse
    scanner.ExternalEntityRefHandler = refuse
    try:
        scanner.Parse(content, True)
    except _EntityDeclared:
        raise BadPayload(
            url, "RDF/XML declaring XML entities is refused (entity expansion, external entities)"
        ) from None
    except expat.ExpatError as exc:
        raise BadPayload(url, f"unreadable xml RDF: {exc}") from None


class _EntityDeclared(Exception):
    pass


def _without_remote_contexts(content: bytes, url: str) -> bytes:
    try:
        document = json.loads(content)
    except (ValueError, RecursionError) as exc:
        raise BadPayload(url, f"unreadable json-ld RDF: {str(exc)[:200]}") from None
    try:
        return json.dumps(_local_contexts(document)).encode()
    except RecursionError:
        raise BadPayload(url, "unreadable json-ld RDF: nested too deeply") from None


def _local_contexts(value: Any) -> Any:
    if isinstance(value, list):
        return [_local_contexts(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {
        key: _local_context(inner) if key == "@context" else _local_contexts(inner)
        for key, inner in value.items()
        if key != "@import"
    }


def _local_context(context: Any) -> Any:
    """A context with each reference to another document replaced by the bundled prefixes."""
    if isinstance(context, str):
        return dict(BUNDLED_CONTEXT)
    if isinstance(context, list):
        return [_local_context(c) for c in context]
    return _local_contexts(context)


# -- paging -------------------------------------------------------------------------------------


def next_page(graph: Graph, page_url: str) -> str | None:
    """The next page named by Hydra paging: ``hydra:next`` (on a PartialCollectionView or a
    PagedCollection), else the legacy ``hydra:nextPage``; URIs or literals, made absolute."""
    pagers = sorted(
        {
            node
            for kind in (HYDRA.PartialCollectionView, HYDRA.PagedCollection)
            for node in graph.subjects(RDF.type, kind)
        },
        key=str,
    )
    for predicate in (HYDRA.next, HYDRA.nextPage):
        for node in pagers:
            for target in sorted(graph.objects(node, predicate), key=str):
                if isinstance(target, URIRef | Literal) and str(target).strip():
                    return urljoin(page_url, str(target).strip())
    return None


# -- datasets and their subgraphs ----------------------------------------------------------------


def dataset_nodes(graph: Graph) -> list[Node]:
    return sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=_order)


def subgraph_ntriples(graph: Graph, root: Node) -> str:
    """The dataset's own triples and those of the nodes describing it, as sorted N-Triples with
    blank nodes labelled in visiting order (so the same description gives the same text). The
    rows are what ``Graph.serialize(format="nt")`` writes, without building that graph."""
    labels: dict[BNode, BNode] = {}
    rows: list[str] = []
    todo: deque[tuple[Node, int]] = deque([(root, 0)])
    done: set[Node] = set()
    while todo:
        node, depth = todo.popleft()
        if node in done:
            continue
        done.add(node)
        for predicate, obj in sorted(graph.predicate_objects(node), key=_order_pair):
            rows.append(_nt_row((_relabel(node, labels), predicate, _relabel(obj, labels))))
            if depth >= MAX_DEPTH or obj in done:
                continue
            if isinstance(obj, BNode) or (isinstance(obj, URIRef) and not _is_record(graph, obj)):
                todo.append((obj, depth + 1))
    (text := "".join(rows)).encode()  # as the serializer: what it cannot encode fails here too
    return "".join(sorted(line for line in text.splitlines(keepends=True) if line.strip()))


def _is_record(graph: Graph, node: Node) -> bool:
    return any(kind in RECORD_TYPES for kind in graph.objects(node, RDF_TYPE))


def _relabel(node: Any, labels: dict[BNode, BNode]) -> Any:
    if isinstance(node, BNode):
        return labels.get(node) or labels.setdefault(node, BNode(f"b{len(labels)}"))
    return node


def _order(node: Node) -> tuple[int, str]:
    return (1 if isinstance(node, BNode) else 0, str(node))


def _order_pair(pair: tuple[Node, Node]) -> tuple[str, tuple[int, str]]:
    return (str(pair[0]), _order(pair[1]))


# -- reading values -----------------------------------------------------------------------------


def literals(graph: Graph, node: Node, *predicates: URIRef) -> list[str]:
    """The text of every literal value, English or untagged first, stripped, without repeats."""
    found = [o for p in predicates for o in graph.objects(node, p) if isinstance(o, Literal)]
    found.sort(key=lambda lit: 0 if (lit.language or "en").lower().startswith("en") else 1)
    return list(dict.fromkeys(s for s in (str(lit).strip() for lit in found) if s))


def first_text(graph: Graph, node: Node, *predicates: URIRef) -> str | None:
    values = literals(graph, node, *predicates)
    return values[0] if values else None


def objects(graph: Graph, node: Node, *predicates: URIRef) -> list[Node]:
    return sorted({o for p in predicates for o in graph.objects(node, p)}, key=_order)


def iri_or_text(value: Node) -> str | None:
    """A URI's text, or a literal's stripped text; ``None`` for a blank node."""
    if isinstance(value, URIRef | Literal):
        return str(value).strip() or None
    return None


def concept_for_uri(scheme: str, uri: str) -> str | None:
    """The notation whose ``exact_match`` is ``uri`` (http/https, trailing slash and case aside)."""
    return _uri_index(scheme).get(_uri_key(uri))


@cache
def _uri_index(scheme: str) -> dict[str, str]:
    return {_uri_key(uri): c.notation for c in vocab.load(scheme) for uri in c.exact_match}


def _uri_key(uri: str) -> str:
    text = uri.strip().lower().rstrip("/")
    return text.split("://", 1)[-1]


def iter_unique(values: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            yield value


# -- plain values -------------------------------------------------------------------------------


def media_type(values: list[Node]) -> str | None:
    for value in values:
        text = (iri_or_text(value) or "").strip()
        if "/media-types/" in text:
            text = text.split("/media-types/", 1)[1]
        if MEDIA_TYPE.match(text):
            return text.lower()
    return None


def byte_size(text: str | None) -> int | None:
    try:
        size = int(float(text)) if text else None
    except (ValueError, OverflowError):
        return None
    return size if size is not None and size >= 0 else None


def urls(values: list[Node]) -> list[str]:
    """The values that are http(s) URLs (URIs or literals), in order."""
    return [u for u in (http_url(iri_or_text(v)) for v in values) if u]


def first_url(values: list[Node]) -> str | None:
    return next(iter(urls(values)), None)


def http_url(text: str | None) -> str | None:
    if not text or " " in text.strip():
        return None
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return text.strip()


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def parse_dates(texts: list[str]) -> list[date]:
    return [d for d in map(parse_date, texts) if d]


def parse_datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def plain_text(text: str | None) -> str:
    """HTML tags removed and entities decoded; blank runs collapsed, paragraphs kept."""
    if not text:
        return ""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text.replace("\r\n", "\n")))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._~]+", "-", text.lower()).strip("-._~")


def last_segment(uri: str) -> str:
    return re.split(r"[/#]", uri.rstrip("/#"))[-1]


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


def bounded_id(ident: str, guid: str) -> str:
    if len(ident) <= 200:
        return ident
    return ident[:191].rstrip("-._~") + "-" + hashlib.sha1(guid.encode()).hexdigest()[:8]
