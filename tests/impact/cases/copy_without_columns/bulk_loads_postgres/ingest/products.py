"""Supplier feeds: CSV files loaded straight into products."""

import csv
import io

import asyncpg
import psycopg2


def load_feed(dsn, path):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur, open(path) as feed:
        cur.copy_expert("COPY products FROM STDIN WITH (FORMAT csv, HEADER)", feed)  # depmap-expect: copy-without-columns breaking


def load_tsv(dsn, path):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur, open(path) as feed:
        cur.copy_from(feed, "products", sep="\t")  # depmap-expect: copy-without-columns breaking


def load_prices(dsn, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    buffer.seek(0)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.copy_from(buffer, "products", sep=",", columns=("sku", "name", "price_cents"))


async def load_records(dsn, records):
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table("products", records=records)  # depmap-expect: copy-without-columns breaking
        await conn.copy_records_to_table("products", records=records, columns=["sku", "name", "price_cents"])
    finally:
        await conn.close()
