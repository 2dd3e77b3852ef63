from shop.db import get_connection

INSERT_ORDER = """
    INSERT INTO orders (customer_id, status, total_cents)
    VALUES (%(customer_id)s, 'new', %(total_cents)s)
"""


def create(customer_id, total_cents):
    conn = get_connection()
    with conn.cursor() as cur:
        cur.execute(INSERT_ORDER, {"customer_id": customer_id, "total_cents": total_cents})
        order_id = cur.lastrowid
        cur.execute("INSERT INTO order_events VALUES (%s, 'created', NOW())", (order_id,))
    conn.commit()
    return order_id


def clone(order_id):
    conn = get_connection()
    with conn.cursor() as cur:
        cur.execute(
            """
            INSERT INTO orders (customer_id, status, total_cents)
            SELECT o.customer_id, 'new', o.total_cents FROM orders AS o WHERE o.id = %s
            """,
            (order_id,),
        )
    conn.commit()


def placeholder_order(customer_id):
    conn = get_connection()
    with conn.cursor() as cur:
        cur.execute("INSERT INTO orders SET customer_id = %s, total_cents = 0", (customer_id,))
    conn.commit()
