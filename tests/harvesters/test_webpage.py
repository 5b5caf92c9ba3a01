"""The web page harvester: snapshots replayed, JSON-LD first, hostile text, faults."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from harvesters.base import RemoteItem, SourceConfig
from harvesters.errors import BadPayload, BadStatus, FetchError, TooLarge, TransformError
from harvesters.http import HarvestClient, HttpPolicy
from harvesters.snapshots import SnapshotTransport
from harvesters.webpage import WebPageHarvester, record_id

SNAPSHOTS = Path(__file__).resolve().parents[2] / "registry" / "snapshots"
IFG = "https://www.instituteforgovernment.org.uk"
NHS = (
    "https://digital.nhs.uk/data-and-information/publications/statistical/nhs-workforce-statistics"
)
SITE = "https://example.gov.uk"
IFG_OPTIONS: dict[str, Any] = {
    "follow": r"/publication/whitehall-monitor-20\d\d$",
    "keywords": ["Whitehall Monitor"],
    "publisher": {
        "id": "institute-for-government",
        "name": "Institute for Government",
        "organisation_type": "other",
    },
}
NHS_OPTIONS: dict[str, Any] = {
    "follow": r"/nhs-workforce-statistics/[a-z]+-\d{4}$",
    "publisher": "nhs-england",
    "licence": "ogl-3",
}
Handler = Callable[[httpx.Request], httpx.Response]


def harvester(
    transport: httpx.BaseTransport,
    url: str = f"{SITE}/stats",
    sleeps: list[float] | None = None,
    **options: Any,
) -> WebPageHarvester:
    http = HarvestClient(
        httpx.Client(transport=transport),
        policy=HttpPolicy(min_interval=0, retries=1, backoff=0),
        sleep=sleeps.append if sleeps is not None else (lambda seconds: None),
    )
    return WebPageHarvester(
        SourceConfig(name="web", kind="webpage", url=url, options=options), http
    )


def replayed(name: str, url: str, **options: Any) -> WebPageHarvester:
    return harvester(SnapshotTransport(SNAPSHOTS / name), url, **options)


def html(head: str = "", body: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def site(pages: dict[str, str | httpx.Response]) -> Handler:
    """A fake site: path -> HTML (or a whole response); anything else is a 404."""

    def handle(request: httpx.Request) -> httpx.Response:
        found = pages.get(request.url.path)
        if found is None:
            return httpx.Response(404, text="not found")
        if isinstance(found, httpx.Response):
            return found
        return httpx.Response(200, text=found, headers={"content-type": "text/html"})

    return handle


def transform_html(page: str, url: str = f"{SITE}/stats/report", **options: Any):
    h = harvester(httpx.MockTransport(site({})), **options)
    (dataset,) = h.transform(RemoteItem(guid=url, payload={"url": url, "html": page})).datasets
    return dataset


# -- the recorded snapshots --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ifg-whitehall-monitor", "nhs-workforce-statistics"])
def test_snapshot_index_says_how_it_was_made(name: str):
    index = json.loads((SNAPSHOTS / name / "index.json").read_text("utf-8"))
    assert index["recorded"] == "2026-11-26"
    assert "no network" in index["note"] and "--record" in index["note"]


def test_whitehall_monitor_reports_are_followed_from_the_hub():
    h = replayed("ifg-whitehall-monitor", f"{IFG}/whitehall-monitor", **IFG_OPTIONS)
    items = list(h.gather())
    assert [item.guid for item in items] == [
        f"{IFG}/publication/whitehall-monitor-{year}" for year in (2025, 2024, 2023)
    ]
    assert h.http.requests == 4  # the hub, then each report once (a #fragment link is the same)
    datasets = [d for item in items for d in h.transform(item).datasets]
    latest = datasets[0]
    assert latest.id == "web-instituteforgovernment-org-uk-publication-whitehall-monitor-2025"
    assert (
        latest.title == "Whitehall Monitor 2025"
    )  # og:title, not "... | Institute for Government"
    assert latest.description.startswith("The civil service must change")
    assert latest.issued == date(2025, 1, 16)
    assert latest.licence is None  # IfG's own terms: none configured, none on the page
    assert latest.publisher.id == "institute-for-government"
    assert latest.keywords == ["Whitehall Monitor"]
    formats = {d.format for d in latest.distributions}
    assert formats == {"pdf", "xlsx"}
    chart = next(d for d in latest.distributions if d.format == "xlsx")
    assert str(chart.download_url).endswith("/whitehall-monitor-2025-chart-data.xlsx")
    assert chart.media_type.endswith("spreadsheetml.sheet")
    assert len({d.id for d in datasets}) == 3


def test_nhs_json_ld_is_preferred_over_page_metadata():
    h = replayed("nhs-workforce-statistics", NHS, **NHS_OPTIONS)
    items = list(h.gather())
    assert [item.guid.rsplit("/", 1)[-1] for item in items] == [
        "november-2025",
        "august-2025",
        "july-2025",
    ]
    november, august, _ = (h.transform(item).datasets[0] for item in items)
    # The JSON-LD name, not the <title> "... - NHS England Digital".
    assert november.title == "NHS Workforce Statistics - November 2025"
    assert november.temporal_start == date(2009, 9, 1)
    assert november.temporal_end == date(2025, 11, 30)
    assert november.issued == date(2026, 1, 29)
    assert november.licence == "ogl-3"  # from the JSON-LD licence URL
    assert "Electronic Staff Record" in november.keywords
    # JSON-LD distributions only: the page's PDF annex link is not added to them.
    assert [d.format for d in november.distributions] == ["xlsx", "zip"]
    assert november.publisher == "nhs-england"
    # A page without JSON-LD falls back to its <h1>, description and links.
    assert august.title == "NHS Workforce Statistics, August 2025"
    assert august.licence == "ogl-3"  # from the source's options
    assert august.modified is not None and august.modified.date() == date(2025, 11, 27)
    assert [d.format for d in august.distributions] == ["xlsx", "zip", "pdf"]


def test_without_follow_each_listed_page_is_an_item():
    pages = [f"{NHS}/august-2025", f"{NHS}/july-2025", f"{NHS}/august-2025"]
    h = replayed("nhs-workforce-statistics", NHS, pages=pages)
    items = list(h.gather())
    assert [item.guid.rsplit("/", 1)[-1] for item in items] == ["august-2025", "july-2025"]


# -- transform ---------------------------------------------------------------------------------


def test_json_ld_in_a_graph_or_list_is_found():
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "name": "Page name"},
            {
                "@type": ["schema:Dataset"],
                "name": "Chief officers' pay 2024",
                "description": "<p>Pay of chief officers &amp; deputies.</p>",
                "temporalCoverage": "2024",
                "keywords": "pay, chief officers",
                "distribution": {"contentUrl": "/files/pay.csv", "encodingFormat": "text/csv"},
                "publisher": {"@type": "Organization", "name": "Example Council"},
            },
        ],
    }
    page = html(
        f'<title>Other title</title><script type="application/ld+json">{json.dumps([graph])}'
        '</script><meta name="description" content="Page description">',
        "<h1>Heading</h1>",
    )
    dataset = transform_html(page)
    assert dataset.title == "Chief officers' pay 2024"
    assert dataset.description == "Pay of chief officers & deputies."
    assert (dataset.temporal_start, dataset.temporal_end) == (date(2024, 1, 1), date(2024, 12, 31))
    assert dataset.keywords == ["pay", "chief officers"]
    (distribution,) = dataset.distributions
    assert str(distribution.access_url) == f"{SITE}/files/pay.csv"
    assert distribution.format == "csv"
    # No publisher option: the JSON-LD publisher name becomes a web- organisation.
    assert dataset.publisher.id == "web-example-council"
    assert dataset.publisher.name == "Example Council"


def test_page_metadata_fallbacks_and_download_links():
    page = html(
        '<title>Report | Site</title><meta property="article:modified_time"'
        ' content="2025-03-04T10:00:00Z"><script type="application/ld+json">{broken</script>',
        "<h1>The report</h1><p>Words</p>"
        '<a href="/files/a.ODS">Table A</a>'
        '<a href="/files/b.json?v=2">machine-readable</a>'
        '<a href="/get?id=7">Download the tables</a>'
        '<a href="/files/c.csv">Data (CSV)</a>'
        '<a href="/data-and-information">Data and information</a>'
        '<a href="/about.html">About this data</a>'
        '<a href="mailto:stats@example.gov.uk">Email for data</a>'
        '<a href="javascript:alert(1)">Download</a>',
    )
    dataset = transform_html(page)
    assert dataset.title == "The report"
    assert dataset.modified is not None and dataset.modified.year == 2025
    urls = [str(d.access_url) for d in dataset.distributions]
    assert urls == [
        f"{SITE}/files/a.ODS",
        f"{SITE}/files/b.json?v=2",
        f"{SITE}/get?id=7",
        f"{SITE}/files/c.csv",
    ]
    assert [d.format for d in dataset.distributions] == ["ods", "json", None, "csv"]
    assert dataset.distributions[2].download_url is None


def test_hostile_markup_in_harvested_text_stays_inert_plain_text():
    ld = {
        "@type": "Dataset",
        "name": "<script>alert('x')</script>Board pay <img src=x onerror=alert(1)>",
        "description": "&lt;script&gt;steal()&lt;/script&gt;Senior pay bands",
        "keywords": ["<b>pay</b>", "<svg onload=alert(1)>"],
        "distribution": [
            {"contentUrl": "javascript:alert(1)"},
            {"url": "/ok.csv", "name": "<i>x</i>"},
        ],
    }
    # As a page must write it: "</" escaped inside the script (JSON reads "<\\/" as "</").
    script = json.dumps(ld).replace("</", "<\\/")
    dataset = transform_html(html(f'<script type="application/ld+json">{script}</script>'))
    assert dataset.title == "Board pay"
    assert dataset.description == "Senior pay bands"
    assert dataset.keywords == ["pay"]
    (distribution,) = dataset.distributions
    assert distribution.title == "x"
    # Page metadata too: og:title with a tag, an escaped tag in <title>, onerror in <h1>.
    page = html(
        "<title>&lt;img src=x onerror=alert(1)&gt;Leaders</title>",
        '<h1>Leaders <img src="x" onerror="alert(1)"><script>evil()</script>2024</h1>',
    )
    dataset = transform_html(page)
    assert dataset.title == "Leaders 2024"
    for text in (dataset.title, dataset.description):
        assert "<" not in text and ">" not in text and "evil" not in text


def test_record_ids_are_stable_and_bounded():
    assert record_id(f"{IFG}/publication/whitehall-monitor-2024") == (
        "web-instituteforgovernment-org-uk-publication-whitehall-monitor-2024"
    )
    long_one = record_id(f"{SITE}/" + "very-long-path-segment/" * 20)
    assert len(long_one) <= 150
    assert long_one == record_id(f"{SITE}/" + "very-long-path-segment/" * 20)
    assert long_one != record_id(f"{SITE}/" + "very-long-path-segment/" * 21)


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {"html": "<html></html>"},
        {"url": f"{SITE}/x"},
        {"url": f"{SITE}/x", "html": "   "},
        {"url": f"{SITE}/x", "html": "<html><body><p>No title anywhere</p></body></html>"},
        {"url": f"{SITE}/x", "error": "HTTP 404"},
    ],
)
def test_transform_of_a_malformed_item_raises(payload: Any):
    h = harvester(httpx.MockTransport(site({})))
    with pytest.raises(TransformError):
        h.transform(RemoteItem(guid=f"{SITE}/x", payload=payload))


def test_bad_options_are_refused():
    with pytest.raises(ValidationError):
        harvester(httpx.MockTransport(site({})), follow="(unclosed")
    with pytest.raises(ValidationError):
        harvester(httpx.MockTransport(site({})), licence="not-a-licence")


# -- gather: canonical URLs, duplicates, bounds ----------------------------------------------


def test_canonical_url_is_the_guid_on_the_same_host_only():
    index = html(
        body='<a href="/stats/a?utm=x">A</a><a href="/stats/b">B</a><a href="/stats/c">C</a>'
    )
    pages = {
        "/stats": index,
        "/stats/a": html(f'<link rel="canonical" href="{SITE}/stats/a"><title>A</title>'),
        "/stats/b": html('<link rel="canonical" href="https://evil.example/b"><title>B</title>'),
        # C says it is A: the same page twice is yielded once.
        "/stats/c": html('<link rel="canonical" href="/stats/a"><title>C</title>'),
    }
    h = harvester(httpx.MockTransport(site(pages)), follow=r"/stats/[a-z]")
    assert [item.guid for item in h.gather()] == [f"{SITE}/stats/a", f"{SITE}/stats/b"]


def test_follow_is_bounded_and_stays_on_the_host():
    links = "".join(f'<a href="/stats/p{n}">{n}</a>' for n in range(10))
    links += '<a href="https://elsewhere.example/stats/p99">away</a>'
    pages: dict[str, str | httpx.Response] = {"/stats": html(body=links)}
    pages.update({f"/stats/p{n}": html(f"<title>P{n}</title>") for n in range(10)})
    h = harvester(httpx.MockTransport(site(pages)), follow=r"/stats/p\d+$", max_pages=3)
    assert [item.guid for item in h.gather()] == [f"{SITE}/stats/p{n}" for n in range(3)]
    assert h.http.requests == 4


def test_a_broken_publication_page_fails_alone():
    pages = {
        "/stats": html(body='<a href="/stats/gone">Gone</a><a href="/stats/ok">OK</a>'),
        "/stats/ok": html("<title>OK</title>"),
    }
    h = harvester(httpx.MockTransport(site(pages)), follow=r"/stats/\w+$")
    gone, ok = list(h.gather())
    with pytest.raises(TransformError, match="HTTP 404"):
        h.transform(gone)
    assert h.transform(ok).datasets[0].title == "OK"


# -- faults --------------------------------------------------------------------------------------


def test_http_500_is_bad_status():
    h = harvester(httpx.MockTransport(lambda request: httpx.Response(500, text="oops")))
    with pytest.raises(BadStatus):
        list(h.gather())


def test_429_with_retry_after_then_success():
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "3"}),
            httpx.Response(
                200, text=html("<title>T</title>"), headers={"content-type": "text/html"}
            ),
        ]
    )
    sleeps: list[float] = []
    h = harvester(httpx.MockTransport(lambda request: next(answers)), sleeps=sleeps)
    assert [item.guid for item in h.gather()] == [f"{SITE}/stats"]
    assert sleeps == [3.0]


def test_json_where_a_page_was_expected_is_bad_payload():
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"a": 1}))
    with pytest.raises(BadPayload, match="expected an HTML page"):
        list(harvester(transport).gather())


def test_huge_content_length_is_too_large():
    def handle(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/html", "content-length": str(10**10)}
        return httpx.Response(200, headers=headers, content=b"<html></html>")

    with pytest.raises(TooLarge):
        list(harvester(httpx.MockTransport(handle)).gather())


def test_redirect_loop_is_a_fetch_error():
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"location": f"{SITE}/stats"})

    with pytest.raises(FetchError, match="redirect"):
        list(harvester(httpx.MockTransport(handle)).gather())
