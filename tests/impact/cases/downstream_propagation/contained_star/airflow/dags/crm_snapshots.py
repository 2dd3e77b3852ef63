"""Weekly snapshots of paying customers for the finance team."""

from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.providers.postgres.operators.postgres import PostgresOperator

PAYING_SNAPSHOT = """
    DROP TABLE IF EXISTS finance.paying_customers;
    CREATE TABLE finance.paying_customers AS
    SELECT p.id, p.email, p.region_code
    FROM (SELECT * FROM customers WHERE deleted_at IS NULL) AS p
"""

with DAG(
    "crm_snapshots",
    schedule="@weekly",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    snapshot = PostgresOperator(task_id="snapshot", postgres_conn_id="crm_replica", sql=PAYING_SNAPSHOT)

    active_ids = PostgresOperator(
        task_id="active_ids",
        postgres_conn_id="crm_replica",
        sql="""
            INSERT INTO finance.active_subscriber_ids (customer_id)
            SELECT s.customer_id
            FROM subscriptions AS s
            WHERE EXISTS (SELECT * FROM customers AS c WHERE c.id = s.customer_id AND c.deleted_at IS NULL)
        """,
    )

    snapshot >> active_ids
