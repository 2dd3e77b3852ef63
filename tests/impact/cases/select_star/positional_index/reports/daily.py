"""The daily order report e-mailed to the finance team."""

import csv
import io

from reports.db import connect


def daily_rows(day):
    with connect() as conn:
        cur = conn.cursor()
        cur.execute("SELECT * FROM orders WHERE placed_at::date = %s ORDER BY id", (day,))  # depmap-expect: select-star warning
        out = []
        for row in cur.fetchall():
            out.append({"id": row[0], "status": row[2], "total": row[3] / 100})
        return out


def last_order_date(customer_id):
    with connect() as conn:
        cur = conn.cursor()
        cur.execute(
            "SELECT * FROM orders WHERE customer_id = %s ORDER BY id DESC LIMIT 1",  # depmap-expect: select-star breaking
            (customer_id,),
        )
        return cur.fetchone()[-1]


def export_csv(day):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    with connect() as conn:
        cur = conn.cursor()
        cur.execute("SELECT id, status, total_cents FROM orders WHERE placed_at::date = %s", (day,))
        for row in cur:
            writer.writerow([row[0], row[1], row[2]])
    return buffer.getvalue()
