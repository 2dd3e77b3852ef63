"""Mapped classes of the billing service; import them from here."""

from billing.models.account import Account, AccountNote
from billing.models.invoice import Invoice, InvoiceLine
from billing.models.mixins import TimestampMixin

__all__ = ["Account", "AccountNote", "Invoice", "InvoiceLine", "TimestampMixin"]
