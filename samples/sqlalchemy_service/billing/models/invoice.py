from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

from sqlalchemy import BigInteger, DateTime, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from billing.db import Base
from billing.models.mixins import TimestampMixin

if TYPE_CHECKING:
    from billing.models.account import Account


class Invoice(TimestampMixin, Base):
    """An invoice sent to an account; amounts are in cents of ``currency``."""

    __tablename__ = "invoices"
    __table_args__ = {"schema": "billing"}

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    currency: Mapped[str] = mapped_column(String(3))
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    issued_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    due_date: Mapped[Optional[date]]
    paid_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    memo: Mapped[Optional[str]]

    account: Mapped[Account] = relationship(back_populates="invoices")
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.id"
    )

    def is_overdue(self, today: date) -> bool:
        return self.status == "open" and self.due_date is not None and self.due_date < today

    def recalculate(self) -> None:
        self.total_cents = sum(line.amount_cents for line in self.lines)


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("billing.invoices.id", ondelete="CASCADE"))
    description: Mapped[str]
    quantity: Mapped[int] = mapped_column(default=1)
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), server_default="0")

    invoice: Mapped[Invoice] = relationship(back_populates="lines")

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_price_cents
