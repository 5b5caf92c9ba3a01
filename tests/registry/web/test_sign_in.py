"""Signing in with a token: the cookie's flags and contents, signing out, a revoked token ending
the session, CSRF on editor forms, and who may see the editor pages."""

from __future__ import annotations

import pytest
from editing import form_tokens, load_record, make_tokens, sign_in
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlmodel import Session

from registry.app import create_app
from registry.auth import revoke_token
from registry.auth.tokens import token_hash
from schemas import ApiToken, User


@pytest.fixture
def tokens(engine) -> dict[str, str]:
    return make_tokens(engine)


@pytest.fixture
def record(load) -> str:
    return load_record(load)


def test_sign_in_form_hides_the_token(client):
    page = client.get("/sign-in")
    assert page.status_code == 200
    assert 'type="password"' in page.text and 'autocomplete="off"' in page.text
    assert '<label class="govuk-label govuk-label--s" for="token">' in page.text


def test_a_wrong_or_empty_token_is_refused_with_the_error_summary(client, tokens):
    wrong = client.post("/sign-in", data={"token": "ldr_nope"})
    assert wrong.status_code == 401
    assert "There is a problem" in wrong.text and 'href="#token"' in wrong.text
    assert "ldr_nope" not in wrong.text  # never echoed
    assert "ldr_session" not in wrong.headers.get("set-cookie", "")
    empty = client.post("/sign-in", data={"token": ""})
    assert empty.status_code == 422 and "Enter your API token" in empty.text


def test_signing_in_sets_a_strict_http_only_cookie_without_the_token(client, tokens):
    answer = client.post(
        "/sign-in", data={"token": tokens["editor"], "next": "/search"}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/search"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("ldr_session=")
    flags = cookie.lower()
    assert "httponly" in flags and "samesite=strict" in flags and "path=/" in flags
    assert "max-age=28800" in flags and "secure" not in flags  # the test base URI is http
    value = cookie.split(";")[0].split("=", 1)[1]
    assert tokens["editor"] not in value and token_hash(tokens["editor"]) not in value
    home = client.get("/")
    assert "Signed in as <strong>eve</strong> (editor)" in home.text
    assert 'action="/sign-out"' in home.text


def test_the_cookie_is_secure_on_an_https_site(settings, tokens):
    secure = settings.model_copy(update={"base_uri": "https://registry.example"})
    with TestClient(create_app(secure), base_url="https://testserver") as client:
        answer = client.post("/sign-in", data={"token": tokens["editor"]}, follow_redirects=False)
    assert "secure" in answer.headers["set-cookie"].lower()


def test_next_never_leaves_the_site(client, tokens):
    answer = client.post(
        "/sign-in",
        data={"token": tokens["editor"], "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"


def test_a_forged_cookie_is_not_a_session(client, tokens, record):
    sign_in(client, tokens["editor"])
    value = client.cookies["ldr_session"]
    token_id, issued, signature = value.split(".")
    client.cookies.clear()
    client.cookies.set("ldr_session", f"{token_id}.{int(issued) - 1}.{signature}")
    answer = client.get(f"/datasets/{record}/edit", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in")
    client.cookies.clear()
    client.cookies.set("ldr_session", value)  # the genuine one still works
    assert client.get(f"/datasets/{record}/edit").status_code == 200


def test_anonymous_editor_pages_go_to_sign_in(client, record):
    for path in (f"/datasets/{record}/edit", "/review/suggestions"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/sign-in?next=")
    posted = client.post(f"/datasets/{record}/edit", data={"title": "x"}, follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"].startswith("/sign-in")


def test_a_user_without_an_editing_role_gets_403(client, engine, tokens, record):
    sign_in(client, tokens["editor"])
    with Session(engine) as session:  # a role the registry does not know grants nothing
        session.execute(update(User).where(User.name == "eve").values(role="reader"))
        session.commit()
    answer = client.get(f"/datasets/{record}/edit")
    assert answer.status_code == 403 and "may not edit" in answer.text


def test_a_form_without_the_right_csrf_token_is_refused(client, tokens, record):
    sign_in(client, tokens["editor"])
    csrf, version = form_tokens(client, f"/datasets/{record}/edit")
    data = {"title": "Changed", "reason": "typo", "version": version}
    for sent in ({}, {"csrf_token": "0" * 64}, {"csrf_token": csrf[:-1] + "x"}):
        answer = client.post(f"/datasets/{record}/edit", data={**data, **sent})
        assert answer.status_code == 403
        assert "security token is missing or wrong" in answer.text
    assert "Civil Service Statistics" in client.get(f"/datasets/{record}/edit").text
    refused = client.post("/sign-out", data={})
    assert refused.status_code == 403


def test_signing_out_ends_the_session_even_for_a_copied_cookie(client, tokens, record):
    sign_in(client, tokens["editor"])
    copied = client.cookies["ldr_session"]
    csrf, _ = form_tokens(client, f"/datasets/{record}/edit")
    answer = client.post("/sign-out", data={"csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 303
    assert 'ldr_session=""' in answer.headers["set-cookie"] or "max-age=0" in (
        answer.headers["set-cookie"].lower()
    )
    client.cookies.clear()
    client.cookies.set("ldr_session", copied)
    again = client.get(f"/datasets/{record}/edit", follow_redirects=False)
    assert again.status_code == 303
    client.cookies.clear()
    sign_in(client, tokens["editor"])  # at once, with the same token: a new session works
    assert client.get(f"/datasets/{record}/edit").status_code == 200


def test_revoking_the_token_ends_the_session(client, engine, tokens, record):
    sign_in(client, tokens["editor"])
    assert client.get(f"/datasets/{record}/edit").status_code == 200
    with Session(engine) as session:
        digest = token_hash(tokens["editor"])
        token_id = session.execute(
            select(ApiToken.id).where(ApiToken.token_hash == digest)
        ).scalar_one()
        revoke_token(session=session, token_id=token_id)
    answer = client.get(f"/datasets/{record}/edit", follow_redirects=False)
    assert answer.status_code == 303
