"""Core tables that have no mapped class: append-only data written and read in bulk."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from billing.db import Base

metadata = Base.metadata

# One row per webhook call from a payment provider; provider_ref makes redelivery harmless.
payment_events = Table(
    "payment_events",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("invoice_id", ForeignKey("billing.invoices.id"), nullable=False),
    Column("provider", String(32), nullable=False),
    Column("provider_ref", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("payload", JSONB),
    Column("received_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
    UniqueConstraint("provider", "provider_ref"),
    Index("ix_payment_events_invoice_id", "invoice_id"),
)
