"""The GOV.UK harvester: recorded snapshots replayed, search paging, faults, pure transform."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import ValidationError

from harvesters.base import Records, RemoteItem, SourceConfig
from harvesters.errors import BadPayload, BadStatus, HarvestError, TransformError
from harvesters.govuk import GovUkHarvester
from harvesters.http import HarvestClient, HttpPolicy, Validator
from harvesters.snapshots import SnapshotTransport
from schemas import DatasetCreate, OrganisationCreate

SNAPSHOTS = Path(__file__).resolve().parents[2] / "registry" / "snapshots"
CONTENT = "https://www.gov.uk/api/content"
SEARCH = "https://www.gov.uk/api/search.json"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
Handler = Callable[[httpx.Request], httpx.Response]

# name -> (publications, publisher ids, one expected id, its title)
EXPECTED = {
    "govuk-civil-service-statistics": (
        6,
        {"cabinet-office"},
        "govuk-civil-service-statistics-2023",
        "Civil Service Statistics: 2023",
    ),
    "govuk-civil-service-people-survey": (
        8,
        {"cabinet-office"},
        "govuk-civil-service-people-survey-2023-results",
        "Civil Service People Survey 2023: results",
    ),
    "govuk-police-workforce": (
        6,
        {"home-office"},
        "govuk-police-workforce-england-and-wales-31-march-2024",
        "Police workforce, England and Wales: 31 March 2024",
    ),
    "govuk-fire-workforce": (
        5,
        {"home-office"},
        "govuk-fire-workforce-and-pension-statistics-year-ending-march-2024",
        "Fire and rescue workforce and pensions statistics: England, year ending March 2024",
    ),
    "govuk-armed-forces-diversity": (
        4,
        {"ministry-of-defence"},
        "govuk-uk-armed-forces-biannual-diversity-statistics-april-2025",
        "UK armed forces biannual diversity statistics: April 2025",
    ),
    "govuk-hmpps-workforce": (
        6,
        {"ministry-of-justice"},
        "govuk-hm-prison-probation-service-workforce-quarterly-december-2024",
        "HM Prison and Probation Service workforce quarterly: December 2024",
    ),
    "govuk-public-bodies": (
        4,
        {"cabinet-office"},
        "govuk-public-bodies-2014",
        "Public Bodies 2014",
    ),
    "govuk-public-appointments": (
        3,
        {"cabinet-office"},
        "govuk-public-appointments-data-report-202122",
        "Public Appointments Data Report 2021/22",
    ),
    "govuk-senior-salaries-review-body": (
        3,
        {
            "cabinet-office",
            "department-of-health-and-social-care",
            "review-body-on-senior-salaries",
        },
        "govuk-review-bodies-on-senior-salaries-march-2009",
        "Review Bodies on Senior Salaries March 2009",
    ),
}


# -- helpers ---------------------------------------------------------------------------------


def make_client(
    transport: httpx.BaseTransport,
    sleeps: list[float] | None = None,
    validators: dict[str, Validator] | None = None,
) -> HarvestClient:
    record = sleeps if sleeps is not None else []
    return HarvestClient(
        httpx.Client(transport=transport),
        policy=HttpPolicy(min_interval=0, retries=1, backoff=0),
        validators=validators or {},
        sleep=record.append,
    )


def sources_options() -> dict[str, dict[str, Any]]:
    import tomllib

    data = tomllib.loads((SNAPSHOTS.parent / "sources.toml").read_text(encoding="utf-8"))
    return {s["name"]: s for s in data["source"]}


def replay(name: str, sleeps: list[float] | None = None) -> tuple[GovUkHarvester, HarvestClient]:
    entry = sources_options()[name]
    http = make_client(SnapshotTransport(SNAPSHOTS / name), sleeps)
    source = SourceConfig(name, entry["kind"], entry["url"], entry.get("options", {}))
    return GovUkHarvester(source, http), http


def harvester(
    handler: Handler,
    options: dict[str, Any],
    *,
    since: datetime | None = None,
    sleeps: list[float] | None = None,
    validators: dict[str, Validator] | None = None,
) -> GovUkHarvester:
    http = make_client(httpx.MockTransport(handler), sleeps, validators)
    return GovUkHarvester(SourceConfig("test", "govuk", SEARCH, options, since), http)


def content_item(base_path: str, title: str, **extra: Any) -> dict[str, Any]:
    org = {
        "analytics_identifier": "D2",
        "base_path": "/government/organisations/cabinet-office",
        "content_id": "96ae61d6-c2a1-48cb-8e67-da9d105ae381",
        "title": "Cabinet Office",
        "web_url": "https://www.gov.uk/government/organisations/cabinet-office",
    }
    item = {
        "base_path": base_path,
        "title": title,
        "description": f"About {title}.",
        "document_type": "official_statistics",
        "schema_name": "publication",
        "first_published_at": "2023-08-02T09:30:00.000+01:00",
        "public_updated_at": "2023-08-02T09:30:00.000+01:00",
        "withdrawn_notice": {},
        "links": {"primary_publishing_organisation": [org], "organisations": [org]},
        "details": {},
    }
    item.update(extra)
    return item


def search_page(links: list[str], total: int, start: int) -> dict[str, Any]:
    results = [{"link": link, "title": link.rsplit("/", 1)[1], "_id": link} for link in links]
    return {"results": results, "total": total, "start": start, "aggregates": {}}


def content_handler(items: dict[str, Any], listing: Handler | None = None) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url.startswith(CONTENT):
            path = request.url.path.removeprefix("/api/content")
            if path in items:
                return httpx.Response(200, json=items[path])
            return httpx.Response(404, text="not found")
        assert listing is not None, url
        return listing(request)

    return handle


def query(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(urlsplit(str(request.url)).query)


# -- snapshots -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_snapshot_replays_to_valid_records(name: str) -> None:
    count, publishers, some_id, some_title = EXPECTED[name]
    harv, http = replay(name)
    items = list(harv.gather())
    assert len(items) == count
    assert len({i.guid for i in items}) == count
    datasets = []
    for item in items:
        assert item.url and item.url.startswith("https://www.gov.uk/")
        assert harv.withdrawn(item) is None
        records = harv.transform(item)
        assert isinstance(records, Records) and len(records.datasets) == 1
        dataset = records.datasets[0]
        DatasetCreate.model_validate(dataset.model_dump())  # round-trips as a valid record
        assert dataset.id.startswith("govuk-") and len(dataset.id) <= 200
        assert dataset.licence == "ogl-3" and "gove" in dataset.themes
        assert dataset.source_record == f"{CONTENT}{urlsplit(str(dataset.landing_page)).path}"
        assert isinstance(dataset.publisher, OrganisationCreate)
        assert dataset.publisher.identifiers["govuk"] == dataset.publisher.id
        assert dataset.coverage == []  # nothing declared: the classifier infers coverage
        datasets.append(dataset)
    assert {d.publisher.id for d in datasets} == publishers  # type: ignore[union-attr]
    by_id = {d.id: d for d in datasets}
    assert by_id[some_id].title == some_title
    assert by_id[some_id].landing_page is not None
    assert http.requests == count + (2 if name == "govuk-civil-service-people-survey" else 1)


def test_civil_service_statistics_snapshot_details() -> None:
    harv, _ = replay("govuk-civil-service-statistics")
    by_id = {d.id: d for i in harv.gather() for d in harv.transform(i).datasets}
    stats_2020 = by_id["govuk-civil-service-statistics-2020"]
    assert stats_2020.issued is not None and stats_2020.issued.isoformat() == "2020-08-26"
    assert stats_2020.modified == datetime(2020, 12, 1, tzinfo=UTC)
    [ods] = stats_2020.distributions
    assert ods.format == "ods" and ods.media_type == ODS
    assert str(ods.download_url).endswith(
        "/940305/Statistical_tables_-_Civil_Service_Statistics_2020_V2.ods"
    )
    assert ods.byte_size is None  # not known, so not made up
    stats_2023 = by_id["govuk-civil-service-statistics-2023"]
    assert [d.format for d in stats_2023.distributions] == ["html", "html"]
    assert (
        stats_2023.distributions[0].title == "Statistical bulletin - Civil Service Statistics: 2023"
    )
    assert stats_2023.publisher.identifiers == {  # type: ignore[union-attr]
        "govuk": "cabinet-office",
        "govuk_analytics": "D2",
    }


def test_people_survey_snapshot_pages_through_two_search_pages() -> None:
    harv, http = replay("govuk-civil-service-people-survey")
    items = list(harv.gather())
    assert http.requests == 2 + 8
    by_id = {d.id: d for i in items for d in harv.transform(i).datasets}
    assert [
        d.format for d in by_id["govuk-civil-service-people-survey-2019-results"].distributions
    ] == [
        "csv",
        "csv",
    ]
    [xlsx] = by_id["govuk-civil-service-people-survey-2018-results"].distributions
    assert xlsx.format == "xlsx"


def test_police_snapshot_declares_nations_and_change_notes() -> None:
    harv, _ = replay("govuk-police-workforce")
    by_id = {d.id: d for i in harv.gather() for d in harv.transform(i).datasets}
    march_2023 = by_id["govuk-police-workforce-england-and-wales-31-march-2023"]
    assert march_2023.spatial == ["England", "Wales"]
    assert "National statistics" in march_2023.keywords
    assert by_id[
        "govuk-police-workforce-england-and-wales-30-september-2016"
    ].description.startswith("Statistics on police workforce numbers")


# -- search paging, incremental runs, caps ---------------------------------------------------


def test_search_pages_until_total_and_sends_the_query() -> None:
    seen: list[httpx.Request] = []
    links = [f"/government/statistics/report-{n}" for n in range(5)]

    def listing(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        start = int(query(request)["start"][0])
        return httpx.Response(200, json=search_page(links[start : start + 2], 5, start))

    items = {link: content_item(link, link) for link in links}
    options = {
        "search": {
            "q": "workforce",
            "filter_organisations": ["cabinet-office", "home-office"],
            "filter_content_store_document_type": ["official_statistics"],
            "count": 2,
        }
    }
    harv = harvester(content_handler(items, listing), options)
    assert [i.guid for i in harv.gather()] == links
    assert [query(r)["start"] for r in seen] == [["0"], ["2"], ["4"]]
    first = query(seen[0])
    assert first["q"] == ["workforce"]
    assert first["filter_organisations"] == ["cabinet-office", "home-office"]
    assert first["filter_content_store_document_type"] == ["official_statistics"]
    assert first["order"] == ["-public_timestamp"]
    assert first["count"] == ["2"]
    assert first["fields"][0].split(",")[:6] == [
        "link",
        "title",
        "public_timestamp",
        "content_store_document_type",
        "organisations",
        "description",
    ]
    assert "filter_public_timestamp" not in first


def test_search_loop_guard_stops_a_listing_that_never_ends() -> None:
    pages: list[int] = []

    def listing(request: httpx.Request) -> httpx.Response:
        start = int(query(request)["start"][0])
        pages.append(start)
        link = f"/government/statistics/report-{start}"
        return httpx.Response(200, json=search_page([link], 10_000, start))

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/api/content"):
            path = request.url.path.removeprefix("/api/content")
            return httpx.Response(200, json=content_item(path, path))
        return listing(request)

    harv = harvester(handle, {"search": {"count": 1, "max_pages": 3}})
    got: list[RemoteItem] = []
    with pytest.raises(HarvestError, match="after 3 pages"):
        for item in harv.gather():
            got.append(item)
    assert pages == [0, 1, 2]
    assert len(got) == 3  # what was read is yielded before the run is marked failed


def test_search_stops_on_an_empty_page() -> None:
    calls: list[int] = []

    def listing(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, json=search_page([], 50, 0))

    assert list(harvester(listing, {"search": {"q": "x"}}).gather()) == []
    assert len(calls) == 1


@pytest.mark.parametrize(
    ("search", "expected"),
    [({"q": "x"}, ["from:2025-03-01"]), ({"q": "x", "incremental": False}, None)],
)
def test_since_adds_the_public_timestamp_filter(
    search: dict[str, Any], expected: list[str] | None
) -> None:
    seen: list[httpx.Request] = []

    def listing(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=search_page([], 0, 0))

    since = datetime(2025, 3, 1, 6, 30, tzinfo=UTC)
    list(harvester(listing, {"search": search}, since=since).gather())
    assert query(seen[0]).get("filter_public_timestamp") == expected


def test_max_items_caps_the_publications_read() -> None:
    links = [f"/government/statistics/report-{n}" for n in range(4)]

    def listing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=search_page(links, 4, 0))

    items = {link: content_item(link, link) for link in links}
    harv = harvester(content_handler(items, listing), {"search": {}, "max_items": 2})
    assert [i.guid for i in harv.gather()] == links[:2]


def test_duplicate_base_paths_are_yielded_once() -> None:
    links = ["/government/statistics/a", "/government/statistics/b", "/government/statistics/a"]

    def listing(request: httpx.Request) -> httpx.Response:
        start = int(query(request)["start"][0])
        return httpx.Response(200, json=search_page(links[start : start + 2], 3, start))

    items = {link: content_item(link, link) for link in links}
    harv = harvester(content_handler(items, listing), {"search": {"count": 2}})
    assert [i.guid for i in harv.gather()] == links[:2]


def test_collection_walks_groups_then_other_documents() -> None:
    docs = [
        {"base_path": "/government/statistics/late", "content_id": "c-late"},
        {"base_path": "/government/statistics/first", "content_id": "c-first"},
        {"base_path": "/government/statistics/first", "content_id": "c-first"},  # listed twice
        {"base_path": "/government/statistics/ungrouped", "content_id": "c-ungrouped"},
    ]
    collection = {
        "base_path": "/government/collections/series",
        "document_type": "document_collection",
        "details": {
            "collection_groups": [
                {"title": "Latest", "documents": ["c-first", "c-missing"]},
                {"title": "Earlier", "documents": ["c-late"]},
            ]
        },
        "links": {"documents": docs},
    }
    items: dict[str, Any] = {"/government/collections/series": collection}
    for doc in docs:
        items[doc["base_path"]] = content_item(doc["base_path"], "T", content_id=doc["content_id"])
    options = {"collection": "https://www.gov.uk/government/collections/series/"}
    got = list(harvester(content_handler(items), options).gather())
    assert [i.guid for i in got] == ["c-first", "c-late", "c-ungrouped"]
    assert got[0].modified == datetime(2023, 8, 2, 8, 30, tzinfo=UTC)
    assert got[0].url == "https://www.gov.uk/government/statistics/first"


def test_not_modified_content_comes_back_as_such() -> None:
    link = "/government/statistics/a"

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/api/content"):
            if request.headers.get("if-none-match") == '"v1"':
                return httpx.Response(304)
            return httpx.Response(200, json=content_item(link, "A", content_id="c-a"))
        page = search_page([link], 1, 0)
        page["results"][0]["content_id"] = "c-a"
        return httpx.Response(200, json=page)

    validators = {f"{CONTENT}{link}": Validator(etag='"v1"')}
    [item] = harvester(handle, {"search": {}}, validators=validators).gather()
    assert item.not_modified and item.payload is None and item.guid == "c-a"
    [fresh] = harvester(handle, {"search": {}}).gather()
    assert not fresh.not_modified and fresh.guid == "c-a"


@pytest.mark.parametrize(
    "options",
    [{}, {"collection": "/government/collections/x", "search": {}}, {"collection": "x"}],
)
def test_options_need_exactly_one_listing(options: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        GovUkHarvester.Options.model_validate(options)


# -- faults ----------------------------------------------------------------------------------


def test_a_failing_listing_raises_bad_status_after_retries() -> None:
    calls: list[str] = []
    sleeps: list[float] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(500, text="oops")

    harv = harvester(handle, {"search": {"q": "x"}}, sleeps=sleeps)
    with pytest.raises(BadStatus) as raised:
        list(harv.gather())
    assert raised.value.status == 500
    assert len(calls) == 2  # the first try and one retry
    assert sleeps == [0]


def test_retry_after_is_honoured_then_the_listing_succeeds() -> None:
    sleeps: list[float] = []
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(200, json=search_page(["/government/statistics/a"], 1, 0)),
        ]
    )
    items = {"/government/statistics/a": content_item("/government/statistics/a", "A")}
    harv = harvester(content_handler(items, lambda r: next(answers)), {"search": {}}, sleeps=sleeps)
    assert [i.guid for i in harv.gather()] == ["/government/statistics/a"]
    assert sleeps == [7.0]


HTML_PAGE = b"<!DOCTYPE html><html><body>Sorry, we're experiencing technical difficulties</body>"
SEARCH_OPTIONS = {"search": {}}
COLLECTION_OPTIONS = {"collection": "/government/collections/x"}


@pytest.mark.parametrize(
    ("options", "body", "content_type", "message"),
    [
        (SEARCH_OPTIONS, HTML_PAGE, "text/html", "expected JSON, got markup"),
        (SEARCH_OPTIONS, b'{"results": [', "application/json", "malformed JSON"),
        (SEARCH_OPTIONS, b'{"results": "none"}', "application/json", "without 'results'"),
        (COLLECTION_OPTIONS, HTML_PAGE, "text/html", "expected JSON, got markup"),
        (COLLECTION_OPTIONS, b"{'links': }", "application/json", "malformed JSON"),
        (COLLECTION_OPTIONS, b"[1, 2]", "application/json", "expected a content item"),
    ],
)
def test_a_listing_that_is_not_json_is_a_bad_payload(
    options: dict[str, Any], body: bytes, content_type: str, message: str
) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": content_type})

    with pytest.raises(BadPayload, match=message):
        list(harvester(handle, options).gather())


def test_one_failing_publication_does_not_stop_the_others() -> None:
    links = [f"/government/statistics/{n}" for n in ("ok-1", "broken", "html", "ok-2")]

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/search.json":
            return httpx.Response(200, json=search_page(links, 4, 0))
        if path.endswith("broken"):
            return httpx.Response(503, text="unavailable")
        if path.endswith("html"):
            return httpx.Response(
                200, text="<html>error</html>", headers={"content-type": "text/html"}
            )
        base_path = path.removeprefix("/api/content")
        return httpx.Response(200, json=content_item(base_path, base_path))

    harv = harvester(handle, {"search": {}})
    items = list(harv.gather())
    assert [i.guid for i in items] == links
    outcomes: dict[str, str] = {}
    for item in items:
        try:
            outcomes[item.guid] = harv.transform(item).datasets[0].id
        except TransformError as exc:
            outcomes[item.guid] = str(exc)
    assert outcomes[links[0]] == "govuk-ok-1" and outcomes[links[3]] == "govuk-ok-2"
    assert "could not be read" in outcomes[links[1]] and "HTTP 503" in outcomes[links[1]]
    assert "expected JSON, got markup" in outcomes[links[2]]


@pytest.mark.parametrize(
    "payload",
    [
        None,
        ["not", "an", "object"],
        {"title": "No base path"},
        {"base_path": "/government/statistics/x"},
        {"base_path": "/government/statistics/x", "title": "   "},
    ],
)
def test_transform_refuses_a_malformed_item(payload: Any) -> None:
    harv = harvester(lambda r: httpx.Response(404), {"search": {}})
    with pytest.raises(TransformError):
        harv.transform(RemoteItem(guid="x", payload=payload))


# -- transform -------------------------------------------------------------------------------


def test_withdrawn_items_are_reported_not_stored() -> None:
    # The shape of publishing-api's withdrawn_publication example.
    item = content_item(
        "/government/publications/a-guide-for-pig-keepers",
        "A guide for pig keepers",
        withdrawn_notice={
            "explanation": '<div class="govspeak"><p>This information is now out of date. For '
            'our current guidance please read <a href="https://www.gov.uk/government/collections/'
            'guidance-for-keepers-of-sheep-goats-and-pigs">guidance for keepers of sheep, goats '
            "and pigs</a>.</p></div>",
            "withdrawn_at": "2015-01-13T13:05:30Z",
        },
    )
    harv = harvester(lambda r: httpx.Response(404), {"search": {}})
    remote = RemoteItem(guid="pigs", payload=item)
    reason = harv.withdrawn(remote)
    assert reason == (
        "This information is now out of date. For our current guidance please read guidance "
        "for keepers of sheep, goats and pigs. (withdrawn on 2015-01-13)"
    )
    assert harv.transform(remote).datasets == []
    assert harv.withdrawn(RemoteItem(guid="live", payload=content_item("/a", "A"))) is None


def test_structured_attachments_become_distributions() -> None:
    attachments = [
        {  # as in publishing-api's publication-with-featured-attachments example
            "attachment_type": "file",
            "id": "PUBLIC_1392629965.pdf",
            "title": "Number of ex-regular service personnel now part of FR20",
            "url": "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/"
            "attachment_data/file/315163/PUBLIC_1392629965.pdf",
            "content_type": "application/pdf",
            "file_size": 1932905,
            "filename": "PUBLIC_1392629965.pdf",
        },
        {
            "attachment_type": "file",
            "id": "tables",
            "url": "https://assets.publishing.service.gov.uk/media/abc/tables.ods",
            "file_size": 495000,
        },
        {
            "attachment_type": "file",
            "id": "csv",
            "url": "/media/abc/t.csv",
            "content_type": "text/csv",
        },
        {
            "attachment_type": "html",
            "id": "b",
            "title": "Bulletin",
            "url": "/government/x/bulletin",
        },
        {"attachment_type": "external", "id": "e", "url": "https://example.org/data.xlsx"},
        {"attachment_type": "file", "id": "no-url"},
        {"attachment_type": "external", "id": "bad", "url": "ftp://example.org/x"},
    ]
    item = content_item("/government/statistics/x", "X", details={"attachments": attachments})
    [dataset] = (
        harvester(lambda r: httpx.Response(404), {"search": {}})
        .transform(RemoteItem(guid="x", payload=item))
        .datasets
    )
    dists = dataset.distributions
    assert [(d.format, d.byte_size) for d in dists] == [
        ("pdf", 1932905),
        ("ods", 495000),
        ("csv", None),
        ("html", None),
        ("xlsx", None),
    ]
    assert dists[0].media_type == "application/pdf" and dists[0].download_url == dists[0].access_url
    assert str(dists[2].access_url) == "https://www.gov.uk/media/abc/t.csv"
    assert dists[3].download_url is None and dists[3].title == "Bulletin"


def test_legacy_documents_html_is_the_fallback() -> None:
    # The shape of publishing-api's statistics_publication example (details.documents only).
    document = (
        '<section class="attachment embedded" id="attachment_23432">\n'
        '<div class="attachment-thumb">\n<a aria-hidden="true" class="thumbnail" '
        'href="/government/uploads/system/uploads/attachment_data/file/14664/2247515.pdf">'
        '<img alt="" src="https://assets.digital.cabinet-office.gov.uk/thumbnail_2247515.pdf.png">'
        "</a>\n</div>\n"
        '<div class="attachment-details">\n<h2 class="title"><a href="/government/uploads/system/'
        'uploads/attachment_data/file/14664/2247515.pdf">Affordable Housing Supply, England, '
        "2011-2012</a></h2>\n"
        '<p class="metadata"><span class="type">PDF</span>, <span class="file-size">340KB</span>'
        '</p>\n<a href="mailto:alternativeformats@communities.gsi.gov.uk?subject=x">email</a>\n'
        "</div>\n</section>"
    )
    spreadsheet = (
        '<section class="attachment embedded"><div class="attachment-details"><h2 class="title">'
        'Live tables</h2><span class="preview"><a href="/government/uploads/file/9/t.csv/preview">'
        'View online</a></span><span class="download"><a href="/government/uploads/file/9/t.csv">'
        "Download CSV</a></span></div></section>"
    )
    item = content_item(
        "/government/statistics/affordable-housing-supply-in-england-2011-to-2012",
        "Affordable housing supply in England: 2011 to 2012",
        details={
            "body": '<div class="govspeak"><p>The latest statistics <a href="/x">x</a></p></div>',
            "documents": [document, spreadsheet],
        },
    )
    [dataset] = (
        harvester(lambda r: httpx.Response(404), {"search": {}})
        .transform(RemoteItem(guid="x", payload=item))
        .datasets
    )
    assert [(str(d.access_url), d.title, d.format) for d in dataset.distributions] == [
        (
            "https://www.gov.uk/government/uploads/system/uploads/attachment_data/file/14664/2247515.pdf",
            "Affordable Housing Supply, England, 2011-2012",
            "pdf",
        ),
        ("https://www.gov.uk/government/uploads/file/9/t.csv", "Live tables", "csv"),
    ]
    assert dataset.description.startswith("About Affordable housing supply")
    assert "The latest statistics x" in dataset.description  # HTML stripped


def test_the_record_carries_the_items_own_facts() -> None:
    long_slug = "a" * 250
    item = content_item(
        f"/government/statistics/{long_slug}",
        "  Civil   Service Statistics ",
        content_id="5f5e1bb5-7631-11e4-a3cb-005056011aef",
        links={
            "organisations": [
                {
                    "title": "Home Office",
                    "base_path": "/government/organisations/home-office",
                    "details": {"acronym": "HO"},
                }
            ],
            "taxons": [{"title": "Crime and justice"}, {"title": "Crime and justice"}],
        },
        details={
            "body": "<p>" + "word " * 3000 + "</p>",
            "national_applicability": {
                key: {"label": label, "applicable": True}
                for key, label in (
                    ("england", "England"),
                    ("scotland", "Scotland"),
                    ("wales", "Wales"),
                    ("northern_ireland", "Northern Ireland"),
                )
            },
        },
    )
    [dataset] = (
        harvester(lambda r: httpx.Response(404), {"search": {}})
        .transform(RemoteItem(guid="x", payload=item))
        .datasets
    )
    assert dataset.id.startswith("govuk-aaaa") and len(dataset.id) <= 200
    assert (
        dataset.id
        == harvester(lambda r: httpx.Response(404), {"search": {}})
        .transform(RemoteItem(guid="x", payload=item))
        .datasets[0]
        .id
    )  # stable
    assert dataset.title == "Civil Service Statistics"
    assert len(dataset.description) <= 5000
    assert dataset.issued is not None and dataset.issued.isoformat() == "2023-08-02"
    assert dataset.keywords == ["Crime and justice", "Official statistics"]
    assert dataset.themes == ["gove", "just"]
    assert dataset.spatial == ["United Kingdom"]
    assert dataset.other_identifiers == ["5f5e1bb5-7631-11e4-a3cb-005056011aef"]
    publisher = dataset.publisher
    assert isinstance(publisher, OrganisationCreate)
    assert (publisher.id, publisher.name, publisher.abbreviation) == (
        "home-office",
        "Home Office",
        "HO",
    )
    assert str(publisher.homepage) == "https://www.gov.uk/government/organisations/home-office"


def test_snapshot_files_are_real_json_and_small() -> None:
    total = 0
    for name in EXPECTED:
        index = json.loads((SNAPSHOTS / name / "index.json").read_text(encoding="utf-8"))
        assert index["recorded"] == "2026-11-26" and "no network" in index["note"]
        for entry in index["responses"]:
            path = SNAPSHOTS / name / entry["file"]
            json.loads(path.read_text(encoding="utf-8"))
            total += path.stat().st_size
    assert total < 1_500_000
