"""The streaming writers: for every format, what ``write`` streams parses to a graph
isomorphic to ``to_graph``'s, over every demo record with the catalogue page, and over a
record full of text and IRIs that need escaping; and each syntax's own rules."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from xml.dom import minidom

import pytest
import rdflib
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from schemas import DatasetPublic
from schemas.dcat import FORMATS, PROFILES, dataset_uri, parse, to_graph, write
from schemas.dcat.context import Emitter
from schemas.dcat.ns import PREFIXES


def _helpers() -> Any:
    path = Path(__file__).with_name("test_dcat_mapping.py")
    spec = importlib.util.spec_from_file_location("dcat_mapping_helpers", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


helpers = _helpers()
BASE = helpers.BASE
RDF_NAMES = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}
NASTY = (
    'He said "hi" \\ back\nsecond line\r\nthird\ttab ]]> <script>alert("x")</script> '
    "&amp; 🎉 naïve \u2018quotes\u2019 \u2028 trailing backslash \\"
)


def torture(**changes: Any) -> DatasetPublic:
    """Text every syntax must escape, control characters XML cannot hold, and odd IRIs."""
    data: dict[str, Any] = {
        "id": "torture.1~x",
        "title": NASTY,
        "description": "controls:\x00\x01\x07\x0b\x0c\x1f\x7f\ufffe end\n\n" + NASTY,
        "keywords": ["]]>", '"""', "'''", "\\", "a\\nb", "<![CDATA[x]]>", "@prefix x: <y> ."],
        "themes": ["gove"],
        "spatial": ["Ynys Môn", 'Côte d\'Ivoire "quoted"'],
        "landing_page": 'https://example.org/a b/<x>?q="1"&r={2}|^`\\%zz%20ok',
        "conforms_to": [
            "not a uri",
            "javascript:alert(1)",
            "https://exämple.org/ünï/ﬁle?x=ü#frag",
            "_:b0",
            "http://",
        ],
        "other_identifiers": ["_:b0", "<urn:x>", 'a"b', "dct:title"],
        "licence": "other-open",
        "access_rights": "non-public",
        "accrual_periodicity": "irregular",
        "issued": date(1999, 12, 31),
        "modified": datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
        "temporal_start": date(2020, 1, 1),
        "granularity": "individual",
        "publisher": {"id": "o'brien", "name": 'O\'Brien & <Co> "Ltd"'},
        "contact_point": {
            "name": 'Ms "Quote" & <Tag>',
            "email": "a+b@example.org",
            "url": "https://example.org/contact?x=1&y=2#top",
            "telephone": "+44 (0)20 7946 0000",
        },
        "distributions": [
            {
                "id": "torture.1~x.csv",
                "title": 'CSV "v2" ]]> &lt;',
                "description": "multi\nline\r\nwith \\u0000 written out",
                "access_url": "https://example.org/data.csv?a=1&b=<2>",
                "download_url": "https://example.org/data%2Fraw.csv",
                "media_type": "text/csv",
                "format": "csv",
                "byte_size": 0,
                "licence": "odbl-1",
            },
            {"id": "d2", "access_url": "ftp://example.org/pub/file name.zip", "format": "api"},
        ],
        "coverage": [
            {"scheme": "grade", "concept": "scs", "label": "x", "uri": "", "provenance": "curated"}
        ],
        "created_at": datetime(2024, 1, 1, tzinfo=UTC),
        "updated_at": datetime(2024, 1, 1, tzinfo=UTC),
    }
    data.update(changes)
    return DatasetPublic.model_validate(data)


def streamed(records: list[DatasetPublic], fmt: str, **kwargs: Any) -> Graph:
    text = "".join(write(records, fmt, base_uri=BASE, **kwargs))
    graph = Graph()
    graph.parse(data=text, format=RDF_NAMES[fmt])
    return graph


def assert_isomorphic(expected: Graph, got: Graph) -> None:
    if not isomorphic(expected, got):
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(got))
        pytest.fail(f"missing {sorted(missing)[:5]}\nextra {sorted(extra)[:5]}")


@pytest.fixture(scope="module")
def demo() -> list[DatasetPublic]:
    return helpers.demo_records()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_streams_the_demo_catalogue_isomorphic_to_the_graph(demo, fmt: str):
    kwargs = {"catalog": helpers.catalogue(), "page": helpers.paging()}
    expected = to_graph(demo, base_uri=BASE, **kwargs)
    assert len(expected) > 1500
    assert_isomorphic(expected, streamed(demo, fmt, **kwargs))


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_profile_and_format_streams_the_torture_record_isomorphic(fmt: str, profile: str):
    records = [torture(), torture(id="gone", status="withdrawn")]
    kwargs = {"profile": profile, "catalog": helpers.catalogue(), "page": helpers.paging()}
    assert_isomorphic(to_graph(records, base_uri=BASE, **kwargs), streamed(records, fmt, **kwargs))


@pytest.mark.parametrize("fmt", [*sorted(FORMATS), "graph"])
def test_records_with_equal_blank_node_values_each_get_their_own_blank_nodes(fmt: str):
    # The writers make one node object for equal contact points, periods and places; each
    # place it stands must still be a blank node of its own.
    same = {
        "contact_point": {"name": "Statistics team", "email": "stats@example.org"},
        "temporal_start": "2024-04-01",
        "temporal_end": "2025-03-31",
        "spatial": ["England"],
    }
    records = [torture(id=f"twin-{i}", **same) for i in range(3)]
    if fmt == "graph":
        graph = to_graph(records, base_uri=BASE)
    else:
        graph = streamed(records, fmt)
        assert_isomorphic(to_graph(records, base_uri=BASE), graph)
    dcat, dct = rdflib.Namespace("http://www.w3.org/ns/dcat#"), rdflib.DCTERMS
    for predicate in (dcat.contactPoint, dct.temporal, dct.spatial):
        nodes = [graph.value(URIRef(dataset_uri(BASE, r.id)), predicate) for r in records]
        assert all(isinstance(n, rdflib.BNode) for n in nodes)
        assert len(set(nodes)) == 3, predicate


def test_a_renamed_publisher_is_written_with_its_new_name():
    # Organisation nodes are made once per process for each (id, name), like concepts: a
    # rename between two documents must show in the second, and each document has the node.
    before = torture(publisher={"id": "dfe", "name": "Department for Education"})
    after = torture(publisher={"id": "dfe", "name": "Department for Education and Skills"})
    foaf_name = URIRef("http://xmlns.com/foaf/0.1/name")
    organisation = URIRef(f"{BASE}/organisations/dfe")
    for record in (before, after, before):
        graph = streamed([record], "ttl")
        assert {str(n) for n in graph.objects(organisation, foaf_name)} == {record.publisher.name}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_nasty_text_survives_every_format(fmt: str):
    (back,) = parse("".join(write([torture()], fmt, base_uri=BASE)), fmt, base_uri=BASE)
    assert back.title == NASTY.strip()
    assert back.description.startswith("controls:\x7f end\n\n")  # XML-illegal ones dropped
    assert set(back.keywords) == {
        "]]>",
        '"""',
        "'''",
        "\\",
        "a\\nb",
        "<![CDATA[x]]>",
        "@prefix x: <y> .",
    }
    assert set(back.spatial) == {"Ynys Môn", 'Côte d\'Ivoire "quoted"'}
    assert back.contact_point is not None
    assert back.contact_point.telephone == "+44 (0)20 7946 0000"
    assert back.contact_point.name == 'Ms "Quote" & <Tag>'
    assert set(back.other_identifiers) == {"_:b0", "<urn:x>", 'a"b', "dct:title"}
    assert back.modified == datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    assert (back.licence, back.access_rights) == ("other-open", "non-public")
    assert back.distributions[0].licence == "odbl-1"
    assert back.distributions[0].title == 'CSV "v2" ]]> &lt;'


def test_odd_iris_are_percent_encoded_or_left_out():
    graph = to_graph([torture()], base_uri=BASE)
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    assert all(not re.search(r'[\s<>"{}|\\^`]', i) for i in iris)
    assert "https://example.org/a%20b/%3Cx%3E?q=%221%22&r=%7B2%7D%7C%5E%60%5C%25zz%20ok" in iris
    assert "https://ex%C3%A4mple.org/%C3%BCn%C3%AF/%EF%AC%81le?x=%C3%BC#frag" in iris
    assert "ftp://example.org/pub/file%20name.zip" in iris
    assert not any(i.startswith(("javascript:", "_:", "not")) or i == "http://" for i in iris)
    subject = URIRef(dataset_uri(BASE, "torture.1~x"))
    assert len(set(graph.objects(subject, URIRef("http://purl.org/dc/terms/conformsTo")))) == 1
    assert (URIRef(f"{BASE}/organisations/o'brien"), None, None) in graph


def test_registry_uris_encode_what_is_not_one_path_segment():
    em = Emitter(PROFILES["dcat-ap-3"], BASE)
    assert em.uri("datasets", "a/b") == f"{BASE}/datasets/a%2Fb"  # a "/" is not a new segment
    assert (
        em.uri("datasets", "x y", "distributions", "0") == f"{BASE}/datasets/x%20y/distributions/0"
    )
    assert em.uri("datasets", "ok.1~x") == f"{BASE}/datasets/ok.1~x"
    odd = Emitter(PROFILES["dcat-ap-3"], "https://example.org/a b")
    assert odd.uri("datasets", "x") == "https://example.org/a%20b/datasets/x"


def test_turtle_has_one_prefix_block():
    text = "".join(write([torture(), *helpers.demo_records()[:3]], "ttl", base_uri=BASE))
    prefix_lines = [n for n, line in enumerate(text.splitlines()) if line.startswith("@prefix")]
    assert prefix_lines == list(range(len(PREFIXES) + 1))  # + the registry's own ldr:


def test_json_ld_is_one_graph_with_a_small_inline_context():
    text = "".join(write([torture()], "jsonld", base_uri=BASE, catalog=helpers.catalogue()))
    document = json.loads(text)
    assert set(document) == {"@context", "@graph"}
    assert isinstance(document["@context"], dict)
    assert all(v.startswith("http") for v in document["@context"].values())
    assert isinstance(document["@graph"], list) and len(document["@graph"]) > 5
    assert "<" not in text and "</script>" not in text  # safe inside a <script> element
    titles = [n.get("dct:title", [{}])[0].get("@value") for n in document["@graph"]]
    assert NASTY in titles


def test_rdf_xml_is_well_formed_and_escapes_markup():
    text = "".join(write([torture()], "rdf", base_uri=BASE))
    minidom.parseString(text.encode())
    assert "<script>" not in text and "]]>" not in text
    assert "&lt;script&gt;" in text and "&#13;" in text


def test_write_streams_record_by_record_without_a_graph(monkeypatch):
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("write() built an rdflib Graph")

    monkeypatch.setattr(rdflib.Graph, "__init__", refuse)
    taken: list[str] = []

    def records() -> Iterator[DatasetPublic]:
        for n in range(3):
            taken.append(f"r{n}")
            yield torture(id=f"r{n}")

    for fmt in FORMATS:
        taken.clear()
        chunks = write(records(), fmt, base_uri=BASE, catalog=helpers.catalogue())
        assert taken == []  # nothing is read before the first chunk is asked for
        read_so_far = [len(taken) for _ in chunks]
        steps = [b - a for a, b in zip([0, *read_so_far], read_so_far, strict=False)]
        assert read_so_far[-1] == 3 and set(steps) <= {0, 1} and steps.count(1) == 3, fmt


def test_the_streamed_literals_keep_their_language_and_datatypes():
    graph = streamed([torture()], "ttl")
    subject = URIRef(dataset_uri(BASE, "torture.1~x"))
    dct = "http://purl.org/dc/terms/"
    title = graph.value(subject, URIRef(dct + "title"))
    assert isinstance(title, Literal) and title.language == "en"
    issued = graph.value(subject, URIRef(dct + "issued"))
    assert isinstance(issued, Literal) and issued.toPython() == date(1999, 12, 31)
    assert graph.value(subject, URIRef(dct + "identifier")) == Literal("torture.1~x")
