"""Order lookups over PyMySQL."""

import pymysql

ORDER_FIELDS = ["id", "customer_id", "status", "total_cents", "placed_at"]


def connect():
    return pymysql.connect(host="db", user="shop", database="shop")


def order_as_dict(order_id):
    conn = connect()
    with conn.cursor() as cursor:
        cursor.execute("SELECT * FROM orders WHERE id = %s", (order_id,))  # depmap-expect: select-star breaking
        row = cursor.fetchone()
    return dict(zip(ORDER_FIELDS, row))


def order_total(order_id):
    conn = connect()
    with conn.cursor() as cursor:
        cursor.execute("SELECT * FROM orders WHERE id = %s", (order_id,))  # depmap-expect: select-star breaking
        return cursor.fetchone()[3]


def order_count():
    conn = connect()
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders")
        return cursor.fetchone()[0]
