"""Nightly: rebuild the reporting tables from the shop database."""

import logging

import pandas as pd
import polars as pl
from sqlalchemy import create_engine

log = logging.getLogger(__name__)

ORDER_TOTALS = "order_totals"
DAILY_SQL = """
    SELECT placed_at::date AS day, count(*) AS orders, sum(total_cents) AS total_cents
    FROM orders
    GROUP BY 1
"""


def rebuild(dsn: str) -> None:
    engine = create_engine(dsn)
    daily = pd.read_sql_query(DAILY_SQL, engine)
    daily.to_sql(ORDER_TOTALS, engine, if_exists="replace", index=False)  # depmap-expect: frame-replaces-table breaking
    by_customer = pd.read_sql_query("SELECT customer_id, sum(total_cents) AS total_cents FROM orders GROUP BY 1", engine)
    by_customer.to_sql("customer_totals", engine, if_exists="replace", index=False)
    log.info("rebuilt %s and customer_totals", ORDER_TOTALS)


def rebuild_with_polars(uri: str) -> None:
    frame = pl.read_database_uri(DAILY_SQL, uri)
    frame.write_database(  # depmap-expect: frame-replaces-table breaking
        table_name="order_totals",
        connection=uri,
        if_table_exists="replace",
    )


def top_up(dsn: str, day: str) -> None:
    engine = create_engine(dsn)
    extra = pd.read_sql_query(DAILY_SQL + " HAVING min(placed_at::date) = %(day)s", engine, params={"day": day})
    extra.to_sql(ORDER_TOTALS, engine, if_exists="append", index=False)
