"""Order queries that name their columns, or whose `*` never reaches the code."""

from django.db import connection

from shop.orders.models import Order


def order_row(order_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, customer_id, status, total_cents FROM orders WHERE id = %s", [order_id])
        oid, customer_id, status, total_cents = cursor.fetchone()
    return oid, status


def orders_with_customer(customer_id):
    """Only customers is selected with a star: orders contributes named columns."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT o.id, o.status, c.*
              FROM orders o
              JOIN customers c ON c.id = o.customer_id
             WHERE c.id = %s
            """,
            [customer_id],
        )
        return cursor.fetchall()


def recent_ids():
    """The star is narrowed by the query around it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH recent AS (
                SELECT * FROM orders WHERE placed_at > now() - interval '7 days'
            )
            SELECT id, status FROM recent ORDER BY id
            """
        )
        return [(oid, status) for oid, status in cursor.fetchall()]


def has_orders(customer_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT * FROM orders WHERE customer_id = %s)", [customer_id])
        (exists,) = cursor.fetchone()
    return exists


def order_count():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders")
        return cursor.fetchone()[0]


def pending_orders():
    """Django maps raw() columns to model fields by name."""
    return list(Order.objects.raw("SELECT * FROM orders WHERE status = 'pending'"))
