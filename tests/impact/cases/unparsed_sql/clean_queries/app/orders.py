from app.db import get_connection


def pending_count(customer_id):
    with get_connection() as conn:
        cur = conn.cursor()
        cur.execute(
            "SELECT count(*) FROM orders WHERE customer_id = %s AND status = 'pending'",
            (customer_id,),
        )
        return cur.fetchone()[0]


def broken_refunds(customer_id):
    with get_connection() as conn:
        cur = conn.cursor()
        cur.execute("SELECT id FORM refunds WHERE customer_id = %s", (customer_id,))
        return cur.fetchall()
