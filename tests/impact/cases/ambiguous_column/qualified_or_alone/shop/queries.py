from django.db import connection

QUALIFIED = """
    SELECT o.id, c.discount_code, c.percent_off
    FROM orders o
    JOIN coupons c ON c.id = o.coupon_id
    WHERE c.discount_code = %s
"""

SUBQUERY = """
    SELECT o.id, o.total_cents
    FROM orders o
    WHERE o.coupon_id IN (SELECT id FROM coupons WHERE discount_code = %s)
"""

NARROW_CTE = """
    WITH paid AS (SELECT id, coupon_id, total_cents FROM orders WHERE total_cents > 0)
    SELECT p.id, discount_code
    FROM paid p
    JOIN coupons c ON c.id = p.coupon_id
"""

NATURAL = "SELECT id, total_cents, discount_code FROM orders NATURAL JOIN order_coupon_usage"

OTHER_JOIN = """
    SELECT o.id, email
    FROM orders o
    JOIN customers cu ON cu.id = o.customer_id
"""


def run(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def all_queries(code):
    return [
        run(QUALIFIED, [code]),
        run(SUBQUERY, [code]),
        run(NARROW_CTE),
        run(NATURAL),
        run(OTHER_JOIN),
        run("SELECT id, total_cents FROM orders WHERE total_cents > %s", [1000]),
    ]
