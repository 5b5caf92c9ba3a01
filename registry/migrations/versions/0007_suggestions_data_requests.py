"""suggestion (datasets suggested by the public, pending review), data_request ("data I need",
counted per gap cell) and submission_log (what the per-client rate limit counts)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sector", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("grade", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("attribute", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.create_index(
            "ix_data_request_cell", ["sector", "grade", "attribute"], unique=False
        )

    op.create_table(
        "submission_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("client", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("submission_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_submission_log_client", ["scope", "client", "at"], unique=False)

    op.create_table(
        "suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("publisher", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("publisher_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("grades", sa.JSON(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("dataset_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suggestion_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_suggestion_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("suggestion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suggestion_status"))
        batch_op.drop_index(batch_op.f("ix_suggestion_created_at"))

    op.drop_table("suggestion")
    with op.batch_alter_table("submission_log", schema=None) as batch_op:
        batch_op.drop_index("ix_submission_log_client")
        batch_op.drop_index(batch_op.f("ix_submission_log_at"))

    op.drop_table("submission_log")
    with op.batch_alter_table("data_request", schema=None) as batch_op:
        batch_op.drop_index("ix_data_request_cell")

    op.drop_table("data_request")
