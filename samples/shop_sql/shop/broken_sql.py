"""Quick counters for the support dashboard."""

from __future__ import annotations

from psycopg import Connection


def pending_order_count(conn: Connection, customer_id: int) -> int:
    """How many unpaid orders a customer has."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT count(*) FORM orders WHERE customer_id = %s AND status = 'pending'",
            (customer_id,),
        )
        (count,) = cur.fetchone()
    return count
