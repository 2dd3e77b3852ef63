"""score rank, recomputed nightly

Revision ID: 7f1e0c2d4b3a
Revises: 1a9b3c5d7e2f
"""
from alembic import op
import sqlalchemy as sa

revision = "7f1e0c2d4b3a"
down_revision = "1a9b3c5d7e2f"


def upgrade():
    op.add_column("scores", sa.Column("rank", sa.Integer(), nullable=True))  # depmap-expect: reserved-word warning


def downgrade():
    op.drop_column("scores", "rank")
