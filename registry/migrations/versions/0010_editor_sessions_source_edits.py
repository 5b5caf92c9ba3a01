"""browser sign-out and people's edits to harvest sources

api_token.sessions_ended_at: signing out in a browser ends every browser session made with the
token before it. harvest_source.edited_by / edited_at: a person changed the source through the
API, so seeding from the sources file leaves its URL, title and options alone.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sessions_ended_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("harvest_source", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("edited_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True)
        )
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("harvest_source", schema=None) as batch_op:
        batch_op.drop_column("edited_at")
        batch_op.drop_column("edited_by")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("sessions_ended_at")
