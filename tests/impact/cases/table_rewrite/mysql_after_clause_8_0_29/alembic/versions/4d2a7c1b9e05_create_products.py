"""create products

Revision ID: 4d2a7c1b9e05
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "4d2a7c1b9e05"
down_revision = None


def upgrade():
    op.create_table(
        "products",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("sku", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
    )


def downgrade():
    op.drop_table("products")
