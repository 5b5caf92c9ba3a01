"""The GOV.UK Organisations harvester: the snapshot replayed, paging, faults, pure transform."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from harvesters.base import RemoteItem, SourceConfig
from harvesters.errors import BadPayload, BadStatus, FetchError, TooLarge, TransformError
from harvesters.govuk_organisations import GovUkOrganisationsHarvester
from harvesters.http import HarvestClient, HttpPolicy
from harvesters.snapshots import SnapshotTransport

SNAPSHOT = Path(__file__).resolve().parents[2] / "registry" / "snapshots" / "govuk-organisations"
URL = "https://www.gov.uk/api/organisations"
Handler = Callable[[httpx.Request], httpx.Response]


def harvester(
    transport: httpx.BaseTransport, sleeps: list[float] | None = None, **options: Any
) -> GovUkOrganisationsHarvester:
    http = HarvestClient(
        httpx.Client(transport=transport),
        policy=HttpPolicy(min_interval=0, retries=1, backoff=0),
        sleep=sleeps.append if sleeps is not None else (lambda seconds: None),
    )
    source = SourceConfig(
        name="govuk-organisations", kind="govuk-organisations", url=URL, options=options
    )
    return GovUkOrganisationsHarvester(source, http)


def replayed() -> GovUkOrganisationsHarvester:
    return harvester(SnapshotTransport(SNAPSHOT))


def organisation(slug: str, title: str = "Test Body", **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{URL}/{slug}",
        "title": title,
        "format": "Executive agency",
        "updated_at": "2026-01-02T03:04:05.000+00:00",
        "web_url": f"https://www.gov.uk/government/organisations/{slug}",
        "details": {"slug": slug, "abbreviation": None, "govuk_status": "live"},
        "analytics_identifier": "EA1",
        "parent_organisations": [],
        **extra,
    }


def paged(pages: list[list[dict[str, Any]]]) -> Handler:
    """A fake Organisations API serving ``pages`` (1-based ``?page=``)."""

    def handle(request: httpx.Request) -> httpx.Response:
        page = int(parse_qs(urlsplit(str(request.url)).query).get("page", ["1"])[0])
        body: dict[str, Any] = {
            "results": pages[page - 1],
            "current_page": page,
            "pages": len(pages),
            "total": sum(map(len, pages)),
        }
        if page < len(pages):
            body["next_page_url"] = f"{URL}?page={page + 1}"
        return httpx.Response(200, json=body)

    return handle


def snapshot_page(number: int) -> dict[str, Any]:
    return json.loads((SNAPSHOT / f"organisations-page-{number}.json").read_text("utf-8"))


# -- the recorded snapshot ---------------------------------------------------------------------


def test_snapshot_index_says_how_it_was_made():
    index = json.loads((SNAPSHOT / "index.json").read_text("utf-8"))
    assert index["recorded"] == "2026-11-26"
    assert "no network" in index["note"] and "--record" in index["note"]
    assert len(index["responses"]) >= 3


def test_gather_reads_every_page_once():
    h = replayed()
    items = list(h.gather())
    first = snapshot_page(1)
    assert len(items) == first["total"] == 73
    assert h.http.requests == first["pages"] == 4
    assert len({item.guid for item in items}) == len(items)
    by_guid = {item.guid: item for item in items}
    assert by_guid["cabinet-office"].modified is not None
    assert (
        by_guid["cabinet-office"].url
        == "https://www.gov.uk/government/organisations/cabinet-office"
    )


def test_every_publisher_of_the_demo_records_on_govuk_is_in_the_snapshot():
    slugs = {item.guid for item in replayed().gather()}
    assert {
        "cabinet-office",
        "home-office",
        "ministry-of-defence",
        "ministry-of-justice",
        "department-for-education",
        "department-of-health-and-social-care",
        "office-for-national-statistics",
        "government-digital-service",
        "department-for-exiting-the-european-union",
        "ministry-of-housing-communities-and-local-government",
        "nhs-england",
        "nhs-resolution",
        "judicial-office",
        "review-body-on-senior-salaries",
        "social-mobility-commission",
        "the-scottish-government",
    } <= slugs


def test_transform_maps_a_department():
    h = replayed()
    items = {item.guid: item for item in h.gather()}
    records = h.transform(items["cabinet-office"])
    assert records.datasets == []
    (org,) = records.organisations
    assert org.id == "cabinet-office"
    assert org.name == "Cabinet Office"
    assert org.abbreviation == "CO"
    assert org.organisation_type == "ministerial_department"
    assert org.sectors == ["civil-service"]
    assert org.status == "live"
    assert str(org.homepage) == "https://www.gov.uk/government/organisations/cabinet-office"
    assert org.identifiers["govuk"] == "cabinet-office"
    assert org.identifiers["analytics"] == "D2"
    assert org.identifiers["content_id"]


def test_transform_types_sectors_parents_and_closed_bodies():
    h = replayed()
    orgs = {o.id: o for item in h.gather() for o in h.transform(item).organisations}
    nhs = orgs["nhs-england"]
    assert nhs.organisation_type == "executive_ndpb"
    assert nhs.sectors == ["arms-length-bodies"]
    assert nhs.parent_ids == ["department-of-health-and-social-care"]
    assert orgs["employment-tribunal"].organisation_type == "tribunal"
    assert orgs["employment-tribunal"].sectors == ["judiciary"]
    assert orgs["the-scottish-government"].sectors == ["devolved-administrations"]
    assert orgs["social-mobility-commission"].parent_ids == [
        "cabinet-office",
        "department-for-education",
    ]
    # Types without an ldr:sector carry none.
    assert orgs["government-digital-service"].organisation_type == "sub_organisation"
    assert orgs["government-digital-service"].sectors == []
    assert orgs["office-for-national-statistics"].organisation_type == "other"
    # Closed bodies are kept, with their status.
    dexeu = orgs["department-for-exiting-the-european-union"]
    assert dexeu.status == "closed"
    assert dexeu.identifiers["content_id"] == "f323e83c-868b-4bcb-b6e2-a8f9bb40397e"
    assert orgs["nhs-digital"].status == "closed"
    # An abbreviation that only repeats the name is dropped.
    assert orgs["home-office"].abbreviation is None


def test_unknown_type_becomes_other_without_sector():
    h = replayed()
    item = RemoteItem(guid="x-body", payload=organisation("x-body", format="Quango of some kind"))
    (org,) = h.transform(item).organisations
    assert org.organisation_type == "other"
    assert org.sectors == []


def test_harvested_text_stays_plain():
    h = replayed()
    payload = organisation(
        "x-body",
        title="<script>alert(1)</script>Board <b>of</b> Things<img src=x onerror=alert(1)>",
    )
    payload["details"]["abbreviation"] = "<i>BoT</i>"
    (org,) = h.transform(RemoteItem(guid="x-body", payload=payload)).organisations
    assert org.name == "Board of Things"
    assert org.abbreviation == "BoT"
    assert "<" not in org.name and "alert" not in org.name


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "not an object",
        {"details": {"slug": "no-title"}, "title": ""},
        {"title": "No slug at all"},
        {"title": "Bad slug", "details": {"slug": "not a slug!"}, "id": "", "web_url": ""},
    ],
)
def test_transform_of_a_malformed_item_raises(payload: Any):
    with pytest.raises(TransformError):
        replayed().transform(RemoteItem(guid="broken", payload=payload))


# -- paging --------------------------------------------------------------------------------------


def test_duplicate_slugs_across_pages_are_yielded_once():
    pages = [
        [organisation("a-body"), organisation("b-body")],
        [organisation("b-body"), organisation("c-body")],
    ]
    items = list(harvester(httpx.MockTransport(paged(pages))).gather())
    assert [item.guid for item in items] == ["a-body", "b-body", "c-body"]


def test_stops_at_current_page_equal_to_pages_even_with_a_next_link():
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "results": [organisation("only-body")],
                "current_page": 1,
                "pages": 1,
                "next_page_url": f"{URL}?page=2",
            },
        )

    h = harvester(httpx.MockTransport(handle))
    assert [item.guid for item in h.gather()] == ["only-body"]
    assert h.http.requests == 1


def test_loop_guards():
    # A server that always says there is another page is read up to max_pages.
    def endless(request: httpx.Request) -> httpx.Response:
        page = int(parse_qs(urlsplit(str(request.url)).query)["page"][0])
        body = {
            "results": [organisation(f"body-{page}")],
            "current_page": page,
            "pages": 10_000,
            "next_page_url": f"{URL}?page={page + 1}",
        }
        return httpx.Response(200, json=body)

    h = harvester(httpx.MockTransport(endless), max_pages=5)
    assert len(list(h.gather())) == 5
    assert h.http.requests == 5

    # A server that ignores ?page= and answers page 1 again is not read in a loop.
    def stuck(request: httpx.Request) -> httpx.Response:
        body = {"results": [organisation("same-body")], "current_page": 1, "pages": 3}
        return httpx.Response(200, json={**body, "next_page_url": f"{URL}?page=2"})

    h = harvester(httpx.MockTransport(stuck))
    assert [item.guid for item in h.gather()] == ["same-body"]
    assert h.http.requests == 2


# -- faults --------------------------------------------------------------------------------------


def test_http_500_is_bad_status():
    h = harvester(httpx.MockTransport(lambda request: httpx.Response(500, text="oops")))
    with pytest.raises(BadStatus) as caught:
        list(h.gather())
    assert caught.value.status == 500


def test_429_with_retry_after_then_success():
    calls: list[str] = []
    first = copy.deepcopy(snapshot_page(1))
    first.pop("next_page_url")

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if len(calls) == 1:
            return httpx.Response(429, headers={"Retry-After": "7"})
        return httpx.Response(200, json=first)

    sleeps: list[float] = []
    items = list(harvester(httpx.MockTransport(handle), sleeps).gather())
    assert len(items) == 20
    assert sleeps == [7.0]
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"results": [', "application/json"),
        (b"<!DOCTYPE html><html><body>Sorry, we're having problems</body></html>", "text/html"),
        (b'{"results": "not a list"}', "application/json"),
        (b"[1, 2, 3]", "application/json"),
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
        return httpx.Response(200, headers={"content-length": str(10**12)}, content=b"{}")

    with pytest.raises(TooLarge):
        list(harvester(httpx.MockTransport(handle)).gather())


def test_redirect_loop_is_a_fetch_error():
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": f"{URL}?page=1"})

    with pytest.raises(FetchError, match="redirect"):
        list(harvester(httpx.MockTransport(handle)).gather())
