"""Figures for the monthly sales meeting, computed in SQL."""

from datetime import date

from django.db import connection


def top_customers(start: date, end: date, limit: int = 10) -> list[dict]:
    """Customers with the highest revenue from orders paid in ``[start, end)``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.email, c.full_name, count(o.id) AS order_count, sum(o.total_amount) AS revenue
            FROM sales_order AS o
            JOIN customers_customer AS c ON c.id = o.customer_id
            WHERE o.status IN ('paid', 'shipped')
              AND o.paid_at >= %s AND o.paid_at < %s
            GROUP BY c.email, c.full_name
            ORDER BY revenue DESC
            LIMIT %s
            """,
            [start, end, limit],
        )
        columns = [col.name for col in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]
