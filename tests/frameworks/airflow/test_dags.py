"""Airflow DAG files: one `airflow_task` fact per SQL task, placed and named exactly.

The fixtures under fixtures/dags are realistic DAG files; they are scanned as `dags/<name>.py`
(a path relative to the scanned root), the way the project scan hands them over.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from depmap.model import Fact, ScanResult
from depmap.frameworks.airflow.dags import AIRFLOW_DAGS, wants_airflow
from depmap.scan_context import ScanContext
from depmap.python.scanner import scan_python
from depmap.frameworks.sql_in_python.strings import SQL_STRINGS

from tests.frameworks.fact_rows import assert_rows, tasks

FIXTURES = Path(__file__).parent / "fixtures" / "dags"
T = "airflow_task"


def scan(name: str, *, with_sql_strings: bool = False) -> ScanResult:
    analyses = (AIRFLOW_DAGS, SQL_STRINGS) if with_sql_strings else (AIRFLOW_DAGS,)
    text = (FIXTURES / f"{name}.py").read_text()
    result = scan_python(f"dags/{name}.py", text, ScanContext(), analyses=analyses)
    assert result.skipped == []
    return result


def scan_source(source: str, path: str = "dags/example.py") -> ScanResult:
    return scan_python(path, textwrap.dedent(source), ScanContext(), analyses=(AIRFLOW_DAGS,))


def airflow_facts(result: ScanResult) -> list[Fact]:
    return [fact for fact in result.facts if fact.via == "airflow"]


# -- with DAG(...) as dag: template_searchpath, inline SQL, BigQuery, a table check, a task group ---


def test_with_dag_facts() -> None:
    result = scan("warehouse_daily")
    assert_rows(
        airflow_facts(result),
        [
            (T, 21, "", (), None, T, "airflow", "warehouse_daily.load_orders", "high"),
            (T, 27, "", (), None, T, "airflow", "warehouse_daily.refresh_totals", "high"),
            (T, 40, "", (), None, T, "airflow", "warehouse_daily.exports.to_bigquery", "high"),
            (T, 50, "", (), None, T, "airflow", "warehouse_daily.check_totals", "high"),
            # the query SQLTableCheckOperator builds: its checks and partition clause, on its table
            ("access", 50, "reporting.daily_totals", ("revenue", "day"), "read", "select", "airflow",
             "warehouse_daily.check_totals", "high"),
        ],
    )  # fmt: skip


def test_sql_file_lists_where_airflow_looks_for_it() -> None:
    task = tasks(scan("warehouse_daily"))["warehouse_daily.load_orders"]
    assert task.extra == {
        "dag_id": "warehouse_daily",
        "task_id": "load_orders",
        "operator": "SQLExecuteQueryOperator",
        "sql_file": "load_orders.sql",
        # the DAG's folder first, then template_searchpath: `os.path.join(dirname(__file__), "sql")`
        # is worked out relative to the scanned root, an absolute path is kept as written
        "search_paths": ["dags", "dags/sql", "/opt/airflow/include/sql"],
    }
    assert (task.location.line, task.location.end_line) == (21, 25)
    assert task.snippet == "SQLExecuteQueryOperator(task_id='load_orders')"


def test_inline_sql_line_is_where_the_sql_strings_facts_are() -> None:
    result = scan("warehouse_daily", with_sql_strings=True)
    found = tasks(result)
    assert found["warehouse_daily.refresh_totals"].extra == {
        "dag_id": "warehouse_daily",
        "task_id": "refresh_totals",
        "operator": "PostgresOperator",
        "inline_sql_line": 31,
    }
    assert found["warehouse_daily.exports.to_bigquery"].extra == {
        "dag_id": "warehouse_daily",
        "task_id": "exports.to_bigquery",
        "operator": "BigQueryInsertJobOperator",
        "inline_sql_line": 44,
    }
    # the SQL itself is the SQL-strings analysis' job, in statements on exactly those lines (no
    # duplicate here), each table at the line naming it
    sql_lines = {(fact.table, fact.location.statement_start, fact.location.line)
                 for fact in result.facts if fact.kind == "access" and fact.via == "sql"}
    assert sql_lines == {("orders", 31, 33), ("reporting.daily_totals", 31, 31), ("shop.orders", 44, 44)}


def test_table_check_snippet_is_the_query_airflow_builds() -> None:
    check = next(fact for fact in scan("warehouse_daily").facts if fact.kind == "access")
    assert check.snippet == (
        "SELECT CASE WHEN COUNT(*) > 0 THEN 1 ELSE 0 END, CASE WHEN MIN(revenue) >= 0 THEN 1 ELSE 0 END "
        "FROM reporting.daily_totals WHERE day = '{{ ds }}'"
    )
    assert check.extra == {"statement": "select", "check": "SQLTableCheckOperator"}


# -- TaskFlow @dag: the function name is the DAG id; @task_group prefixes the task id --------------


def test_taskflow_dag() -> None:
    result = scan("reporting_taskflow")
    assert_rows(
        airflow_facts(result),
        [
            (T, 12, "", (), None, T, "airflow", "customer_reporting.notify", "high"),  # runs its own body
            (T, 15, "", (), None, T, "airflow", "customer_reporting.prepare", "high"),
            (T, 23, "", (), None, T, "airflow", "customer_reporting.snowflake.publish", "high"),
        ],
    )
    found = tasks(result)
    assert found["customer_reporting.notify"].extra == {
        "dag_id": "customer_reporting",
        "task_id": "notify",
        "operator": "task",
        "runs": [{"function": "dags.reporting_taskflow.customer_reporting.notify", "own": True}],
        "runs_line": 12,
    }
    assert found["customer_reporting.prepare"].extra == {
        "dag_id": "customer_reporting",
        "task_id": "prepare",
        "operator": "MySqlOperator",
        "sql_file": ["truncate_staging.sql", "fill_staging.sql"],  # a list stays a list
        "search_paths": ["dags"],
    }
    assert found["customer_reporting.snowflake.publish"].extra == {
        "dag_id": "customer_reporting",
        "task_id": "snowflake.publish",
        "operator": "SnowflakeOperator",
        "inline_sql_line": 25,
    }


# -- dag = DAG(...) with dag=dag; column and interval checks; dynamic mapping; non-SQL operators ----


def test_module_level_dag_and_checks() -> None:
    result = scan("legacy_quality")
    assert_rows(
        airflow_facts(result),
        [
            (T, 17, "", (), None, T, "airflow", "quality.payments_columns", "high"),
            ("access", 17, "payments", ("amount", "currency"), "read", "select", "airflow",
             "quality.payments_columns", "high"),
            (T, 27, "", (), None, T, "airflow", "quality.payments_interval", "high"),
            ("access", 27, "payments", ("amount", "paid_on"), "read", "select", "airflow",
             "quality.payments_interval", "high"),
            (T, 35, "", (), None, T, "airflow", "quality.backfill", "high"),
            # BashOperator runs no SQL: no fact
        ],
    )  # fmt: skip
    assert tasks(result)["quality.backfill"].extra == {
        "dag_id": "quality",
        "task_id": "backfill",
        "operator": "SQLExecuteQueryOperator",
        "sql_file": ["backfill_2023.sql", "backfill_2024.sql"],
        "search_paths": ["dags"],
        "mapped": True,
    }


# -- smaller cases ---------------------------------------------------------------------------------


def test_include_in_inline_sql_names_the_file() -> None:
    result = scan_source(
        """\
        from airflow import DAG
        from airflow.providers.postgres.operators.postgres import PostgresOperator

        with DAG(dag_id="nightly", template_searchpath="/srv/sql") as dag:
            PostgresOperator(task_id="load", sql="{% include 'load.sql' %}")
        """
    )
    assert tasks(result)["nightly.load"].extra == {
        "dag_id": "nightly",
        "task_id": "load",
        "operator": "PostgresOperator",
        "sql_file": "load.sql",
        "search_paths": ["dags", "/srv/sql"],
    }


def test_operator_outside_a_dag_context_joins_the_only_dag() -> None:
    result = scan_source(
        """\
        from airflow import DAG

        dag = DAG("solo")

        def make(name):
            return PostgresOperator(task_id=name, sql="SELECT 1")

        t = PostgresOperator(task_id="fixed", sql="DELETE FROM sessions")
        """
    )
    assert_rows(
        airflow_facts(result),
        [
            # task id unknown (a parameter): named after nothing, a guess
            (T, 6, "", (), None, T, "airflow", "solo.?", "low"),
            (T, 8, "", (), None, T, "airflow", "solo.fixed", "medium"),
        ],
    )


def test_unknown_dag_id_and_dynamic_sql() -> None:
    result = scan_source(
        """\
        from airflow import DAG

        for name in ("eu", "us"):
            with DAG(f"export_{name}") as dag:
                SQLExecuteQueryOperator(task_id="export", sql=build_sql(name))
        """
    )
    task = tasks(result)["dag.export"]  # named after the `as` variable: a guess
    assert task.confidence == "medium"
    assert task.extra == {"dag_id": "dag", "task_id": "export", "operator": "SQLExecuteQueryOperator", "sql_dynamic": True}


def test_non_literal_table_check_gives_the_task_only() -> None:
    result = scan_source(
        """\
        from airflow import DAG

        with DAG("checks") as dag:
            SQLTableCheckOperator(task_id="c", table="{{ params.table }}", checks={"rows": {"check_statement": "COUNT(*) > 0"}})
        """
    )
    assert_rows(airflow_facts(result), [(T, 4, "", (), None, T, "airflow", "checks.c", "high")])


def test_prefilter() -> None:
    assert wants_airflow("with DAG('x') as dag:")
    assert wants_airflow("@dag\ndef pipeline(): ...")
    assert wants_airflow("PostgresOperator(task_id='a')")
    assert not wants_airflow("from airflow.models import Variable\nprint(Variable.get('x'))")


def test_facts_round_trip_through_json() -> None:
    for fact in scan("warehouse_daily").facts:
        assert Fact.from_json(fact.to_json()) == fact


def test_computed_sql_file_name_is_dynamic() -> None:
    result = scan_source(
        """\
        from airflow import DAG

        with DAG("per_table") as dag:
            for table in ("orders", "payments"):
                SQLExecuteQueryOperator(task_id=f"load_{table}", sql=f"load_{table}.sql")
        """
    )
    [task] = tasks(result).values()
    assert task.location.symbol == "per_table.?"
    assert task.confidence == "low"
    assert task.extra == {"dag_id": "per_table", "task_id": "?", "operator": "SQLExecuteQueryOperator", "sql_dynamic": True}
