import sqlite3

ROLLUP = """
    INSERT INTO order_totals (customer_id, total_cents)
    SELECT t.customer_id, SUM(t.total_cents)
    FROM (SELECT * FROM orders WHERE status = 'paid') AS t
    GROUP BY t.customer_id
"""

ARCHIVE = """
    INSERT INTO orders_archive (id, customer_id, status, total_cents)
    SELECT o.id, o.customer_id, o.status, o.total_cents
    FROM orders AS o
    WHERE o.status = 'cancelled'
"""


def rollup(path: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM order_totals")
        conn.execute(ROLLUP)
        conn.execute(ARCHIVE)


def zero_rows_for_new_customers(path: str) -> None:
    # `EXISTS (SELECT * ...)` produces no values: its star is harmless.
    with sqlite3.connect(path) as conn:
        conn.execute(
            """
            INSERT INTO order_totals (customer_id, total_cents)
            SELECT c.id, 0 FROM customers AS c
            WHERE NOT EXISTS (SELECT * FROM orders AS o WHERE o.customer_id = c.id)
            """
        )
