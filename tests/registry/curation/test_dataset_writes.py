"""Writes to dataset records over the API: every role on every write, ETag / If-Match, and
what each write leaves behind (the record, search, facets, history)."""

from __future__ import annotations

from typing import Any

import pytest
from accounts import bearer
from sqlalchemy import func, select

from schemas import DatasetVersion

ID = "civil-service-stats"
NEW = {"id": "new-record", "title": "Police leaders", "publisher": "home-office"}

# (method, path, json body, query): every dataset write.
WRITES: list[tuple[str, str, dict[str, Any] | None, dict[str, str]]] = [
    ("PATCH", f"/api/datasets/{ID}", {"title": "Better title", "reason": "typo"}, {}),
    ("POST", f"/api/datasets/{ID}/withdraw", {"reason": "duplicate"}, {}),
    ("POST", f"/api/datasets/{ID}/reinstate", {"reason": "not a duplicate"}, {}),
    (
        "POST",
        f"/api/datasets/{ID}/distributions",
        {"access_url": "https://example.org/b.pdf", "format": "pdf"},
        {},
    ),
    (
        "POST",
        f"/api/datasets/{ID}/coverage",
        {"scheme": "grade", "concept": "executive", "reason": "table 3 has directors"},
        {},
    ),
    ("DELETE", f"/api/datasets/{ID}/coverage/attribute/sex", None, {"reason": "no sex column"}),
    ("POST", f"/api/datasets/{ID}/restore", {"version": 1, "reason": "undo"}, {}),
]


def write(client, method, path, body, query, headers):
    return client.request(method, path, json=body, params=query, headers=headers)


def current_etag(client, dataset_id: str = ID, encoding: str = "identity") -> str:
    """The record's ETag as read; a gzipped read carries it weak (``W/"3"``)."""
    response = client.get(f"/api/datasets/{dataset_id}", headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    return response.headers["ETag"]


@pytest.mark.parametrize(("method", "path", "body", "query"), WRITES)
def test_every_write_needs_a_valid_token(client, tokens, record, method, path, body, query):
    tag = current_etag(client)
    for headers in (
        {},
        {"Authorization": "Basic YWRhOnNlY3JldA=="},
        bearer("ldr_not-a-token"),
        bearer(tokens["expired"]),
        bearer(tokens["revoked"]),
    ):
        response = write(client, method, path, body, query, {**headers, "If-Match": tag})
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert current_etag(client) == tag  # nothing written


@pytest.mark.parametrize("role", ["editor", "admin"])
@pytest.mark.parametrize(("method", "path", "body", "query"), WRITES)
def test_editors_and_admins_may_write(client, tokens, record, role, method, path, body, query):
    if path.endswith("/reinstate") or path.endswith("/restore"):
        setup = client.post(
            f"/api/datasets/{ID}/withdraw",
            json={"reason": "first"},
            headers=bearer(tokens[role], **{"If-Match": current_etag(client)}),
        )
        assert setup.status_code == 200
    tag = current_etag(client)
    response = write(client, method, path, body, query, bearer(tokens[role], **{"If-Match": tag}))
    assert response.status_code in (200, 201), response.text
    written = response.headers["ETag"].removeprefix("W/")  # weak when the answer was gzipped
    assert written != tag
    assert written == current_etag(client)


def test_create_needs_an_editor(client, tokens, record):
    assert client.post("/api/datasets", json=NEW).status_code == 401
    assert (
        client.post("/api/datasets", json=NEW, headers=bearer(tokens["expired"])).status_code == 401
    )
    created = client.post(
        "/api/datasets",
        json={**NEW, "reason": "from a PDF report"},
        headers=bearer(tokens["editor"]),
    )
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"].endswith("/api/datasets/new-record")
    again = client.post("/api/datasets", json=NEW, headers=bearer(tokens["admin"]))
    assert again.status_code == 409


def test_wrong_role_is_403(client, engine, record):
    from sqlmodel import Session

    from registry.auth import add_user, create_token
    from schemas import Role

    with Session(engine) as session:
        user = add_user(session=session, name="viewer", role=Role.editor)
        user.role = "viewer"  # a role that may do nothing (say, from a later release)
        session.add(user)
        session.commit()
        secret = create_token(session=session, user_name="viewer").secret
    tag = current_etag(client)
    for method, path, body, query in WRITES:
        response = write(client, method, path, body, query, bearer(secret, **{"If-Match": tag}))
        assert response.status_code == 403, (path, response.text)
    assert client.post("/api/datasets", json=NEW, headers=bearer(secret)).status_code == 403
    assert current_etag(client) == tag


def test_a_stale_if_match_gets_412_and_changes_nothing(client, tokens, record, session):
    tag = current_etag(client)
    first = client.patch(
        f"/api/datasets/{ID}",
        json={"title": "First edit"},
        headers=bearer(tokens["editor"], **{"If-Match": tag}),
    )
    assert first.status_code == 200
    before = client.get(f"/api/datasets/{ID}").json()
    versions = session.execute(select(func.count()).select_from(DatasetVersion)).scalar_one()
    for method, path, body, query in WRITES:
        response = write(
            client, method, path, body, query, bearer(tokens["admin"], **{"If-Match": tag})
        )
        assert response.status_code == 412, (path, response.text)
    assert client.get(f"/api/datasets/{ID}").json() == before
    assert (
        session.execute(select(func.count()).select_from(DatasetVersion)).scalar_one() == versions
    )


def test_no_if_match_is_428_and_star_matches_any(client, tokens, record):
    headers = bearer(tokens["editor"])
    assert (
        client.patch(f"/api/datasets/{ID}", json={"title": "X"}, headers=headers).status_code == 428
    )
    bad = client.patch(
        f"/api/datasets/{ID}", json={"title": "X"}, headers={**headers, "If-Match": "nonsense"}
    )
    assert bad.status_code == 400
    weak = client.patch(
        f"/api/datasets/{ID}",
        json={"title": "X"},
        headers={**headers, "If-Match": "W/" + current_etag(client)},
    )
    assert weak.status_code == 200
    zipped = current_etag(client, encoding="gzip")  # what a client reading with gzip holds
    assert zipped.startswith('W/"')
    again = client.patch(
        f"/api/datasets/{ID}", json={"title": "X2"}, headers={**headers, "If-Match": zipped}
    )
    assert again.status_code == 200
    star = client.patch(
        f"/api/datasets/{ID}", json={"title": "Y"}, headers={**headers, "If-Match": "*"}
    )
    assert star.status_code == 200 and star.json()["title"] == "Y"


def test_edit_reaches_search_facets_and_record(client, tokens, record):
    headers = bearer(tokens["editor"], **{"If-Match": current_etag(client)})
    response = client.patch(
        f"/api/datasets/{ID}",
        json={
            "title": "Senior civil servants by grade",
            "publisher": "home-office",
            "reason": "the source's title is wrong",
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"] == "Senior civil servants by grade"
    assert body["publisher"]["id"] == "home-office"
    assert {c["field"]: (c["value"], c["harvested"]) for c in body["curated"]} == {
        "publisher": ("home-office", "cabinet-office"),
        "title": ("Senior civil servants by grade", "Civil Service Statistics"),
    }
    hits = client.get("/api/datasets", params={"q": "senior servants"}).json()
    assert [h["id"] for h in hits["results"]] == [ID]
    assert client.get("/api/datasets", params={"q": "statistics"}).json()["total"] == 0
    facets = client.get("/api/datasets", params={"publisher": "home-office"}).json()
    assert facets["total"] == 1


def test_bad_values_are_422_and_change_nothing(client, tokens, record):
    tag = current_etag(client)
    headers = bearer(tokens["editor"], **{"If-Match": tag})
    for body in (
        {"title": ""},
        {"licence": "no-such-licence"},
        {"publisher": "no-such-org"},
        {"colour": "red"},
        {"title": None},
    ):
        response = client.patch(f"/api/datasets/{ID}", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["message"]
    unknown = client.post(
        f"/api/datasets/{ID}/coverage",
        json={"scheme": "grade", "concept": "emperor", "reason": "x"},
        headers=headers,
    )
    assert unknown.status_code == 422
    no_reason = client.post(
        f"/api/datasets/{ID}/coverage",
        json={"scheme": "grade", "concept": "executive"},
        headers=headers,
    )
    assert no_reason.status_code == 422
    absent = client.delete(
        f"/api/datasets/{ID}/coverage/grade/executive", params={"reason": "x"}, headers=headers
    )
    assert absent.status_code == 404
    assert current_etag(client) == tag
    assert (
        client.patch("/api/datasets/nope", json={"title": "X"}, headers=headers).status_code == 404
    )


def test_coverage_add_and_remove_are_curated(client, tokens, record):
    headers = lambda: bearer(tokens["editor"], **{"If-Match": current_etag(client)})  # noqa: E731
    added = client.post(
        f"/api/datasets/{ID}/coverage",
        json={"scheme": "grade", "concept": "executive", "reason": "table 3 has directors"},
        headers=headers(),
    )
    assert added.status_code == 201
    statements = {
        (c["scheme"], c["concept"], c["provenance"], c["note"]) for c in added.json()["coverage"]
    }
    assert ("grade", "executive", "curated", "table 3 has directors") in statements
    removed = client.delete(
        f"/api/datasets/{ID}/coverage/attribute/sex",
        params={"reason": "no sex column"},
        headers=headers(),
    )
    assert removed.status_code == 200
    body = removed.json()
    assert not [c for c in body["coverage"] if c["concept"] == "sex"]
    assert body["suppressed_coverage"] == [{"scheme": "attribute", "concept": "sex"}]
    assert client.get("/api/datasets", params={"attribute": "sex"}).json()["total"] == 0
    assert client.get("/api/datasets", params={"grade": "executive"}).json()["total"] == 1


def test_distributions_added_changed_removed(client, tokens, record):
    headers = lambda: bearer(tokens["editor"], **{"If-Match": current_etag(client)})  # noqa: E731
    added = client.post(
        f"/api/datasets/{ID}/distributions",
        json={"id": "report-pdf", "access_url": "https://example.org/r.pdf", "format": "pdf"},
        headers=headers(),
    )
    assert added.status_code == 201, added.text
    assert [d["id"] for d in added.json()["distributions"]][-1] == "report-pdf"
    changed = client.patch(
        f"/api/datasets/{ID}/distributions/report-pdf",
        json={"title": "The report"},
        headers=headers(),
    )
    assert changed.status_code == 200
    assert changed.json()["distributions"][-1]["title"] == "The report"
    assert (
        client.patch(
            f"/api/datasets/{ID}/distributions/nope", json={"title": "x"}, headers=headers()
        ).status_code
        == 404
    )
    removed = client.delete(
        f"/api/datasets/{ID}/distributions/report-pdf",
        params={"reason": "broken"},
        headers=headers(),
    )
    assert removed.status_code == 200
    assert "report-pdf" not in [d["id"] for d in removed.json()["distributions"]]
    assert client.get("/api/datasets", params={"format": "pdf"}).json()["total"] == 0


def test_withdraw_and_reinstate(client, tokens, record):
    withdrawn = client.post(
        f"/api/datasets/{ID}/withdraw",
        json={"reason": "duplicate of another"},
        headers=bearer(tokens["editor"], **{"If-Match": current_etag(client)}),
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["withdrawn_reason"] == "duplicate of another"
    assert client.get("/api/datasets").json()["total"] == 0
    assert client.get("/api/datasets", params={"status": "withdrawn"}).json()["total"] == 1
    back = client.post(
        f"/api/datasets/{ID}/reinstate",
        json={"reason": "it is not"},
        headers=bearer(tokens["editor"], **{"If-Match": current_etag(client)}),
    )
    assert back.json()["status"] == "active"
    assert client.get("/api/datasets").json()["total"] == 1


def test_me_and_openapi_security(client, tokens):
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/me", headers=bearer(tokens["editor"])).json() == {
        "name": "eve",
        "role": "editor",
    }
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    patch = spec["paths"]["/api/datasets/{dataset_id}"]["patch"]
    assert patch["security"] == [{"token": []}]
    assert {"412", "428", "401", "403"} <= set(patch["responses"])
