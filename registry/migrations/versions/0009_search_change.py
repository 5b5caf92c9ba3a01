"""search_change: which datasets each generation of the search counter changed

Every write that bumps registry_state's "search" counter records the pks of the datasets it
changed, in the same transaction, so each process patches its in-memory facet index for just
those datasets instead of rebuilding it whole (0.1-0.2 s at 10k datasets, under a lock that
holds up that process's searches). Old generations are pruned as new ones are written.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_change",
        sa.Column("generation", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dataset_pk", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("generation", "dataset_pk"),
    )


def downgrade() -> None:
    op.drop_table("search_change")
