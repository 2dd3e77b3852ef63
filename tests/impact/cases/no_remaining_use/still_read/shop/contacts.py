import sqlite3


def fax_numbers(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT fax FROM customers WHERE fax IS NOT NULL")]
