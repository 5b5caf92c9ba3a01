"""Vocabularies: ``/api/vocab`` lists them, and every scheme and concept URI resolves."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from rdflib import Graph, URIRef

import vocab
from registry.api.catalog import negotiate
from registry.api.deps import SettingsDep
from registry.errors import NotFound
from registry.formats import FORMATS, RDF
from schemas.dcat import concept_scheme_graph

router = APIRouter(tags=["vocabularies"])


class ConceptOut(BaseModel):
    notation: str
    uri: str
    pref_label: str
    alt_labels: list[str]
    hidden_labels: list[str]
    definition: str | None
    broader: list[str]
    narrower: list[str]
    exact_match: list[str]
    properties: dict[str, Any]


class SchemeOut(BaseModel):
    name: str
    uri: str
    title: str
    description: str | None
    top_concepts: list[str]
    concepts: list[ConceptOut]


class SchemeSummary(BaseModel):
    name: str
    uri: str
    title: str
    concepts: int
    url: str


def _scheme(name: str) -> vocab.ConceptScheme:
    try:
        return vocab.load(name)
    except vocab.UnknownScheme as exc:
        raise NotFound(str(exc)) from None


def _concept(concept: vocab.Concept, base: str) -> ConceptOut:
    return ConceptOut(
        notation=concept.notation,
        uri=concept.uri(base),
        pref_label=concept.pref_label,
        alt_labels=list(concept.alt_labels),
        hidden_labels=list(concept.hidden_labels),
        definition=concept.definition,
        broader=list(concept.broader),
        narrower=list(concept.narrower),
        exact_match=list(concept.exact_match),
        properties=dict(concept.properties),
    )


def scheme_out(name: str, base: str) -> SchemeOut:
    scheme = _scheme(name)
    return SchemeOut(
        name=scheme.name,
        uri=scheme.uri(base),
        title=scheme.title,
        description=scheme.description,
        top_concepts=list(scheme.top_concepts),
        concepts=[_concept(c, base) for c in scheme],
    )


@router.get("/api/vocab", response_model=list[SchemeSummary], summary="Vocabularies")
def list_schemes(settings: SettingsDep) -> list[SchemeSummary]:
    base = settings.base_uri
    return [
        SchemeSummary(
            name=name,
            uri=vocab.load(name).uri(base),
            title=vocab.load(name).title,
            concepts=len(vocab.load(name)),
            url=f"{base}/api/vocab/{name}",
        )
        for name in vocab.SCHEMES
    ]


@router.get("/api/vocab/{scheme}", response_model=SchemeOut, summary="One vocabulary")
def get_scheme(scheme: str, settings: SettingsDep) -> SchemeOut:
    """Every concept of the scheme with its labels and hierarchy (notations)."""
    return scheme_out(scheme, settings.base_uri)


OFFERED = ("json", *RDF)  # JSON unless RDF is asked for


_RDFLIB_NAMES = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml", "nt": "nt"}


def _rdf(body: bytes, fmt: str) -> Response:
    return Response(body, media_type=FORMATS[fmt], headers={"Vary": "Accept"})


# The vocabularies ship with the code and never change while a process runs, so each answer is
# made once: parsing a scheme's Turtle and writing it again took 60-70 ms a request, and every
# concept URI in the feed resolves here, so a harvester that follows them asks for many.
@lru_cache(maxsize=128)
def _scheme_rdf(scheme: str, base: str, fmt: str) -> bytes:
    graph = concept_scheme_graph(scheme, base_uri=base)
    return graph.serialize(format=_RDFLIB_NAMES[fmt], encoding="utf-8")


@lru_cache(maxsize=4096)
def _concept_rdf(scheme: str, uri: str, base: str, fmt: str) -> bytes:
    whole = concept_scheme_graph(scheme, base_uri=base)
    subject = URIRef(uri)
    graph = Graph(namespace_manager=whole.namespace_manager)
    for triple in whole.triples((subject, None, None)):
        graph.add(triple)
    return graph.serialize(format=_RDFLIB_NAMES[fmt], encoding="utf-8")


@router.get("/vocab/{scheme}.{extension}", summary="A scheme as SKOS RDF")
def scheme_as(scheme: str, extension: str, settings: SettingsDep, request: Request) -> Response:
    """The whole scheme as SKOS in Turtle, JSON-LD, RDF/XML or N-Triples."""
    _scheme(scheme)
    fmt = negotiate(request, extension, RDF)
    return _rdf(_scheme_rdf(scheme, settings.base_uri, fmt), fmt)


@router.get(
    "/vocab/{scheme}",
    response_model=SchemeOut,
    summary="A scheme's URI",
    responses={200: {"content": {"text/turtle": {}}}},
)
def resolve_scheme(scheme: str, settings: SettingsDep, request: Request) -> Any:
    """JSON by default; SKOS RDF when ``Accept`` or ``?f=`` asks for it."""
    out = scheme_out(scheme, settings.base_uri)
    fmt = negotiate(request, None, OFFERED)
    if fmt == "json":
        return out
    return _rdf(_scheme_rdf(scheme, settings.base_uri, fmt), fmt)


@router.get(
    "/vocab/{scheme}/{notation}",
    response_model=ConceptOut,
    summary="A concept's URI",
    responses={200: {"content": {"text/turtle": {}}}},
)
def resolve_concept(scheme: str, notation: str, settings: SettingsDep, request: Request) -> Any:
    """Concept URIs resolve here, so every URI the registry publishes can be looked up."""
    concept = _scheme(scheme).get(notation)
    if concept is None:
        raise NotFound(f"no concept {notation!r} in the {scheme} vocabulary")
    fmt = negotiate(request, None, OFFERED)
    if fmt == "json":
        return _concept(concept, settings.base_uri)
    return _rdf(_concept_rdf(scheme, concept.uri(settings.base_uri), settings.base_uri, fmt), fmt)
