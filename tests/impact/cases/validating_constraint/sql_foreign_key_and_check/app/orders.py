from db import connection


def place_order(customer_id, total):
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO orders (customer_id, total, status) VALUES (%s, %s, 'new')",
            (customer_id, total),
        )


def mark_shipped(order_id):
    with connection.cursor() as cur:
        cur.execute("UPDATE orders SET status = 'shipped' WHERE id = %s", (order_id,))


def find_customer(email):
    with connection.cursor() as cur:
        cur.execute("SELECT id, email FROM customers WHERE email = %s", (email,))
        return cur.fetchone()
