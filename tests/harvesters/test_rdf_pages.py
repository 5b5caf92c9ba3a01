"""Reading a feed page: the same dataset text whatever the syntax or the parser's blank-node
labels, records not pulled into each other, unreadable pages as clear errors."""

from __future__ import annotations

import pytest
from rdflib import Graph

from harvesters.errors import BadPayload
from harvesters.rdf_pages import Page, read_page, syntax_for

BASE = "https://data.example.org/catalog"
TURTLE = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://data.example.org/d/1> a dcat:Dataset ;
  dct:title "One" , "One" ;
  dct:publisher <https://data.example.org/org/a> ;
  dct:relation <https://data.example.org/d/2> ;
  dcat:distribution [ a dcat:Distribution ; dcat:accessURL <https://x.example/a.csv> ;
                      dct:format [ dct:title "CSV" ] ] ,
                    [ a dcat:Distribution ; dcat:accessURL <https://x.example/b.xlsx> ] .
<https://data.example.org/org/a> dct:title "Org A" .
<https://data.example.org/d/2> a dcat:Dataset ; dct:title "Two" .
"""


def one(text: str, syntax: str = "turtle") -> str:
    page = read_page(text.encode(), syntax, base=BASE)
    return page.ntriples(page.datasets()[0])


def test_blank_nodes_get_the_same_labels_on_every_parse():
    texts = {one(TURTLE) for _ in range(20)}
    assert len(texts) == 1  # the parser names anonymous nodes at random; the text is stable
    text = texts.pop()
    assert "_:b0" in text and "_:b1" in text and "_:b2" in text
    assert text.count('"One"') == 1  # a repeated triple is written once


def test_a_dataset_description_stops_at_other_records():
    text = one(TURTLE)
    assert '"Org A"' in text  # the publisher's own triples travel with the dataset
    assert "<https://data.example.org/d/2>" in text  # the link to another dataset is kept ...
    assert '"Two"' not in text  # ... but not that dataset's description


@pytest.mark.parametrize("syntax", ["xml", "json-ld", "nt"])
def test_every_syntax_gives_the_same_dataset_text(syntax: str):
    rdflib_name = {"xml": "xml", "json-ld": "json-ld", "nt": "nt"}[syntax]
    other = Graph().parse(data=TURTLE, format="turtle").serialize(format=rdflib_name)
    assert one(other, syntax) == one(TURTLE)


def test_the_text_parses_back_to_the_same_triples():
    page = read_page(TURTLE.encode(), "turtle", base=BASE)
    text = page.ntriples(page.datasets()[0])
    assert len(Graph().parse(data=text, format="nt")) == len(text.splitlines())


def test_relative_iris_resolve_against_the_page_and_odd_iris_are_tolerated():
    page = read_page(
        b"<d/1> a <http://www.w3.org/ns/dcat#Dataset> ;"
        b" <http://purl.org/dc/terms/source> <http://x.example/a b> .",
        "turtle",
        base=BASE,
    )
    assert [str(n) for n in page.datasets()] == ["<https://data.example.org/d/1>"]


@pytest.mark.parametrize(
    ("body", "syntax", "message"),
    [
        (TURTLE[:-30], "turtle", "unreadable turtle RDF"),
        ("<a> <b> .", "nt", "unreadable nt RDF"),
        ("<rdf:RDF", "xml", "unreadable RDF/XML"),
        ("{", "json-ld", "unreadable JSON-LD"),
    ],
)
def test_unreadable_pages_are_bad_payload(body: str, syntax: str, message: str):
    with pytest.raises(BadPayload, match=message):
        read_page(body.encode(), syntax, base=BASE)


def test_syntax_from_the_media_type_then_the_suffix_then_the_override():
    assert syntax_for("text/turtle", BASE) == "turtle"
    assert syntax_for("application/octet-stream", BASE + ".rdf") == "xml"
    assert syntax_for("text/turtle", BASE, "application/ld+json") == "json-ld"
    assert syntax_for("application/octet-stream", BASE) is None


def test_an_empty_page_has_no_datasets_and_no_next_page():
    page = Page([])
    assert page.datasets() == [] and page.next_page(BASE) is None and len(page) == 0
