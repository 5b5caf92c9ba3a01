"""``registry users`` and ``registry tokens``, and what a token is and is not."""

from __future__ import annotations

import logging

import pytest
from accounts import bearer
from sqlalchemy import select
from typer.testing import CliRunner

from registry.auth import resolve_token
from registry.auth.tokens import token_hash
from registry.cli import app
from schemas import ApiToken

runner = CliRunner()


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)


def cli(*args: str):
    return runner.invoke(app, list(args))


def test_users_and_tokens_from_the_command_line(env, client, session):
    assert cli("users", "add", "a.smith", "--role", "editor").exit_code == 0
    assert cli("users", "add", "a.smith").exit_code == 1  # taken
    assert cli("users", "add", "root", "--role", "emperor").exit_code == 2
    assert cli("users", "add", "bad name").exit_code == 1
    listed = cli("users", "list")
    assert "a.smith\teditor" in listed.output

    made = cli("tokens", "create", "a.smith", "--expires-in", "30", "--note", "laptop")
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("ldr_") and len(secret) > 40
    assert cli("tokens", "create", "nobody").exit_code == 1
    assert client.get("/api/me", headers=bearer(secret)).json() == {
        "name": "a.smith",
        "role": "editor",
    }

    # Only the hash is stored, and a listing never shows the secret.
    stored = session.execute(select(ApiToken)).scalar_one()
    assert stored.token_hash == token_hash(secret) and secret not in stored.model_dump_json()
    tokens = cli("tokens", "list")
    assert secret not in tokens.output and secret[:10] in tokens.output
    assert "last used" in tokens.output and "laptop" in tokens.output

    assert cli("tokens", "revoke", str(stored.id)).exit_code == 0
    assert cli("tokens", "revoke", "999").exit_code == 1
    assert client.get("/api/me", headers=bearer(secret)).status_code == 401
    assert "revoked" in cli("tokens", "list").output


def test_disabled_users_tokens_stop_working(env, client):
    cli("users", "add", "b.jones", "--role", "admin")
    secret = cli("tokens", "create", "b.jones").stdout.strip().splitlines()[-1]
    assert client.get("/api/me", headers=bearer(secret)).status_code == 200
    assert cli("users", "disable", "b.jones").exit_code == 0
    assert client.get("/api/me", headers=bearer(secret)).status_code == 401
    cli("users", "disable", "b.jones", "--enable")
    assert client.get("/api/me", headers=bearer(secret)).status_code == 200


def test_resolve_token_refuses_what_is_not_a_live_token(session, tokens):
    assert resolve_token(session=session, secret=tokens["editor"]).name == "eve"
    for secret in ("", tokens["expired"], tokens["revoked"], tokens["editor"] + "x", "x" * 10_000):
        assert resolve_token(session=session, secret=secret) is None


def test_tokens_never_reach_the_logs(settings, tokens, record, caplog):
    """Served by uvicorn with its access log on and SQL echo on: a write with a token leaves no
    trace of the token in the server's logs (the access log has no headers; SQL sees a hash)."""
    import httpx
    from serving import serving

    from registry.app import create_app

    caplog.set_level(logging.INFO)
    server_loggers = [logging.getLogger(n) for n in ("uvicorn.access", "uvicorn.error")]
    echoing = settings.model_copy(update={"sql_echo": True})
    with serving(lambda base: create_app(echoing.model_copy(update={"base_uri": base}))) as base:
        for logger in server_loggers:  # uvicorn's loggers do not propagate to the root
            logger.setLevel(logging.INFO)
            logger.addHandler(caplog.handler)
        try:
            with httpx.Client(base_url=base) as http:
                tag = http.get("/api/datasets/civil-service-stats").headers["ETag"]
                for secret in (tokens["editor"], tokens["revoked"]):
                    http.patch(
                        "/api/datasets/civil-service-stats",
                        json={"title": "Logged?"},
                        headers=bearer(secret, **{"If-Match": tag}),
                    )
        finally:
            for logger in server_loggers:
                logger.removeHandler(caplog.handler)
    server = [r for r in caplog.records if r.name.startswith(("uvicorn", "sqlalchemy", "registry"))]
    text = "\n".join(r.getMessage() + " " + repr(getattr(r, "args", "")) for r in server)
    assert "PATCH /api/datasets/civil-service-stats" in text  # the access log did run
    assert "api_token" in text  # and so did SQL echo
    for secret in (tokens["editor"], tokens["revoked"]):
        assert secret not in text and secret[4:20] not in text
