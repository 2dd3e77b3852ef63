from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator
from airflow.providers.postgres.hooks.postgres import PostgresHook


def load(**context):
    hook = PostgresHook(postgres_conn_id="warehouse")
    hook.run("INSERT INTO raw_events SELECT * FROM staging_events")  # depmap-expect: insert-select-star breaking
    hook.run("TRUNCATE staging_events")


with DAG("load_events", start_date=datetime(2024, 1, 1), schedule="@hourly", catchup=False):
    PythonOperator(task_id="load", python_callable=load)
