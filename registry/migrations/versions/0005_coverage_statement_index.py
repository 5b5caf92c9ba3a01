"""coverage: one index on (scheme, concept, provenance, dataset_id) in place of (scheme)

The gap matrix groups every coverage statement by what it states; with this index that is an
index-only scan in group order (SQLite at 100k datasets: 0.06 s instead of 0.4 s with a sort).
It also serves every query the scheme index served.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("coverage", schema=None) as batch_op:
        batch_op.drop_index("ix_coverage_scheme")
        batch_op.create_index(
            "ix_coverage_statement",
            ["scheme", "concept", "provenance", "dataset_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("coverage", schema=None) as batch_op:
        batch_op.drop_index("ix_coverage_statement")
        batch_op.create_index("ix_coverage_scheme", ["scheme"], unique=False)
