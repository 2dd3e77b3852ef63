from django.db import connection

ORDERS_WITH_CODES = """
    SELECT o.id, o.total_cents, discount_code, c.percent_off
    FROM orders AS o
    JOIN coupons AS c ON c.id = o.coupon_id  -- depmap-expect: ambiguous-column breaking
    WHERE o.placed_at >= %s
"""


def orders_with_codes(since):
    with connection.cursor() as cursor:
        cursor.execute(ORDERS_WITH_CODES, [since])
        return cursor.fetchall()


def revenue_for_code(code):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(o.total_cents) FROM orders o LEFT JOIN coupons c ON c.id = o.coupon_id WHERE discount_code = %s",  # depmap-expect: ambiguous-column breaking
            [code],
        )
        return cursor.fetchone()[0]


def apply_percent(code):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE orders
            SET total_cents = total_cents * (100 - c.percent_off) / 100
            FROM coupons AS c  -- depmap-expect: ambiguous-column breaking
            WHERE c.id = orders.coupon_id AND discount_code = %s
            """,
            [code],
        )


def code_of(order_id):
    # Qualified: stays unambiguous.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.discount_code FROM orders o JOIN coupons c ON c.id = o.coupon_id WHERE o.id = %s", [order_id]
        )
        return cursor.fetchone()
