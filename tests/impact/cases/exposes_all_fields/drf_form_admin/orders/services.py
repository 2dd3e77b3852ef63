"""Checkout: the storefront and the phone-order desk both end up here."""

import secrets

from django.db import connection, transaction
from django.utils import timezone

from orders.models import Order


def _order_number() -> str:
    return f"SO-{timezone.now():%y%m}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def place_order(email: str, total) -> Order:
    # The new model fills discount_code with "", the deployed one does not: see the migration.
    return Order.objects.create(number=_order_number(), email=email, total=total)


def reorder(previous: Order) -> Order:
    order, _ = Order.objects.get_or_create(
        number=f"{previous.number}-R",
        defaults={"email": previous.email, "total": previous.total},
    )
    return order


def import_phone_orders(rows) -> None:
    """Orders taken by phone arrive as a CSV export from the call-centre tool."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO orders_order (number, email, status, total, created_at) "
            "VALUES (%s, %s, 'pending', %s, now())",
            [(row["number"], row["email"], row["total"]) for row in rows],
        )


def mark_paid(number: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orders_order SET status = 'paid' WHERE number = %s", [number])
