"""add invoice due date

Invoices become due a number of days after they are issued, set per account
(30 days unless agreed otherwise). Existing open invoices get their due date
from the account's terms.

Revision ID: 3f2c9a11d8e4
Revises: b71d0e3f9c2a
Create Date: 2024-05-21 14:03:09.551870

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "3f2c9a11d8e4"
down_revision: Union[str, None] = "b71d0e3f9c2a"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column(
        "accounts",
        sa.Column("payment_terms_days", sa.Integer(), server_default=sa.text("30"), nullable=False),
    )
    op.add_column("invoices", sa.Column("due_date", sa.Date(), nullable=True), schema="billing")
    op.execute(
        """
        UPDATE billing.invoices AS i
        SET due_date = (i.issued_at + make_interval(days => a.payment_terms_days))::date
        FROM accounts AS a
        WHERE a.id = i.account_id
          AND i.issued_at IS NOT NULL
          AND i.due_date IS NULL
        """
    )
    op.create_index(op.f("ix_billing_invoices_due_date"), "invoices", ["due_date"], unique=False, schema="billing")


def downgrade() -> None:
    op.drop_index(op.f("ix_billing_invoices_due_date"), table_name="invoices", schema="billing")
    op.drop_column("invoices", "due_date", schema="billing")
    op.drop_column("accounts", "payment_terms_days")
