"""Airflow tasks that run the project's own code carry that code's reads and writes, at the
line that names the work, and the code's usages name the tasks."""

from __future__ import annotations

from pathlib import Path

from depmap.frameworks.airflow.code_tasks import command_targets
from depmap.index.build import build_index

DAG = '''\
import pendulum
from airflow.decorators import dag, task
from airflow.operators.bash import BashOperator
from airflow.operators.python import PythonOperator
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

from jobs.refunds import settle_refunds
from jobs.notify import send_digest


@dag(schedule="@daily", start_date=pendulum.datetime(2024, 1, 1), catchup=False)
def nightly():
    load_users = BashOperator(
        task_id="load_users",
        bash_command="cd /opt/app && python -m jobs.load_users --date {{ ds }}",
    )
    sync = KubernetesPodOperator(
        task_id="sync_accounts",
        image="registry.example.com/app:latest",
        cmds=["python"],
        arguments=["scripts/sync_accounts.py", "--full"],
    )
    refunds = PythonOperator(task_id="settle_refunds", python_callable=settle_refunds)

    @task
    def digest():
        send_digest(limit=50)
        run_sql_file("sql/refresh_digest.sql")

    @task.bash
    def rebuild_marts():
        return "dbt build -s +fct_orders --target prod"

    load_users >> sync >> refunds >> digest() >> rebuild_marts()


nightly()
'''

LOAD_USERS = '''\
import psycopg


def main() -> None:
    with psycopg.connect() as conn:
        conn.execute(
            "INSERT INTO users (id, email, signed_up_at) "
            "SELECT id, email, created_at FROM staging_users ON CONFLICT (id) DO NOTHING"
        )


if __name__ == "__main__":
    main()
'''

SYNC = '''\
import sqlite3

conn = sqlite3.connect("accounts.db")
conn.execute("UPDATE accounts SET synced_at = CURRENT_TIMESTAMP WHERE synced_at IS NULL")
'''

REFUNDS = '''\
def settle_refunds(conn) -> None:
    conn.execute("UPDATE refunds SET settled = true WHERE settled = false")


def unrelated(conn) -> None:
    conn.execute("DELETE FROM audit_log")
'''

NOTIFY = '''\
def send_digest(conn=None, limit: int = 10):
    return conn.execute("SELECT email FROM users ORDER BY signed_up_at DESC LIMIT %s", (limit,)).fetchall()
'''

MODEL = "select order_id, amount from {{ source('shop', 'orders') }}\n"
SOURCES = "version: 2\nsources:\n  - name: shop\n    tables:\n      - name: orders\n"


def _project(tmp_path: Path) -> Path:
    files = {
        "dags/nightly.py": DAG,
        "jobs/__init__.py": "",
        "jobs/load_users.py": LOAD_USERS,
        "jobs/refunds.py": REFUNDS,
        "jobs/notify.py": NOTIFY,
        "scripts/sync_accounts.py": SYNC,
        "sql/refresh_digest.sql": "DELETE FROM digest_cache;\nINSERT INTO digest_cache (email) SELECT email FROM users;\n",
        "warehouse/dbt_project.yml": "name: shop\nversion: '1.0'\nprofile: shop\nmodel-paths: [models]\n",
        "warehouse/models/fct_orders.sql": MODEL,
        "warehouse/models/sources.yml": SOURCES,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def _at_dag(facts) -> list[tuple]:
    return sorted(
        (f.location.line, f.location.symbol, f.table, f.access, f.columns, f.extra["inferred_from"])
        for f in facts
        if f.location.path == "dags/nightly.py"
    )


def test_each_task_carries_what_its_code_touches(tmp_path: Path) -> None:
    index = build_index(_project(tmp_path))
    writers = [f for table in ("users", "accounts", "refunds", "fct_orders", "digest_cache") for f in index.graph.writers(table)]
    assert _at_dag(writers) == [
        (15, "nightly.load_users", "users", "write", ("id", "email", "signed_up_at"), "task runs python -m jobs.load_users"),
        (21, "nightly.sync_accounts", "accounts", "write", ("synced_at",), "task runs scripts/sync_accounts.py"),
        (23, "nightly.settle_refunds", "refunds", "write", ("settled",), "task runs jobs.refunds.settle_refunds"),
        (26, "nightly.digest", "digest_cache", "write", (), "task runs sql/refresh_digest.sql"),  # a .sql file it runs: DELETE
        (26, "nightly.digest", "digest_cache", "write", ("email",), "task runs sql/refresh_digest.sql"),  # ... and INSERT
        (32, "nightly.rebuild_marts", "fct_orders", "write", ("order_id", "amount"), "task runs dbt fct_orders"),
    ]
    readers = [f for table in ("users", "staging_users", "orders", "shop.orders") for f in index.graph.readers(table)]
    assert [(line, symbol, table) for line, symbol, table, *_ in _at_dag(readers)] == [
        (15, "nightly.load_users", "staging_users"),
        (15, "nightly.load_users", "users"),  # ON CONFLICT (id) reads the key
        (26, "nightly.digest", "users"),  # @task body calls send_digest, imported from the project
        (26, "nightly.digest", "users"),  # ... and runs sql/refresh_digest.sql, which reads users too
        (27, "dags.nightly.nightly.digest", "users"),  # the call of send_digest itself, in the task's body
        (32, "nightly.rebuild_marts", "shop.orders"),
    ]
    # the code's own usages say which task runs them; an uncalled function stays untagged
    insert = next(f for f in index.graph.writers("users") if f.location.path == "jobs/load_users.py")
    assert insert.extra["tasks"] == ["nightly.load_users"]
    assert "tasks" not in next(f for f in index.graph.writers("audit_log")).extra


def test_command_lines() -> None:
    assert command_targets("cd load/dlt && ./loans_data.py --start {}") == [{"script": "load/dlt/loans_data.py"}]
    assert command_targets("set -e; uv run python -m jobs.sync") == [{"module": "jobs.sync"}]
    assert command_targets("bash -c 'python3.11 scripts/backfill.py --dry-run'") == [{"script": "scripts/backfill.py"}]
    assert command_targets("ENV=prod dbt run --select 2+stg_orders,stg_customers+ tag:nightly") == [
        {"dbt": ["stg_orders", "stg_customers"]}
    ]
    assert command_targets("echo done") == []


DAG_FACTORY = """\
nightly_yaml:
  default_args:
    owner: data
  schedule_interval: "0 3 * * *"
  tasks:
    load_users:
      operator: airflow.operators.bash.BashOperator
      bash_command: "python -m jobs.load_users --date {{ ds }}"
    settle:
      operator: airflow.operators.python.PythonOperator
      python_callable_name: settle_refunds
      python_callable_file: /usr/local/airflow/dags/jobs/refunds.py
      dependencies: [load_users]
"""


def test_yaml_dags_run_project_code_too(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "dags" / "nightly_yaml.yml").write_text(DAG_FACTORY)
    index = build_index(root)
    at_yaml = sorted(
        (f.location.line, f.location.symbol, f.table, f.access, f.extra["inferred_from"], f.confidence)
        for table in ("users", "refunds")
        for f in index.graph.writers(table)
        if f.location.path == "dags/nightly_yaml.yml"
    )
    assert at_yaml == [
        (8, "nightly_yaml.load_users", "users", "write", "task runs python -m jobs.load_users", "medium"),
        (11, "nightly_yaml.settle", "refunds", "write", "task runs refunds.settle_refunds", "medium"),
    ]


def test_a_function_target_is_found_by_its_name_or_its_ending_in_the_order_facts_named_them():
    """Targets are looked up by bisecting the sorted symbols: the same facts, in the same order,
    as testing every symbol."""
    from depmap.frameworks.airflow.code_link import _Targets
    from depmap.model import ACCESS, HIGH, MEDIUM, Fact, Location

    def read(path: str, line: int, symbol: str, table: str) -> Fact:
        return Fact(ACCESS, table, Location(path, line, line, symbol=symbol), ("id",), "read", "select", "sql")

    late = read("etl/jobs.py", 9, "etl.jobs.load_orders.late", "late_orders")
    load = read("etl/jobs.py", 4, "etl.jobs.load_orders", "orders")
    loader = read("etl/jobs.py", 20, "etl.jobs.load_orders_daily", "daily_orders")
    other = read("vendor/etl/jobs.py", 3, "vendor.etl.jobs.load_orders", "vendor_orders")
    targets = _Targets([late, load, loader, other])
    assert targets.resolve({"function": "etl.jobs.load_orders"}) == ([late, load], HIGH, "etl.jobs.load_orders")
    assert targets.resolve({"function": "jobs.load_orders"}) == ([load, other], MEDIUM, "jobs.load_orders")
    assert targets.resolve({"function": "load_orders_daily"}) == ([loader], MEDIUM, "load_orders_daily")
    assert targets.resolve({"function": "etl.jobs.unload"}) == ([], MEDIUM, "etl.jobs.unload")
