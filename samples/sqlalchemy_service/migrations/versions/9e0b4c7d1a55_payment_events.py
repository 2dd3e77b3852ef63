"""payment events

Webhook calls from the payment providers are stored as they arrive. Invoice totals
become BIGINT like the event amounts, so large invoices cannot overflow.

Revision ID: 9e0b4c7d1a55
Revises: 3f2c9a11d8e4
Create Date: 2024-08-13 08:47:31.204466

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "9e0b4c7d1a55"
down_revision: Union[str, None] = "3f2c9a11d8e4"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "payment_events",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("provider_ref", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["billing.invoices.id"], name=op.f("fk_payment_events_invoice_id_invoices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_events")),
        sa.UniqueConstraint("provider", "provider_ref", name=op.f("uq_payment_events_provider")),
    )
    op.create_index("ix_payment_events_invoice_id", "payment_events", ["invoice_id"], unique=False)
    op.alter_column(
        "invoices",
        "total_cents",
        existing_type=sa.Integer(),
        type_=sa.BigInteger(),
        existing_nullable=False,
        schema="billing",
    )


def downgrade() -> None:
    op.alter_column(
        "invoices",
        "total_cents",
        existing_type=sa.BigInteger(),
        type_=sa.Integer(),
        existing_nullable=False,
        schema="billing",
    )
    op.drop_index("ix_payment_events_invoice_id", table_name="payment_events")
    op.drop_table("payment_events")
