"""Orders and their line items.

``OrderRepository`` works on a connection whose transaction the caller owns;
the module-level functions are maintenance jobs that run on their own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from psycopg import Connection

logger = logging.getLogger(__name__)

SORTABLE_COLUMNS = frozenset({"placed_at", "total_cents", "status"})

ORDERS_BY_STATUS = """
    SELECT id, customer_id, total_cents, placed_at
    FROM orders
    WHERE status = %(status)s
    ORDER BY placed_at DESC
    LIMIT %(limit)s
"""


class OrderNotFound(LookupError):
    """No order with the given id."""


@dataclass(frozen=True)
class LineItem:
    product_id: int
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True)
class OrderHeader:
    id: int
    customer_id: int
    status: str


class OrderRepository:
    """Reads and writes orders on one connection."""

    SQL_INSERT = """
        INSERT INTO orders (customer_id, status, total_cents, currency, placed_at)
        VALUES (%s, 'pending', %s, %s, now())
        RETURNING id
    """
    SQL_INSERT_ITEM = (
        "INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) "
        "VALUES (%s, %s, %s, %s)"
    )
    SQL_SET_STATUS = "UPDATE orders SET status = %s, updated_at = now() WHERE id = %s"

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def create(self, customer_id: int, total_cents: int, currency: str = "EUR") -> int:
        """Create a pending order and return its id."""
        with self.conn.cursor() as cur:
            cur.execute(self.SQL_INSERT, (customer_id, total_cents, currency))
            (order_id,) = cur.fetchone()
        return order_id

    def add_items(self, order_id: int, items: Sequence[LineItem]) -> None:
        """Store all line items of an order in one round trip."""
        rows = [(order_id, i.product_id, i.quantity, i.unit_price_cents) for i in items]
        with self.conn.cursor() as cur:
            cur.executemany(self.SQL_INSERT_ITEM, rows)

    def get_header(self, order_id: int) -> OrderHeader:
        """The id, customer and status of an order."""
        with self.conn.cursor() as cur:
            cur.execute("SELECT * FROM orders WHERE id = %s", (order_id,))
            if cur.rowcount == 0:
                raise OrderNotFound(order_id)
            order_id, customer_id, status, *_ = cur.fetchone()
        return OrderHeader(order_id, customer_id, status)

    def set_status(self, order_id: int, status: str) -> None:
        """Move an order to another status; the CHECK constraint guards the value."""
        with self.conn.cursor() as cur:
            cur.execute(self.SQL_SET_STATUS, (status, order_id))
            if cur.rowcount == 0:
                raise OrderNotFound(order_id)

    def search(
        self,
        *,
        customer_id: int | None = None,
        status: str | None = None,
        placed_after: datetime | None = None,
    ) -> list[tuple[Any, ...]]:
        """Back-office order search; every filter is optional."""
        query = "SELECT id, customer_id, status, total_cents, placed_at FROM orders WHERE true"
        params: list[Any] = []
        if customer_id is not None:
            query += " AND customer_id = %s"
            params.append(customer_id)
        if status is not None:
            query += " AND status = %s"
            params.append(status)
        if placed_after is not None:
            query += " AND placed_at >= %s"
            params.append(placed_after)
        query += " ORDER BY placed_at DESC, id DESC"
        with self.conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall()

    def history(
        self, customer_id: int, sort: str = "placed_at", limit: int = 20
    ) -> list[tuple[Any, ...]]:
        """A customer's orders for the account page, sorted by a whitelisted column."""
        if sort not in SORTABLE_COLUMNS:
            raise ValueError(f"cannot sort orders by {sort!r}")
        with self.conn.cursor() as cur:
            cur.execute(
                f"""
                SELECT id, status, total_cents, currency, placed_at
                FROM orders
                WHERE customer_id = %s
                ORDER BY {sort} DESC
                LIMIT {int(limit)}
                """,
                (customer_id,),
            )
            return cur.fetchall()


def list_by_status(conn: Connection, status: str, limit: int = 50) -> list[tuple[Any, ...]]:
    """The newest orders in one status, for the warehouse screens."""
    with conn.cursor() as cur:
        cur.execute(ORDERS_BY_STATUS, {"status": status, "limit": limit})
        return cur.fetchall()


def mark_captured_as_paid(conn: Connection) -> int:
    """Move pending orders whose payment was captured to 'paid'; returns how many."""
    with conn.cursor() as cur:
        cur.execute(
            """
            UPDATE orders
               SET status = 'paid', paid_at = p.created_at, updated_at = now()
              FROM payments p
             WHERE p.order_id = orders.id
               AND p.status = 'captured'
               AND orders.status = 'pending'
            """
        )
        return cur.rowcount


def cancel_stale(conn: Connection, older_than: timedelta = timedelta(days=3)) -> int:
    """Cancel pending orders that were never paid.

    Support staff usually SELECT orders from the stale list by hand first and
    contact the customer; this job is the automatic fallback.
    """
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE orders SET status = 'cancelled', updated_at = now() "
            "WHERE status = 'pending' AND placed_at < now() - %s::interval",
            (older_than,),
        )
        return cur.rowcount


def purge_cancelled_items(conn: Connection, before: datetime) -> int:
    """Remove the line items of orders cancelled before ``before``."""
    with conn.cursor() as cur:
        cur.execute(
            """
            DELETE FROM order_items AS oi
            USING orders AS o
            WHERE oi.order_id = o.id
              AND o.status = 'cancelled'
              AND o.updated_at < %s
            """,
            (before,),
        )
        return cur.rowcount


def reassign_customer(conn: Connection, duplicate_id: int, cid: int) -> None:
    """Move every order of a duplicate account to the surviving customer ``cid``."""
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE orders SET customer_id = %s, updated_at = now() WHERE customer_id = %s",
            (cid, duplicate_id),
        )
    logger.info("updated orders for customer %s", cid)
