"""Nightly export of paid orders and daily revenue into the reporting schema.

Runs against the shop's read replica. The `.sql` files live in `airflow/sql/` in this
repository and are deployed to /opt/airflow/sql, hence `template_searchpath`.
"""

from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.providers.common.sql.operators.sql import (
    SQLExecuteQueryOperator,
    SQLTableCheckOperator,
)
from airflow.providers.postgres.operators.postgres import PostgresOperator

REPLICA_CONN_ID = "shop_replica"

default_args = {
    "owner": "data-platform",
    "retries": 2,
    "retry_delay": pendulum.duration(minutes=10),
}

with DAG(
    "nightly_export",
    schedule="0 3 * * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    default_args=default_args,
    template_searchpath=["/opt/airflow/sql"],
    tags=["reporting", "shop"],
) as dag:
    check_orders = SQLTableCheckOperator(
        task_id="check_orders",
        conn_id=REPLICA_CONN_ID,
        table="orders",
        checks={
            "row_count_check": {"check_statement": "COUNT(*) > 0"},
            "total_not_negative": {"check_statement": "total_cents >= 0"},
        },
    )

    export_paid_orders = SQLExecuteQueryOperator(
        task_id="export_paid_orders",
        conn_id=REPLICA_CONN_ID,
        sql="export_paid_orders.sql",
    )

    daily_revenue = PostgresOperator(
        task_id="daily_revenue",
        postgres_conn_id=REPLICA_CONN_ID,
        sql="INSERT INTO reporting.daily_revenue (day, revenue_cents) SELECT date_trunc('day', paid_at), sum(total_cents) FROM orders WHERE status = 'paid' GROUP BY 1",
    )

    check_orders >> [export_paid_orders, daily_revenue]
