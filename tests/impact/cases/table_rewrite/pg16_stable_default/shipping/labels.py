from shipping.db import connect


def orders_to_label(limit=100):
    with connect() as conn, conn.cursor() as cur:
        cur.execute(
            """
            SELECT o.id, c.email, o.total_cents
            FROM orders AS o
            JOIN customers AS c ON c.id = o.customer_id
            WHERE o.status = 'paid'
            ORDER BY o.created_at
            LIMIT %s
            """,
            (limit,),
        )
        return cur.fetchall()
