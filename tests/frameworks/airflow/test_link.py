"""SQL is tied to the Airflow task that runs it: inline text by line, `.sql` files by search path."""

from __future__ import annotations

from depmap.model import Fact, Location
from depmap.frameworks.airflow.link import link_airflow


def task(task_id, line, **extra):
    return Fact("airflow_task", "", Location("dags/nightly.py", line, line, symbol=f"nightly.{task_id}"), via="airflow",
                detail="airflow_task", extra={"dag_id": "nightly", "task_id": task_id, "operator": "X", **extra})


def read(path, line, table="orders"):
    return Fact("access", table, Location(path, line, line), ("id",), "read", "select", "sql")


def linked(facts):
    return sorted((f.location.path, f.location.line, f.location.symbol, f.via, f.confidence)
                  for f in link_airflow(facts) if f.kind == "access")


def test_inline_sql_and_files_found_by_relative_or_deployment_paths():
    facts = [
        task("inline", 10, inline_sql_line=12),
        read("dags/nightly.py", 12),
        task("local", 20, sql_file="queries/a.sql", search_paths=["dags"]),
        read("dags/queries/a.sql", 1),
        task("deployed", 30, sql_file="b.sql", search_paths=["dags", "/opt/airflow/sql"]),
        read("sql/b.sql", 3),
        read("other.py", 5),
    ]
    assert linked(facts) == [
        ("dags/nightly.py", 12, "nightly.inline", "airflow", "high"),
        ("dags/queries/a.sql", 1, "nightly.local", "airflow", "high"),
        ("other.py", 5, None, "sql", "high"),
        ("sql/b.sql", 3, "nightly.deployed", "airflow", "medium"),
    ]


def test_a_file_run_by_two_tasks_is_listed_once_per_task_and_an_ambiguous_name_is_a_guess():
    facts = [
        task("first", 10, sql_file="x.sql", search_paths=["/opt/sql"]),
        task("second", 20, sql_file="x.sql", search_paths=["/opt/sql"]),
        read("dags/x.sql", 2),
        read("legacy/x.sql", 4),
    ]
    assert linked(facts) == [
        ("dags/x.sql", 2, "nightly.first", "airflow", "low"),
        ("dags/x.sql", 2, "nightly.second", "airflow", "low"),
        ("legacy/x.sql", 4, None, "sql", "high"),
    ]
