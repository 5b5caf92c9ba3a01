"""The one place that maps registry records to and from DCAT RDF.

    to_graph(records, base_uri=…, profile="dcat-ap-3", catalog=…, page=…)  -> rdflib.Graph
    write(records, "ttl", base_uri=…, catalog=…, page=…)   -> text chunks, record by record
    parse(data, "ttl", base_uri=…)                           -> [DatasetCreate, …]
    concept_scheme_graph("grade", base_uri=…)                -> the scheme as SKOS

The mapping is data (:mod:`schemas.dcat.fields`); a profile is those rows plus a small delta
(:mod:`~schemas.dcat.dcat3`, :mod:`~schemas.dcat.dcat_ap_3`, :mod:`~schemas.dcat.dcat_ap_2`).
``to_graph`` and ``write`` share one producer of nodes, so they cannot disagree; ``write`` never
builds a graph (7-40 times faster than ``to_graph`` + ``serialize``, by format) and its output
parses to a graph isomorphic to ``to_graph``'s in every format. Validation with the DCAT-AP
SHACL shapes: :func:`schemas.dcat.validate.validate`. The writing path may run compiled by
mypyc (``registry speedups``; :mod:`schemas.dcat.compiled`): ``COMPILED`` says whether it does.
"""

from __future__ import annotations

# First, before any module a build may replace: the compiled writing path, when one exists
# for exactly these sources (see schemas.dcat.compiled).
from schemas.dcat.compiled import COMPILED  # isort: split

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

import rdflib

from schemas.dataset import DatasetCreate, DatasetPublic
from schemas.dcat import ns
from schemas.dcat.catalog import page_chunks
from schemas.dcat.context import Emitter, segment
from schemas.dcat.dcat3 import DCAT3
from schemas.dcat.dcat_ap_2 import DCAT_AP_2
from schemas.dcat.dcat_ap_3 import DCAT_AP_3
from schemas.dcat.fields import DATASET_FIELDS, DISTRIBUTION_FIELDS, FieldMap
from schemas.dcat.parse import DcatParseError, from_graph, read_graph
from schemas.dcat.profile import Profile
from schemas.dcat.skos import concept_scheme_graph
from schemas.dcat.terms import add_nodes
from schemas.dcat.writers import WHOLE, WRITERS, Part, language

__all__ = [
    "COMPILED",
    "DATASET_FIELDS",
    "DISTRIBUTION_FIELDS",
    "FORMATS",
    "PROFILES",
    "CatalogInfo",
    "DcatParseError",
    "FieldMap",
    "PageInfo",
    "Part",
    "Profile",
    "concept_scheme_graph",
    "dataset_uri",
    "parse",
    "parse_graph",
    "to_graph",
    "write",
]

PROFILES: dict[str, Profile] = {p.name: p for p in (DCAT_AP_3, DCAT_AP_2, DCAT3)}
DEFAULT_PROFILE = "dcat-ap-3"
FORMATS: dict[str, str] = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
}


@dataclass(frozen=True)
class CatalogInfo:
    """The catalogue node: who publishes the registry, under which licence, which schemes."""

    uri: str
    title: str
    description: str
    publisher_name: str
    publisher_uri: str
    homepage: str
    licence: str | None  # licence notation, e.g. "ogl-3"
    modified: datetime | None
    theme_taxonomies: tuple[str, ...]  # scheme URIs
    language: str = "en"


@dataclass(frozen=True)
class PageInfo:
    """Hydra paging of one catalogue page; all URLs absolute."""

    this: str
    first: str
    last: str
    previous: str | None
    next: str | None
    total: int
    per_page: int


def dataset_uri(base_uri: str, dataset_id: str) -> str:
    """A dataset's URI: ``{base}/datasets/{id}``."""
    return f"{base_uri.rstrip('/')}/datasets/{segment(dataset_id)}"


def _emitter(base_uri: str, profile: str, catalog: CatalogInfo | None) -> Emitter:
    if profile not in PROFILES:
        raise ValueError(f"unknown DCAT profile {profile!r} (known: {', '.join(PROFILES)})")
    lang = language(catalog.language if catalog else "en") or "en"
    return Emitter(PROFILES[profile], base_uri, lang)


def to_graph(
    records: Iterable[DatasetPublic],
    *,
    base_uri: str,
    profile: str = DEFAULT_PROFILE,
    catalog: CatalogInfo | None = None,
    page: PageInfo | None = None,
    withdrawn: Iterable[DatasetPublic] = (),
) -> rdflib.Graph:
    """The records (and the catalogue page) as an rdflib graph: the reference path.

    A record whose ``status`` is withdrawn, and every record in ``withdrawn``, is written as a
    tombstone: no longer a ``dcat:Dataset``, with ``adms:status`` Withdrawn."""
    em = _emitter(base_uri, profile, catalog)
    graph = rdflib.Graph()
    for prefix, namespace in ns.prefixes(em.base).items():
        graph.bind(prefix, namespace, replace=True)
    for chunk in page_chunks(em, records, catalog, page, withdrawn):
        add_nodes(graph, chunk)
    return graph


def write(
    records: Iterable[DatasetPublic],
    fmt: str,
    *,
    base_uri: str,
    profile: str = DEFAULT_PROFILE,
    catalog: CatalogInfo | None = None,
    page: PageInfo | None = None,
    part: Part = WHOLE,
) -> Iterator[str]:
    """The same document as :func:`to_graph`, streamed as text in ``fmt`` (a :data:`FORMATS`
    key), one chunk per record; records are read as the chunks are taken.

    With ``part``, one piece of a document written in pieces (records split in runs, each
    piece written by its own process and the pieces joined in order): only the first carries
    the catalogue node and paging; every piece links its records to the catalogue."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown RDF format {fmt!r} (known: {', '.join(FORMATS)})")
    em = _emitter(base_uri, profile, catalog)
    chunks = page_chunks(em, records, catalog, page, head=part.first)
    return WRITERS[fmt](chunks, ns.prefixes(em.base), part)


def parse(data: bytes | str, fmt: str, *, base_uri: str | None = None) -> list[DatasetCreate]:
    """DCAT in Turtle, RDF/XML, JSON-LD or N-Triples as records.

    ``fmt`` is a :data:`FORMATS` key, a media type or an rdflib format name. With ``base_uri``
    this registry's own URIs map back to ids (datasets, distributions, publishers); vocabulary
    URIs (EU authorities, licence pages, the registry's concept URIs) map back to notations.
    Raises :class:`DcatParseError` with a readable message."""
    return parse_graph(read_graph(data, fmt, base_uri=base_uri), base_uri=base_uri)


def parse_graph(graph: rdflib.Graph, *, base_uri: str | None = None) -> list[DatasetCreate]:
    """:func:`parse` for a graph already read (e.g. by a harvester)."""
    return from_graph(graph, PROFILES[DEFAULT_PROFILE], base_uri=base_uri)
