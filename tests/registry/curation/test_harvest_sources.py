"""Harvest source writes over the API: admins only, validated, previewed before saving."""

from __future__ import annotations

import httpx
import pytest
from accounts import bearer
from fastapi.testclient import TestClient

import harvesters
from registry.app import create_app

URL = "https://source.example/items.json"
ENTRIES = [{"guid": "a", "title": "Police leaders"}, {"guid": "b", "title": "B", "fail": "bad"}]
SOURCE = {"name": "new-feed", "kind": "fake", "url": URL, "title": "A new feed"}


@pytest.fixture
def app_client(settings, monkeypatch):
    monkeypatch.setitem(harvesters.HARVESTERS, "fake", "fakes:FakeHarvester")
    app = create_app(settings)
    answered: list[str] = []

    def factory(_settings, _name):
        def handle(request: httpx.Request) -> httpx.Response:
            answered.append(str(request.url))
            return httpx.Response(200, json=ENTRIES)

        return httpx.Client(transport=httpx.MockTransport(handle))

    app.state.harvest_client = factory
    with TestClient(app) as client:
        client.answered = answered  # type: ignore[attr-defined]
        yield client


WRITES = [
    ("POST", "/api/harvest/sources", SOURCE),
    ("PATCH", "/api/harvest/sources/new-feed", {"title": "Renamed"}),
    ("POST", "/api/harvest/sources/new-feed/preview", None),
    ("POST", "/api/harvest/sources/new-feed/disable", None),
    ("POST", "/api/harvest/preview", SOURCE),
]


def test_every_source_write_is_for_admins(app_client, tokens):
    for method, path, body in WRITES:
        for headers, status in (
            ({}, 401),
            (bearer(tokens["expired"]), 401),
            (bearer(tokens["revoked"]), 401),
            (bearer(tokens["editor"]), 403),
        ):
            response = app_client.request(method, path, json=body, headers=headers)
            assert response.status_code == status, (path, headers, response.text)
    assert app_client.get("/api/harvest/sources").json() == []
    for method, path, body in WRITES:
        response = app_client.request(method, path, json=body, headers=bearer(tokens["admin"]))
        assert response.status_code in (200, 201), (path, response.text)
    (source,) = app_client.get("/api/harvest/sources").json()
    assert (source["name"], source["title"], source["enabled"]) == ("new-feed", "Renamed", False)


def test_preview_before_saving_writes_nothing(app_client, tokens):
    response = app_client.post(
        "/api/harvest/preview", json=SOURCE, params={"limit": 2}, headers=bearer(tokens["admin"])
    )
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [i["guid"] for i in items] == ["a", "b"]
    assert items[0]["datasets"][0]["id"] == "fake-a"
    assert (items[1]["stage"], items[1]["error"]) == ("transform", "cannot map b: bad")
    assert app_client.answered == [URL]
    assert app_client.get("/api/harvest/sources").json() == []
    assert app_client.get("/api/datasets").json()["total"] == 0


def test_bad_sources_are_refused(app_client, tokens):
    admin = bearer(tokens["admin"])
    for body in (
        {**SOURCE, "kind": "no-such-kind"},
        {**SOURCE, "url": "ftp://example.org/x"},
        {**SOURCE, "url": "not a url"},
        {**SOURCE, "name": "bad name!"},
        {**SOURCE, "kind": "ckan", "options": {"rows": "many"}},
        {**SOURCE, "options": {"anything": 1}},
    ):
        response = app_client.post("/api/harvest/sources", json=body, headers=admin)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["message"]
    assert app_client.post("/api/harvest/sources", json=SOURCE, headers=admin).status_code == 201
    assert app_client.post("/api/harvest/sources", json=SOURCE, headers=admin).status_code == 409
    bad = app_client.patch("/api/harvest/sources/new-feed", json={"url": "nope"}, headers=admin)
    assert bad.status_code == 422
    assert (
        app_client.patch(
            "/api/harvest/sources/new-feed", json={"options": {"x": 1}}, headers=admin
        ).status_code
        == 422
    )
    assert (
        app_client.patch(
            "/api/harvest/sources/nope", json={"title": "x"}, headers=admin
        ).status_code
        == 404
    )
    assert app_client.get("/api/harvest/sources").json()[0]["url"] == URL
