"""harvest records, validators, distribution profiles

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "harvest_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("guid", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("dataset_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("duplicate_of", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_name"],
            ["harvest_source.name"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_name", "guid", name="uq_harvest_record"),
    )
    with op.batch_alter_table("harvest_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_harvest_record_dataset_id"), ["dataset_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_harvest_record_source_name"), ["source_name"], unique=False
        )

    op.create_table(
        "harvest_validator",
        sa.Column("source_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("last_modified", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_name"],
            ["harvest_source.name"],
        ),
        sa.PrimaryKeyConstraint("source_name", "url"),
    )
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.add_column(sa.Column("profile", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.drop_column("profile")

    op.drop_table("harvest_validator")
    with op.batch_alter_table("harvest_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_record_source_name"))
        batch_op.drop_index(batch_op.f("ix_harvest_record_dataset_id"))

    op.drop_table("harvest_record")
