"""Nightly copy of every customer row into the archive schema (audit requirement)."""

from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.providers.postgres.operators.postgres import PostgresOperator

with DAG(
    "crm_archive",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["crm", "audit"],
) as dag:
    archive_customers = PostgresOperator(
        task_id="archive_customers",
        postgres_conn_id="crm_replica",
        sql="INSERT INTO archive.customers_daily SELECT * FROM customers",  # depmap-expect: downstream-propagation info
    )

    archive_subscriptions = PostgresOperator(
        task_id="archive_subscriptions",
        postgres_conn_id="crm_replica",
        sql="INSERT INTO archive.subscriptions_daily SELECT * FROM subscriptions",
    )

    archive_customers >> archive_subscriptions
