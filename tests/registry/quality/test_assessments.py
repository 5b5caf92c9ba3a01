"""One dataset's MQA assessment from its stored record and the link checker's answers, each
expected score worked out by hand from the indicator table (registry/quality/mqa.py); and the
endpoint that serves it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from builders import dataset, organisation

from registry.errors import NotFound
from registry.quality.assessments import dataset_quality
from registry.quality.link_store import LinkResult, store_results

WHEN = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
FULL = dataset(
    "full",
    title="Senior civil servants by pay band",
    publisher="cabinet-office",
    licence="ogl-3",
    access_rights="public",
    keywords=["pay"],
    themes=["gove"],
    spatial=["United Kingdom"],
    temporal_start="2024-01-01",
    temporal_end="2024-12-31",
    issued="2025-01-15",
    modified="2025-02-01T00:00:00Z",
    contact_point={"name": "Workforce statistics", "email": "stats@example.gov.uk"},
    distributions=[
        {
            "access_url": "https://a.test/page",
            "download_url": "https://a.test/file.csv",
            "format": "csv",
            "media_type": "text/csv",
            "byte_size": 2048,
        },
        {"access_url": "https://a.test/report.pdf", "format": "pdf"},
    ],
)
BARE = dataset("bare", distributions=[{"access_url": "https://b.test/somewhere"}])


def answer(url: str, status: int, *, when: datetime = WHEN) -> LinkResult:
    ok = status < 400
    return LinkResult(
        url=url,
        ok=ok,
        checked_at=when,
        status_code=status,
        error=None if ok else f"HTTP {status} Not Found",
        kind=None if ok else f"HTTP {status}",
    )


@pytest.fixture
def loaded(load):
    assert load([organisation("cabinet-office"), FULL, BARE]).errors == []


@pytest.mark.usefixtures("loaded")
def test_a_full_record_with_one_broken_access_url(session):
    store_results(
        session=session,
        results=[
            answer("https://a.test/page", 200),
            answer("https://a.test/file.csv", 200),
            answer("https://a.test/report.pdf", 404),
        ],
    )
    found = dataset_quality(session=session, dataset_id="full")
    # findability 30 + 30 + 20 + 20 = 100; accessibility: one access URL broken (0), a download
    # URL (20) that answers (30) = 50; interoperability: format 20, media type 10, vocabulary
    # 10, non-proprietary 20, machine-readable 20, DCAT-AP 30 = 110; reusability: licence 20,
    # known 10, access rights 10 + 5, contact 20, publisher 10 = 75; contextuality: no rights
    # statement (the registry keeps none) 0, byte size 5, issued 5, modified 5 = 15. 350: good.
    assert (found["score"], found["band"], found["maximum"]) == (350, "good", 405)
    assert found["dimensions"] == {
        "findability": {"points": 100, "maximum": 100},
        "accessibility": {"points": 50, "maximum": 100},
        "interoperability": {"points": 110, "maximum": 110},
        "reusability": {"points": 75, "maximum": 75},
        "contextuality": {"points": 15, "maximum": 20},
    }
    rows = {r["indicator"]: r for r in found["indicators"]}
    access = rows["accessUrlStatusCode"]
    assert (access["points"], access["to_gain"]) == (0, "fix broken links")
    assert access["explanation"] == (
        "1 of 2 checked access URL(s) answered; "
        "https://a.test/report.pdf: HTTP 404 Not Found on 2026-11-30"
    )
    assert rows["downloadUrlStatusCode"]["explanation"] == "1 of 1 checked download URL(s) answered"
    assert rows["rightsAvailability"]["explanation"] == "lacks a rights statement"
    links = {link["url"]: link for link in found["links"]}
    assert links["https://a.test/page"]["roles"] == ["access"]
    assert links["https://a.test/file.csv"]["roles"] == ["download"]
    pdf = links["https://a.test/report.pdf"]
    assert (pdf["ok"], pdf["status_code"]) == (False, 404)
    assert pdf["checked_at"].startswith("2026-11-30T09:00")
    # The link is mended and checked again: the newest answer replaces the last one.
    store_results(session=session, results=[answer("https://a.test/report.pdf", 200)])
    mended = dataset_quality(session=session, dataset_id="full")
    assert (mended["score"], mended["band"]) == (400, "excellent")


@pytest.mark.usefixtures("loaded")
def test_a_bare_record_unchecked_earns_only_dcat_ap_and_is_told_why(session):
    found = dataset_quality(session=session, dataset_id="bare")
    assert (found["score"], found["band"]) == (30, "bad")  # DCAT-AP compliance alone
    rows = {r["indicator"]: r for r in found["indicators"]}
    assert rows["accessUrlStatusCode"]["explanation"] == (
        "1 access URL(s) not checked yet (registry check-links)"
    )
    assert rows["downloadUrlStatusCode"]["explanation"] == "no download URL"
    assert rows["keywordAvailability"]["to_gain"] == "add keywords"
    assert found["links"] == [
        {
            "url": "https://b.test/somewhere",
            "roles": ["access"],
            "checked_at": None,
            "ok": None,
            "status_code": None,
            "final_url": None,
            "error": None,
        }
    ]
    with pytest.raises(NotFound, match="no dataset with id 'nope'"):
        dataset_quality(session=session, dataset_id="nope")


@pytest.mark.usefixtures("loaded")
def test_the_endpoint_serves_the_assessment_and_404s_unknown_ids(client):
    response = client.get("/api/datasets/bare/quality")
    assert response.status_code == 200
    body = response.json()
    assert body["dataset"] == "bare" and body["score"] == 30 and len(body["indicators"]) == 23
    assert sum(d["maximum"] for d in body["dimensions"].values()) == 405
    missing = client.get("/api/datasets/nope/quality")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "no dataset with id 'nope'"
