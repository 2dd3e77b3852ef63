import pandas as pd
import psycopg2
from sqlalchemy import create_engine

COLUMNS = ("customer_id", "status", "total_cents")


def load(dsn, feed):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.copy_expert("COPY orders (customer_id, status, total_cents) FROM STDIN WITH (FORMAT csv)", feed)
        cur.copy_from(feed, "orders", columns=COLUMNS)


def load_rates(dsn, feed):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.copy_expert("COPY fx_rates FROM STDIN WITH (FORMAT csv, HEADER)", feed)


def export(dsn, out):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.copy_expert("COPY (SELECT o.id, o.status, o.total_cents FROM orders o WHERE o.status = 'paid') TO STDOUT", out)


def append_frame(url, frame: pd.DataFrame):
    frame[list(COLUMNS)].to_sql("orders", create_engine(url), if_exists="append", index=False)
