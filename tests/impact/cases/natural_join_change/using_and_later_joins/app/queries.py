import pymysql

WITH_USAGE = """
    SELECT o.order_id, o.total_cents, u.discount_code
    FROM orders o
    JOIN order_coupon_usage u USING (order_id)
"""

WITH_USAGE_ON = """
    SELECT o.order_id, u.discount_code
    FROM orders AS o
    LEFT JOIN order_coupon_usage AS u ON u.order_id = o.order_id
"""

LOYAL_ORDERS = """
    SELECT customer_id, points, o.order_id
    FROM customers
    NATURAL JOIN loyalty_accounts
    JOIN orders o USING (customer_id)
"""

CUSTOMER_ORDERS = "SELECT customer_id, email, order_id FROM orders NATURAL JOIN customers"


def fetch(conn: pymysql.connections.Connection, sql: str):
    with conn.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


def report(conn):
    return [fetch(conn, q) for q in (WITH_USAGE, WITH_USAGE_ON, LOYAL_ORDERS, CUSTOMER_ORDERS)]
