"""Nightly copy of customer and subscription rows into the archive schema."""

from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.providers.postgres.operators.postgres import PostgresOperator

with DAG(
    "crm_archive",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
) as dag:
    archive_customers = PostgresOperator(
        task_id="archive_customers",
        postgres_conn_id="crm_replica",
        sql="""
            INSERT INTO archive.customers_daily (id, email, full_name, region_code, created_at)
            SELECT id, email, full_name, region_code, created_at FROM customers
        """,
    )

    archive_subscriptions = PostgresOperator(
        task_id="archive_subscriptions",
        postgres_conn_id="crm_replica",
        sql="INSERT INTO archive.subscriptions_daily SELECT * FROM subscriptions",
    )

    archive_customers >> archive_subscriptions
