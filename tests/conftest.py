"""Shared fixtures. The database is SQLite unless REGISTRY_TEST_DATABASE_URL names another.

The schema is migrated once per test session (so every test runs on what Alembic builds);
each test then gets an empty database: a copy of the migrated SQLite file, or, on PostgreSQL,
a private schema emptied between tests.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from recorder import recorder  # noqa: F401 (a fixture: a 127.0.0.1 server counting hits)
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

from registry.app import create_app
from registry.config import Settings
from registry.db import make_engine
from registry.loading import LoadReport, load_lines
from registry.migrate import upgrade
from registry.search import Search

TEST_DATABASE_ENV = "REGISTRY_TEST_DATABASE_URL"
BASE_URI = "http://registry.test"
TABLES = (
    "suggestion",
    "data_request",
    "submission_log",
    "lease",
    "api_token",
    "app_user",
    "dataset_version",
    "dataset_curation",
    "gap_snapshot",
    "link_check",
    "harvest_item",
    "harvest_run",
    "harvest_source",
    "search_change",
    "dataset_facet",
    "dataset_fts",
    "coverage",
    "distribution",
    "dataset",
    "organisation",
)


def pytest_report_header() -> str:
    return f"registry test database: {os.environ.get(TEST_DATABASE_ENV) or 'SQLite (temp files)'}"


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database: a SQLite template file, or a fresh PostgreSQL schema."""
    url = os.environ.get(TEST_DATABASE_ENV)
    if not url:
        template = tmp_path_factory.mktemp("db") / "template.db"
        upgrade(Settings(database_url=f"sqlite:///{template}"))
        yield str(template)
        return
    schema = f"ldr_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(Settings(database_url=url).database_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    joiner = "&" if "?" in url else "?"
    scoped = f"{url}{joiner}options=-csearch_path%3D{schema}"
    upgrade(Settings(database_url=scoped))
    yield scoped
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def database_url(migrated: str, tmp_path: Path) -> str:
    if not os.environ.get(TEST_DATABASE_ENV):
        copy = tmp_path / "registry.db"
        shutil.copyfile(migrated, copy)
        return f"sqlite:///{copy}"
    engine = create_engine(Settings(database_url=migrated).database_url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
        conn.execute(text("UPDATE registry_state SET value = 0"))
    engine.dispose()
    return migrated


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, base_uri=BASE_URI, page_size=20)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def search(engine: Engine) -> Search:
    return Search(engine)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


Loader = Callable[[list[dict[str, Any]]], LoadReport]


@pytest.fixture
def load(engine: Engine) -> Loader:
    """Load records given as dicts (JSON Lines shape) and return the report."""
    import json

    def loader(records: list[dict[str, Any]]) -> LoadReport:
        with Session(engine) as session:
            return load_lines(session=session, lines=[json.dumps(r) for r in records])

    return loader
