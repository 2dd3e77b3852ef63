"""invoice terms

Revision ID: b7c8d9e0f1a2
Revises: a1b2c3d4e5f6
Create Date: 2024-03-19 16:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "b7c8d9e0f1a2"
down_revision = "a1b2c3d4e5f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invoices", sa.Column("due_date", sa.Date(), nullable=True))
    op.add_column("invoices", sa.Column("terms_days", sa.Integer(), server_default="30", nullable=False))


def downgrade() -> None:
    op.drop_column("invoices", "terms_days")
    op.drop_column("invoices", "due_date")
