"""The CKAN harvester: the recorded data.gov.uk snapshot, paging, incremental filters, faults,
and the package -> dataset mapping on a real data.gov.uk package."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from harvesters.base import RemoteItem, SourceConfig
from harvesters.ckan import CkanHarvester, to_dataset
from harvesters.errors import BadPayload, BadStatus, FetchError, TooLarge, TransformError
from harvesters.http import HarvestClient, HttpPolicy
from harvesters.snapshots import SnapshotTransport

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "registry" / "snapshots" / "datagovuk-organograms"
API = "https://ckan.publishing.service.gov.uk/api/3/action/"
S3 = "https://s3-eu-west-1.amazonaws.com/datagovuk-production-ckan-organogram/"
Handler = Callable[[httpx.Request], httpx.Response]


def configured() -> dict[str, Any]:
    sources = tomllib.loads((ROOT / "registry" / "sources.toml").read_text(encoding="utf-8"))
    return next(s for s in sources["source"] if s["name"] == "datagovuk-organograms")


def make(
    transport: httpx.BaseTransport,
    *,
    options: dict[str, Any] | None = None,
    since: datetime | None = None,
    sleeps: list[float] | None = None,
) -> CkanHarvester:
    http = HarvestClient(
        httpx.Client(transport=transport),
        policy=HttpPolicy(min_interval=0, retries=1, backoff=0),
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
    )
    source = SourceConfig("ckan-test", "ckan", API, options or {}, since)
    return CkanHarvester(source, http)


def from_snapshot() -> CkanHarvester:
    entry = configured()
    return make(SnapshotTransport(SNAPSHOT), options=entry.get("options", {}))


def answer(packages: list[dict[str, Any]], count: int) -> dict[str, Any]:
    return {"help": API + "help_show?name=package_search", "success": True,
            "result": {"count": count, "results": packages, "facets": {}}}  # fmt: skip


def query(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}


def mock(handler: Handler, seen: list[httpx.Request] | None = None) -> httpx.MockTransport:
    def wrapped(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return handler(request)

    return httpx.MockTransport(wrapped)


# -- the recorded snapshot ----------------------------------------------------------------------


def test_snapshot_replays_every_organogram_package_once_in_order():
    harvester = from_snapshot()
    items = list(harvester.gather())
    names = [item.payload["name"] for item in items]
    assert len(items) == 9
    assert names[:5] == [
        "organogram-department-for-communities-and-local-government",
        "organogram-crown-prosecution-service",
        "organogram-department-for-levelling-up-housing-and-communities",
        "organogram-ministry-of-justice",
        "organogram-cabinet-office",
    ]
    assert names[5:] == sorted(names[5:])  # no metadata_modified known: by name
    moj = items[3]
    assert moj.guid == "a90a9f70-e28c-4a95-a7a7-f79d12fbe219"
    assert moj.url == (
        "https://www.data.gov.uk/dataset/a90a9f70-e28c-4a95-a7a7-f79d12fbe219/"
        "organogram-ministry-of-justice"
    )
    assert moj.modified == datetime(2024, 10, 11, 10, 24, 3, tzinfo=UTC)
    # A package without an id falls back to its name, and to package_show for its URL.
    assert items[1].guid == "organogram-crown-prosecution-service"
    assert items[1].url == API + "package_show?id=organogram-crown-prosecution-service"


def test_snapshot_packages_become_records_with_publishers_licences_and_csv_files():
    harvester = from_snapshot()
    records = {r.id: r for item in harvester.gather() for r in harvester.transform(item).datasets}
    assert len(records) == 9
    assert all(r.title == "Organogram of Staff Roles & Salaries" for r in records.values())
    assert all(r.licence == "ogl-3" for r in records.values())
    moj = records["ckan-organogram-ministry-of-justice"]
    assert moj.publisher is not None and moj.publisher_id == "ministry-of-justice"
    assert moj.publisher.name == "Ministry of Justice"
    assert [(d.title, d.format) for d in moj.distributions] == [
        ("2024-10-11 Organogram (Senior)", "csv"),
        ("2024-10-11 Organogram (Junior)", "csv"),
    ]
    assert str(moj.distributions[0].download_url) == (
        S3 + "organogram-ministry-of-justice/resources/"
        "2024-10-11T10-24-03Z-2024-10-11-organogram-senior.csv"
    )
    assert "guidance.data.gov.uk/organogram-data.html" in moj.description
    dclg = records["ckan-organogram-department-for-communities-and-local-government"]
    assert dclg.publisher_id == "department-for-communities-and-local-government"
    assert dclg.publisher.name == "Ministry of Housing, Communities and Local Government"
    assert len(records["ckan-organogram-crown-prosecution-service"].distributions) == 6
    cabinet = records["ckan-organogram-cabinet-office"]
    assert any(
        "/legacy/organogram/cabinet-office/" in str(d.access_url) for d in cabinet.distributions
    )
    assert records["ckan-organogram-hm-treasury"].distributions == []


def test_pages_are_asked_for_in_a_stable_order():
    seen: list[httpx.Request] = []
    replay = SnapshotTransport(SNAPSHOT)
    harvester = make(mock(replay.handle_request, seen), options=configured()["options"])
    list(harvester.gather())
    asked = [query(r) for r in seen]
    assert [q["start"] for q in asked] == ["0", "4", "8"]
    assert {q["rows"] for q in asked} == {"4"}
    assert {q["sort"] for q in asked} == {"metadata_modified asc, name asc"}
    assert {q["fq"] for q in asked} == {"title:organogram"}
    assert all(urlsplit(str(r.url)).path.endswith("/package_search") for r in seen)


# -- incremental and paging guards -------------------------------------------------------------


def test_since_asks_only_for_packages_modified_after_the_last_run():
    seen: list[httpx.Request] = []
    since = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    harvester = make(
        mock(lambda r: httpx.Response(200, json=answer([], 0)), seen),
        options={"fq": "organization:cabinet-office", "q": "organogram"},
        since=since,
    )
    assert list(harvester.gather()) == []
    asked = query(seen[0])
    # An hour's margin for clock skew, like ckanext-harvest.
    assert asked["fq"] == (
        "(organization:cabinet-office) AND metadata_modified:[2024-01-02T02:04:05Z TO *]"
    )
    assert asked["q"] == "organogram"


def test_since_alone_becomes_the_whole_filter_and_can_be_turned_off():
    since = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    on = make(mock(lambda r: httpx.Response(200, json=answer([], 0))), since=since)
    assert on.search_params(0)["fq"] == "metadata_modified:[2025-06-01T11:00:00Z TO *]"
    off = make(mock(lambda r: httpx.Response(200)), since=since, options={"incremental": False})
    assert "fq" not in off.search_params(0)


def test_a_package_listed_again_on_a_later_page_is_yielded_once():
    a, b, c = ({"id": f"id-{n}", "name": f"package-{n}", "title": n} for n in "abc")
    pages = {"0": [a, b], "2": [b, c]}  # b moved down while the catalogue changed

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answer(pages[query(request)["start"]], 4))

    items = list(make(mock(handler), options={"rows": 2}).gather())
    assert [i.guid for i in items] == ["id-a", "id-b", "id-c"]


def test_paging_stops_at_max_items_and_fails_past_max_pages():
    def handler(request: httpx.Request) -> httpx.Response:
        start = int(query(request)["start"])
        return httpx.Response(200, json=answer([{"id": f"p{start}", "name": f"p{start}"}], 99))

    limited = make(mock(handler), options={"rows": 1, "max_items": 3})
    assert [i.guid for i in limited.gather()] == ["p0", "p1", "p2"]
    guarded = make(mock(handler), options={"rows": 1, "max_pages": 2})
    with pytest.raises(FetchError, match="max_pages=2"):
        list(guarded.gather())


def test_rows_is_bounded_by_ckan_limit():
    with pytest.raises(ValueError, match="rows"):
        make(mock(lambda r: httpx.Response(200)), options={"rows": 5000})


# -- faults ------------------------------------------------------------------------------------


def test_success_false_stops_with_ckan_message():
    body = {"success": False, "error": {"__type": "Search Query Error",
            "message": "Search Query is invalid: \"Invalid Lucene query\""}}  # fmt: skip
    harvester = make(mock(lambda r: httpx.Response(200, json=body)))
    with pytest.raises(BadPayload, match="CKAN refused the search: Search Query is invalid"):
        list(harvester.gather())


def test_http_500_is_bad_status_after_retries():
    seen: list[httpx.Request] = []
    harvester = make(mock(lambda r: httpx.Response(500), seen))
    with pytest.raises(BadStatus) as caught:
        list(harvester.gather())
    assert caught.value.status == 500
    assert len(seen) == 2  # the first try and one retry


def test_429_with_retry_after_then_200_succeeds_after_waiting_as_told():
    replies = [httpx.Response(429, headers={"Retry-After": "7"}),
               httpx.Response(200, json=answer([{"id": "x", "name": "x"}], 1))]  # fmt: skip
    sleeps: list[float] = []
    harvester = make(mock(lambda r: replies.pop(0)), sleeps=sleeps)
    assert [i.guid for i in harvester.gather()] == ["x"]
    assert sleeps == [7.0]


def test_timeouts_become_fetch_error_after_retries():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    with pytest.raises(FetchError, match="timed out"):
        list(make(mock(handler, seen)).gather())
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b'{"success": true, "result": {"count": 1, "resu', "application/json", "malformed JSON"),
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "text/html", "markup"),
        (b"[1, 2, 3]", "application/json", "CKAN answer object"),
        (b'{"success": true, "result": {"count": "many"}}', "application/json", "count"),
    ],
)
def test_what_is_not_a_ckan_answer_is_bad_payload(body: bytes, content_type: str, message: str):
    reply = httpx.Response(200, headers={"content-type": content_type}, content=body)
    with pytest.raises(BadPayload, match=message):
        list(make(mock(lambda r: reply)).gather())


def test_a_huge_content_length_is_refused_before_reading():
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json", "content-length": str(10**12)}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(b"{}"))

    with pytest.raises(TooLarge):
        list(make(mock(handler)).gather())


def test_a_redirect_loop_is_a_fetch_error_naming_redirects():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": str(request.url)})

    with pytest.raises(FetchError, match="redirect"):
        list(make(mock(handler)).gather())


# -- transform ---------------------------------------------------------------------------------


def sample_package() -> dict[str, Any]:
    """Fields of the real data.gov.uk package in alphagov/datagovuk_find's fixture
    (source-samples/ckan-datagovuk), trimmed to what the mapping reads, plus a few variants."""
    return {
        "id": "420932c7-e6f8-43ea-adc5-3141f757b5cb",
        "name": "performance-related-pay-department-for-communities-and-local-government",
        "title": "Non-consolidated Performance Related Pay - Department for Communities and "
        "Local Government",
        "notes": "Publication of information on **Non-consolidated Performance Related Pay** "
        "(NCPRP) data.\r\n\r\nThe following files can be found on the "
        "[DCLG website](https://www.gov.uk/government/collections/dclg-performance-related-pay)"
        " <b>here</b> &amp; there.",
        "license_id": "uk-ogl",
        "license_title": "UK Open Government Licence (OGL)",
        "maintainer": None,
        "maintainer_email": None,
        "author_email": "foirequests@communities.gsi.gov.uk",
        "contact-email": "",
        "metadata_created": "2011-10-27T13:29:52.056625",
        "metadata_modified": "2017-06-30T09:08:37.040414",
        "organization": {
            "id": "48f370c9-7ab9-4550-9722-8c9477020fc7",
            "name": "department-for-communities-and-local-government",
            "title": "Ministry of Housing, Communities and Local Government",
        },
        "geographic_coverage": "100000: England",
        "temporal_coverage-from": "2010-04-01",
        "temporal_coverage-to": "2015-03-31",
        "theme-primary": "government",
        "theme-secondary": ["Environment"],
        "url": "http://https://www.gov.uk/government/collections/dclg-performance-related-pay",
        "tags": [{"name": "pay", "display_name": "pay"}, {"name": "PAY"}, {"name": "bonuses"}],
        "extras": [{"key": "update_frequency", "value": "annual"}, {"key": "sla", "value": ""}],
        "resources": [
            {"format": "XLS", "description": "Non-consolidated performance related payments "
             "2010-11", "name": None, "size": None, "url": "https://www.gov.uk/government/"
             "uploads/system/uploads/attachment_data/file/5722/2016987.xls"},
            {"format": "", "mimetype": "text/csv", "name": "2014-15 (CSV format)", "size": "2048",
             "url": "https://www.gov.uk/government/uploads/system/uploads/attachment_data/file/"
             "510779/DCLG_non-consolidated_performance_related_pay_2014-15.csv",
             "created": "2016-03-24T15:53:39.465019"},
            {"format": "HTML", "name": "Technical specification", "created": "2020-07-02T08: 50",
             "url": "https: //use-land-property-data.service.gov.uk/datasets/rfi/tech-spec"},
            {"format": None, "name": "", "url": ""},
        ],
    }  # fmt: skip


def test_a_real_datagovuk_package_maps_to_a_dataset():
    record = to_dataset(sample_package(), source_record="https://www.data.gov.uk/dataset/x/y")
    assert (
        record.id == "ckan-performance-related-pay-department-for-communities-and-local-government"
    )
    assert record.title.startswith("Non-consolidated Performance Related Pay")
    assert record.description == (
        "Publication of information on Non-consolidated Performance Related Pay (NCPRP) data."
        "\n\nThe following files can be found on the DCLG website here & there."
    )
    assert record.publisher_id == "department-for-communities-and-local-government"
    assert record.licence == "ogl-3"
    assert record.accrual_periodicity == "annual"  # from extras
    assert record.themes == ["envi", "gove"]
    assert record.keywords == ["pay", "bonuses"]
    assert record.spatial == ["England"]
    assert (record.temporal_start.isoformat(), record.temporal_end.isoformat()) == (
        "2010-04-01",
        "2015-03-31",
    )
    assert record.issued.isoformat() == "2011-10-27"
    assert record.modified == datetime(2017, 6, 30, 9, 8, 37, 40414, tzinfo=UTC)
    assert record.contact_point is not None
    assert record.contact_point.email == "foirequests@communities.gsi.gov.uk"
    assert record.other_identifiers == ["420932c7-e6f8-43ea-adc5-3141f757b5cb"]


def test_the_doubled_scheme_in_a_landing_page_is_repaired_and_a_broken_url_dropped():
    record = to_dataset(sample_package())
    assert str(record.landing_page) == (
        "https://www.gov.uk/government/collections/dclg-performance-related-pay"
    )
    broken = to_dataset({**sample_package(), "url": "https: //www.gov.uk/broken"})
    assert broken.landing_page is None


def test_resources_become_distributions_and_unusable_ones_are_skipped():
    dists = to_dataset(sample_package()).distributions
    assert [d.format for d in dists] == ["xls", "csv"]  # declared format; then the mimetype
    assert dists[0].title == "Non-consolidated performance related payments 2010-11"
    assert dists[0].description is None
    assert dists[1].media_type == "text/csv"
    assert dists[1].byte_size == 2048
    assert dists[1].issued.isoformat() == "2016-03-24"
    only_url = {"name": "x", "url": "https://example.org/files/staff.ods"}
    by_extension = to_dataset({**sample_package(), "resources": [only_url]})
    assert by_extension.distributions[0].format == "ods"


def test_an_unknown_licence_is_left_empty_and_a_missing_one_is_unknown():
    unknown = to_dataset({**sample_package(), "license_id": "made-up", "license_title": None})
    assert unknown.licence is None
    unspecified = {**sample_package(), "license_id": "notspecified"}
    unspecified["license_title"] = "License not specified"
    assert to_dataset(unspecified).licence == "unknown"


def test_a_very_long_name_gives_a_bounded_stable_id():
    package = {**sample_package(), "name": "x" * 400}
    first, second = to_dataset(package).id, to_dataset(package).id
    assert first == second and len(first) <= 200 and first.startswith("ckan-xxx")


@pytest.mark.parametrize(
    "payload",
    [None, "not a package", {"title": "no name"}, {"name": "ok", "title": "   "}],
)
def test_a_malformed_item_fails_its_transform(payload: Any):
    harvester = make(mock(lambda r: httpx.Response(200)))
    with pytest.raises(TransformError):
        harvester.transform(RemoteItem(guid="bad", payload=payload))


def test_the_snapshot_index_says_how_it_was_made():
    index = json.loads((SNAPSHOT / "index.json").read_text(encoding="utf-8"))
    assert index["recorded"] == "2026-11-26"
    assert "no network" in index["note"] and "--record" in index["note"]
