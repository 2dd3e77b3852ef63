"""DAGs defined in YAML (dag-factory, gusty, dbt-coves' generated DAGs): their code tasks.

A YAML DAG names each task's work the way a Python one does, as operator arguments:
`bash_command: "cd load && ./loans.py"`, `python_callable: jobs.refunds.settle` (dag-factory
also splits it into `python_callable_file`/`python_callable_name`). Every mapping that holds one
of them is a task: its id is its key (dag-factory `tasks:`, dbt-coves `nodes:`) or the file's
name (gusty, one task per file), its DAG the top-level key that holds `tasks:`/`nodes:` or the
file's name. The task gets the same `runs` targets as a Python one (`code_tasks`), at the line of
the value. SQL in `sql:` values is read by the SQL-in-configs scanner, at its own lines.
"""

from __future__ import annotations

import posixpath
import re

import yaml

from depmap.model import MEDIUM, Fact, Location, ScanResult
from depmap.safe_yaml import PlainLoader, YamlRefused, check_nodes
from depmap.scan_context import ScanContext
from depmap.frameworks.airflow.code_tasks import command_targets
from depmap.frameworks.airflow.dags import AIRFLOW_TASK
_WORK_KEYS = ("bash_command", "python_callable", "python_callable_name", "command")
_PREFILTER = re.compile(r"^\s*(?:bash_command|python_callable(?:_name)?)\s*:", re.M)
_TASK_LISTS = ("tasks", "nodes")


def scan_yaml_dags(path: str, text: str, ctx: ScanContext) -> ScanResult:
    if not _PREFILTER.search(text):
        return ScanResult()
    try:
        root = yaml.compose(text, Loader=PlainLoader)  # noqa: S506 - a SafeLoader subclass
        if root is None:
            return ScanResult()
        check_nodes(root)
    except (yaml.YAMLError, YamlRefused):  # the SQL-in-configs scanner reports unreadable YAML
        return ScanResult()
    stem = posixpath.splitext(posixpath.basename(path))[0]
    facts: list[Fact] = []
    for dag_id, task_id, task in _tasks(root, stem):
        runs, line = _runs(task)
        if not runs:
            continue
        operator = _scalar(task, "operator") or _scalar(task, "task_decorator") or _scalar(task, "type") or "task"
        location = Location(path, task.start_mark.line + 1, task.end_mark.line + 1, symbol=f"{dag_id}.{task_id}")
        extra = {"dag_id": dag_id, "task_id": task_id, "operator": operator, "runs": runs, "runs_line": line, "yaml": True}
        facts.append(Fact(AIRFLOW_TASK, "", location, detail=AIRFLOW_TASK, via="airflow", confidence=MEDIUM, snippet=f"{operator}(task_id={task_id!r})", extra=extra))
    return ScanResult(facts=facts)


def _tasks(root: yaml.Node, stem: str):
    """(dag id, task id, task mapping) for every mapping that names a task's work."""
    if not isinstance(root, yaml.MappingNode):
        return
    if _has_work(root):  # gusty: the file is one task
        yield stem, stem, root
        return
    for key, value in root.value:
        if not isinstance(value, yaml.MappingNode):
            continue
        name = key.value if isinstance(key, yaml.ScalarNode) else stem
        if name in _TASK_LISTS:  # dbt-coves: the file is one DAG, its `nodes:` the tasks
            yield from _listed(value, stem)
            continue
        lists = [v for k, v in value.value if isinstance(k, yaml.ScalarNode) and k.value in _TASK_LISTS and isinstance(v, yaml.MappingNode)]
        for tasks in lists:  # dag-factory: a top-level key per DAG
            yield from _listed(tasks, name)


def _listed(tasks: yaml.MappingNode, dag_id: str):
    for key, value in tasks.value:
        if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.MappingNode):
            if _has_work(value):
                yield dag_id, key.value, value
            for inner_key, inner in value.value:  # a task group's own `tasks:`
                if isinstance(inner_key, yaml.ScalarNode) and inner_key.value in _TASK_LISTS and isinstance(inner, yaml.MappingNode):
                    yield from _listed(inner, dag_id)


def _has_work(node: yaml.MappingNode) -> bool:
    return any(isinstance(k, yaml.ScalarNode) and k.value in _WORK_KEYS for k, _ in node.value)


def _scalar(node: yaml.MappingNode, key: str) -> str | None:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.ScalarNode):
            return str(v.value)
    return None


def _runs(task: yaml.MappingNode) -> tuple[list[dict], int]:
    for k, v in task.value:
        if not isinstance(k, yaml.ScalarNode) or not isinstance(v, yaml.ScalarNode):
            continue
        line = v.start_mark.line + 1
        if k.value in ("bash_command", "command"):
            return command_targets(str(v.value)), line
        if k.value == "python_callable" and "." in str(v.value):
            return [{"function": str(v.value)}], line
        if k.value == "python_callable_name":
            module = _module_of(_scalar(task, "python_callable_file"))
            return ([{"function": f"{module}.{v.value}"}] if module else []), line
    return [], task.start_mark.line + 1


def _module_of(file: str | None) -> str | None:
    """dag-factory's `python_callable_file` is a deployment path (`/usr/local/airflow/dags/jobs/x.py`):
    the module is found by its ending among the project's modules, so only its name is kept."""
    if not file or not file.endswith(".py"):
        return None
    return posixpath.splitext(posixpath.basename(file))[0]
