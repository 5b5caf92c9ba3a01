"""Metadata quality per publisher on a small hand-made catalogue, every number worked out by
hand from the indicator table (registry/quality/mqa.py); and the endpoints that serve it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from builders import dataset, organisation

from registry.errors import NotFound, UnknownFilter
from registry.quality.link_store import LinkResult, store_results
from registry.quality.publishers import one_publisher_quality, publisher_quality
from registry.store import withdraw_dataset

CATALOGUE = [
    organisation("home-office", name="Home Office"),
    organisation("cabinet-office", name="Cabinet Office"),
    organisation("nhs-england", name="NHS England"),
    # keywords 30, a download URL 20, CSV 20 + 10 + 20 + 20, DCAT-AP 30, licence 20 + 10,
    # publisher 10 = 190 (sufficient); its links never checked.
    dataset(
        "h1",
        publisher="home-office",
        keywords=["police"],
        licence="ogl-3",
        distributions=[
            {
                "access_url": "https://h.test/1",
                "download_url": "https://h.test/1.csv",
                "format": "csv",
            }
        ],
    ),
    # PDF: format 20, vocabulary 10, non-proprietary 20; DCAT-AP 30; publisher 10 = 90 (bad).
    dataset(
        "h2",
        publisher="home-office",
        distributions=[{"access_url": "https://h.test/2.pdf", "format": "pdf"}],
    ),
    # Everything the registry can hold, every link answering: 405 less rights (5) = 400.
    dataset(
        "c1",
        publisher="cabinet-office",
        licence="ogl-3",
        access_rights="public",
        keywords=["pay"],
        themes=["gove"],
        spatial=["United Kingdom"],
        temporal_start="2024-01-01",
        issued="2025-01-15",
        modified="2025-02-01T00:00:00Z",
        contact_point={"email": "stats@example.gov.uk"},
        distributions=[
            {
                "access_url": "https://c.test/page",
                "download_url": "https://c.test/file.csv",
                "format": "csv",
                "media_type": "text/csv",
                "byte_size": 10,
            }
        ],
    ),
    dataset("orphan", distributions=[{"access_url": "https://o.test/x"}]),  # DCAT-AP alone: 30
    dataset("gone", publisher="nhs-england", keywords=["vsm"]),  # withdrawn below
]


@pytest.fixture
def loaded(load, session):
    assert load(CATALOGUE).errors == []
    assert withdraw_dataset(session=session, dataset_id="gone", reason="removed at source")
    session.commit()
    when = datetime(2026, 11, 30, tzinfo=UTC)
    store_results(
        session=session,
        results=[
            LinkResult(url=u, ok=True, checked_at=when, status_code=200)
            for u in ("https://c.test/page", "https://c.test/file.csv")
        ],
    )


@pytest.mark.usefixtures("loaded")
def test_each_publisher_with_active_datasets_is_summarised(session):
    found = {s["publisher"]: s for s in publisher_quality(session=session)}
    assert set(found) == {"home-office", "cabinet-office", None}  # NHS England: none active
    home = found["home-office"]
    assert (home["name"], home["datasets"], home["mean_score"], home["median_score"]) == (
        "Home Office",
        2,
        140.0,
        140.0,
    )
    assert home["bands"] == {"excellent": 0, "good": 0, "sufficient": 1, "bad": 1}
    assert home["points_to_gain"] == 2 * 405 - (190 + 90)
    top = home["to_gain"][:3]
    # Access URLs never checked: 50 x 2; themes 30 x 2; download URLs 30 x 2 (h1's unchecked,
    # h2 has none); equal points keep the indicator table's order.
    assert [(g["indicator"], g["points_to_gain"], g["datasets_missing"]) for g in top] == [
        ("accessUrlStatusCode", 100, 2),
        ("categoryAvailability", 60, 2),
        ("downloadUrlStatusCode", 60, 2),
    ]
    assert (top[0]["per_dataset"], top[0]["not_checked"], top[2]["not_checked"]) == (50.0, 2, 1)
    assert top[1]["advice"] == "add a data theme" and "not_checked" not in top[1]
    licence = next(g for g in home["to_gain"] if g["indicator"] == "licenceAvailability")
    assert (licence["datasets_missing"], licence["per_dataset"]) == (1, 10.0)
    cabinet = found["cabinet-office"]
    assert (cabinet["mean_score"], cabinet["bands"]["excellent"]) == (400.0, 1)
    assert [g["indicator"] for g in cabinet["to_gain"]] == ["rightsAvailability"]
    orphan = found[None]
    assert (orphan["name"], orphan["mean_score"], orphan["points_to_gain"]) == (
        "(no publisher)",
        30.0,
        375,
    )


@pytest.mark.usefixtures("loaded")
def test_sorting_filtering_and_one_publisher(session):
    def order(sort: str) -> list:
        return [s["publisher"] for s in publisher_quality(session=session, sort=sort)]

    assert order("gain") == ["home-office", None, "cabinet-office"]  # 530, 375, 5
    assert order("score") == [None, "home-office", "cabinet-office"]
    assert order("-score") == ["cabinet-office", "home-office", None]
    assert order("name") == [None, "cabinet-office", "home-office"]  # "(no publisher)" first
    only = publisher_quality(session=session, publisher="cabinet-office")
    assert [s["publisher"] for s in only] == ["cabinet-office"]
    with pytest.raises(UnknownFilter):
        publisher_quality(session=session, publisher="nope")
    with pytest.raises(UnknownFilter):
        publisher_quality(session=session, sort="best")
    nhs = one_publisher_quality(session=session, publisher="nhs-england")
    assert (nhs["datasets"], nhs["mean_score"], nhs["to_gain"]) == (0, None, [])
    with pytest.raises(NotFound):
        one_publisher_quality(session=session, publisher="nope")


@pytest.mark.usefixtures("loaded")
def test_the_endpoints(client):
    body = client.get("/api/quality/publishers", params={"sort": "score"}).json()
    assert body["total"] == 3 and body["publishers"][0]["publisher"] is None
    assert set(body["publishers"][0]) >= {
        "publisher",
        "name",
        "datasets",
        "mean_score",
        "median_score",
        "bands",
        "points_to_gain",
        "to_gain",
    }
    one = client.get("/api/quality/publishers", params={"publisher": "home-office"}).json()
    assert [p["publisher"] for p in one["publishers"]] == ["home-office"]
    home = client.get("/api/quality/publishers/home-office").json()
    assert home == one["publishers"][0]
    assert client.get("/api/quality/publishers", params={"sort": "best"}).status_code == 422
    unknown = client.get("/api/quality/publishers", params={"publisher": "nope"})
    assert unknown.status_code == 400
    assert client.get("/api/quality/publishers/nope").status_code == 404
