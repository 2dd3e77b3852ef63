"""Customer accounts: sign-up, look-ups and newsletter consent."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import Connection

from shop.db import fetch_all

logger = logging.getLogger(__name__)

# Shared prefix of the simple customer listings below.
BASE_SELECT = "SELECT id, email, full_name FROM customers"


@dataclass(frozen=True)
class Customer:
    id: int
    email: str
    full_name: str


def find_by_email(conn: Connection, email: str) -> Customer | None:
    """Look a customer up by e-mail address, ignoring case."""
    query = (
        "SELECT id, email, full_name "
        "FROM customers "
        "WHERE lower(email) = lower(%s)"
    )
    with conn.cursor() as cur:
        cur.execute(query, (email,))
        row = cur.fetchone()
    return Customer(*row) if row else None


def create(conn: Connection, email: str, full_name: str, phone: str | None = None) -> int:
    """Register a new customer and return its id."""
    with conn.cursor() as cur:
        cur.execute(
            """
            INSERT INTO customers (email, full_name, phone)
            VALUES (%s, %s, %s)
            RETURNING id
            """,
            (email, full_name, phone),
        )
        (customer_id,) = cur.fetchone()
    logger.info("created customer %s", customer_id)
    return customer_id


def set_marketing_consent(conn: Connection, customer_id: int, opt_in: bool) -> None:
    """Record newsletter consent (or its withdrawal) with a timestamp."""
    with conn.cursor() as cur:
        cur.execute(
            """
            UPDATE customers
               SET marketing_opt_in = %(opt_in)s,
                   marketing_opt_in_at = CASE WHEN %(opt_in)s THEN now() END
             WHERE id = %(customer_id)s
            """,
            {"opt_in": opt_in, "customer_id": customer_id},
        )


def newsletter_recipients() -> list[dict[str, Any]]:
    """Everyone who opted in to the newsletter, oldest account first."""
    return fetch_all(BASE_SELECT + " WHERE marketing_opt_in ORDER BY id")


def with_open_orders(conn: Connection) -> list[tuple[Any, ...]]:
    """Customers with an order that is not shipped yet, for the support queue."""
    with conn.cursor() as cur:
        cur.execute(
            """
            SELECT c.id, email, full_name, o.id AS order_id, status, total_cents
            FROM customers AS c
            JOIN orders AS o ON o.customer_id = c.id
            WHERE status IN ('pending', 'paid')
            ORDER BY c.id, o.id
            """
        )
        return cur.fetchall()


def dormant(conn: Connection, since: datetime) -> list[tuple[int, str]]:
    """Opted-in customers who have not ordered since ``since`` (win-back mailing)."""
    with conn.cursor() as cur:
        cur.execute(
            """
            SELECT c.id, c.email
            FROM customers AS c
            WHERE c.marketing_opt_in
              AND NOT EXISTS (
                  SELECT 1
                  FROM orders AS o
                  WHERE o.customer_id = c.id
                    AND created_at >= %s
              )
            ORDER BY c.id
            """,
            (since,),
        )
        return cur.fetchall()


def anonymize(conn: Connection, customer_id: int) -> None:
    """Erase personal data on request; orders are kept for bookkeeping."""
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE customers SET email = 'erased-' || id || '@invalid', "
            "full_name = 'erased', phone = NULL, marketing_opt_in = false "
            "WHERE id = %s",
            (customer_id,),
        )
