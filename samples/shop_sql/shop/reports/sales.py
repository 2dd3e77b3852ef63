"""Sales reports for the finance and merchandising teams (read-only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd

from shop.db import connection, fetch_all

TOP_CUSTOMERS_BY_MONTH = """
    WITH monthly AS (
        SELECT o.customer_id,
               date_trunc('month', o.placed_at) AS month,
               SUM(o.total_cents) AS revenue_cents,
               COUNT(*) AS order_count
        FROM orders AS o
        WHERE o.status IN ('paid', 'shipped', 'delivered')
          AND o.placed_at >= %(start)s
          AND o.placed_at < %(end)s
        GROUP BY o.customer_id, date_trunc('month', o.placed_at)
    ),
    ranked AS (
        SELECT m.*,
               ROW_NUMBER() OVER (
                   PARTITION BY m.month ORDER BY m.revenue_cents DESC, m.customer_id
               ) AS revenue_rank
        FROM monthly AS m
    ),
    top_customers AS (
        SELECT r.month, r.customer_id, r.revenue_cents, r.order_count, r.revenue_rank
        FROM ranked AS r
        WHERE r.revenue_rank <= %(top_n)s
    )
    SELECT t.month, t.revenue_rank, c.email, c.full_name, t.revenue_cents, t.order_count
    FROM top_customers AS t
    JOIN customers AS c ON c.id = t.customer_id
    ORDER BY t.month, t.revenue_rank
"""

ORDER_TIMELINE = """
    SELECT 'placed' AS event, o.placed_at AS occurred_at
    FROM orders AS o
    WHERE o.id = %(order_id)s
    UNION ALL
    SELECT 'payment ' || p.status, p.created_at
    FROM payments AS p
    WHERE p.order_id = %(order_id)s
    UNION ALL
    SELECT 'shipped with ' || s.carrier, s.shipped_at
    FROM shipments AS s
    WHERE s.order_id = %(order_id)s AND s.shipped_at IS NOT NULL
    ORDER BY occurred_at
"""


def top_customers_by_month(start: date, end: date, top_n: int = 10) -> list[dict[str, Any]]:
    """The ``top_n`` customers by paid revenue in every month of [start, end)."""
    return fetch_all(TOP_CUSTOMERS_BY_MONTH, {"start": start, "end": end, "top_n": top_n})


def order_timeline(order_id: int) -> list[dict[str, Any]]:
    """Everything that happened to one order, for the support view."""
    return fetch_all(ORDER_TIMELINE, {"order_id": order_id})


def unsold_products(since: datetime) -> list[dict[str, Any]]:
    """Products nobody has ordered since ``since``: candidates for a sale."""
    return fetch_all(
        """
        SELECT pr.id, pr.sku, pr.name, pr.stock_on_hand
        FROM products AS pr
        WHERE pr.id NOT IN (
            SELECT oi.product_id
            FROM order_items AS oi
            JOIN orders AS o ON o.id = oi.order_id
            WHERE o.placed_at >= %s
        )
        ORDER BY pr.sku
        """,
        (since,),
    )


def mismatched_totals() -> list[dict[str, Any]]:
    """Orders whose stored total disagrees with the sum of their items."""
    return fetch_all(
        "SELECT id, customer_id, total_cents, items_total_cents FROM order_totals "
        "WHERE total_cents <> items_total_cents ORDER BY id"
    )


def orders_frame(start: date, end: date) -> pd.DataFrame:
    """Raw orders of a period as a DataFrame, for the analysts' notebooks."""
    with connection() as conn:
        return pd.read_sql(
            "SELECT * FROM orders WHERE placed_at >= %(start)s AND placed_at < %(end)s",
            conn,
            params={"start": start, "end": end},
        )
