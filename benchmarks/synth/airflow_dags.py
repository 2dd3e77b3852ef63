"""Airflow DAGs that copy application tables into a reporting schema: inline `sql=`, SQL kept in
`dags/sql/*.sql` next to the DAG, table checks, and a Python task that touches no database."""

from __future__ import annotations

from synth.repo import Repo, docstring, render
from synth.schema import Table, pick_tables

ROOT = "dags"


def _inline_task(repo: Repo, dag: str, table: Table) -> tuple[str, list[str]]:
    cols = [c.name for c in table.columns if c.kind not in ("json", "text")][:5]
    task = f"load_{table.collection}"
    target = f"reporting.{dag}_{table.collection}"
    names = ", ".join(cols)
    return task, [
        f"    {task} = SQLExecuteQueryOperator(",
        f'        task_id="{task}",',
        "        conn_id=WAREHOUSE_CONN_ID,",
        '        sql="""',
        f"            INSERT INTO {target} ({names})",
        f"            SELECT {names}",
        f"            FROM {table.name}",
        "            WHERE created_at >= '{{ data_interval_start }}'",
        "              AND created_at < '{{ data_interval_end }}'",
        '        """,',
        "    )",
    ]


def _file_task(repo: Repo, dag: str, table: Table) -> tuple[str, list[str]]:
    task = f"refresh_{table.entity}_snapshot"
    cols = [c.name for c in table.columns if c.kind != "json"][:6]
    sql = [
        f"-- Rebuilds the nightly snapshot of {table.name}; run by the {dag} DAG.",
        f"DELETE FROM reporting.{table.name}_snapshot;",
        "",
        f"INSERT INTO reporting.{table.name}_snapshot ({', '.join(cols)})",
        f"SELECT {', '.join(cols)}",
        f"FROM {table.name};",
    ]
    repo.add(f"{ROOT}/sql/{dag}_{table.entity}.sql", "airflow", render(sql))
    return task, [
        f"    {task} = SQLExecuteQueryOperator(",
        f'        task_id="{task}",',
        "        conn_id=WAREHOUSE_CONN_ID,",
        f'        sql="sql/{dag}_{table.entity}.sql",',
        "    )",
    ]


def _check_task(repo: Repo, dag: str, table: Table) -> tuple[str, list[str]]:
    task = f"check_{table.collection}"
    return task, [
        f"    {task} = SQLTableCheckOperator(",
        f'        task_id="{task}",',
        "        conn_id=WAREHOUSE_CONN_ID,",
        f'        table="{table.name}",',
        '        checks={"row_count_check": {"check_statement": "COUNT(*) > 0"}},',
        "    )",
    ]


def unit(repo: Repo) -> None:
    """One DAG file over 2-4 tables."""
    rng = repo.rng
    tables = pick_tables(rng, repo.tables, rng.randint(2, 4))
    dag = repo.namer.module("dag", [f"{tables[0].entity}_daily", f"{tables[0].entity}_nightly", f"sync_{tables[0].collection}"])
    hour = rng.randint(0, 6)
    tasks: list[str] = []
    body: list[str] = []
    for table in tables:
        shape = rng.choice((_inline_task, _inline_task, _file_task, _check_task))
        task, lines = shape(repo, dag, table)
        tasks.append(task)
        body += lines + [""]
    out = [
        *docstring(f"Copies {', '.join(t.collection.replace('_', ' ') for t in tables)} into the reporting schema every night."),
        "",
        "from __future__ import annotations",
        "",
        "import logging",
        "",
        "import pendulum",
        "from airflow import DAG",
        "from airflow.operators.python import PythonOperator",
        "from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator, SQLTableCheckOperator",
        "",
        "logger = logging.getLogger(__name__)",
        "",
        f'WAREHOUSE_CONN_ID = "{rng.choice(("warehouse", "replica", "analytics_db"))}"',
        "",
        "",
        "def _announce(**context: object) -> None:",
        '    """Posts a one-line summary to the data channel; no database access."""',
        '    logger.info("%s finished for %s", context.get("dag"), context.get("ds"))',
        "",
        "",
        "with DAG(",
        f'    "{dag}",',
        f'    schedule="{rng.randint(0, 59)} {hour} * * *",',
        "    start_date=pendulum.datetime(2024, 1, 1, tz=\"UTC\"),",
        "    catchup=False,",
        '    default_args={"owner": "data-platform", "retries": 2},',
        f'    tags=["reporting", "{tables[0].owner}"],',
        ") as dag:",
        *body,
        '    announce = PythonOperator(task_id="announce", python_callable=_announce)',
        "",
        f"    {' >> '.join(tasks)} >> announce" if len(tasks) > 1 else f"    {tasks[0]} >> announce",
    ]
    repo.add(f"{ROOT}/{dag}.py", "airflow", render(out))
