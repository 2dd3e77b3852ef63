"""Nightly import of payments from the legacy gateway's table."""

import psycopg2

IMPORT_SQL = """
WITH fresh AS (
    SELECT lp.ref, lp.order_ref, lp.cents, lp.gateway, lp.paid_on
    FROM legacy_payments lp
    WHERE lp.paid_on >= %(since)s
)
INSERT INTO payments  -- depmap-expect: positional-insert warning
SELECT f.ref, f.order_ref, f.cents, f.gateway, f.paid_on FROM fresh f
"""


def run(dsn, since):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(IMPORT_SQL, {"since": since})
        return cur.rowcount


def record_manual(dsn, order_id, cents):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO payments VALUES (DEFAULT, %s, %s, 'manual', now())",  # depmap-expect: positional-insert warning
            (order_id, cents),
        )
