"""Order queries for the back office, on a plain psycopg2 connection pool."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg2
from psycopg2.pool import ThreadedConnectionPool

pool = ThreadedConnectionPool(1, 10, dsn="dbname=shop")


@dataclass
class OrderSummary:
    id: int
    status: str
    total_cents: int


def get_order(order_id: int) -> OrderSummary | None:
    conn = pool.getconn()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT * FROM orders WHERE id = %s", (order_id,))  # depmap-expect: select-star breaking
            row = cur.fetchone()
            if row is None:
                return None
            oid, customer_id, status, total_cents, placed_at = row
            return OrderSummary(oid, status, total_cents)
    finally:
        pool.putconn(conn)


def customer_orders(customer_id: int) -> list[OrderSummary]:
    conn = pool.getconn()
    try:
        with conn.cursor() as cur:
            cur.execute(
                """
                SELECT *
                  FROM orders o  -- depmap-expect: select-star breaking
                 WHERE o.customer_id = %s
                 ORDER BY o.placed_at DESC
                """,
                (customer_id,),
            )
            summaries = []
            for oid, _customer, status, total_cents, _placed in cur.fetchall():
                summaries.append(OrderSummary(oid, status, total_cents))
            return summaries
    finally:
        pool.putconn(conn)


def order_status(order_id: int) -> str:
    """The starred target absorbs any column added later: not a positional break."""
    conn = pool.getconn()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT * FROM orders WHERE id = %s", (order_id,))  # depmap-expect: select-star warning
            oid, customer_id, status, *_ = cur.fetchone()
            return status
    finally:
        pool.putconn(conn)


def totals_by_status() -> dict[str, int]:
    """An explicit column list: the new column never reaches this code."""
    conn = pool.getconn()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT status, sum(total_cents) FROM orders GROUP BY status")
            cur.execute("SELECT id, email FROM customers")
            return {status: total for status, total in cur.fetchall()}
    finally:
        pool.putconn(conn)
