"""Checkout: turn a cart into a paid-for order in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from shop.db import connection
from shop.repositories import payments, products
from shop.repositories.orders import LineItem, OrderRepository

logger = logging.getLogger(__name__)


class UnknownProduct(LookupError):
    """The cart refers to a product that does not exist (any more)."""


@dataclass(frozen=True)
class CartLine:
    product_id: int
    quantity: int


@dataclass(frozen=True)
class Authorization:
    """A card authorization obtained by the front end from the payment provider."""

    provider: str
    provider_ref: str


def checkout(
    customer_id: int,
    cart: Sequence[CartLine],
    authorization: Authorization,
    currency: str = "EUR",
) -> int:
    """Place the order for ``cart`` and return the new order id.

    Prices are taken from the catalogue inside the transaction, never from
    the client. Stock is reserved before the payment is recorded so that an
    out-of-stock product rolls the whole checkout back.
    """
    with connection() as conn, conn.transaction():
        stocked = products.get_for_update(conn, [line.product_id for line in cart])
        items: list[LineItem] = []
        for line in cart:
            product = stocked.get(line.product_id)
            if product is None:
                raise UnknownProduct(line.product_id)
            items.append(LineItem(product.id, line.quantity, product.price_cents))
        total_cents = sum(item.quantity * item.unit_price_cents for item in items)

        orders = OrderRepository(conn)
        order_id = orders.create(customer_id, total_cents, currency)
        orders.add_items(order_id, items)
        for item in items:
            products.reserve_stock(conn, item.product_id, item.quantity)
        payments.record_payment(
            conn, order_id, authorization.provider, authorization.provider_ref, total_cents
        )
        payments.audit(conn, "order", order_id, "checkout")

    logger.info("order %s placed by customer %s", order_id, customer_id)
    return order_id
