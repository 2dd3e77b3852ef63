def mark_shipped(cur, order_id, carrier):
    cur.execute(
        "UPDATE orders SET shipped_at = now(), carrier = %s, status = 'shipped' WHERE id = %s",
        (carrier, order_id),
    )
