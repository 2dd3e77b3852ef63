"""Monthly hand-off to the accounting firm: CSV files they import into their ledger."""

import asyncpg
import psycopg2

from exports.settings import DATABASE_URL

LAST_MONTH = """
    COPY (
        SELECT inv.*
        FROM invoices AS inv
        WHERE inv.issued_at >= date_trunc('month', now()) - interval '1 month'
          AND inv.issued_at < date_trunc('month', now())
    ) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def export_everything(out):
    with psycopg2.connect(DATABASE_URL) as conn, conn.cursor() as cur:
        cur.copy_expert("COPY invoices TO STDOUT WITH (FORMAT csv, HEADER)", out)


def export_last_month(out):
    with psycopg2.connect(DATABASE_URL) as conn, conn.cursor() as cur:
        cur.copy_expert(LAST_MONTH, out)


def export_tsv(out):
    with psycopg2.connect(DATABASE_URL) as conn, conn.cursor() as cur:
        cur.copy_to(out, "invoices", sep="\t")


async def export_async(path):
    conn = await asyncpg.connect(DATABASE_URL)
    try:
        await conn.copy_from_table("invoices", output=path, format="csv", header=True)
    finally:
        await conn.close()
