"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import registry.search.tables  # noqa: F401 - registers the search tables
from registry.migrate import head_revision, is_current, upgrade


def _include(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "table" and str(name).startswith("dataset_fts"))


def test_migrated_schema_matches_models(engine, settings):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": _include, "compare_type": True}
        )
        assert compare_metadata(context, SQLModel.metadata) == []
    assert is_current(settings, engine)
    assert head_revision(settings) is not None


def test_full_text_table_exists(engine):
    assert "dataset_fts" in inspect(engine).get_table_names()


def test_upgrade_twice_is_harmless(settings, engine):
    upgrade(settings)
    assert is_current(settings, engine)
