"""Suggest a dataset: the public API (validation, size caps, the rate limit), and an editor's
accept and reject (the CLI and the data functions) with what each makes visible."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from registry.app import create_app
from registry.cli import app as cli
from registry.errors import Conflict, TooManyRequests
from registry.ratelimit import WINDOW, check_limit, record_submission
from registry.suggestions import accept_suggestion, list_suggestions, reject_suggestion
from schemas import Dataset, SubmissionLog, Suggestion
from schemas.common import now

GOOD = {
    "title": "Headteachers by ethnicity, 2024",
    "link": "https://example.org/headteachers.csv",
    "publisher": "Department for Education",
    "description": "Ethnicity of headteachers in state-funded schools in England.",
    "sectors": ["schools"],
    "grades": ["headteacher"],
    "attributes": ["ethnicity"],
    "contact": "researcher@example.org",
}


def suggest(client: TestClient, body: dict | None = None, **headers: str):
    return client.post("/api/suggestions", json=body or GOOD, headers=headers)


def test_a_suggestion_is_stored_pending_and_not_searchable(client, session):
    answer = suggest(client)
    assert answer.status_code == 201, answer.text
    receipt = answer.json()
    assert receipt["status"] == "pending" and receipt["id"] >= 1
    stored = session.get(Suggestion, receipt["id"])
    assert stored.title == GOOD["title"] and stored.link == GOOD["link"]
    assert stored.grades == ["headteacher"] and stored.contact == "researcher@example.org"
    found = client.get("/api/datasets", params={"q": "headteachers"}).json()
    assert found["total"] == 0
    cell = client.get("/api/gaps/cells/schools/head-of-organisation/ethnicity").json()
    assert cell["datasets"] == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "title: String should have at least 1 character"),
        ({"link": "ftp://example.org/x.csv"}, "link: a link must start with http:// or https://"),
        ({"link": "javascript:alert(1)"}, "link: a link must start with http:// or https://"),
        ({"link": "https://" + "a" * 2100}, "link: a link is at most 2000 characters"),
        ({"title": "x" * 301}, "title: String should have at most 300 characters"),
        ({"description": "y" * 5001}, "description: String should have at most 5000 characters"),
        ({"contact": "not an email"}, "contact: value is not a valid email address"),
        ({"sectors": ["polise"]}, "sectors.0: 'polise' is not a sector notation"),
        ({"attributes": ["sex"] * 21}, "attributes: List should have at most 20 items"),
        ({"extra": 1}, "extra: Extra inputs are not permitted"),
    ],
)
def test_bad_fields_are_422_naming_the_field(client, session, change, message):
    answer = suggest(client, {**GOOD, **change})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert message in error["message"], error
    assert session.exec(select(Suggestion)).first() is None


def test_missing_fields_are_all_named(client):
    error = suggest(client, {"title": "Only a title"}).json()["error"]
    assert {"link: Field required", "publisher: Field required"} <= set(error["detail"])
    assert "description: Field required" in error["detail"]


def test_not_json_is_415_or_422(client):
    form = client.post("/api/suggestions", data={"title": "x"})
    assert form.status_code == 415 and "application/json" in form.json()["error"]["message"]
    broken = client.post(
        "/api/suggestions", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 422 and "not valid JSON" in broken.json()["error"]["message"]
    listed = client.post("/api/suggestions", json=[GOOD])
    assert listed.status_code == 422 and "JSON object" in listed.json()["error"]["message"]


def test_a_spam_sized_body_is_413(client, session):
    big = {**GOOD, "description": "z" * 20_000}
    answer = suggest(client, big)
    assert answer.status_code == 413
    assert "over 16,384 bytes" in answer.json()["error"]["message"]

    def chunks():  # no Content-Length: the cap holds on what is read
        yield b'{"title": "'
        for _ in range(40):
            yield b"w" * 1000
        yield b'"}'

    streamed = client.post(
        "/api/suggestions", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert session.exec(select(Suggestion)).first() is None


def test_the_rate_limit_is_per_client_with_retry_after(settings):
    limited = settings.model_copy(update={"suggestions_per_hour": 2})
    with TestClient(create_app(limited)) as client:
        # A mistake is not counted against the allowance.
        assert suggest(client, {**GOOD, "link": "nope"}).status_code == 422
        assert suggest(client).status_code == 201
        assert suggest(client).status_code == 201
        third = suggest(client)
        assert third.status_code == 429
        assert 3500 <= int(third.headers["Retry-After"]) <= 3600
        assert "at most 2 an hour" in third.json()["error"]["message"]
        # Over the limit, the body is not even read; another client has its own allowance.
        assert suggest(client, {**GOOD, "title": ""}).status_code == 429
    other = TestClient(create_app(limited), client=("203.0.113.9", 50000))
    with other:
        assert suggest(other).status_code == 201


def test_the_proxy_header_counts_only_when_configured(settings):
    plain = settings.model_copy(update={"suggestions_per_hour": 1})
    with TestClient(create_app(plain)) as client:
        assert suggest(client, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 201
        # Unconfigured, the header is ignored: the same connection is the same client.
        assert suggest(client, **{"X-Forwarded-For": "198.51.100.2"}).status_code == 429
    proxied = settings.model_copy(
        update={"suggestions_per_hour": 1, "client_ip_header": "X-Forwarded-For"}
    )
    with TestClient(create_app(proxied)) as client:
        assert suggest(client, **{"X-Forwarded-For": "198.51.100.1"}).status_code == 201
        # The last entry is what our proxy saw; the client wrote the ones before it.
        spoof = {"X-Forwarded-For": "10.0.0.1, 198.51.100.1"}
        assert suggest(client, **spoof).status_code == 429
        assert suggest(client, **{"X-Forwarded-For": "198.51.100.2"}).status_code == 201


def test_the_window_slides_and_old_log_rows_go(session):
    start = now() - timedelta(minutes=59)
    record_submission(session=session, scope="suggestion", client="c", at=start)
    with pytest.raises(TooManyRequests) as caught:
        check_limit(session=session, scope="suggestion", client="c", limit=1)
    assert 1 <= caught.value.retry_after <= 61
    check_limit(session=session, scope="suggestion", client="c", limit=1, at=start + WINDOW)
    record_submission(session=session, scope="suggestion", client="d", at=start + WINDOW)
    session.commit()
    assert [r.client for r in session.exec(select(SubmissionLog))] == ["d"]


def test_accept_makes_a_searchable_curated_dataset(client, session, load):
    load([{"type": "organisation", "id": "dfe", "name": "Department for Education"}])
    receipt = suggest(client).json()
    assert [s.id for s in list_suggestions(session=session)] == [receipt["id"]]
    accepted = accept_suggestion(session=session, suggestion_id=receipt["id"], by="alice")
    session.commit()
    assert accepted.status == "accepted" and accepted.decided_by == "alice"
    assert accepted.decided_at is not None
    dataset_id = accepted.dataset_id
    assert dataset_id == f"suggested-headteachers-by-ethnicity-2024-{receipt['id']}"
    record = client.get(f"/api/datasets/{dataset_id}", headers={"Accept": "application/json"})
    body = record.json()
    assert body["publisher"]["id"] == "dfe"  # the name matched the organisation
    assert body["landing_page"] == GOOD["link"] and body["source_name"] == "suggestion"
    assert {(c["scheme"], c["concept"], c["provenance"]) for c in body["coverage"]} == {
        ("sector", "schools", "curated"),
        ("grade", "headteacher", "curated"),
        ("attribute", "ethnicity", "curated"),
    }
    hits = client.get("/api/datasets", params={"q": "headteachers"}).json()
    assert [h["id"] for h in hits["results"]] == [dataset_id]
    cell = client.get("/api/gaps/cells/schools/head-of-organisation/ethnicity").json()
    assert [e["dataset"] for e in cell["evidence"]] == [dataset_id]
    assert list_suggestions(session=session) == []
    with pytest.raises(Conflict):
        accept_suggestion(session=session, suggestion_id=receipt["id"], by="bob")


def test_reject_keeps_it_out_with_the_reason(client, session):
    receipt = suggest(client).json()
    rejected = reject_suggestion(
        session=session, suggestion_id=receipt["id"], by="alice", reason="Already listed"
    )
    session.commit()
    assert rejected.status == "rejected" and rejected.reason == "Already listed"
    assert session.exec(select(Dataset)).first() is None
    assert client.get("/api/datasets", params={"q": "headteachers"}).json()["total"] == 0
    with pytest.raises(Conflict):
        accept_suggestion(session=session, suggestion_id=receipt["id"], by="bob")


def test_the_cli_lists_accepts_and_rejects(client, settings, monkeypatch, engine):
    monkeypatch.setenv("REGISTRY_DATABASE_URL", settings.database_url)
    first = suggest(client).json()["id"]
    second = suggest(client, {**GOOD, "title": "Spam", "contact": None}).json()["id"]
    runner = CliRunner()
    listed = runner.invoke(cli, ["suggestions", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert [s["id"] for s in json.loads(listed.output)] == [first, second]
    no_reason = runner.invoke(cli, ["suggestions", "reject", str(second)])
    assert no_reason.exit_code == 2
    rejected = runner.invoke(
        cli, ["suggestions", "reject", str(second), "--reason", "spam", "--by", "alice"]
    )
    assert rejected.exit_code == 0 and "rejected" in rejected.output
    accepted = runner.invoke(
        cli, ["suggestions", "accept", str(first), "--by", "alice", "--id", "dfe-heads-2024"]
    )
    assert accepted.exit_code == 0 and "dfe-heads-2024" in accepted.output
    again = runner.invoke(cli, ["suggestions", "accept", str(first)])
    assert again.exit_code == 1 and "already accepted" in again.output
    missing = runner.invoke(cli, ["suggestions", "accept", "999"])
    assert missing.exit_code == 1 and "no suggestion 999" in missing.output
    table = runner.invoke(cli, ["suggestions", "list", "--status", "all"])
    assert "accepted" in table.output and "rejected" in table.output
    with Session(engine) as session:
        assert session.get(Dataset, 1).id == "dfe-heads-2024"  # type: ignore[union-attr]
