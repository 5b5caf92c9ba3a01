"""The Ethnicity facts and figures harvester: the hand-made snapshot replayed, pages, faults."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from harvesters.base import RemoteItem, SourceConfig
from harvesters.errors import BadStatus, FetchError, TooLarge, TransformError
from harvesters.ethnicity_facts import EthnicityFactsHarvester, Measure, parse_page
from harvesters.http import HarvestClient, HttpPolicy
from harvesters.snapshots import SnapshotTransport

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "registry" / "snapshots" / "ethnicity-facts-workforce"
SITE = "https://www.ethnicity-facts-figures.service.gov.uk"
WORKFORCE = "workforce-and-business/workforce-diversity"
PATH = f"{WORKFORCE}/example-workforce/latest"
PAGE_URL = f"{SITE}/{PATH}"
CSV_URL = f"{SITE}/{PATH}/downloads/by-ethnicity.csv"
Handler = Callable[[httpx.Request], httpx.Response]

# A made-up page in the real template's shape (not a real measure).
PAGE = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8" />
<title>Example workforce - GOV.UK Ethnicity facts and figures</title>
<meta property="description" content="Example description of a workforce measure." />
</head><body><main>
<h1 class="govuk-heading-xl" itemprop="headline" id="title">Example workforce</h1>
<p>Published <time itemprop="datePublished" datetime="2020-01-30">30 January 2020</time></p>
<h2 id="main-facts-and-figures">1. Main facts and figures</h2>
<div class="eff-summary--with-bullets-spaced-out"><ul><li>First example point</li>
<li>Second <b>example</b> point</li></ul></div>
<h2 id="things-you-need-to-know">2. Things you need to know</h2>
<h2 id="by-ethnicity">3. By ethnicity</h2>
<div class="metadata"><dl><dt>Location:</dt><dd>England</dd></dl></div>
<a href="/{PATH}/downloads/by-ethnicity-table.csv">Download table data (CSV)</a>
<a href="/{PATH}/downloads/by-ethnicity.csv">Source data <span>for By ethnicity</span> (CSV)</a>
<h2 id="by-ethnicity-and-age-group">4. By ethnicity and age group</h2>
<a href="/{PATH}/dimension/0a1b/download">Source data (CSV)</a>
<a href="/{PATH}/dimension/0a1b/tabular-download">Download table data (CSV)</a>
<a href="https://example.org/elsewhere.csv">Elsewhere</a>
<h2 id="data-sources">5. Data sources</h2>
<div itemprop="license"><meta itemprop="url"
 content="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"></div>
</main></body></html>""".encode()


def configured_options() -> dict[str, Any]:
    sources = tomllib.loads((ROOT / "registry" / "sources.toml").read_text(encoding="utf-8"))
    return next(s for s in sources["source"] if s["name"] == "ethnicity-facts-workforce")["options"]


def client(transport: httpx.BaseTransport, sleeps: list[float] | None = None) -> HarvestClient:
    return HarvestClient(
        httpx.Client(transport=transport),
        policy=HttpPolicy(min_interval=0, retries=1, backoff=0),
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
    )


def harvester(http: HarvestClient, **options: Any) -> EthnicityFactsHarvester:
    options = {
        "measures": [{"path": PATH, "sector": "police", "grade": "chief-inspector-and-above"}],
        **options,
    }
    return EthnicityFactsHarvester(
        SourceConfig("eff", "ethnicity-facts", SITE + "/", options), http
    )


def site(csv_body: bytes = b'"Measure","Ethnicity","Value"\r\n', **extra: Any) -> Handler:
    """A handler serving :data:`PAGE` and its first CSV; ``extra`` replaces either answer."""

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url in extra:
            answer = extra[url]
            return answer(request) if callable(answer) else answer
        if url == PAGE_URL:
            return httpx.Response(200, headers={"content-type": "text/html"}, content=PAGE)
        if url == CSV_URL:
            return httpx.Response(200, headers={"content-type": "text/csv"}, content=csv_body)
        return httpx.Response(404)

    return handler


def one(http: HarvestClient, **options: Any) -> tuple[EthnicityFactsHarvester, RemoteItem]:
    h = harvester(http, **options)
    (item,) = h.gather()
    return h, item


# -- the snapshot ---------------------------------------------------------------------------


def replay() -> tuple[EthnicityFactsHarvester, HarvestClient, list[RemoteItem]]:
    http = client(SnapshotTransport(SNAPSHOT))
    h = harvester(http, **configured_options())
    return h, http, list(h.gather())


def test_replay_yields_every_configured_measure():
    _, http, items = replay()
    assert [item.guid.rsplit("/", 1)[-1] for item in items] == [
        "civil-service-workforce",
        "nhs-workforce",
        "nhs-trust-board-membership",
        "police-workforce",
        "school-teacher-workforce",
        "armed-forces-workforce",
        "judges-and-non-legal-members-of-courts-and-tribunals-in-the-workforce",
        "fire-and-rescue-services-workforce",
        "prison-officer-workforce",
    ]
    assert all(item.payload.get("csv") and not item.payload.get("error") for item in items)
    assert http.requests == 18  # each page and its first CSV


def test_replayed_records():
    h, _, items = replay()
    records = {r.id: r for item in items for r in h.transform(item).datasets}
    assert len(records) == 9
    police = records["eff-workforce-diversity-police-workforce"]
    assert police.title == "Police workforce"
    assert str(police.landing_page) == f"{SITE}/{WORKFORCE}/police-workforce/latest"
    assert police.publisher_id == "cabinet-office" and police.publisher.name == "Cabinet Office"
    assert police.licence == "ogl-3"
    assert police.spatial == ["England", "Wales"]
    assert police.granularity.value == "aggregate-by-grade"
    assert {(c.scheme.value, c.concept) for c in police.coverage} == {
        ("attribute", "ethnicity"),
        ("sector", "police"),
        ("grade", "chief-inspector-and-above"),
        ("attribute", "sex"),  # the section "By ethnicity and gender"
    }
    assert all(c.provenance.value == "declared" for c in police.coverage)
    assert len(police.distributions) == 7  # the "Source data" CSVs, not the "-table.csv" ones
    first = police.distributions[0]
    assert str(first.download_url).endswith("/police-workforce/latest/downloads/by-ethnicity.csv")
    assert (first.format, first.media_type) == ("csv", "text/csv")
    assert "columns Measure, Time, Ethnicity, Ethnicity_type, Value, Value_type" in (
        police.description
    )
    fire = records["eff-workforce-diversity-fire-and-rescue-services-workforce"]
    assert fire.granularity.value == "workforce"
    assert ("grade", "workforce") in {(c.scheme.value, c.concept) for c in fire.coverage}
    assert records["eff-workforce-diversity-nhs-workforce"].title == "NHS workforce"


def test_snapshot_figures_are_blank():
    for path in SNAPSHOT.glob("*.csv"):
        lines = path.read_bytes().decode("cp1252").splitlines()
        assert lines[0] == '"Measure","Time","Ethnicity","Ethnicity_type","Value","Value_type"'
        assert all(line.endswith(',"",""') for line in lines[1:])


# -- pages ----------------------------------------------------------------------------------


def test_page_fields_and_csv_links():
    h, item = one(client(httpx.MockTransport(site())))
    assert item.guid == f"{WORKFORCE}/example-workforce"
    assert item.payload["csv_url"] == CSV_URL
    (record,) = h.transform(item).datasets
    assert record.id == "eff-workforce-diversity-example-workforce"
    assert record.title == "Example workforce"
    assert record.description.startswith("Example description of a workforce measure.")
    assert "Main facts and figures: First example point Second example point" in (
        record.description
    )
    assert "Data: By ethnicity; By ethnicity and age group." in record.description
    assert record.issued == date(2020, 1, 30)
    assert record.spatial == ["England"]
    assert [str(d.access_url) for d in record.distributions] == [
        CSV_URL,
        f"{SITE}/{PATH}/dimension/0a1b/download",
    ]
    assert ("attribute", "age") in {(c.scheme.value, c.concept) for c in record.coverage}


def test_windows_1252_csv_is_decoded():
    body = b'"Measure","Time \x96 year","Value"\r\n"Example \x93quoted\x94","2019","1"\r\n'
    h, item = one(client(httpx.MockTransport(site(body))))
    assert "Time \u2013 year" in item.payload["csv"]
    assert "\u201cquoted\u201d" in item.payload["csv"]
    (record,) = h.transform(item).datasets
    assert "columns Measure, Time \u2013 year, Value" in record.description


def test_byte_order_mark_is_dropped():
    h, item = one(client(httpx.MockTransport(site(b'\xef\xbb\xbf"Measure","Value"\r\n'))))
    (record,) = h.transform(item).datasets
    assert "columns Measure, Value." in record.description


def test_duplicate_measures_are_gathered_once():
    requests: list[str] = []
    handler = site()

    def counting(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url))
        return handler(request)

    same = {"path": PATH, "sector": "police"}
    other_version = {"path": PATH.replace("latest", "2.1"), "sector": "police"}
    measures = [same, same, other_version]
    items = list(harvester(client(httpx.MockTransport(counting)), measures=measures).gather())
    assert [item.guid for item in items] == [f"{WORKFORCE}/example-workforce"]
    assert requests == [PAGE_URL, CSV_URL]


def test_measure_paths():
    assert Measure(path=f"{SITE}/{WORKFORCE}/x/", sector="nhs").path == f"{WORKFORCE}/x/latest"
    assert Measure(path=f"{WORKFORCE}/x/3.1", sector="nhs").key == f"{WORKFORCE}/x"
    with pytest.raises(ValidationError):
        Measure(path="workforce-diversity/x", sector="nhs")
    with pytest.raises(ValidationError):
        Measure(path=PATH, sector="not-a-sector")


def test_page_without_csv_links():
    page = b"<!DOCTYPE html><html><body><h1>Example</h1></body></html>"
    answer = httpx.Response(200, headers={"content-type": "text/html"}, content=page)
    h, item = one(client(httpx.MockTransport(site(**{PAGE_URL: answer}))))
    assert "csv_url" not in item.payload
    (record,) = h.transform(item).datasets
    assert record.distributions == [] and record.licence is None


# -- faults ---------------------------------------------------------------------------------


def test_http_500_is_bad_status():
    h = harvester(client(httpx.MockTransport(site(**{PAGE_URL: httpx.Response(500)}))))
    with pytest.raises(BadStatus):
        list(h.gather())


def test_a_missing_measure_fails_alone():
    h, item = one(client(httpx.MockTransport(site(**{PAGE_URL: httpx.Response(404)}))))
    assert "HTTP 404" in item.payload["error"]
    with pytest.raises(TransformError, match="HTTP 404"):
        h.transform(item)


def test_429_with_retry_after_then_200():
    answers = iter([httpx.Response(429, headers={"retry-after": "3"})])
    handler = site()
    sleeps: list[float] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or handler(request)

    _, item = one(client(httpx.MockTransport(flaky), sleeps))
    assert item.payload["html"] and sleeps == [3.0]


def test_timeout_is_fetch_error():
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("slow", request=request)

    with pytest.raises(FetchError, match="timed out"):
        list(harvester(client(httpx.MockTransport(slow))).gather())


def test_html_error_page_instead_of_csv():
    page = b"<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>"
    answer = httpx.Response(200, headers={"content-type": "text/html"}, content=page)
    h, item = one(client(httpx.MockTransport(site(**{CSV_URL: answer}))))
    assert "expected a CSV file, got a web page (text/html)" in item.payload["csv_error"]
    (record,) = h.transform(item).datasets  # the measure stands without its CSV's columns
    assert "columns" not in record.description


def test_huge_content_length():
    def huge(request: httpx.Request) -> httpx.Response:
        headers = {"content-length": str(10**10), "content-type": "text/csv"}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(b"x"))

    _, item = one(client(httpx.MockTransport(site(**{CSV_URL: huge}))), csv_max_bytes=1_000)
    assert "larger than the 1,000-byte limit" in item.payload["csv_error"]
    h = harvester(client(httpx.MockTransport(site(**{PAGE_URL: huge}))), page_max_bytes=1_000)
    with pytest.raises(TooLarge):
        list(h.gather())


def test_a_page_that_is_not_html_fails_alone():
    answer = httpx.Response(200, headers={"content-type": "application/json"}, content=b"{}")
    h, item = one(client(httpx.MockTransport(site(**{PAGE_URL: answer}))))
    with pytest.raises(TransformError, match="expected the measure's web page"):
        h.transform(item)


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "html",
        {"url": PAGE_URL, "sector": "police"},
        {"url": PAGE_URL, "html": "<p>no title</p>", "sector": "police"},
        {"url": PAGE_URL, "html": PAGE.decode(), "sector": "not-a-sector"},
    ],
)
def test_transform_of_a_malformed_item_raises(payload: Any):
    h = harvester(client(httpx.MockTransport(site())))
    with pytest.raises((TransformError, ValidationError)):
        h.transform(RemoteItem(guid=f"{WORKFORCE}/example-workforce", payload=payload))


def test_parse_page_tolerates_broken_markup():
    page = parse_page("<h1>Title</h1><h2>3. By ethnicity<p><a href='/x/downloads/y.csv'>data")
    assert page.title == "Title"
    assert page.sections == [] and page.links == []  # never closed: not read
