# -*- coding: utf-8 -*-
"""Nightly CSV export of shipped orders for the old ERP.

Python 2 only. Kept for reference until finance confirms the ERP is gone;
the replacement is shop.reports.sales.
"""
import csv
import sys

import psycopg2

EXPORT_SQL = """
    SELECT o.id, c.email, o.total_cents, o.placed_at
    FROM orders o
    JOIN customers c ON c.id = o.customer_id
    WHERE o.status = 'shipped'
    ORDER BY o.id
"""


def main(dsn):
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    try:
        cur.execute(EXPORT_SQL)
    except Exception, e:
        print >>sys.stderr, "export failed: %s" % e
        sys.exit(1)
    writer = csv.writer(sys.stdout)
    for row in cur.fetchall():
        writer.writerow(row)
    print "exported %d orders" % cur.rowcount


if __name__ == '__main__':
    main(sys.argv[1])
