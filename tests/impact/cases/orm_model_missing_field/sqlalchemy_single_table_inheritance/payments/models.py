from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Numeric, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Payment(Base):  # depmap-expect: orm-model-missing-field warning
    __tablename__ = "payments"
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "payment"}

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CardPayment(Payment):
    __mapper_args__ = {"polymorphic_identity": "card"}

    card_last4: Mapped[str | None] = mapped_column(String(4))


class BankTransfer(Payment):
    __mapper_args__ = {"polymorphic_identity": "bank_transfer"}

    iban_suffix: Mapped[str | None] = mapped_column(String(4))


class Invoice(Base):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
