"""Finance report: how much each coupon saved customers."""

from sqlalchemy import text

from reports.db import engine

SAVINGS = text(
    """
    SELECT customer_id, discount_code, sum(saved_cents) AS saved
    FROM orders  -- depmap-expect: natural-join-change breaking
    NATURAL JOIN order_coupon_usage
    GROUP BY customer_id, discount_code
    """
)


def savings():
    with engine.connect() as conn:
        return conn.execute(SAVINGS).all()


def orders_with_usage():
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT o.order_id, u.saved_cents FROM orders o NATURAL LEFT JOIN order_coupon_usage u")  # depmap-expect: natural-join-change breaking
        ).all()


def shipped():
    # shipments has no discount_code: its NATURAL JOIN keeps joining on order_id only.
    with engine.connect() as conn:
        return conn.execute(text("SELECT order_id, carrier FROM orders NATURAL JOIN shipments")).all()
