"""Hostile requests: FTS syntax and SQL metacharacters in ``q`` and the filters, path traversal
in every file-like name, deep JSON in bodies and JSON Lines. Never a 5xx; nothing stored lost."""

from __future__ import annotations

import json

import pytest
from catalogue import CATALOGUE
from fastapi.testclient import TestClient
from sqlmodel import Session

from registry.loading import load_lines

QUERIES = [
    '"',
    '"unbalanced',
    "*",
    "**",
    "a*b*",
    "NEAR(police chief)",
    "police OR",
    "AND",
    "NOT",
    "-police",
    "^police",
    "title:police",
    "{title}: police",
    "police + ethnicity",
    "(((",
    ")",
    "'; DROP TABLE dataset; --",
    "' OR '1'='1",
    "%",
    "_",
    "\\",
    "police\x00ethnicity",
    "🙂 police",
    "a & b | !c",
    "<-> :* &",
    "police ethnicity " * 20,
]


@pytest.fixture
def loaded(client: TestClient, load) -> TestClient:
    assert load(CATALOGUE).errors == []
    return client


def _total(client: TestClient) -> int:
    return client.get("/api/datasets").json()["total"]


@pytest.mark.parametrize("q", QUERIES)
def test_search_syntax_and_sql_in_q_never_fail(loaded: TestClient, q: str):
    before = _total(loaded)
    for path in ("/api/datasets", "/api/datasets.csv", "/search", "/catalog.ttl"):
        response = loaded.get(path, params={"q": q})
        assert response.status_code in (200, 400, 404, 422), (path, response.text[:300])
        if response.status_code != 200:
            assert (
                response.json()["error"]["message"]
                if "json" in response.headers["content-type"]
                else response.text
            )
    ckan = loaded.get("/api/3/action/package_search", params={"q": q})
    assert ckan.status_code in (200, 400, 409), ckan.text[:300]
    assert _total(loaded) == before


def test_words_still_match_amid_operators(loaded: TestClient):
    plain = {h["id"] for h in loaded.get("/api/datasets", params={"q": "police"}).json()["results"]}
    noisy = loaded.get("/api/datasets", params={"q": 'police "'}).json()["results"]
    assert plain and {h["id"] for h in noisy} <= plain


@pytest.mark.parametrize(
    "params",
    [
        {"sector": "'; DROP TABLE dataset; --"},
        {"grade": "' OR 1=1 --"},
        {"licence": "../../etc/passwd"},
        {"year": "2020; DELETE FROM dataset"},
        {"sort": "title; DROP TABLE dataset"},
        {"status": "all' --"},
        {"page": "-1"},
        {"size": "100000000000000000000"},
    ],
)
def test_sql_in_filters_is_a_clear_4xx(loaded: TestClient, params: dict[str, str]):
    before = _total(loaded)
    response = loaded.get("/api/datasets", params=params)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]["message"]
    assert _total(loaded) == before


@pytest.mark.parametrize("value", ["%", "_%", "*", "' OR '1'='1"])
def test_a_wildcard_publisher_matches_nothing(loaded: TestClient, value: str):
    response = loaded.get("/api/datasets", params={"publisher": value})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["total"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/assets/..%2f..%2f..%2fetc%2fpasswd",
        "/assets/%2e%2e%2fregistry.css",
        "/assets/govuk/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/assets/govuk/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/assets/..\\..\\etc\\passwd",
        "/datasets/..%2f..%2fetc%2fpasswd",
        "/datasets/..%2f..%2fetc%2fpasswd.ttl",
        "/api/datasets/..%2f..%2fetc%2fpasswd",
        "/vocab/..%2f..%2fetc%2fpasswd.ttl",
        "/vocab/grade/..%2f..%2fetc%2fpasswd",
        "/organisations/..%2f..%2fetc%2fpasswd",
        "/gaps/cells/..%2f/..%2f/etc%2fpasswd",
        "/api/harvest/sources/..%2f..%2fetc%2fpasswd",
    ],
)
def test_path_traversal_reads_nothing(loaded: TestClient, path: str):
    response = loaded.get(path)
    assert response.status_code in (400, 404, 422), (path, response.status_code)
    assert "root:" not in response.text


def test_deep_json_in_a_ckan_post_is_a_clear_error(loaded: TestClient):
    response = loaded.post(
        "/api/3/action/package_search",
        content=b"[" * 100_000 + b"]" * 100_000,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code in (400, 409)
    assert "nested too deeply" in response.text


def test_a_deep_json_line_is_reported_and_the_others_kept(session: Session):
    good = json.dumps({"type": "organisation", "id": "kept-org", "name": "Kept"})
    report = load_lines(session=session, lines=["[" * 100_000 + "]" * 100_000, good])
    assert [(e.line, e.messages) for e in report.errors] == [
        (1, ["not valid JSON: nested too deeply"])
    ]
    assert report.loaded == 1
