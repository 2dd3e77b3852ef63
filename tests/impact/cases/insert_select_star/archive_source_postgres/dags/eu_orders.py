from datetime import datetime

from airflow import DAG
from airflow.providers.postgres.operators.postgres import PostgresOperator

with DAG("eu_orders", start_date=datetime(2024, 1, 1), schedule="@daily", catchup=False) as dag:
    copy_eu = PostgresOperator(
        task_id="copy_eu_orders",
        postgres_conn_id="shop",
        sql="""
            INSERT INTO eu_orders
            SELECT o.*
            FROM orders AS o  -- depmap-expect: insert-select-star breaking
            JOIN customers AS c ON c.id = o.customer_id
            WHERE c.region = 'eu' AND o.placed_at::date = '{{ ds }}'
        """,
    )
    copy_customers = PostgresOperator(
        task_id="copy_eu_customers",
        postgres_conn_id="shop",
        sql="INSERT INTO eu_customers SELECT c.* FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.region = 'eu'",
    )
