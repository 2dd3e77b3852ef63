"""Tie SQL to the Airflow task that runs it, once every file is scanned.

A DAG file names its SQL (`sql="export_paid_orders.sql"`) but a scanner of one file cannot read
another; the `.sql` file was scanned on its own, and inline `sql="..."` text by the SQL-strings
analysis. Here the facts of that SQL are relabelled with their task (`via="airflow"`, symbol
`dag_id.task_id`), keeping their own lines so that links still point at the SQL. A file found
through a relative search path is certain; one matched only by name (Airflow's
`template_searchpath` is usually a deployment path such as `/opt/airflow/sql`) is medium
confidence, or low when several scanned files share the name.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import replace

from depmap.frameworks.airflow.code_link import AIRFLOW_TASK, link_code_tasks, path_endings
from depmap.model import HIGH, LOW, MEDIUM, TABLE_DEF, COLUMN_DEF, Fact, weaker


def link_airflow(facts: list[Fact]) -> list[Fact]:
    facts = link_code_tasks(facts)
    tasks = [f for f in facts if f.kind == AIRFLOW_TASK]
    if not tasks:
        return facts
    sql_files = _SqlFiles(sorted({f.location.path for f in facts if f.location.path.endswith(".sql")}))
    inline: dict[tuple[str, int], Fact] = {}
    by_file: dict[str, list[tuple[Fact, str]]] = defaultdict(list)
    for task in tasks:
        lines = task.extra.get("inline_sql_lines") or [task.extra.get("inline_sql_line")]
        for line in lines:
            if line:
                inline[(task.location.path, int(line))] = task
        files = task.extra.get("sql_file") or []
        for name in [files] if isinstance(files, str) else files:
            found = _locate(name, task, sql_files)
            if found is not None:
                by_file[found[0]].append((task, found[1]))
    linked: list[Fact] = []
    for fact in facts:
        if fact.kind in (TABLE_DEF, COLUMN_DEF) and fact.location.path not in by_file:
            linked.append(fact)
            continue
        task = inline.get((fact.location.path, fact.location.statement_start))
        if task is not None and fact.kind != AIRFLOW_TASK:
            linked.append(_relabel(fact, task, HIGH))
        elif fact.location.path in by_file and fact.kind != AIRFLOW_TASK:
            linked.extend(_relabel(fact, task, confidence) for task, confidence in by_file[fact.location.path])
        else:
            linked.append(fact)
    return linked


class _SqlFiles:
    """The scanned `.sql` files, by path and by each ending after a slash (in path order): a
    project with hundreds of tasks and thousands of files tested every file against every task."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = set(paths)
        self.by_ending = path_endings(paths, whole=True)


def _locate(name: str, task: Fact, sql_files: _SqlFiles) -> tuple[str, str] | None:
    """The scanned `.sql` file a task's `sql=` names, and how sure that is."""
    for folder in task.extra.get("search_paths") or []:
        if not folder.startswith("/"):
            candidate = posixpath.normpath(posixpath.join(folder, name))
            if candidate in sql_files.paths:
                return candidate, HIGH
    base = name.lstrip("/")
    matches = sql_files.by_ending.get(base, [])
    if len(matches) == 1:
        return matches[0], MEDIUM
    if matches:  # several files of that name: the one nearest the DAG, as a guess
        dag_folder = posixpath.dirname(task.location.path)
        nearest = max(matches, key=lambda p: len(posixpath.commonpath([p, dag_folder])) if dag_folder else 0)
        return nearest, LOW
    return None


def _relabel(fact: Fact, task: Fact, confidence: str) -> Fact:
    dag_id, task_id = task.extra.get("dag_id"), task.extra.get("task_id")
    extra = {**fact.extra, "dag_id": dag_id, "task_id": task_id, "task_path": task.location.path, "task_line": task.location.line}
    location = replace(fact.location, symbol=f"{dag_id}.{task_id}")
    return replace(fact, via="airflow", location=location, confidence=weaker(fact.confidence, confidence), extra=extra)
