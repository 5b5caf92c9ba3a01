"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "harvest_source",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("abbreviation", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column("organisation_type", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("homepage", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("parent_ids", sa.JSON(), nullable=False),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_organisation_organisation_type"), ["organisation_type"], unique=False
        )

    op.create_table(
        "registry_state",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "dataset",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("publisher_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("contact_point", sa.JSON(), nullable=True),
        sa.Column("landing_page", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("licence", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.Column("access_rights", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column(
            "accrual_periodicity", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True
        ),
        sa.Column("issued", sa.Date(), nullable=True),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("temporal_start", sa.Date(), nullable=True),
        sa.Column("temporal_end", sa.Date(), nullable=True),
        sa.Column("spatial", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("granularity", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("conforms_to", sa.JSON(), nullable=False),
        sa.Column("other_identifiers", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("source_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("source_record", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["publisher_id"],
            ["organisation.id"],
        ),
        sa.PrimaryKeyConstraint("pk"),
    )
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dataset_id"), ["id"], unique=True)
        batch_op.create_index(batch_op.f("ix_dataset_publisher_id"), ["publisher_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dataset_source_name"), ["source_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_dataset_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_dataset_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "harvest_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_name"],
            ["harvest_source.name"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("harvest_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_harvest_run_source_name"), ["source_name"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_harvest_run_status"), ["status"], unique=False)

    op.create_table(
        "coverage",
        sa.Column("concept", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("scheme", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("provenance", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dataset_id", "scheme", "concept", "provenance", name="uq_coverage"),
    )
    with op.batch_alter_table("coverage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coverage_dataset_id"), ["dataset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coverage_scheme"), ["scheme"], unique=False)

    op.create_table(
        "dataset_facet",
        sa.Column("facet", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("dataset_pk", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["dataset_pk"], ["dataset.pk"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("facet", "value", "dataset_pk"),
    )
    with op.batch_alter_table("dataset_facet", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dataset_facet_dataset_pk"), ["dataset_pk"], unique=False
        )

    op.create_table(
        "distribution",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=240), nullable=False),
        sa.Column("dataset_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=True),
        sa.Column("access_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("download_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("byte_size", sa.BigInteger(), nullable=True),
        sa.Column("issued", sa.Date(), nullable=True),
        sa.Column("modified", sa.DateTime(timezone=True), nullable=True),
        sa.Column("licence", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
        sa.ForeignKeyConstraint(["dataset_id"], ["dataset.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_distribution_dataset_id"), ["dataset_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_distribution_format"), ["format"], unique=False)

    op.create_table(
        "harvest_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("guid", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("dataset_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["harvest_run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("harvest_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_harvest_item_dataset_id"), ["dataset_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_harvest_item_run_id"), ["run_id"], unique=False)

    # The full-text index differs per database; its DDL is written out here so that this
    # migration never changes when the search code does.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE dataset_fts USING fts5("
            "title, keywords, description, publisher, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
    else:
        op.execute(
            "CREATE TABLE dataset_fts ("
            " pk integer PRIMARY KEY REFERENCES dataset(pk) ON DELETE CASCADE,"
            " document tsvector NOT NULL)"
        )
        op.execute("CREATE INDEX ix_dataset_fts_document ON dataset_fts USING gin (document)")
    op.execute("INSERT INTO registry_state (name, value) VALUES ('search', 0)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS dataset_fts")
    with op.batch_alter_table("harvest_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_item_run_id"))
        batch_op.drop_index(batch_op.f("ix_harvest_item_dataset_id"))

    op.drop_table("harvest_item")
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_distribution_format"))
        batch_op.drop_index(batch_op.f("ix_distribution_dataset_id"))

    op.drop_table("distribution")
    with op.batch_alter_table("dataset_facet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dataset_facet_dataset_pk"))

    op.drop_table("dataset_facet")
    with op.batch_alter_table("coverage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coverage_scheme"))
        batch_op.drop_index(batch_op.f("ix_coverage_dataset_id"))

    op.drop_table("coverage")
    with op.batch_alter_table("harvest_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_run_status"))
        batch_op.drop_index(batch_op.f("ix_harvest_run_source_name"))

    op.drop_table("harvest_run")
    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dataset_updated_at"))
        batch_op.drop_index(batch_op.f("ix_dataset_status"))
        batch_op.drop_index(batch_op.f("ix_dataset_source_name"))
        batch_op.drop_index(batch_op.f("ix_dataset_publisher_id"))
        batch_op.drop_index(batch_op.f("ix_dataset_id"))

    op.drop_table("dataset")
    op.drop_table("registry_state")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_organisation_type"))
        batch_op.drop_index(batch_op.f("ix_organisation_name"))

    op.drop_table("organisation")
    op.drop_table("harvest_source")
