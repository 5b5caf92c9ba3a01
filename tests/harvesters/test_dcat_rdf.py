"""The DCAT RDF harvester: the recorded feed, every RDF syntax, both Hydra paging styles, the
loop guards, identifiers, faults, and the parser's refusal to fetch or expand anything."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import rdflib._networking
import rdflib.plugins.shared.jsonld.context
from rdflib import Graph

from harvesters.base import RemoteItem, SourceConfig
from harvesters.classify import classify
from harvesters.dcat_rdf import DcatRdfHarvester
from harvesters.errors import BadPayload, BadStatus, FetchError, TransformError
from harvesters.http import HarvestClient, HttpPolicy
from harvesters.rdf_pages import read_page
from harvesters.snapshots import SnapshotTransport
from harvesters.tabular import profile_table, tabular_format

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "registry" / "snapshots" / "dcat-feed"
FEED = "https://statistics.gov.scot/data/catalog.ttl"
PAGE_2 = FEED + "?page=2"
Handler = Callable[[httpx.Request], httpx.Response]
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
"""
EXPECTED_IDS = {
    "dcat-nics-equality-statistics-2025",
    "dcat-public-sector-employment-in-scotland",
    "dcat-civil-service-statistics-2023",
    "dcat-publicsectoremploymentukjune2023",
    "dcat-nhs-workforce-statistics",
}


def make(transport: httpx.BaseTransport, url: str = FEED, **options: Any) -> DcatRdfHarvester:
    http = HarvestClient(
        httpx.Client(transport=transport),
        policy=HttpPolicy(min_interval=0, retries=1, backoff=0),
        sleep=lambda s: None,
    )
    return DcatRdfHarvester(SourceConfig("dcat-test", "dcat", url, options), http)


def serve(pages: dict[str, tuple[bytes | str, str]], seen: list[str] | None = None):
    """A transport answering each URL with (body, content type); 404 otherwise."""

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(str(request.url))
        if str(request.url) not in pages:
            return httpx.Response(404)
        body, content_type = pages[str(request.url)]
        content = body.encode() if isinstance(body, str) else body
        return httpx.Response(200, headers={"content-type": content_type}, content=content)

    return httpx.MockTransport(handler)


def records(harvester: DcatRdfHarvester) -> dict[str, Any]:
    return {r.id: r for i in harvester.gather() for r in harvester.transform(i).datasets}


def snapshot_page(number: int) -> str:
    return (SNAPSHOT / f"catalog-page-{number}.ttl").read_text(encoding="utf-8")


def dataset(uri: str, title: str, extra: str = "") -> str:
    return f'<{uri}> a dcat:Dataset ; dct:title "{title}" {extra}.\n'


# -- the recorded snapshot ----------------------------------------------------------------------


def test_snapshot_replays_both_pages_into_records():
    harvester = make(SnapshotTransport(SNAPSHOT))
    items = list(harvester.gather())
    assert len(items) == 5
    found = records(make(SnapshotTransport(SNAPSHOT)))
    assert set(found) == EXPECTED_IDS
    nics = found["dcat-nics-equality-statistics-2025"]
    assert nics.title == "Equality statistics for the Northern Ireland Civil Service 2025"
    assert nics.publisher.name == "Northern Ireland Statistics and Research Agency"
    assert nics.licence == "ogl-3" and nics.accrual_periodicity == "annual"
    assert nics.themes == ["gove", "soci"]
    assert (str(nics.temporal_start), str(nics.temporal_end)) == ("2025-01-01", "2025-01-01")
    assert nics.spatial == ["Northern Ireland"]
    assert [(d.format, d.media_type) for d in nics.distributions] == [("html", "text/html")]
    assert str(nics.landing_page).endswith("NICS-Equality-Statistics-2025.html")
    css = found["dcat-civil-service-statistics-2023"]
    assert css.publisher_id == "cabinet-office"
    assert [(d.format, d.byte_size) for d in css.distributions] == [
        ("csv", 11675),
        ("csv", 38830),
        ("csv", 6202),
    ]
    assert all(str(d.download_url).endswith("/data.csv") for d in css.distributions)
    assert (str(css.temporal_start), str(css.temporal_end)) == ("2022-04-01", "2023-03-31")
    scotland = found["dcat-public-sector-employment-in-scotland"]
    assert scotland.publisher_id == "the-scottish-government"
    assert scotland.accrual_periodicity == "quarterly"
    assert scotland.contact_point.email == "lmstats@gov.scot"
    ons = found["dcat-publicsectoremploymentukjune2023"]
    assert ons.licence == "ogl-3"  # https and no trailing slash still match the vocabulary
    assert ons.themes == ["econ", "gove"]
    nhs = found["dcat-nhs-workforce-statistics"]
    assert nhs.licence is None and nhs.publisher.name == "NHS England"


def test_guids_are_uris_then_identifiers_for_blank_nodes():
    items = {i.guid: i for i in make(SnapshotTransport(SNAPSHOT)).gather()}
    assert "https://nisra.gov.uk/node/3584" in items
    assert items["public-sector-employment-in-scotland"].url is None  # a blank node
    assert items["https://nisra.gov.uk/node/3584"].url == "https://nisra.gov.uk/node/3584"
    assert all(isinstance(i.payload, str) for i in items.values())
    json.dumps([i.payload for i in items.values()])  # storable as JSON


def test_payloads_are_the_same_text_on_every_run():
    first = [i.payload for i in make(SnapshotTransport(SNAPSHOT)).gather()]
    second = [i.payload for i in make(SnapshotTransport(SNAPSHOT)).gather()]
    assert first == second
    assert "_:b0" in first[1]  # blank nodes relabelled in a fixed order


# -- every syntax --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("syntax", "content_type"),
    [
        ("xml", "application/rdf+xml"),
        ("json-ld", "application/ld+json"),
        ("nt", "application/n-triples"),
        ("turtle", "text/turtle"),
    ],
)
def test_each_rdf_syntax_gives_the_same_records(syntax: str, content_type: str):
    pages = {}
    for number, url in ((1, FEED), (2, PAGE_2)):
        graph = Graph().parse(data=snapshot_page(number), format="turtle", publicID=url)
        pages[url] = (graph.serialize(format=syntax), content_type)
    found = records(make(serve(pages)))
    expected = records(make(SnapshotTransport(SNAPSHOT)))
    assert set(found) == EXPECTED_IDS
    for key, record in expected.items():
        assert found[key].model_dump() == record.model_dump()


def test_syntax_falls_back_to_the_url_suffix_or_the_format_option():
    body = PREFIXES + dataset("https://example.org/d/1", "One")
    by_suffix = make(serve({"https://example.org/feed.ttl": (body, "application/octet-stream")}),
                     url="https://example.org/feed.ttl")  # fmt: skip
    assert [i.guid for i in by_suffix.gather()] == ["https://example.org/d/1"]
    untyped = serve({"https://example.org/feed": (body, "application/octet-stream")})
    with pytest.raises(BadPayload, match="set the source option `format`"):
        list(make(untyped, url="https://example.org/feed").gather())
    forced = make(untyped, url="https://example.org/feed", format="text/turtle")
    assert [i.guid for i in forced.gather()] == ["https://example.org/d/1"]
    with pytest.raises(ValueError, match="unknown RDF syntax"):
        make(untyped, format="text/csv")


# -- Hydra paging -------------------------------------------------------------------------------


def test_partial_collection_view_with_hydra_next():
    page_1 = (
        PREFIXES
        + f"""
<https://example.org/catalog> a hydra:Collection ; hydra:view <{FEED}> .
<{FEED}> a hydra:PartialCollectionView ; hydra:next <catalog.ttl?page=2> .
"""
        + dataset("https://example.org/d/1", "One")
    )
    page_2 = (
        PREFIXES
        + f"<{PAGE_2}> a hydra:PartialCollectionView .\n"
        + dataset("https://example.org/d/2", "Two")
    )
    seen: list[str] = []
    harvester = make(serve({FEED: (page_1, "text/turtle"), PAGE_2: (page_2, "text/turtle")}, seen))
    assert [i.guid for i in harvester.gather()] == [
        "https://example.org/d/1",
        "https://example.org/d/2",
    ]
    assert seen == [FEED, PAGE_2]  # the relative next link is resolved against the page


def test_legacy_paged_collection_with_next_page_only():
    page_1 = PREFIXES + f'<{FEED}> a hydra:PagedCollection ; hydra:nextPage "{PAGE_2}" .\n'
    page_1 += dataset("https://example.org/d/1", "One")
    page_2 = PREFIXES + dataset("https://example.org/d/2", "Two")
    harvester = make(serve({FEED: (page_1, "text/turtle"), PAGE_2: (page_2, "text/turtle")}))
    assert len(list(harvester.gather())) == 2


def test_a_page_seen_twice_stops_the_run():
    loop = PREFIXES + f'<{PAGE_2}> a hydra:PagedCollection ; hydra:next "{FEED}" .\n'
    first = PREFIXES + f'<{FEED}> a hydra:PagedCollection ; hydra:next "{PAGE_2}" .\n'
    harvester = make(serve({FEED: (first, "text/turtle"), PAGE_2: (loop, "text/turtle")}))
    with pytest.raises(FetchError, match="paging loops"):
        list(harvester.gather())


def test_max_pages_and_other_hosts_stop_the_run():
    def page(n: int) -> str:
        return (
            PREFIXES
            + f'<{FEED}?page={n}> a hydra:PagedCollection ; hydra:next "{FEED}?page={n + 1}" .\n'
        )

    pages = {f"{FEED}?page={n}": (page(n), "text/turtle") for n in range(1, 10)}
    with pytest.raises(FetchError, match="max_pages=3"):
        list(make(serve(pages), url=f"{FEED}?page=1", max_pages=3).gather())
    away = PREFIXES + f'<{FEED}> a hydra:PagedCollection ; hydra:next "http://169.254.169.254/" .\n'
    with pytest.raises(FetchError, match="same_host"):
        list(make(serve({FEED: (away, "text/turtle")})).gather())


def test_a_dataset_on_two_pages_is_yielded_once():
    twice = dataset("https://example.org/d/1", "One")
    page_1 = PREFIXES + f'<{FEED}> a hydra:PagedCollection ; hydra:next "{PAGE_2}" .\n' + twice
    page_2 = PREFIXES + twice + dataset("https://example.org/d/2", "Two")
    harvester = make(serve({FEED: (page_1, "text/turtle"), PAGE_2: (page_2, "text/turtle")}))
    assert [i.guid for i in harvester.gather()] == [
        "https://example.org/d/1",
        "https://example.org/d/2",
    ]


def test_identifiers_of_blank_node_datasets():
    body = (
        PREFIXES
        + """
[] a dcat:Dataset ; dct:identifier "ABC-1" ; dct:title "With an identifier" .
[] a dcat:Dataset ; dct:title "Only a Title" .
[] a dcat:Dataset ; dct:description "neither" .
"""
    )
    harvester = make(serve({FEED: (body, "text/turtle")}))
    items = list(harvester.gather())
    assert sorted(i.guid for i in items) == ["ABC-1", f"{FEED}#only-a-title"]
    ids = sorted(r.id for i in items for r in harvester.transform(i).datasets)
    assert ids == ["dcat-abc-1", "dcat-only-a-title"]


# -- faults -------------------------------------------------------------------------------------


def test_truncated_turtle_is_bad_payload_with_the_parser_message():
    cut = snapshot_page(1)[:2000]
    with pytest.raises(BadPayload, match="unreadable turtle RDF"):
        list(make(serve({FEED: (cut, "text/turtle")})).gather())


def test_an_html_page_where_rdf_was_expected_is_bad_payload():
    page = "<!DOCTYPE html><html><body>Sorry, we are down</body></html>"
    with pytest.raises(BadPayload, match="HTML"):
        list(make(serve({FEED: (page, "text/html")})).gather())


def test_http_500_is_bad_status():
    with pytest.raises(BadStatus):
        list(make(httpx.MockTransport(lambda r: httpx.Response(500))).gather())


@pytest.mark.parametrize(
    "payload",
    [None, "", "this is not N-Triples", '<http://a> <http://b> "no dataset" .\n'],
)
def test_a_malformed_item_fails_its_transform(payload: Any):
    harvester = make(httpx.MockTransport(lambda r: httpx.Response(404)))
    with pytest.raises((TransformError, BadPayload)):
        harvester.transform(RemoteItem(guid="https://example.org/d/1", payload=payload))


def test_a_dataset_without_a_title_fails_its_transform():
    payload = (
        "<https://example.org/d/1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://www.w3.org/ns/dcat#Dataset> .\n"
    )
    harvester = make(httpx.MockTransport(lambda r: httpx.Response(404)))
    with pytest.raises(TransformError, match="no dct:title"):
        harvester.transform(RemoteItem(guid="https://example.org/d/1", payload=payload))


# -- the parser never fetches or expands anything ---------------------------------------------


def billion_laughs(levels: int = 9) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels + 1)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(entities) + "\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dct="http://purl.org/dc/terms/">'
        f'<rdf:Description rdf:about="https://example.org/d"><dct:title>&lol{levels};'
        "</dct:title></rdf:Description></rdf:RDF>"
    ).encode()


def test_rdf_xml_entity_expansion_fails_fast():
    started = time.perf_counter()
    with pytest.raises(BadPayload, match="entities is refused"):
        list(make(serve({FEED: (billion_laughs(), "application/rdf+xml")})).gather())
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_rdf_xml_external_entities_are_refused(encoding: str):
    body = f"""<?xml version="1.0" encoding="{encoding.upper()}"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://example.org/d"><dct:title>&secret;</dct:title>
  </rdf:Description>
</rdf:RDF>""".encode(encoding)
    with pytest.raises(BadPayload, match="entities is refused"):
        read_page(body, "xml", base=FEED)


def test_rdf_xml_with_an_external_dtd_is_read_without_fetching_it():
    body = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/never-fetched.dtd">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dct="http://purl.org/dc/terms/">
  <rdf:Description rdf:about="https://example.org/d"><dct:title>Kept</dct:title>
  </rdf:Description>
</rdf:RDF>"""
    assert len(read_page(body, "xml", base=FEED)) == 1


@pytest.fixture
def no_fetching(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"rdflib tried to fetch {args}")

    monkeypatch.setattr(rdflib.plugins.shared.jsonld.context, "source_to_json", refuse)
    monkeypatch.setattr(rdflib._networking, "urlopen", refuse)


@pytest.mark.usefixtures("no_fetching")
def test_json_ld_remote_contexts_are_replaced_not_fetched():
    document = {
        "@context": [
            "https://example.org/remote-context.jsonld",
            {"@import": "https://example.org/imported.jsonld", "name": "dct:title"},
        ],
        "@graph": [
            {
                "@id": "https://example.org/d/1",
                "@type": "dcat:Dataset",
                "@context": "relative-context.jsonld",
                "dct:title": "One",
                "dcat:keyword": "workforce",
            },
            {"@id": "https://example.org/d/2", "@type": "dcat:Dataset", "name": "Two"},
        ],
    }
    harvester = make(serve({FEED: (json.dumps(document), "application/ld+json")}))
    found = records(harvester)
    assert {r.title for r in found.values()} == {"One", "Two"}
    assert found["dcat-d-1"].keywords == ["workforce"]


@pytest.mark.usefixtures("no_fetching")
def test_the_snapshot_feed_as_json_ld_with_a_remote_context_parses_offline():
    graph = Graph().parse(data=snapshot_page(2), format="turtle")
    document = json.loads(graph.serialize(format="json-ld"))
    wrapped = {"@context": "https://www.w3.org/ns/dcat.jsonld", "@graph": document}
    found = records(make(serve({FEED: (json.dumps(wrapped), "application/ld+json")})))
    assert set(found) == {"dcat-publicsectoremploymentukjune2023", "dcat-nhs-workforce-statistics"}


def test_the_snapshot_index_says_how_it_was_made():
    index = json.loads((SNAPSHOT / "index.json").read_text(encoding="utf-8"))
    assert index["recorded"] == "2026-11-26"
    assert "no network" in index["note"] and "--record" in index["note"]
    assert [r["url"] for r in index["responses"]][:2] == [FEED, PAGE_2]
    assert "8a90c7e6836cddcaa77cbe8ef9938281f8cf6471" in index["note"]  # where the CSVs are from


def test_the_civil_service_statistics_tables_are_in_the_snapshot_and_profile():
    """The three data browser CSVs the feed lists are replayed (real payloads, see the note), so
    the run loop can profile them: disability, ethnicity and sex observed at "SCS level"."""
    css = records(make(SnapshotTransport(SNAPSHOT)))["dcat-civil-service-statistics-2023"]
    client = httpx.Client(transport=SnapshotTransport(SNAPSHOT))
    columns = []
    for dist in css.distributions:
        url = str(dist.download_url)
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) == dist.byte_size  # the catalogue's dcat:byteSize
        fmt = tabular_format(dist.format, dist.media_type, url)
        columns += profile_table(response.content, format=fmt).columns
    observed = {
        (s.scheme, s.concept)
        for s in classify(columns=columns).statements
        if s.provenance == "observed"
    }
    assert {("attribute", a) for a in ("sex", "ethnicity", "disability")} <= observed
    assert {("grade", "scs"), ("grade", "g6-g7")} <= observed
