"""gap_snapshot (the matrix per harvest run) and link_check (the link checker's answers)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gap_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("grade_level", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("datasets", sa.Integer(), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("gap_snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gap_snapshot_taken_at"), ["taken_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_gap_snapshot_run_id"), ["run_id"], unique=False)

    op.create_table(
        "link_check",
        sa.Column("url_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("elapsed_ms", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("url_hash"),
    )
    with op.batch_alter_table("link_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_check_checked_at"), ["checked_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("link_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_check_checked_at"))
    op.drop_table("link_check")
    with op.batch_alter_table("gap_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gap_snapshot_run_id"))
        batch_op.drop_index(batch_op.f("ix_gap_snapshot_taken_at"))
    op.drop_table("gap_snapshot")
