import pymysql

REGION_TOTALS = """
SELECT region, COUNT(DISTINCT cu.id) AS customers, SUM(o.total_cents) AS revenue
FROM orders o
JOIN customers cu ON cu.id = o.customer_id
JOIN warehouses w ON w.id = o.warehouse_id  -- depmap-expect: ambiguous-column breaking
GROUP BY region
ORDER BY revenue DESC
"""

BY_WAREHOUSE = """
SELECT w.name, region, COUNT(*) AS orders
FROM orders o
JOIN warehouses w ON w.id = o.warehouse_id
GROUP BY w.name, region
"""


def region_totals(conn: pymysql.connections.Connection):
    with conn.cursor() as cur:
        cur.execute(REGION_TOTALS)
        return cur.fetchall()


def by_warehouse(conn: pymysql.connections.Connection):
    # customers is not joined here: region can only be the warehouse's.
    with conn.cursor() as cur:
        cur.execute(BY_WAREHOUSE)
        return cur.fetchall()
