"""Airflow DAG files: which task of which DAG runs which SQL.

`analyse_airflow(parsed, ctx)` reads a parsed DAG file (never imports it) and emits one
`airflow_task` fact per task that runs SQL, at the line of the operator call, with the symbol
`dag_id.task_id` (`dag_id.group.task_id` inside a task group, as Airflow names it):

- DAGs: `with DAG("id", ...) as dag:`, `dag = DAG(...)` (tasks join it with `dag=dag`, or
  `with dag:`), and TaskFlow `@dag(...)` functions (the DAG id defaults to the function name);
  `with TaskGroup("g")` and `@task_group` prefix the task id. An operator outside any DAG context
  joins the file's only DAG (medium confidence).
- SQL operators: any `*Operator(..., sql=...)` (SQLExecuteQueryOperator, PostgresOperator,
  MySqlOperator, SnowflakeOperator, the check operators that take SQL, ...), including dynamic
  mapping (`.partial(...).expand(sql=[...])`); BigQueryInsertJobOperator's
  `configuration={"query": {"query": ...}}`; and the check operators that name a table instead of
  passing SQL (`SQLTableCheckOperator`, `SQLColumnCheckOperator`, `SQLIntervalCheckOperator` and
  their BigQuery twins), for which the query Airflow would build is analysed here, via "airflow".

The SQL text itself is not analysed here: the SQL-strings analysis already turns every `sql=`
literal (and a SQL-looking literal anywhere, e.g. BigQuery's query) into access facts on the
line the text is written. The task fact says where that is (`extra["inline_sql_line"]`) so that
a project-level step can attribute those facts to the task. SQL kept in a template file
(`sql="queries/load.sql"`, or `{% include "x.sql" %}`) cannot be read by a pure scanner: the task
fact lists the file (`extra["sql_file"]`) and where Airflow would look for it
(`extra["search_paths"]`: the DAG file's folder first, then `template_searchpath`, as Airflow's
Jinja loader does), paths relative to the scanned root when they can be worked out statically
(`os.path.join(os.path.dirname(__file__), "sql")`, `Path(__file__).parent / "sql"`), absolute
paths as written.
"""

from __future__ import annotations

import ast
import dataclasses
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from depmap.model import HIGH, LOW, MEDIUM, Fact, Location, weaker
from depmap.scan_context import ScanContext
from depmap.python.analysis import PythonAnalysis
from depmap.frameworks.airflow.code_tasks import operator_runs, taskflow_runs
from depmap.python.imports import ImportTable
from depmap.python.tree import (
    ParsedTree,
    dotted_name,
    SourceText,
    TreeVisitor,
    argument,
    callee_name,
    literal_string,
    positional_args,
    single_assignment,
    unstarred,
)
from depmap.python.tree_strings import string_text
from depmap.sql import analyze_sql, to_facts

AIRFLOW_TASK = "airflow_task"
VIA = "airflow"

# Operators known to run SQL even when `sql=` comes through **kwargs or default_args.
SQL_OPERATORS = frozenset({
    "SQLExecuteQueryOperator", "PostgresOperator", "MySqlOperator", "SnowflakeOperator",
    "MsSqlOperator", "OracleOperator", "SqliteOperator", "TrinoOperator", "RedshiftSQLOperator",
    "DatabricksSqlOperator", "VerticaOperator", "JdbcOperator", "BigQueryExecuteQueryOperator",
    "SQLCheckOperator", "SQLValueCheckOperator", "SQLThresholdCheckOperator",
    "BigQueryInsertJobOperator",
})  # fmt: skip
# Check operators that name a table; Airflow builds the query from their arguments.
_TABLE_CHECK = re.compile(r"(?:Table|Column|Interval)CheckOperator$")
_INCLUDE = re.compile(r"""\{%-?\s*include\s+["']([^"']+\.sql)["']""")
_PREFILTER = re.compile(r"\bDAG\(|@dag\b|Operator\(|Operator\.partial\(")
_MAX_DEPTH = 8  # constants naming constants: enough for real code, safe against cycles


def wants_airflow(text: str) -> bool:
    # `in` first: the regex alone costs ten times as much on the many files that mention none
    return ("DAG(" in text or "@dag" in text or "Operator" in text) and bool(_PREFILTER.search(text))


@dataclass(frozen=True)
class DagInfo:
    dag_id: str
    known: bool  # the id was read from the code (not guessed from a variable or function name)
    search_paths: tuple[str, ...]


@dataclass
class TaskCall:
    call: ast.Call | ast.FunctionDef | ast.AsyncFunctionDef  # the operator, or a TaskFlow `@task` function
    operator: str
    arguments: dict[str, ast.expr]
    dag: DagInfo | None
    dag_variable: str | None  # `dag=<name>`
    groups: tuple[str, ...]
    assigned_to: str | None
    mapped: bool = False
    runs: list[dict] = field(default_factory=list)  # the project code it runs (`code_tasks`)
    runs_line: int | None = None


def analyse_airflow(parsed: ParsedTree, ctx: ScanContext) -> list[Fact]:
    """One `airflow_task` fact per SQL task of the file, plus reads by table check operators."""
    visitor = GatherAirflowVisitor(parsed.module_name, parsed.path, _module_constants(parsed.tree))
    visitor.imports = ImportTable.of(parsed.tree, parsed.module_name)
    visitor.walk(parsed.tree)
    facts: list[Fact] = []
    for task in visitor.tasks:
        facts.extend(_task_facts(task, visitor, parsed.path, parsed.source, ctx))
    return facts


AIRFLOW_DAGS = PythonAnalysis("airflow", wants_airflow, analyse_airflow)


# -- gathering -------------------------------------------------------------------------------------


class GatherAirflowVisitor(TreeVisitor):
    """Fills in `tasks` (every operator call that runs SQL, with its DAG context), `dags_by_name`
    (variables bound to a DAG) and `all_dags` (every DAG the file defines)."""

    def __init__(self, module_name: str, path: str, constants: dict[str, ast.expr]) -> None:
        super().__init__(module_name)
        self.path = path
        self.constants = constants
        self.tasks: list[TaskCall] = []
        self.dags_by_name: dict[str, DagInfo] = {}
        self.all_dags: list[DagInfo] = []
        self._dag_stack: list[DagInfo] = []
        self._group_stack: list[str] = []
        self._pushed: list[tuple[int, int]] = []  # (dags, groups) pushed per with/def
        self._assigned: dict[ast.Call, str] = {}
        self._expanded: dict[ast.Call, dict[str, ast.expr]] = {}
        self._dag_calls: dict[ast.Call, DagInfo] = {}
        self.imports = ImportTable(module_name)

    # DAG and group contexts

    def _dag_of_call(self, call: ast.Call, fallback: str | None, *, fallback_is_id: bool = False) -> DagInfo:
        if call not in self._dag_calls:
            info = self.dag_info(call, fallback, fallback_is_id=fallback_is_id)
            self._dag_calls[call] = info
            self.all_dags.append(info)
        return self._dag_calls[call]

    def dag_info(self, call: ast.Call, fallback: str | None, *, fallback_is_id: bool = False) -> DagInfo:
        dag_id = self.string_value(argument(call, 0, "dag_id"))
        paths = self.path_values(argument(call, None, "template_searchpath"))
        folder = posixpath.dirname(self.path)
        search_paths = tuple(dict.fromkeys([folder or ".", *paths]))
        if dag_id is not None:
            return DagInfo(dag_id, True, search_paths)
        return DagInfo(fallback or "", fallback_is_id, search_paths)

    def visit_Assign(self, node: ast.Assign) -> None:
        target = node.targets[0]
        if len(node.targets) != 1 or not isinstance(target, ast.Name):
            return
        name = target.id
        if isinstance(node.value, ast.Call):
            self._assigned[node.value] = name
            if _is_dag_call(node.value):
                self.dags_by_name[name] = self._dag_of_call(node.value, name)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        dags = groups = 0
        for item in node.items:
            expression = item.context_expr
            alias = item.optional_vars.id if isinstance(item.optional_vars, ast.Name) else None
            if isinstance(expression, ast.Call) and _is_dag_call(expression):
                info = self._dag_of_call(expression, alias)
                if alias:
                    self.dags_by_name[alias] = info
                self._dag_stack.append(info)
                dags += 1
            elif isinstance(expression, ast.Name) and expression.id in self.dags_by_name:
                self._dag_stack.append(self.dags_by_name[expression.id])
                dags += 1
            elif isinstance(expression, ast.Call) and callee_name(expression.func) == "TaskGroup":
                group = self.string_value(argument(expression, 0, "group_id"))
                self._group_stack.append(group or alias or "?")
                groups += 1
        self._pushed.append((dags, groups))

    def leave_With(self, node: ast.With | ast.AsyncWith) -> None:
        self._pop()

    visit_AsyncWith, leave_AsyncWith = visit_With, leave_With

    def enter_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        super().enter_function(node)
        dags = groups = 0
        for target in node.decorator_list:
            call = target if isinstance(target, ast.Call) else None
            name = callee_name(call.func if call else target)
            if name == "dag":
                if call is not None:
                    info = self._dag_of_call(call, node.name, fallback_is_id=True)  # Airflow's default
                else:
                    info = DagInfo(node.name, True, (posixpath.dirname(self.path) or ".",))
                    self.all_dags.append(info)
                self._dag_stack.append(info)
                dags += 1
            elif (decorated := dotted_name(call.func if call else target) or "") == "task" or decorated.startswith("task."):
                self._taskflow(node, call, decorated)
            elif name == "task_group":
                group = self.string_value(argument(call, 0, "group_id")) if call else None
                self._group_stack.append(group or node.name)
                groups += 1
        self._pushed.append((dags, groups))

    def _taskflow(self, node: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call | None, flavour: str) -> None:
        """A TaskFlow task: the command it returns, or its body and what that calls."""
        runs, line = taskflow_runs(node, flavour, self.symbol, self.imports.qualify, self.resolve)
        if not runs:
            return
        arguments = _keywords(call) if call is not None else {}
        arguments.setdefault("task_id", ast.Constant(node.name))
        dag = self._dag_stack[-1] if self._dag_stack else None
        self.tasks.append(TaskCall(node, flavour, arguments, dag, None, tuple(self._group_stack), node.name, runs=runs, runs_line=line))

    def leave_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._pop()
        super().leave_function(node)

    def _pop(self) -> None:
        dags, groups = self._pushed.pop()
        del self._dag_stack[len(self._dag_stack) - dags :]
        del self._group_stack[len(self._group_stack) - groups :]

    # operators

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if _is_dag_call(node):
            self._dag_of_call(node, self._assigned.get(node))
            return
        if isinstance(func, ast.Attribute) and func.attr == "expand" and isinstance(func.value, ast.Call):
            self._expanded[func.value] = _keywords(node)
            return
        mapped = isinstance(func, ast.Attribute) and func.attr == "partial"
        operator = callee_name(func.value if mapped and isinstance(func, ast.Attribute) else func)
        if not operator or not operator.endswith("Operator"):
            return
        arguments = _keywords(node)
        if mapped:
            arguments = {**arguments, **self._expanded.get(node, {})}
        runs_sql = operator in SQL_OPERATORS or "sql" in arguments or _TABLE_CHECK.search(operator)
        runs, runs_line = ([], None) if runs_sql else operator_runs(arguments, self.resolve, self.imports.qualify)
        if not runs_sql and not runs:
            return
        dag_argument = arguments.get("dag")
        self.tasks.append(
            TaskCall(
                call=node,
                operator=operator,
                arguments=arguments,
                dag=self._dag_stack[-1] if self._dag_stack else None,
                dag_variable=dag_argument.id if isinstance(dag_argument, ast.Name) else None,
                groups=tuple(self._group_stack),
                assigned_to=self._assigned.get(node),
                mapped=mapped,
                runs=runs,
                runs_line=runs_line,
            )
        )

    # static values

    def resolve(self, node: ast.expr | None, depth: int = 0) -> ast.expr | None:
        """A module constant's value for its name; other expressions as they are."""
        while isinstance(node, ast.Name) and node.id in self.constants and depth < _MAX_DEPTH:
            node, depth = self.constants[node.id], depth + 1
        return node

    def string_value(self, node: ast.expr | None) -> str | None:
        return literal_string(self.resolve(node))

    def path_values(self, node: ast.expr | None) -> list[str]:
        node = self.resolve(node)
        if isinstance(node, (ast.List, ast.Tuple)):
            values = [self.path_value(unstarred(element)) for element in node.elts]
        else:
            values = [self.path_value(node)] if node is not None else []
        return [value for value in values if value]

    def path_value(self, node: ast.expr | None, depth: int = 0) -> str | None:
        """A folder computed from `__file__` or written as a literal, relative to the scanned
        root (or absolute as written); None when it depends on anything else."""
        if node is None or depth > _MAX_DEPTH:
            return None
        node = self.resolve(node)
        text = literal_string(node)
        if text is not None:
            return posixpath.normpath(text) if text else None
        if isinstance(node, ast.Name):
            return self.path if node.id == "__file__" else None
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            inner = self.path_value(node.value, depth + 1)
            return posixpath.dirname(inner) or "." if inner is not None else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left, right = self.path_value(node.left, depth + 1), self.path_value(node.right, depth + 1)
            return posixpath.normpath(posixpath.join(left, right)) if left and right else None
        if isinstance(node, ast.Call):
            name = callee_name(node.func)
            args = positional_args(node)
            if name == "join" and args:
                parts = [self.path_value(arg, depth + 1) for arg in args]
                return posixpath.normpath(posixpath.join(*parts)) if all(parts) else None  # type: ignore[arg-type]
            if name == "dirname" and len(args) == 1:
                inner = self.path_value(args[0], depth + 1)
                return (posixpath.dirname(inner) or ".") if inner is not None else None
            if name in ("abspath", "realpath", "normpath", "Path", "PurePath", "str", "fspath") and len(args) == 1:
                return self.path_value(args[0], depth + 1)
            if name in ("resolve", "absolute") and isinstance(node.func, ast.Attribute) and not args:
                return self.path_value(node.func.value, depth + 1)
        return None


def _is_dag_call(call: ast.Call) -> bool:
    return callee_name(call.func) == "DAG"


def _keywords(call: ast.Call) -> dict[str, ast.expr]:
    return {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg is not None}


def _module_constants(tree: ast.Module) -> dict[str, ast.expr]:
    """`NAME = <expression>` at module level, bound once (a name assigned twice is not a constant)."""
    seen: dict[str, ast.expr] = {}
    rebound: set[str] = set()
    for statement in tree.body:
        name, value = single_assignment(statement)
        if name is None or value is None:
            continue
        if name in seen:
            rebound.add(name)
        seen[name] = value
    return {name: value for name, value in seen.items() if name not in rebound}


# -- facts -----------------------------------------------------------------------------------------


@dataclass
class _SqlSources:
    files: list[str] = field(default_factory=list)
    inline_lines: list[int] = field(default_factory=list)
    dynamic: bool = False
    listed: bool = False  # `sql=[...]`: a list of files, even of one


def _task_facts(task: TaskCall, visitor: GatherAirflowVisitor, path: str, source: SourceText, ctx: ScanContext) -> list[Fact]:
    confidence = HIGH
    dag = task.dag
    if task.dag_variable is not None and task.dag_variable in visitor.dags_by_name:
        dag = visitor.dags_by_name[task.dag_variable]
    if dag is None:  # built outside any DAG context: the file's only DAG, if it has one
        dag = visitor.all_dags[0] if len(visitor.all_dags) == 1 else None
        confidence = MEDIUM if dag is not None else LOW
    if dag is not None and not dag.known:  # the id is computed: named after its variable, or unknown
        confidence = weaker(confidence, MEDIUM if dag.dag_id else LOW)

    task_id = visitor.string_value(task.arguments.get("task_id"))
    if task_id is None:
        task_id = task.assigned_to or "?"
        confidence = LOW
    full_task_id = ".".join((*task.groups, task_id))
    dag_id = dag.dag_id if dag is not None else ""
    symbol = f"{dag_id}.{full_task_id}" if dag_id else full_task_id

    sources = _SqlSources()
    sql = task.arguments.get("sql")  # operators take keyword arguments only
    if sql is not None:
        _read_sql_argument(sql, visitor, source, sources)
    if task.operator == "BigQueryInsertJobOperator":
        query = _bigquery_query(visitor.resolve(task.arguments.get("configuration")), visitor)
        if query is not None:
            _read_sql_argument(query, visitor, source, sources)

    call = task.call
    location = Location(path=path, line=call.lineno, end_line=call.end_lineno or call.lineno, symbol=symbol)
    extra: dict[str, Any] = {"dag_id": dag_id, "task_id": full_task_id, "operator": task.operator}
    if sources.files:
        extra["sql_file"] = sources.files if sources.listed else sources.files[0]
        extra["search_paths"] = list(dag.search_paths if dag is not None else (posixpath.dirname(path) or ".",))
    if sources.inline_lines:
        extra["inline_sql_line"] = sources.inline_lines[0]
        if len(sources.inline_lines) > 1:
            extra["inline_sql_lines"] = sources.inline_lines
    if sources.dynamic:
        extra["sql_dynamic"] = True
    if task.mapped:
        extra["mapped"] = True
    if task.runs:
        extra["runs"], extra["runs_line"] = task.runs, task.runs_line
    facts = [
        Fact(
            kind=AIRFLOW_TASK,
            table="",
            location=location,
            detail=AIRFLOW_TASK,
            via=VIA,
            confidence=confidence,
            snippet=f"{task.operator}(task_id={full_task_id!r})",
            extra=extra,
        )
    ]
    if _TABLE_CHECK.search(task.operator):
        facts.extend(_table_check_facts(task, visitor, location, ctx))
    return facts


def _read_sql_argument(node: ast.expr, visitor: GatherAirflowVisitor, source: SourceText, sources: _SqlSources) -> None:
    """Sort a `sql=` value into template files and inline SQL (Airflow's rule: a string ending in
    `.sql` names a template file)."""
    resolved = visitor.resolve(node)
    if isinstance(resolved, (ast.List, ast.Tuple)):
        sources.listed = True
        elements = [unstarred(element) for element in resolved.elts]
    else:
        elements = [node]
    for element in elements:
        resolved_element = visitor.resolve(element)
        text = string_text(resolved_element, source) if resolved_element is not None else None
        if text is None:
            sources.dynamic = True
            continue
        value = text.text
        if value.endswith(".sql") and "\n" not in value and " " not in value.strip():
            if text.holes:  # f"{table}.sql": which file is known at run time only
                sources.dynamic = True
            else:
                sources.files.append(value.strip())
            continue
        sources.files.extend(match.group(1) for match in _INCLUDE.finditer(value))
        stripped = len(value) - len(value.lstrip())
        if stripped < len(value) and text.lines and not _only_includes(value):
            sources.inline_lines.append(text.lines[stripped])


def _only_includes(value: str) -> bool:
    return bool(_INCLUDE.search(value)) and not re.sub(r"\{%.*?%\}", "", value, flags=re.S).strip()


def _bigquery_query(node: ast.expr | None, visitor: GatherAirflowVisitor) -> ast.expr | None:
    """`configuration={"query": {"query": <here>, ...}}`."""
    for _ in range(2):
        node = visitor.resolve(node)
        if not isinstance(node, ast.Dict):
            return None
        node = next(
            (value for key, value in zip(node.keys, node.values) if key is not None and literal_string(key) == "query"),
            None,
        )
    return node


def _dict_items(node: ast.expr | None, visitor: GatherAirflowVisitor) -> Iterator[tuple[str | None, ast.expr]]:
    node = visitor.resolve(node)
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if key is not None:
                yield visitor.string_value(key), value
            else:
                yield None, value  # `**other`: unknown keys


def _table_check_facts(task: TaskCall, visitor: GatherAirflowVisitor, location: Location, ctx: ScanContext) -> list[Fact]:
    """The query a table-level check operator runs, rebuilt as Airflow builds it, analysed."""
    table = visitor.string_value(task.arguments.get("table"))
    if not table or "{" in table:
        return []
    operator = task.operator
    expressions: list[str] = []
    complete = True
    where = visitor.string_value(task.arguments.get("partition_clause"))
    if "partition_clause" in task.arguments and where is None:
        complete = False
    if operator.endswith("ColumnCheckOperator"):
        for column, _ in _dict_items(task.arguments.get("column_mapping"), visitor):
            if column is None:
                complete = False
            else:
                expressions.append(f"MIN({column})")
    elif operator.endswith("TableCheckOperator"):
        for _, check in _dict_items(task.arguments.get("checks"), visitor):
            statement = dict(_dict_items(check, visitor)).get("check_statement")
            text = visitor.string_value(statement)
            if text is None:
                complete = False
            else:
                expressions.append(f"CASE WHEN {text} THEN 1 ELSE 0 END")
    else:  # IntervalCheckOperator
        for metric, _ in _dict_items(task.arguments.get("metrics_thresholds"), visitor):
            if metric is None:
                complete = False
            else:
                expressions.append(metric)
        date_column = visitor.string_value(task.arguments.get("date_filter_column"))
        if "date_filter_column" in task.arguments and date_column is None:
            complete = False
        where = f"{date_column or 'ds'} = '{{{{ ds }}}}'" + (f" AND {where}" if where else "")
    sql = f"SELECT {', '.join(expressions) or '1'} FROM {table}" + (f" WHERE {where}" if where else "")
    results = analyze_sql(sql, ctx.dialect)
    confidence = HIGH if complete else MEDIUM
    extra = {"check": operator}
    if not results or any(result.kind == "unparsed" for result in results):
        sql = f"SELECT 1 FROM {table}"
        results, confidence = analyze_sql(sql, ctx.dialect), MEDIUM
    facts = to_facts(results, path=location.path, symbol=location.symbol, via=VIA, confidence=confidence, extra=extra)
    return [dataclasses.replace(fact, location=location) for fact in facts]


__all__ = ["AIRFLOW_DAGS", "AIRFLOW_TASK", "SQL_OPERATORS", "analyse_airflow", "wants_airflow"]
