"""Nightly: refresh order_totals in place, so its columns and indexes survive."""

import pandas as pd
from sqlalchemy import create_engine, text


def refresh(dsn: str) -> None:
    engine = create_engine(dsn)
    daily = pd.read_sql_query(
        "SELECT placed_at::date AS day, count(*) AS orders, sum(total_cents) AS total_cents FROM orders GROUP BY 1",
        engine,
    )
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM order_totals"))
        daily.to_sql("order_totals", conn, if_exists="append", index=False)
    daily.to_sql("order_totals_scratch", engine, if_exists="replace", index=False)
