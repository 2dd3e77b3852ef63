"""Promote validated rows from the staging table into orders."""

import pymysql

PROMOTE = """
INSERT INTO orders  -- depmap-expect: insert-select-star breaking
SELECT s.*
FROM orders_staging AS s
WHERE s.status <> 'invalid'
"""


def promote(conn: pymysql.connections.Connection) -> int:
    with conn.cursor() as cur:
        cur.execute(PROMOTE)
        count = cur.rowcount
        cur.execute("TRUNCATE TABLE orders_staging")
    conn.commit()
    return count


def refill_staging(conn: pymysql.connections.Connection) -> None:
    # orders is the source here and the staging table is rebuilt from it: both keep the same shape.
    with conn.cursor() as cur:
        cur.execute("INSERT INTO orders_staging (id, customer_id, status, total_cents) SELECT id, customer_id, status, total_cents FROM orders")
    conn.commit()
