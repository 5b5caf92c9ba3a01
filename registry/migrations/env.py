"""Alembic environment: the tables of every package's models, the URL from our settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool
from sqlmodel import SQLModel

import registry.search.tables  # noqa: F401 - registers the search tables
import schemas  # noqa: F401 - registers the record tables

# Tables made by hand in the migrations (full-text indexes differ per database).
HAND_MADE = {"dataset_fts"}


def include_object(*args: object) -> bool:
    """Leave the hand-made full-text tables (and FTS5's shadow tables) out of comparisons."""
    name, type_ = str(args[1] or ""), args[2]
    return not (type_ == "table" and (name in HAND_MADE or name.startswith("dataset_fts_")))


def run_migrations() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
