"""order channel

Revision ID: 5c1d2e3f4a5b
Revises: 1a2b3c4d5e6f
Create Date: 2024-06-11 09:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "5c1d2e3f4a5b"
down_revision = "1a2b3c4d5e6f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("channel", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "channel")
