"""Invoice data read with dict cursors: rows are read by column name."""

from psycopg2.extras import RealDictCursor

from billing.db import get_connection


def invoice_lines(order_id):
    conn = get_connection()
    with conn.cursor(cursor_factory=RealDictCursor) as cur:
        cur.execute("SELECT * FROM orders WHERE id = %(id)s", {"id": order_id})  # depmap-expect: select-star warning
        order = cur.fetchone()
    return {
        "order": order["id"],
        "status": order["status"],
        "amount": order["total_cents"] / 100,
    }


def open_orders():
    conn = get_connection()
    with conn.cursor(cursor_factory=RealDictCursor) as cur:
        cur.execute("SELECT * FROM orders WHERE status = 'pending'")  # depmap-expect: select-star warning
        return [dict(row) for row in cur.fetchall()]
