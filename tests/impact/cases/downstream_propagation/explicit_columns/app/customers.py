"""Support tool: look a customer up (reads, moves nothing downstream)."""

from __future__ import annotations


def find_customer(conn, email: str):
    with conn.cursor() as cur:
        cur.execute("SELECT * FROM customers WHERE email = %s", (email,))
        return cur.fetchone()
