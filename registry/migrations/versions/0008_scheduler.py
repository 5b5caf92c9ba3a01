"""harvest schedules, run holders and leases (the scheduler and the stuck-run reaper)

harvest_source.schedule: a cron expression for `registry scheduler`; harvest_run.holder: the
process running it ("host:pid"), so a run whose process died can be marked interrupted; lease:
one row per named lock, held by one process until it expires.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("harvest_source", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("schedule", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )
    with op.batch_alter_table("harvest_run", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    op.create_table(
        "lease",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("lease")
    with op.batch_alter_table("harvest_run", schema=None) as batch_op:
        batch_op.drop_column("holder")
    with op.batch_alter_table("harvest_source", schema=None) as batch_op:
        batch_op.drop_column("schedule")
