"""The DCAT catalogue feed over HTTP: negotiation, paging, filters, validators, URIs."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from builders import dataset, organisation
from catalogue import CATALOGUE
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from registry.store import withdraw_dataset

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
BASE = "http://registry.test"


def graph_of(response, fmt: str = "turtle") -> Graph:
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.content, format=fmt)


def local(url: str) -> str:
    """The path and query of one of our absolute URLs, for the test client."""
    parts = urlsplit(str(url))
    assert f"{parts.scheme}://{parts.netloc}" == BASE
    return parts.path + (f"?{parts.query}" if parts.query else "")


def datasets_in(graph: Graph) -> set[str]:
    return {str(s) for s in graph.subjects(RDF.type, DCAT.Dataset)}


@pytest.fixture
def many(load):
    load([organisation("cabinet-office", name="Cabinet Office")])
    report = load(
        [
            dataset(f"d{i:03d}", publisher="cabinet-office", description=f"Record {i}")
            for i in range(250)
        ]
    )
    assert report.errors == []


@pytest.mark.parametrize(
    ("path", "headers", "media"),
    [
        ("/catalog", {}, "text/turtle"),
        ("/catalog", {"accept": "*/*"}, "text/turtle"),
        ("/catalog", {"accept": "application/ld+json"}, "application/ld+json"),
        (
            "/catalog",
            {"accept": "application/rdf+xml;q=0.5, application/n-triples"},
            "application/n-triples",
        ),
        (
            "/catalog.rdf",
            {"accept": "text/turtle"},
            "application/rdf+xml",
        ),  # extension beats Accept
        ("/catalog.rdf?f=jsonld", {}, "application/ld+json"),  # ?f= beats the extension
        ("/catalog.nt", {}, "application/n-triples"),
    ],
)
def test_format_is_chosen_by_f_then_extension_then_accept(
    catalogue_loaded, client, path, headers, media
):
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    # Accept, then the middleware's own (Origin for CORS, Accept-Encoding for gzip).
    assert "Accept" in [v.strip() for v in response.headers["vary"].split(",")]
    assert response.headers["etag"] and response.headers["last-modified"]


@pytest.fixture
def catalogue_loaded(load):
    assert load(CATALOGUE).errors == []


def test_unacceptable_formats(catalogue_loaded, client):
    assert client.get("/catalog", headers={"accept": "image/png"}).status_code == 406
    assert client.get("/catalog.xlsx").status_code == 406


def test_the_catalogue_node(catalogue_loaded, client):
    graph = graph_of(client.get("/catalog"))
    catalog = URIRef(f"{BASE}/catalog")
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    for predicate in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.publisher,
        DCTERMS.license,
        DCTERMS.modified,
    ):
        assert graph.value(catalog, predicate) is not None, predicate
    taxonomies = {str(t) for t in graph.objects(catalog, DCAT.themeTaxonomy)}
    assert f"{BASE}/vocab/grade" in taxonomies and f"{BASE}/vocab/sector" in taxonomies
    assert len(datasets_in(graph)) == 4


def test_pages_of_100_with_absolute_hydra_links_cover_every_record_once(many, client):
    seen: list[str] = []
    url, pages = "/catalog.ttl", 0
    while url and pages < 10:
        graph = graph_of(client.get(url))
        pages += 1
        seen += sorted(datasets_in(graph))
        view = next(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
        assert graph.value(view, HYDRA.totalItems).toPython() == 250
        assert isinstance(graph.value(view, HYDRA.first), URIRef)
        legacy = graph.value(view, HYDRA.nextPage)
        nxt = graph.value(view, HYDRA.next)
        assert (legacy is None) == (nxt is None)
        if nxt is not None:
            assert isinstance(legacy, Literal) and str(legacy) == str(nxt)
        url = local(nxt) if nxt is not None else None
    assert pages == 3
    assert len(seen) == 250 and len(set(seen)) == 250


def test_order_does_not_drift_while_records_change(many, client, load):
    first = datasets_in(graph_of(client.get("/catalog.ttl?page=1")))
    load([dataset("d000", title="Edited while a harvester pages", description="new")])
    load([dataset("zz-new", title="Added while a harvester pages")])
    second = datasets_in(graph_of(client.get("/catalog.ttl?page=2")))
    third = datasets_in(graph_of(client.get("/catalog.ttl?page=3")))
    assert not first & second and not second & third
    assert len(first | second | third) == 251


def test_links_use_the_public_base_uri(many, client):
    graph = graph_of(
        client.get(
            "/catalog.ttl?page=2&publisher=cabinet-office", headers={"host": "internal:9000"}
        )
    )
    view = next(graph.subjects(RDF.type, HYDRA.PartialCollectionView))
    assert str(view) == BASE + "/catalog.ttl?publisher=cabinet-office&page=2"
    assert str(graph.value(view, HYDRA.next)).endswith("publisher=cabinet-office&page=3")


def test_filters_and_q_on_the_catalogue(catalogue_loaded, client):
    police = datasets_in(graph_of(client.get("/catalog.ttl?sector=police")))
    assert police == {f"{BASE}/datasets/police-workforce"}
    ethnicity = datasets_in(graph_of(client.get("/catalog.ttl", params={"q": "ethnicity"})))
    assert len(ethnicity) == 3


def test_modified_since(catalogue_loaded, client, load):
    from datetime import UTC, datetime, timedelta

    later = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    assert datasets_in(graph_of(client.get(f"/catalog.ttl?modified_since={later}"))) == set()
    assert len(datasets_in(graph_of(client.get("/catalog.ttl?modified_since=2000-01-01")))) == 4
    assert (
        len(datasets_in(graph_of(client.get("/catalog.ttl?modified_since=2000-01-01T00:00:00Z"))))
        == 4
    )


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("page=0", 400, "page must be a whole number"),
        ("page=two", 400, "'two'"),
        ("page=9", 404, "past the last page"),
        ("modified_since=last-tuesday", 400, "ISO 8601"),
        ("profile=dcat-us", 400, "unknown profile"),
        ("colour=red", 400, "unknown parameter 'colour'"),
        ("grade=general", 400, "grade 'general'"),
    ],
)
def test_bad_feed_requests(catalogue_loaded, client, query, status, words):
    response = client.get(f"/catalog.ttl?{query}")
    assert response.status_code == status
    assert words in response.json()["error"]["message"]


def test_conditional_requests(catalogue_loaded, client, load):
    first = client.get("/catalog.ttl")
    tag, modified = first.headers["etag"], first.headers["last-modified"]
    assert client.get("/catalog.ttl", headers={"if-none-match": tag}).status_code == 304
    assert client.get("/catalog.ttl", headers={"if-modified-since": modified}).status_code == 304
    assert client.get("/catalog.jsonld", headers={"if-none-match": tag}).status_code == 200
    load([dataset("fresh", title="A new record")])
    changed = client.get("/catalog.ttl", headers={"if-none-match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag


def test_withdrawn_records_stay_in_the_feed_marked_withdrawn(catalogue_loaded, client, session):
    withdraw_dataset(session=session, dataset_id="nhs-vsm-pay", reason="gone from source")
    session.commit()
    graph = graph_of(client.get("/catalog.ttl"))
    uri = URIRef(f"{BASE}/datasets/nhs-vsm-pay")
    # A tombstone: no longer a dcat:Dataset (harvesters delete their copy), still in the feed.
    assert str(uri) not in datasets_in(graph)
    assert graph.value(uri, ADMS.status) == URIRef("http://purl.org/adms/status/Withdrawn")
    assert (URIRef(f"{BASE}/catalog"), DCAT.dataset, uri) not in graph
    assert len(datasets_in(graph)) == 3


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf", "nt"])
def test_one_dataset_in_each_format(catalogue_loaded, client, fmt):
    names = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml", "nt": "nt"}
    graph = graph_of(client.get(f"/datasets/scs-ethnicity.{fmt}"), names[fmt])
    uri = URIRef(f"{BASE}/datasets/scs-ethnicity")
    assert graph.value(uri, DCTERMS.title) == Literal(
        "Ethnicity of the senior civil service", lang="en"
    )


def test_dataset_uri_negotiates_and_404s(catalogue_loaded, client, load):
    assert client.get("/datasets/scs-ethnicity").headers["content-type"].startswith("text/turtle")
    jsonld = client.get("/datasets/scs-ethnicity", headers={"accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert client.get("/datasets/nope.ttl").status_code == 404
    load([dataset("v1.2", title="An id with a dot")])
    assert client.get("/datasets/v1.2").status_code == 200  # not format "2"


def test_schemaorg_jsonld(catalogue_loaded, client):
    body = client.get("/datasets/scs-ethnicity.schemaorg.jsonld").json()
    assert body["@type"] == "Dataset" and body["name"] == "Ethnicity of the senior civil service"
    assert body["url"] == f"{BASE}/datasets/scs-ethnicity"
    assert body["distribution"][0]["@type"] == "DataDownload"
    assert body["distribution"][0]["contentUrl"].startswith("https://")
    assert body["publisher"]["name"] == "Cabinet Office"
    assert body["temporalCoverage"] == "2022-03-31/2023-03-31"
    assert body["license"].startswith("http")


def test_every_concept_uri_in_the_feed_resolves(catalogue_loaded, client):
    graph = graph_of(client.get("/catalog.ttl"))
    concepts = {
        str(o) for o in graph.objects(None, DCAT.theme) if str(o).startswith(BASE + "/vocab/")
    }
    assert concepts, "coverage travels as concepts of our schemes"
    for uri in concepts:
        assert client.get(local(uri)).status_code == 200, uri
        turtle = client.get(local(uri), headers={"accept": "text/turtle"})
        assert URIRef(uri) in set(graph_of(turtle).subjects())


def test_vocabularies_as_skos(client):
    from rdflib.namespace import SKOS

    graph = graph_of(client.get("/vocab/grade.ttl"))
    scheme = URIRef(f"{BASE}/vocab/grade")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    scs2 = URIRef(f"{BASE}/vocab/grade/scs2")
    assert (scs2, SKOS.broader, URIRef(f"{BASE}/vocab/grade/executive")) in graph
    assert client.get("/vocab/grade.nt").headers["content-type"].startswith("application/n-triples")
    assert client.get("/vocab/colours.ttl").status_code == 404


def test_vocabulary_answers_are_made_once_per_base_uri(settings):
    from fastapi.testclient import TestClient

    from registry.app import create_app

    bodies = {}
    for base in ("http://one.example", "http://two.example"):
        app = create_app(settings.model_copy(update={"base_uri": base}))
        with TestClient(app) as other:
            scheme = other.get("/vocab/grade.ttl")
            concept = other.get("/vocab/grade/scs2", headers={"accept": "text/turtle"})
        assert scheme.status_code == concept.status_code == 200
        assert URIRef(f"{base}/vocab/grade/scs2") in set(graph_of(concept).subjects())
        bodies[base] = scheme.text
    assert "http://two.example/vocab/grade" in bodies["http://two.example"]
    assert "http://one.example" not in bodies["http://two.example"]
