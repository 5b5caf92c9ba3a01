"""harvest_record.payload_hash: skip re-mapping items whose payload and mapping are unchanged

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("harvest_record", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("payload_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("harvest_record", schema=None) as batch_op:
        batch_op.drop_column("payload_hash")
