"""Shared by the editor page tests: users with tokens, a dataset to edit, signing in, and the
CSRF token of a page."""

from __future__ import annotations

import re

from builders import dataset, organisation
from fastapi.testclient import TestClient
from sqlmodel import Session

from registry.auth import add_user, create_token
from schemas import Role

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


def make_tokens(engine) -> dict[str, str]:
    with Session(engine) as session:
        add_user(session=session, name="eve", role=Role.editor)
        add_user(session=session, name="ada", role=Role.admin)
        return {
            "editor": create_token(session=session, user_name="eve").secret,
            "admin": create_token(session=session, user_name="ada").secret,
        }


def load_record(load) -> str:
    report = load(
        [
            organisation("cabinet-office", name="Cabinet Office"),
            dataset(
                "civil-service-stats",
                title="Civil Service Statistics",
                description="Grades of civil servants in departments",
                publisher="cabinet-office",
                licence="ogl-3",
                keywords=["workforce"],
                coverage=[
                    {"scheme": "sector", "concept": "civil-service", "provenance": "declared"},
                    {"scheme": "attribute", "concept": "sex", "provenance": "inferred"},
                ],
            ),
        ]
    )
    assert not report.errors
    return "civil-service-stats"


def sign_in(client: TestClient, token: str) -> None:
    answer = client.post("/sign-in", data={"token": token}, follow_redirects=False)
    assert answer.status_code == 303, answer.text


def form_tokens(client: TestClient, path: str) -> tuple[str, str]:
    page = client.get(path)
    assert page.status_code == 200, page.text
    csrf, version = CSRF.search(page.text), VERSION.search(page.text)
    assert csrf and version
    return csrf.group(1), version.group(1)
