"""Nightly CSV exports picked up by the CRM's importer (it maps columns by position)."""

import psycopg2

EXPORT_RECENT = """
    COPY (
        SELECT c.*
        FROM customers AS c  -- depmap-expect: copy-without-columns warning
        WHERE c.created_at >= now() - interval '1 day'
    ) TO STDOUT WITH (FORMAT csv, HEADER)
"""


def export_all(dsn, out):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.copy_expert("COPY customers TO STDOUT WITH (FORMAT csv, HEADER)", out)  # depmap-expect: copy-without-columns warning


def export_recent(dsn, out):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.copy_expert(EXPORT_RECENT, out)


def export_tsv(dsn, out):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.copy_to(out, "customers", sep="\t")  # depmap-expect: copy-without-columns warning


def export_emails(dsn, out):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.copy_expert("COPY customers (id, email) TO STDOUT WITH (FORMAT csv)", out)
        cur.copy_expert("COPY (SELECT id, email, full_name FROM customers WHERE email LIKE '%%@example.com') TO STDOUT", out)
        cur.copy_to(out, "customers", columns=("id", "email"))
