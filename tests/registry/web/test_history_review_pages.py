"""The history page (versions with their diffs, paged; restore for editors, with a reason and
the version check) and the review queue (accept, reject), and the review API's roles."""

from __future__ import annotations

import re

import pytest
from accounts import bearer
from editing import CSRF, load_record, make_tokens, sign_in
from sqlmodel import Session

from registry import history
from registry.curation import edits
from registry.suggestions import create_suggestion, get_suggestion
from schemas import DatasetUpdate, SuggestionCreate


@pytest.fixture
def record(load) -> str:
    return load_record(load)


@pytest.fixture
def tokens(engine) -> dict[str, str]:
    return make_tokens(engine)


def _edit(engine, record: str, title: str, reason: str) -> int:
    with Session(engine) as session:
        return edits.update_dataset(
            session=session,
            dataset_id=record,
            changes=DatasetUpdate(title=title),
            actor="eve",
            expected_version=None,
            reason=reason,
        )


def test_history_lists_versions_newest_first_with_their_diffs(client, engine, record):
    _edit(engine, record, "Second <b>title</b>", "a clearer title")
    page = client.get(f"/datasets/{record}/history")
    assert page.status_code == 200
    text = page.text
    assert text.index("Version 2: Changed") < text.index("Version 1: Created")
    assert "a clearer title" in text and "eve" in text
    assert "Before:</span> Civil Service Statistics" in text
    assert "After:</span> Second &lt;b&gt;title&lt;/b&gt;" in text
    assert "Restore this version" not in text  # not signed in


def test_history_is_paged(client, engine, record):
    for n in range(11):
        _edit(engine, record, f"Title {n}", f"edit {n}")
    first = client.get(f"/datasets/{record}/history").text
    assert "Version 12: Changed" in first and "Version 1: Created" not in first
    assert 'rel="next"' in first
    second = client.get(f"/datasets/{record}/history?page=2").text
    assert "Version 1: Created" in second and "Version 12" not in second


def test_an_editor_restores_a_version_with_a_reason(client, engine, session, tokens, record):
    _edit(engine, record, "Wrong title", "oops")
    sign_in(client, tokens["editor"])
    page = client.get(f"/datasets/{record}/history").text
    assert page.count("Restore this version") == 1  # not the current version
    csrf = CSRF.search(page).group(1)
    form = {"csrf_token": csrf, "version": "2", "target": "1", "page": "1"}
    missing = client.post(f"/datasets/{record}/restore", data=form)
    assert missing.status_code == 422 and 'href="#restore-1"' in missing.text
    done = client.post(
        f"/datasets/{record}/restore", data={**form, "reason": "undo"}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith("restored=3")
    assert edits.stored_record(session, record).title == "Civil Service Statistics"
    stale = client.post(f"/datasets/{record}/restore", data={**form, "reason": "again"})
    assert stale.status_code == 412
    assert "Someone else changed this record since you opened it" in stale.text
    assert history.current_version(session=session, dataset_id=record) == 3
    forged = client.post(
        f"/datasets/{record}/restore", data={**form, "csrf_token": "x", "reason": "r"}
    )
    assert forged.status_code == 403


def _suggest(engine, title: str = "Police chiefs <by> force") -> int:
    with Session(engine) as session:
        made = create_suggestion(
            session=session,
            record=SuggestionCreate(
                title=title,
                link="https://example.org/police",
                publisher="Home Office",
                description="Chief constables by force",
                sectors=["police"],
            ),
        )
        session.commit()
        return made.id


def test_the_review_queue_accepts_and_rejects(client, engine, session, tokens):
    first, second = _suggest(engine), _suggest(engine, "Spam")
    sign_in(client, tokens["editor"])
    page = client.get("/review/suggestions")
    assert page.status_code == 200
    assert "Police chiefs &lt;by&gt; force" in page.text and "Chief constables" in page.text
    assert 'href="/review/suggestions"' in page.text  # in the navigation for editors
    csrf = CSRF.search(page.text).group(1)
    bad_id = client.post(
        f"/review/suggestions/{first}/accept", data={"csrf_token": csrf, "dataset_id": "a b"}
    )
    assert bad_id.status_code == 422 and f'href="#dataset-id-{first}"' in bad_id.text
    accepted = client.post(
        f"/review/suggestions/{first}/accept",
        data={"csrf_token": csrf, "dataset_id": "police-chiefs"},
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    done = get_suggestion(session=session, suggestion_id=first)
    assert (done.status.value, done.decided_by, done.dataset_id) == (
        "accepted",
        "eve",
        "police-chiefs",
    )
    no_reason = client.post(f"/review/suggestions/{second}/reject", data={"csrf_token": csrf})
    assert no_reason.status_code == 422 and "Enter the reason for rejecting it" in no_reason.text
    client.post(f"/review/suggestions/{second}/reject", data={"csrf_token": csrf, "reason": "spam"})
    session.expire_all()
    rejected = get_suggestion(session=session, suggestion_id=second)
    assert (rejected.status.value, rejected.reason) == ("rejected", "spam")
    assert "No suggestions are waiting for review" in client.get("/review/suggestions").text
    again = client.post(
        f"/review/suggestions/{second}/reject", data={"csrf_token": csrf, "reason": "x"}
    )
    assert again.status_code == 409


def test_the_review_api_needs_an_editor(client, engine, tokens):
    first, second = _suggest(engine), _suggest(engine, "Other")
    assert client.get("/api/suggestions").status_code == 401
    assert client.post(f"/api/suggestions/{first}/accept").status_code == 401
    bad = bearer("ldr_" + "x" * 43)
    assert (
        client.post(
            f"/api/suggestions/{first}/reject", headers=bad, json={"reason": "r"}
        ).status_code
        == 401
    )
    listed = client.get("/api/suggestions", headers=bearer(tokens["editor"]))
    assert listed.status_code == 200 and {s["id"] for s in listed.json()} == {first, second}
    accepted = client.post(
        f"/api/suggestions/{first}/accept",
        headers=bearer(tokens["admin"]),
        json={"dataset_id": "police-chiefs"},
    )
    assert accepted.status_code == 200
    assert accepted.json()["dataset_id"] == "police-chiefs"
    assert accepted.json()["decided_by"] == "ada"
    no_reason = client.post(
        f"/api/suggestions/{second}/reject", headers=bearer(tokens["editor"]), json={}
    )
    assert no_reason.status_code == 422
    rejected = client.post(
        f"/api/suggestions/{second}/reject",
        headers=bearer(tokens["editor"]),
        json={"reason": "duplicate"},
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert client.get("/api/datasets/police-chiefs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "get" in paths["/api/suggestions"]
    assert "/api/suggestions/{suggestion_id}/accept" in paths
    assert re.search("editor", paths["/api/suggestions/{suggestion_id}/reject"]["post"]["summary"])
