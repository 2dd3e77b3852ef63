"""Order persistence for the checkout service (psycopg 3, no ORM)."""

from __future__ import annotations

import psycopg

INSERT_ORDER = """
    INSERT INTO orders (customer_id, status, total_cents)  -- depmap-expect: not-null-without-default breaking
    VALUES (%(customer_id)s, %(status)s, %(total_cents)s)
    RETURNING id
"""


def create_order(conn: psycopg.Connection, customer_id: int, total_cents: int) -> int:
    with conn.cursor() as cur:
        cur.execute(INSERT_ORDER, {"customer_id": customer_id, "status": "pending", "total_cents": total_cents})
        return cur.fetchone()[0]


def upsert_from_marketplace(conn: psycopg.Connection, order: dict) -> None:
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO orders AS o (customer_id, status, total_cents, external_ref) "  # depmap-expect: not-null-without-default breaking
            "VALUES (%(customer)s, %(status)s, %(total)s, %(ref)s) "
            "ON CONFLICT (external_ref) DO UPDATE SET status = EXCLUDED.status, total_cents = EXCLUDED.total_cents",
            order,
        )


def create_with_code(conn: psycopg.Connection, customer_id: int, code: str) -> None:
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO orders (customer_id, status, discount_code) VALUES (%s, 'pending', %s)",
            (customer_id, code),
        )


def convert_carts(conn: psycopg.Connection, days: int) -> int:
    """Abandoned carts untouched for `days` days become pending orders."""
    with conn.cursor() as cur:
        cur.execute(
            f"""
            WITH ready AS (
                SELECT c.customer_id, sum(i.price_cents * i.quantity) AS total
                FROM carts c JOIN cart_items i ON i.cart_id = c.id
                WHERE c.updated_at < now() - interval '{int(days)} days'
                GROUP BY c.customer_id
            )
            INSERT INTO orders (customer_id, status, total_cents)  -- depmap-expect: not-null-without-default breaking
            SELECT r.customer_id, 'pending', r.total FROM ready r
            """
        )
        return cur.rowcount


def bulk_load(conn: psycopg.Connection, path: str) -> None:
    with conn.cursor() as cur, open(path, "rb") as source:
        with cur.copy("COPY orders (customer_id, status, total_cents) FROM STDIN WITH (FORMAT csv)") as copy:  # depmap-expect: not-null-without-default breaking
            while data := source.read(65536):
                copy.write(data)


def mark_shipped(conn: psycopg.Connection, order_id: int) -> None:
    with conn.cursor() as cur:
        cur.execute("UPDATE orders SET status = 'shipped' WHERE id = %s", (order_id,))
