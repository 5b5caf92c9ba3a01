"""Security headers, read-only CORS, request limits and gzip, through the whole app."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from catalogue import CATALOGUE
from fastapi.testclient import TestClient

from registry.app import create_app
from registry.config import Settings
from registry.http.headers import inline_script_hashes

ORIGIN = {"Origin": "https://other.example"}


@pytest.fixture
def loaded(client: TestClient, load) -> TestClient:
    load(CATALOGUE)
    return client


@pytest.mark.parametrize("path", ["/", "/search", "/api/datasets", "/catalog.ttl", "/nowhere"])
def test_every_response_has_the_security_headers(loaded: TestClient, path: str):
    headers = loaded.get(path).headers
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy and "'unsafe-inline'" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-frame-options"] == "DENY"


def test_the_policy_allows_exactly_the_inline_scripts_a_page_runs(loaded: TestClient):
    page = loaded.get("/search?q=police").text
    inline = [
        s
        for attrs, s in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
        if "src=" not in attrs and "application/ld+json" not in attrs
    ]
    assert inline, "the layout's js-enabled switch is an inline script"
    policy = loaded.get("/search").headers["content-security-policy"]
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert len(inline_script_hashes()) == len(set(inline))


def test_the_gap_report_keeps_its_own_policy_for_its_inline_style(loaded: TestClient):
    response = loaded.get("/api/gaps/report.html")
    policy = response.headers["content-security-policy"]
    assert "<style>" in response.text
    assert "style-src 'unsafe-inline'" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy  # no script may run in it at all


def test_the_api_docs_page_may_load_swagger_ui(loaded: TestClient):
    policy = loaded.get("/docs").headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in policy and "frame-ancestors 'none'" in policy


def test_cors_lets_any_site_read(loaded: TestClient):
    response = loaded.get("/api/datasets", headers=ORIGIN)
    assert response.headers["access-control-allow-origin"] == "*"
    assert "ETag" in response.headers["access-control-expose-headers"]
    preflight = loaded.options(
        "/api/datasets",
        headers={**ORIGIN, "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["access-control-allow-methods"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_cors_refuses_writes(loaded: TestClient, method: str):
    preflight = loaded.options(
        "/api/datasets", headers={**ORIGIN, "Access-Control-Request-Method": method}
    )
    assert preflight.status_code == 400  # a failed preflight: the browser never sends it
    assert "Disallowed CORS method" in preflight.text
    assert method not in preflight.headers["access-control-allow-methods"]


def test_a_cross_site_post_gets_no_cors_header(loaded: TestClient):
    # CKAN clients may POST a read; a browser page on another site still cannot read it.
    response = loaded.post("/api/3/action/package_list", json={}, headers=ORIGIN)
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_cors_can_be_limited_to_named_origins(settings: Settings):
    limited = settings.model_copy(update={"cors_origins": "https://ok.example"})
    with TestClient(create_app(limited)) as client:
        ok = client.get("/api/vocab", headers={"Origin": "https://ok.example"})
        other = client.get("/api/vocab", headers=ORIGIN)
    assert ok.headers["access-control-allow-origin"] == "https://ok.example"
    assert "access-control-allow-origin" not in other.headers


def test_an_oversize_query_string_is_414_with_a_message(loaded: TestClient):
    response = loaded.get("/api/datasets", params={"q": "x" * 9000})
    assert response.status_code == 414
    assert "at most 8192" in response.json()["error"]["message"]
    assert loaded.get("/api/datasets", params={"q": "x" * 400}).status_code == 200


def test_an_oversize_body_is_413_with_a_message_in_the_api_shape(loaded: TestClient):
    response = loaded.post("/api/3/action/package_search", content=b"{" + b" " * 1_000_001)
    assert response.status_code == 413
    assert response.json()["error"]["message"] == (
        "the request body is larger than the 1,000,000 bytes allowed"
    )
    assert loaded.get("/api/datasets").status_code == 200


def test_an_oversize_body_to_a_page_gets_the_sites_error_page(loaded: TestClient):
    response = loaded.post(
        "/suggest",
        content=b"x" * 1_000_001,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "govuk-template" in response.text


def test_an_oversize_chunked_body_is_413(loaded: TestClient):
    def chunks():
        for _ in range(20):
            yield b" " * 100_000

    response = loaded.post("/api/3/action/package_search", content=chunks())
    assert response.status_code == 413
    assert "1,000,000 bytes" in response.json()["error"]["message"]


def test_responses_are_gzipped_for_clients_that_ask(loaded: TestClient):
    zipped = loaded.get("/catalog.ttl", headers={"Accept-Encoding": "gzip"})
    plain = loaded.get("/catalog.ttl", headers={"Accept-Encoding": "identity"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.text == plain.text  # the client unzipped it
    assert "Accept-Encoding" in zipped.headers["vary"] and "Accept" in zipped.headers["vary"]


def test_the_feed_still_answers_304_and_its_etag_through_gzip(loaded: TestClient):
    first = loaded.get("/catalog.ttl", headers={"Accept-Encoding": "gzip"})
    tag = first.headers["etag"]
    again = loaded.get("/catalog.ttl", headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""


def test_the_csv_download_still_streams_gzipped(loaded: TestClient):
    with loaded.stream("GET", "/api/datasets.csv", headers={"Accept-Encoding": "gzip"}) as r:
        assert r.headers["content-encoding"] == "gzip"
        assert "content-length" not in r.headers  # streamed, not buffered whole
        text = r.read().decode()
    assert text.startswith("id,title")


def test_gzip_can_be_switched_off(settings: Settings, load):
    load(CATALOGUE)
    with TestClient(create_app(settings.model_copy(update={"gzip": False}))) as client:
        response = client.get("/catalog.ttl", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers


def test_a_gzipped_answer_weakens_its_etag_and_still_gets_its_304(loaded: TestClient):
    plain = loaded.get("/catalog.ttl", headers={"Accept-Encoding": "identity"})
    zipped = loaded.get("/catalog.ttl", headers={"Accept-Encoding": "gzip"})
    strong = plain.headers["etag"]
    assert not strong.startswith("W/") and zipped.headers["etag"] == "W/" + strong
    for tag in (strong, zipped.headers["etag"]):
        again = loaded.get("/catalog.ttl", headers={"If-None-Match": tag})
        assert again.status_code == 304


@pytest.mark.parametrize(
    ("accept", "zipped"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("*", True),
        ("*;q=0", False),
        ("br, *;q=0.1", True),
        ("GZIP", True),
        ("gzip;q=zero", False),
    ],
)
def test_gzip_follows_the_clients_accept_encoding(loaded: TestClient, accept: str, zipped: bool):
    response = loaded.get("/catalog.ttl", headers={"Accept-Encoding": accept})
    assert (response.headers.get("content-encoding") == "gzip") is zipped
    assert "Accept-Encoding" in response.headers["vary"]
    assert response.text.startswith("@prefix")


def test_small_answers_and_304s_are_not_compressed(loaded: TestClient):
    small = loaded.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers
    tag = loaded.get("/catalog.ttl").headers["etag"]
    empty = loaded.get("/catalog.ttl", headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert empty.status_code == 304 and "content-encoding" not in empty.headers


def test_the_compressed_bytes_are_gzip_with_a_length_that_matches(loaded: TestClient):
    import gzip

    with loaded.stream("GET", "/catalog.nt", headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())
    assert int(response.headers["content-length"]) == len(raw)
    text = gzip.decompress(raw).decode()
    assert text == loaded.get("/catalog.nt", headers={"Accept-Encoding": "identity"}).text
