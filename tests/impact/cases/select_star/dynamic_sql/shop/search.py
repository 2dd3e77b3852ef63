"""Back-office search: queries assembled from pieces."""

from shop.db import get_connection

ORDER_TABLE = "orders"
BASE_QUERY = "SELECT * FROM orders"  # depmap-expect: select-star breaking


def by_status(status, limit=50):
    with get_connection() as conn:
        cur = conn.cursor()
        cur.execute(f"SELECT * FROM orders WHERE status = %s ORDER BY id LIMIT {int(limit)}", (status,))  # depmap-expect: select-star breaking
        return [(oid, total) for oid, _c, _s, total, _p in cur.fetchall()]


def search(customer_id=None, status=None):
    query = BASE_QUERY + " WHERE true"
    params = []
    if customer_id is not None:
        query += " AND customer_id = %s"
        params.append(customer_id)
    if status is not None:
        query += " AND status = %s"
        params.append(status)
    with get_connection() as conn:
        cur = conn.cursor()
        cur.execute(query, params)
        rows = cur.fetchall()
    return [row[0] for row in rows]


def newest(customer_id):
    with get_connection() as conn:
        cur = conn.cursor()
        cur.execute(BASE_QUERY + " WHERE customer_id = %s ORDER BY placed_at DESC LIMIT 1", (customer_id,))
        oid, customer, status, total_cents, placed_at = cur.fetchone()
    return oid
