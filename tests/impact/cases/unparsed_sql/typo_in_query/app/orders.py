from app.db import get_connection


def pending_count(customer_id):
    with get_connection() as conn:
        cur = conn.cursor()
        cur.execute(
            "SELECT count(*) FORM orders WHERE customer_id = %s AND status = 'pending'",  # depmap-expect: unparsed-sql info
            (customer_id,),
        )
        return cur.fetchone()[0]


def refunds(customer_id):
    with get_connection() as conn:
        cur = conn.cursor()
        cur.execute("SELECT id FROM refunds WHERE customer_id = %s", (customer_id,))
        return cur.fetchall()
