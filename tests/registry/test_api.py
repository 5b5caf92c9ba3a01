"""The JSON API over HTTP: search, facets with toggle URLs, CSV twin, records, errors."""

from __future__ import annotations

import csv
import io

import pytest
from builders import dataset, organisation
from catalogue import CATALOGUE


@pytest.fixture
def catalogue(load):
    assert load(CATALOGUE).errors == []


def ids(body: dict) -> list[str]:
    return [hit["id"] for hit in body["results"]]


def test_search_returns_results_facets_and_links(catalogue, client):
    response = client.get("/api/datasets", params={"q": "ethnicity"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 3
    assert ids(body)[0] == "scs-ethnicity"
    assert [f["name"] for f in body["facets"]] == [
        "publisher",
        "sector",
        "grade",
        "attribute",
        "theme",
        "format",
        "licence",
        "year",
    ]
    hit = body["results"][0]
    assert hit["publisher"] == {"id": "cabinet-office", "name": "Cabinet Office"}
    assert hit["url"] == "http://registry.test/api/datasets/scs-ethnicity"
    assert body["links"]["csv"] == "http://registry.test/api/datasets.csv?q=ethnicity"


def test_toggle_urls_add_and_remove_a_filter(catalogue, client):
    body = client.get("/api/datasets").json()
    sector = next(f for f in body["facets"] if f["name"] == "sector")
    police = next(v for v in sector["values"] if v["value"] == "police")
    assert police["label"] == "Police" and police["count"] == 1 and not police["selected"]

    filtered = client.get(police["toggle_url"]).json()
    assert ids(filtered) == ["police-workforce"]
    assert filtered["filters"] == {"sector": ["police"]}
    sector = next(f for f in filtered["facets"] if f["name"] == "sector")
    police = next(v for v in sector["values"] if v["value"] == "police")
    assert police["selected"]

    unfiltered = client.get(police["toggle_url"]).json()
    assert unfiltered["total"] == 4 and unfiltered["filters"] == {}


def test_paging_links(load, client):
    load([dataset(f"d{i:02d}") for i in range(45)])
    first = client.get("/api/datasets", params={"size": 20, "sort": "title"}).json()
    assert first["pages"] == 3 and first["links"]["prev"] is None
    second = client.get(first["links"]["next"]).json()
    third = client.get(second["links"]["next"]).json()
    assert third["links"]["next"] is None
    seen = ids(first) + ids(second) + ids(third)
    assert seen == sorted(seen) and len(set(seen)) == 45
    assert client.get(first["links"]["last"]).json()["page"] == 3


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"colour": "red"}, 400, "unknown parameter 'colour'"),
        ({"grade": "general"}, 400, "grade 'general' is not in the grade vocabulary"),
        ({"year": "twenty"}, 400, "four-digit year"),
        ({"page": "0"}, 422, "page"),
        ({"page": "two"}, 422, "'two'"),
        ({"page": "7"}, 404, "past the last page"),
        ({"sort": "colour"}, 422, "sort"),
        ({"size": "5000"}, 400, "larger than the maximum"),
    ],
)
def test_bad_requests_say_what_was_wrong(catalogue, client, params, status, words):
    response = client.get("/api/datasets", params=params)
    assert response.status_code == status
    assert words in response.json()["error"]["message"]


def test_csv_twin_has_every_hit(load, client):
    load(
        [
            organisation("cabinet-office", name="Cabinet Office"),
            dataset("formula", title='=HYPERLINK("http://evil")', publisher="cabinet-office"),
            *[dataset(f"d{i:02d}", title=f"Plain {i}") for i in range(30)],
        ]
    )
    response = client.get("/api/datasets.csv", params={"size": 5})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 31  # every hit, not one page
    formula = next(r for r in rows if r["id"] == "formula")
    assert formula["title"].startswith("'=")
    assert formula["publisher_name"] == "Cabinet Office"


def test_csv_twin_refuses_bad_filters(client):
    response = client.get("/api/datasets.csv", params={"sector": "moon"})
    assert response.status_code == 400


def test_one_dataset(catalogue, client):
    body = client.get("/api/datasets/scs-ethnicity").json()
    assert body["title"] == "Ethnicity of the senior civil service"
    assert body["licence"] == "ogl-3" and body["licence_label"].startswith("Open Government")
    assert body["distributions"][0]["format"] == "csv"
    grade = next(c for c in body["coverage"] if c["scheme"] == "grade")
    assert grade == {
        "scheme": "grade",
        "concept": "scs2",
        "label": grade["label"],
        "uri": "http://registry.test/vocab/grade/scs2",
        "provenance": "declared",
        "note": None,
    }
    assert client.get(grade["uri"]).json()["notation"] == "scs2"


def test_unknown_dataset_is_404(client):
    response = client.get("/api/datasets/nope")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "no dataset with id 'nope'"


def test_organisations(catalogue, client):
    body = client.get("/api/organisations").json()
    counts = {o["id"]: o["dataset_count"] for o in body}
    assert counts == {"cabinet-office": 2, "home-office": 1, "nhs-england": 1}
    assert client.get("/api/organisations/home-office").json()["name"] == "Home Office"
    assert client.get("/api/organisations/nope").status_code == 404
    assert client.get("/api/organisations", params={"sector": "moon"}).status_code == 400


def test_vocabularies(client):
    listing = client.get("/api/vocab").json()
    assert [s["name"] for s in listing][:3] == ["sector", "grade", "attribute"]
    grade = client.get("/api/vocab/grade").json()
    assert grade["uri"] == "http://registry.test/vocab/grade"
    scs2 = next(c for c in grade["concepts"] if c["notation"] == "scs2")
    assert "executive" in scs2["broader"]
    assert scs2["uri"] == "http://registry.test/vocab/grade/scs2"
    licence = client.get("/api/vocab/licence").json()
    assert licence["concepts"][0]["notation"] == "ogl-3"
    missing = client.get("/api/vocab/colours")
    assert missing.status_code == 404 and "known:" in missing.json()["error"]["message"]
    assert client.get("/vocab/grade/nope").status_code == 404


def test_openapi_documents_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/datasets",
        "/api/datasets.csv",
        "/api/datasets/{dataset_id}",
        "/api/organisations",
        "/api/vocab/{scheme}",
    ):
        assert path in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/datasets"]["get"]["parameters"]}
    assert {"q", "sort", "page", "size", "grade", "sector", "year"} <= params


def test_unknown_route_is_a_json_404(client):
    response = client.get("/no/such/thing")
    assert response.status_code == 404
    assert "error" in response.json()
