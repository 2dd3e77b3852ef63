"""Nightly exports for the analysts."""

import pandas as pd
from sqlalchemy import create_engine

engine = create_engine("postgresql+psycopg2://analytics@warehouse/shop")

ORDER_COLUMNS = ["order_id", "customer", "state", "total", "placed"]


def orders_frame():
    return pd.read_sql("SELECT * FROM orders", engine)  # depmap-expect: select-star warning


def nightly_parquet(path):
    df = pd.read_sql_query("SELECT * FROM orders WHERE placed_at >= current_date - 1", engine)  # depmap-expect: select-star warning
    df["total"] = df["total_cents"] / 100
    df.to_parquet(path)


def renamed_frame():
    df = pd.read_sql("SELECT * FROM orders", engine)  # depmap-expect: select-star breaking
    df.columns = ORDER_COLUMNS
    return df


def frame_from_rows(conn):
    cur = conn.cursor()
    cur.execute("SELECT * FROM orders")  # depmap-expect: select-star breaking
    return pd.DataFrame(cur.fetchall(), columns=["id", "customer_id", "status", "total_cents", "placed_at"])
