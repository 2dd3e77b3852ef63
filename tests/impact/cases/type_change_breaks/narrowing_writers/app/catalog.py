import psycopg


def add_product(conn: psycopg.Connection, sku: str, name: str) -> None:
    conn.execute("INSERT INTO products (sku, name) VALUES (%s, %s)", (sku, name))  # depmap-expect: type-change-breaks warning


def find(conn: psycopg.Connection, sku: str):
    return conn.execute("SELECT id, name FROM products WHERE sku = %s", (sku,)).fetchone()
