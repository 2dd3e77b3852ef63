"""Warehouse hand-off: assigns and ships orders (PyMySQL)."""

import pymysql

ASSIGN = "UPDATE orders SET status = 'assigned' WHERE id = %s AND status = 'paid'"


def assign(conn: pymysql.connections.Connection, order_id: int) -> bool:
    with conn.cursor() as cur:
        cur.execute(ASSIGN, (order_id,))
        return cur.rowcount == 1


def ship_batch(conn: pymysql.connections.Connection, ids: list[int]) -> None:
    placeholders = ", ".join(["%s"] * len(ids))
    with conn.cursor() as cur:
        cur.execute(
            f"UPDATE orders o SET o.status = 'shipped' WHERE o.id IN ({placeholders})",
            ids,
        )


def restore(conn: pymysql.connections.Connection, row: tuple) -> None:
    with conn.cursor() as cur:
        cur.execute("INSERT INTO orders VALUES (%s, %s, %s, %s)", row)
