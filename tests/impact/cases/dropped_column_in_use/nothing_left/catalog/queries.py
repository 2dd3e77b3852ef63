import psycopg


def find_by_sku(conn: psycopg.Connection, sku: str):
    return conn.execute("SELECT id, name, price_cents FROM products WHERE sku = %s", (sku,)).fetchone()
