"""Warehouse stock snapshots arrive as CSV every 15 minutes."""

import pymysql

LOAD_SNAPSHOT = """
    LOAD DATA LOCAL INFILE %(path)s  -- depmap-expect: copy-without-columns breaking
    REPLACE INTO TABLE stock_levels
    FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"'
    LINES TERMINATED BY '\\n'
    IGNORE 1 LINES
"""

LOAD_PARTIAL = """
    LOAD DATA LOCAL INFILE %(path)s
    INTO TABLE stock_levels
    FIELDS TERMINATED BY ','
    (sku, warehouse_id, on_hand, @ignored)
    SET updated_at = NOW()
"""


def load(conn: pymysql.connections.Connection, path: str, partial: bool = False) -> int:
    with conn.cursor() as cur:
        if partial:
            cur.execute(LOAD_PARTIAL, {"path": path})
        else:
            cur.execute(LOAD_SNAPSHOT, {"path": path})
        cur.execute("SELECT COUNT(*) FROM stock_levels WHERE updated_at >= NOW() - INTERVAL 15 MINUTE")
        (fresh,) = cur.fetchone()
    conn.commit()
    return fresh
