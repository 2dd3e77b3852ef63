"""Recreate the support team's lookup view; run by hand after a deploy."""

from __future__ import annotations

import os

import psycopg


def rebuild(conn: psycopg.Connection) -> None:
    with conn.cursor() as cur:
        cur.execute("CREATE SCHEMA IF NOT EXISTS support")
        cur.execute(
            """
            CREATE OR REPLACE VIEW support.customer_lookup AS  -- depmap-expect: view-star-frozen info
            SELECT * FROM customers
            """
        )
    conn.commit()


if __name__ == "__main__":
    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        rebuild(connection)
