from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Optional

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from billing.db import Base
from billing.models.mixins import TimestampMixin

if TYPE_CHECKING:
    from billing.models.invoice import Invoice


class Account(TimestampMixin, Base):
    """A customer who is billed: a company or a sole trader."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str]
    company: Mapped[Optional[str]] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    status: Mapped[str] = mapped_column(String(16), server_default="active")
    payment_terms_days: Mapped[int] = mapped_column(server_default=text("30"))

    invoices: Mapped[list[Invoice]] = relationship(back_populates="account")

    @property
    def display_name(self) -> str:
        return self.company or self.name

    def __repr__(self) -> str:
        return f"Account(id={self.id!r}, email={self.email!r})"


class AccountNote(Base):
    """Free-text notes about an account, written by the support team.

    The table came over from the old CRM; its column names were kept so the CRM's
    reporting queries still work.
    """

    __tablename__ = "account_notes"

    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True)
    body = Column("note_text", Text, nullable=False)
    author = Column(String(100))
    created = Column("created_on", DateTime, default=datetime.utcnow)
