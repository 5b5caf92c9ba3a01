"""Users with tokens of each role, and a loaded dataset to curate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from builders import dataset, organisation
from sqlalchemy import update
from sqlmodel import Session

from registry.auth import add_user, create_token, revoke_token
from schemas import ApiToken, Role
from schemas.common import now


@pytest.fixture
def tokens(engine) -> dict[str, str]:
    """Authorization headers by kind: editor, admin, expired, revoked, disabled."""
    with Session(engine) as session:
        add_user(session=session, name="eve", role=Role.editor)
        add_user(session=session, name="ada", role=Role.admin)
        editor = create_token(session=session, user_name="eve").secret
        admin = create_token(session=session, user_name="ada", expires_in_days=30).secret
        expired = create_token(session=session, user_name="ada", expires_in_days=1)
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == expired.token.id)
            .values(expires_at=now() - timedelta(seconds=1))
        )
        session.commit()
        revoked = create_token(session=session, user_name="ada")
        revoke_token(session=session, token_id=revoked.token.id)
    return {
        "editor": editor,
        "admin": admin,
        "expired": expired.secret,
        "revoked": revoked.secret,
    }


@pytest.fixture
def record(load) -> str:
    report = load(
        [
            organisation("cabinet-office", name="Cabinet Office"),
            organisation("home-office", name="Home Office"),
            dataset(
                "civil-service-stats",
                title="Civil Service Statistics",
                description="Grades of civil servants",
                publisher="cabinet-office",
                licence="ogl-3",
                distributions=[{"access_url": "https://example.org/a.csv", "format": "csv"}],
                coverage=[
                    {"scheme": "sector", "concept": "civil-service", "provenance": "declared"},
                    {"scheme": "attribute", "concept": "sex", "provenance": "inferred"},
                ],
            ),
        ]
    )
    assert not report.errors
    return "civil-service-stats"
