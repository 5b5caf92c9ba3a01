"""The Explore Education Statistics harvester: the snapshot replayed, paging, faults."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from harvesters.base import RemoteItem, SourceConfig
from harvesters.ees import ExploreEducationStatisticsHarvester, period_bounds
from harvesters.errors import BadPayload, BadStatus, FetchError, TooLarge, TransformError
from harvesters.http import HarvestClient, HttpPolicy
from harvesters.snapshots import SnapshotTransport
from schemas import OrganisationCreate

SNAPSHOT = Path(__file__).resolve().parents[2] / "registry" / "snapshots" / "ees-school-workforce"
BASE = "https://api.education.gov.uk/statistics/"
SLUG = "school-workforce-in-england"
PUBLICATION = {
    "id": "11111111-2222-3333-4444-555555555555",
    "title": "School workforce in England",
    "slug": SLUG,
    "summary": "Teachers and support staff.",
    "lastPublished": "2026-06-04T09:30:00+01:00",
}
Handler = Callable[[httpx.Request], httpx.Response]


def harvester(
    transport: httpx.BaseTransport, sleeps: list[float] | None = None, **options: Any
) -> ExploreEducationStatisticsHarvester:
    http = HarvestClient(
        httpx.Client(transport=transport),
        policy=HttpPolicy(min_interval=0, retries=1, backoff=0),
        sleep=sleeps.append if sleeps is not None else (lambda seconds: None),
    )
    source = SourceConfig(
        name="ees-school-workforce",
        kind="ees",
        url=BASE,
        options={"publication_slug": SLUG, **options},
    )
    return ExploreEducationStatisticsHarvester(source, http)


def data_set(number: int, status: str = "Published", **extra: Any) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-0000-0000-{number:012d}",
        "title": f"Data set {number}",
        "summary": f"Summary {number}.",
        "status": status,
        "latestVersion": {
            "version": "1.0",
            "published": "2026-06-04T09:30:00+01:00",
            "totalResults": 10,
            "file": {"id": "ffffffff-0000-0000-0000-000000000000"},
            "timePeriods": {"start": "2020/21", "end": "2024/25"},
            "geographicLevels": ["National"],
            "filters": ["Grade"],
            "indicators": ["Headcount"],
        },
        **extra,
    }


def api(
    data_set_pages: list[list[dict[str, Any]]], publications: list[Any] | None = None
) -> Handler:
    """A fake EES API: one page of publications, then ``data_set_pages``."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        query = parse_qs(urlsplit(str(request.url)).query)
        page = int(query.get("page", ["1"])[0])
        if path.endswith("/v1/publications"):
            results = [PUBLICATION] if publications is None else publications
            paging = {"page": 1, "pageSize": 40, "totalResults": len(results), "totalPages": 1}
            return httpx.Response(200, json={"results": results, "paging": paging})
        if path.endswith(f"/v1/publications/{PUBLICATION['id']}/data-sets"):
            total = len(data_set_pages)
            paging = {"page": page, "pageSize": 20, "totalResults": 99, "totalPages": total}
            return httpx.Response(200, json={"results": data_set_pages[page - 1], "paging": paging})
        return httpx.Response(404, json={"title": "Not Found"})

    return handle


# -- the recorded snapshot ---------------------------------------------------------------------


def test_snapshot_index_says_how_it_was_made():
    index = json.loads((SNAPSHOT / "index.json").read_text("utf-8"))
    assert index["recorded"] == "2026-11-26"
    assert "no network" in index["note"] and "--record" in index["note"]


def test_snapshot_replayed_into_datasets():
    h = harvester(SnapshotTransport(SNAPSHOT))
    items = list(h.gather())
    assert h.http.requests == 2  # the publication search, then its one page of data sets
    assert len(items) == 3  # the withdrawn data set is not yielded
    datasets = [d for item in items for d in h.transform(item).datasets]
    current = datasets[0]
    guid = items[0].guid
    assert current.id == f"ees-{SLUG}-{guid}"
    assert current.title == "School workforce in England: Teacher characteristics"
    assert current.description.startswith("Full-time equivalent and headcount numbers of teachers")
    assert "Grade" in current.description and "Headcount" in current.description
    assert isinstance(current.publisher, OrganisationCreate)
    assert current.publisher.id == "department-for-education"
    assert current.licence == "ogl-3"
    assert str(current.landing_page) == (
        "https://explore-education-statistics.service.gov.uk/find-statistics/"
        "school-workforce-in-england"
    )
    assert (current.temporal_start, current.temporal_end) == (date(2010, 9, 1), date(2026, 8, 31))
    assert current.modified is not None and current.modified.year == 2026
    csv, service = current.distributions
    assert (csv.format, csv.media_type) == ("csv", "text/csv")
    assert str(csv.download_url) == f"{BASE}v1/data-sets/{guid}/csv"
    assert (service.format, str(service.access_url)) == ("api", f"{BASE}v1/data-sets/{guid}")
    assert service.download_url is None
    deprecated = datasets[2]
    assert "Deprecated" in deprecated.description and guid in deprecated.description
    assert deprecated.temporal_end == date(2022, 8, 31)
    assert len({d.id for d in datasets}) == 3


def test_time_period_labels():
    assert period_bounds("2023/24") == (date(2023, 9, 1), date(2024, 8, 31))
    assert period_bounds("2023-24") == (date(2023, 4, 1), date(2024, 3, 31))
    assert period_bounds("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert period_bounds("2024 February") == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds("2024 Q2") == (date(2024, 4, 1), date(2024, 6, 30))
    assert period_bounds("2023/24 Autumn term") == (date(2023, 9, 1), date(2024, 8, 31))
    assert period_bounds("sometime") == (None, None)
    assert period_bounds(None) == (None, None)


def test_harvested_text_stays_plain():
    h = harvester(httpx.MockTransport(api([[]])))
    hostile = data_set(1, title="<script>alert(1)</script>Pay <img src=x onerror=alert(1)>")
    hostile["summary"] = "&lt;b&gt;Leaders&lt;/b&gt; by grade"
    item = RemoteItem(guid=hostile["id"], payload={"publication": PUBLICATION, "data_set": hostile})
    (dataset,) = h.transform(item).datasets
    assert dataset.title == "School workforce in England: Pay"
    assert dataset.description.startswith("Leaders by grade")
    assert "<" not in dataset.title + dataset.description


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {"publication": PUBLICATION},
        {"publication": PUBLICATION, "data_set": {"title": "No id"}},
        {"publication": PUBLICATION, "data_set": {"id": "x y z", "title": "Bad id"}},
        {"publication": PUBLICATION, "data_set": {"id": "abc", "title": ""}},
    ],
)
def test_transform_of_a_malformed_item_raises(payload: Any):
    h = harvester(httpx.MockTransport(api([[]])))
    with pytest.raises(TransformError):
        h.transform(RemoteItem(guid="broken", payload=payload))


# -- paging --------------------------------------------------------------------------------------


def test_data_sets_are_paged_and_duplicates_yielded_once():
    pages = [
        [data_set(1), data_set(2)],
        [data_set(2), data_set(3, status="Withdrawn"), data_set(4)],
    ]
    h = harvester(httpx.MockTransport(api(pages)))
    assert [item.guid[-1] for item in h.gather()] == ["1", "2", "4"]
    assert h.http.requests == 3


def test_max_items_and_page_guard():
    pages = [[data_set(n) for n in range(k * 3, k * 3 + 3)] for k in range(5)]
    h = harvester(httpx.MockTransport(api(pages)), max_items=4)
    assert len(list(h.gather())) == 4
    h = harvester(httpx.MockTransport(api(pages)), max_pages=2)
    assert len(list(h.gather())) == 6


def test_publication_must_be_found_by_slug():
    other = {**PUBLICATION, "slug": "school-workforce-in-wales"}
    h = harvester(httpx.MockTransport(api([[]], publications=[other])))
    with pytest.raises(FetchError, match="no publication 'school-workforce-in-england'"):
        list(h.gather())


def test_publication_id_skips_the_search():
    seen: list[str] = []
    handler = api([[data_set(1)]])

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith(f"/v1/publications/{PUBLICATION['id']}"):
            return httpx.Response(200, json=PUBLICATION)
        return handler(request)

    h = harvester(httpx.MockTransport(handle), publication_id=PUBLICATION["id"])
    assert len(list(h.gather())) == 1
    assert not any(path.endswith("/v1/publications") for path in seen)


# -- faults --------------------------------------------------------------------------------------


def test_http_500_is_bad_status():
    h = harvester(httpx.MockTransport(lambda request: httpx.Response(500, text="oops")))
    with pytest.raises(BadStatus):
        list(h.gather())


def test_429_with_retry_after_then_success():
    handler = api([[data_set(1)]])
    calls: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "12"})
        return handler(request)

    sleeps: list[float] = []
    assert len(list(harvester(httpx.MockTransport(handle), sleeps).gather())) == 1
    assert sleeps == [12.0]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"results": [{"id": ', "application/json"),
        (b"<html><head><title>Service unavailable</title></head></html>", "text/html"),
        (b'{"paging": {}}', "application/json"),
    ],
)
def test_malformed_or_html_answer_is_bad_payload(body: bytes, content_type: str):
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, content=body, headers={"content-type": content_type})
    )
    with pytest.raises(BadPayload):
        list(harvester(transport).gather())


def test_huge_content_length_is_too_large():
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": str(10**11)}, content=b"{}")

    with pytest.raises(TooLarge):
        list(harvester(httpx.MockTransport(handle)).gather())


def test_redirect_loop_is_a_fetch_error():
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(307, headers={"location": str(request.url)})

    with pytest.raises(FetchError, match="redirect"):
        list(harvester(httpx.MockTransport(handle)).gather())
