"""The nightly import from the old ERP still matches products by their legacy code."""

import psycopg


def find_by_legacy_code(conn: psycopg.Connection, code: str):
    return conn.execute(
        "SELECT id, sku FROM products WHERE legacy_code = %s",  # depmap-expect: dropped-column-in-use breaking
        (code,),
    ).fetchone()


def restore_backup(conn: psycopg.Connection, rows):
    for row in rows:
        conn.execute("INSERT INTO products VALUES (%s, %s, %s, %s, %s)", row)  # depmap-expect: dropped-column-in-use breaking


def price_list(conn: psycopg.Connection):
    result = []
    for product_id, sku, name, legacy_code, price_cents in conn.execute("SELECT * FROM products"):  # depmap-expect: dropped-column-in-use breaking
        result.append((sku, name, price_cents))
    return result
