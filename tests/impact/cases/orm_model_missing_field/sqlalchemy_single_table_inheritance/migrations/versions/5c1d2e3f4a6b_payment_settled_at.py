"""payments.settled_at

Revision ID: 5c1d2e3f4a6b
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "5c1d2e3f4a6b"
down_revision = None


def upgrade() -> None:
    op.add_column("payments", sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("payments", "settled_at")
