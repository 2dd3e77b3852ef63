"""Reads and writes of the billing service.

Repositories take a ``Session`` whose transaction the caller owns (see
``billing.db.session_scope``); nothing in this module commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session, selectinload

from billing.models import Account, AccountNote, Invoice, InvoiceLine
from billing.tables import payment_events


@dataclass(frozen=True)
class AgingRow:
    email: str
    number: str
    total_cents: int
    due_date: date
    days_overdue: int


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, account_id: int) -> Account | None:
        return self.session.get(Account, account_id)

    def by_email(self, email: str) -> Account | None:
        stmt = select(Account).where(Account.email == email.lower())
        return self.session.scalars(stmt).one_or_none()

    def open_account(
        self, email: str, name: str, *, company: str | None = None, currency: str = "EUR"
    ) -> Account:
        account = Account(email=email.lower(), name=name, company=company, currency=currency)
        self.session.add(account)
        self.session.flush()
        return account

    def suspend(self, account: Account) -> None:
        account.status = "suspended"

    def set_payment_terms(self, account_id: int, days: int) -> None:
        self.session.execute(
            update(Account).where(Account.id == account_id).values(payment_terms_days=days)
        )

    def with_open_invoices(self) -> Sequence[Account]:
        stmt = (
            select(Account)
            .join(Account.invoices)
            .where(Invoice.status == "open")
            .distinct()
            .order_by(Account.name)
        )
        return self.session.scalars(stmt).all()

    def add_note(self, account: Account, body: str, author: str) -> None:
        self.session.add(AccountNote(account_id=account.id, body=body, author=author))

    def import_notes(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Loads notes exported from the old CRM (keys: account_id, body, author, created)."""
        self.session.bulk_insert_mappings(AccountNote, list(rows))


class InvoiceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, invoice_id: int) -> Invoice | None:
        return self.session.get(Invoice, invoice_id, options=[selectinload(Invoice.lines)])

    def draft_for_period(self, accounts: Sequence[Account], period: str) -> list[Invoice]:
        """Creates one empty draft invoice per account for a billing period like ``2024-07``."""
        invoices = [
            Invoice(account=account, number=f"{period}-{account.id:06d}", currency=account.currency)
            for account in accounts
        ]
        self.session.add_all(invoices)
        return invoices

    def add_line(
        self, invoice_id: int, description: str, quantity: int, unit_price_cents: int
    ) -> int:
        stmt = (
            insert(InvoiceLine)
            .values(
                invoice_id=invoice_id,
                description=description,
                quantity=quantity,
                unit_price_cents=unit_price_cents,
            )
            .returning(InvoiceLine.id)
        )
        return self.session.execute(stmt).scalar_one()

    def issue(self, invoice: Invoice, issued_at: datetime) -> None:
        invoice.recalculate()
        invoice.status = "open"
        invoice.issued_at = issued_at
        invoice.due_date = (issued_at + timedelta(days=invoice.account.payment_terms_days)).date()

    def overdue(self, today: date) -> Sequence[Invoice]:
        stmt = (
            select(Invoice)
            .where(Invoice.status == "open", Invoice.due_date < today)
            .order_by(Invoice.due_date, Invoice.id)
        )
        return self.session.scalars(stmt).all()

    def totals_by_account(self, since: date) -> dict[int, int]:
        stmt = (
            select(Invoice.account_id, func.sum(Invoice.total_cents))
            .where(Invoice.issued_at >= since)
            .group_by(Invoice.account_id)
        )
        return {account_id: total for account_id, total in self.session.execute(stmt)}

    def mark_paid(self, invoice_ids: Sequence[int], paid_at: datetime) -> int:
        stmt = (
            update(Invoice)
            .where(Invoice.id.in_(invoice_ids), Invoice.status == "open")
            .values(status="paid", paid_at=paid_at)
        )
        return self.session.execute(stmt).rowcount

    def delete_stale_drafts(self, cutoff: datetime) -> int:
        stmt = delete(Invoice).where(Invoice.status == "draft", Invoice.created_at < cutoff)
        return self.session.execute(stmt).rowcount


class PaymentEventRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self,
        invoice_id: int,
        provider: str,
        provider_ref: str,
        kind: str,
        amount_cents: int,
        payload: dict[str, Any],
    ) -> None:
        self.session.execute(
            payment_events.insert().values(
                invoice_id=invoice_id,
                provider=provider,
                provider_ref=provider_ref,
                kind=kind,
                amount_cents=amount_cents,
                payload=payload,
            )
        )

    def for_invoice(self, invoice_id: int) -> list[tuple[str, int, datetime]]:
        stmt = (
            select(
                payment_events.c.kind,
                payment_events.c.amount_cents,
                payment_events.c.received_at,
            )
            .where(payment_events.c.invoice_id == invoice_id)
            .order_by(payment_events.c.received_at)
        )
        return [tuple(row) for row in self.session.execute(stmt)]

    def captured_cents(self, invoice_id: int) -> int:
        stmt = select(func.coalesce(func.sum(payment_events.c.amount_cents), 0)).where(
            payment_events.c.invoice_id == invoice_id, payment_events.c.kind == "captured"
        )
        return self.session.execute(stmt).scalar_one()


def settle_invoice(session: Session, invoice_id: int, now: datetime) -> bool:
    """Marks an open invoice paid once captured payments cover its total."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.status != "open":
        return False
    if PaymentEventRepository(session).captured_cents(invoice_id) < invoice.total_cents:
        return False
    invoice.status = "paid"
    invoice.paid_at = now
    return True


def aging_report(session: Session, as_of: date) -> list[AgingRow]:
    """Open invoices past their due date, oldest first, for the collections team."""
    rows = session.execute(
        text(
            """
            SELECT a.email, i.number, i.total_cents, i.due_date,
                   CAST(:as_of AS date) - i.due_date AS days_overdue
            FROM billing.invoices AS i
            JOIN accounts AS a ON a.id = i.account_id
            WHERE i.status = 'open' AND i.due_date < :as_of
            ORDER BY i.due_date, i.number
            """
        ),
        {"as_of": as_of},
    )
    return [AgingRow(*row) for row in rows]
