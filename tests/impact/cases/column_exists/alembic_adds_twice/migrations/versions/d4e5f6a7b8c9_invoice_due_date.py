"""invoice due date

Revision ID: d4e5f6a7b8c9
Revises: b7c8d9e0f1a2
Create Date: 2024-06-02 08:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "d4e5f6a7b8c9"
down_revision = "b7c8d9e0f1a2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invoices", sa.Column("due_date", sa.Date(), nullable=True))  # depmap-expect: column-exists error
    op.create_index("ix_invoices_due_date", "invoices", ["due_date"])


def downgrade() -> None:
    op.drop_index("ix_invoices_due_date", table_name="invoices")
    op.drop_column("invoices", "due_date")
