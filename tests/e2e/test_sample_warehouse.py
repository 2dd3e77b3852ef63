"""The warehouse sample: dbt models and Airflow tasks downstream of the shop's tables."""

from __future__ import annotations

from tests.e2e.conftest import REPO

SAMPLE = REPO / "samples" / "warehouse"
PATH = ["--path", str(SAMPLE)]


def hops(depmap, target):
    run = depmap("downstream", target, *PATH, "--format", "json")
    assert run.code == 0, run.err
    return [(h["table"], h["column"], h["depth"], h["from"]["table"], h["kind"], h["path"], h["line"]) for h in run.json()["downstream"]]


def test_customers_email_downstream(depmap):
    assert hops(depmap, "customers.email") == [
        ("customers_snapshot", "email", 1, "customers", "column", "dbt/snapshots/customers_snapshot.sql", 12),
        ("reporting.customer_orders", "email", 1, "customers", "star", "airflow/sql/reporting_views.sql", 6),
        ("reporting.paid_orders_export", "customer_email", 1, "customers", "column", "airflow/sql/export_paid_orders.sql", 5),
        ("staging.stg_customers", "email", 1, "customers", "star", "dbt/models/staging/stg_customers.sql", 3),
        ("marts.dim_customers", "email", 2, "staging.stg_customers", "star", "dbt/models/marts/dim_customers.sql", 3),
    ]


def test_orders_total_reaches_the_fact_table_in_three_hops(depmap):
    assert hops(depmap, "orders.total_cents") == [
        ("reporting.customer_orders", "lifetime_cents", 1, "orders", "column", "airflow/sql/reporting_views.sql", 6),
        ("reporting.daily_revenue", "revenue_cents", 1, "orders", "column", "airflow/dags/nightly_export.py", 53),
        ("reporting.order_payments", "total_cents", 1, "orders", "column", "airflow/sql/reporting_views.sql", 17),
        ("reporting.paid_orders_export", "total_cents", 1, "orders", "column", "airflow/sql/export_paid_orders.sql", 5),
        ("staging.stg_orders", "total_cents", 1, "orders", "column", "dbt/models/staging/stg_orders.sql", 2),
        ("int_order_totals", "total_cents", 2, "staging.stg_orders", "column", "dbt/models/intermediate/int_order_totals.sql", 2),
        ("marts.fct_orders", "order_total_cents", 3, "int_order_totals", "column", "dbt/models/marts/fct_orders.sql", 4),
    ]


def test_readers_name_their_airflow_task(depmap):
    run = depmap("who-reads", "orders.status", *PATH, "--format", "json", "--direct")
    assert [(u["path"], u["line"], u["symbol"], u["via"], u["confidence"]) for u in run.json()["usages"]] == [
        ("airflow/dags/nightly_export.py", 53, "nightly_export.daily_revenue", "airflow", "high"),
        ("airflow/sql/export_paid_orders.sql", 14, "nightly_export.export_paid_orders", "airflow", "medium"),
        ("airflow/sql/reporting_views.sql", 26, None, "sql", "high"),
        ("config/jobs.yml", 13, "jobs[stale_pending_orders].sql", "sql", "medium"),
        ("dbt/models/staging/stg_orders.sql", 10, None, "dbt", "high"),
    ]
    # without --direct, the readers of the dbt view stg_orders read orders.status through it
    through = depmap("who-reads", "orders.status", *PATH, "--format", "json").json()["usages"]
    assert [(u["path"], u["line"], u["detail"], u["through"]) for u in through if "through" in u] == [
        ("dbt/models/intermediate/int_order_totals.sql", 3, "select", ["staging.stg_orders"]),
        ("dbt/models/intermediate/int_order_totals.sql", 3, "select_star", ["staging.stg_orders"]),
    ]
