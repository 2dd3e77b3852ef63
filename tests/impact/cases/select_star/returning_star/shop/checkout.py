"""Checkout writes: the new order comes back with RETURNING."""

import psycopg2

from shop.db import get_connection


def place_order(customer_id, total_cents):
    with get_connection() as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO orders (customer_id, total_cents) VALUES (%s, %s) RETURNING *",  # depmap-expect: select-star breaking
            (customer_id, total_cents),
        )
        order_id, _customer, status, _total, placed_at = cur.fetchone()
    return {"id": order_id, "status": status, "placed_at": placed_at}


def mark_paid(order_id):
    with get_connection() as conn, conn.cursor() as cur:
        cur.execute("UPDATE orders SET status = 'paid' WHERE id = %s RETURNING id, status", (order_id,))
        oid, status = cur.fetchone()
    return status
