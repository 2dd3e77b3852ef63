"""scores

Revision ID: 1a9b3c5d7e2f
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "1a9b3c5d7e2f"
down_revision = None


def upgrade():
    op.create_table(
        "scores",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("player", sa.String(64), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
    )
