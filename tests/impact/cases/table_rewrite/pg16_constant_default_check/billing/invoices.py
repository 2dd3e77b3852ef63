from billing.db import connect

INVOICE_TOTALS = """
    SELECT o.customer_id, sum(o.total_cents) AS due
    FROM orders o
    WHERE o.status = 'delivered'
    GROUP BY o.customer_id
"""


def invoice_totals():
    with connect() as conn, conn.cursor() as cur:
        cur.execute(INVOICE_TOTALS)
        return dict(cur.fetchall())
