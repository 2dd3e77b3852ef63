"""Airflow DAG files: which task of which DAG runs which SQL.

`analyse_airflow(parsed, positions, ctx)` reads a parsed DAG file (never imports it) and emits one
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

import dataclasses
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from depmap.model import HIGH, LOW, MEDIUM, Fact, Location, weaker
from depmap.scanners.context import ScanContext
from depmap.scanners.python import PythonAnalysis
from depmap.scanners.python_source import (
    ParsedModule,
    Positions,
    ScopedVisitor,
    argument,
    callee_name,
    literal_string,
    string_text,
)
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
    return bool(_PREFILTER.search(text))


@dataclass(frozen=True)
class DagInfo:
    dag_id: str
    known: bool  # the id was read from the code (not guessed from a variable or function name)
    search_paths: tuple[str, ...]


@dataclass
class TaskCall:
    call: cst.Call
    operator: str
    arguments: dict[str, cst.BaseExpression]
    dag: DagInfo | None
    dag_variable: str | None  # `dag=<name>`
    groups: tuple[str, ...]
    assigned_to: str | None
    mapped: bool = False


def analyse_airflow(parsed: ParsedModule, positions: Positions, ctx: ScanContext) -> list[Fact]:
    """One `airflow_task` fact per SQL task of the file, plus reads by table check operators."""
    visitor = GatherAirflowVisitor(parsed.module_name, parsed.path, _module_constants(parsed.module))
    parsed.module.visit(visitor)
    facts: list[Fact] = []
    for task in visitor.tasks:
        facts.extend(_task_facts(task, visitor, parsed.path, positions, ctx))
    return facts


AIRFLOW = PythonAnalysis("airflow", wants_airflow, analyse_airflow)


# -- gathering -------------------------------------------------------------------------------------


class GatherAirflowVisitor(ScopedVisitor):
    """Fills in `tasks` (every operator call that runs SQL, with its DAG context), `dags_by_name`
    (variables bound to a DAG) and `all_dags` (every DAG the file defines)."""

    def __init__(self, module_name: str, path: str, constants: dict[str, cst.BaseExpression]) -> None:
        super().__init__(module_name)
        self.path = path
        self.constants = constants
        self.tasks: list[TaskCall] = []
        self.dags_by_name: dict[str, DagInfo] = {}
        self.all_dags: list[DagInfo] = []
        self._dag_stack: list[DagInfo] = []
        self._group_stack: list[str] = []
        self._pushed: list[tuple[int, int]] = []  # (dags, groups) pushed per with/def
        self._assigned: dict[cst.Call, str] = {}
        self._expanded: dict[cst.Call, dict[str, cst.BaseExpression]] = {}
        self._dag_calls: dict[cst.Call, DagInfo] = {}

    # DAG and group contexts

    def _dag_of_call(self, call: cst.Call, fallback: str | None, *, fallback_is_id: bool = False) -> DagInfo:
        if call not in self._dag_calls:
            info = self.dag_info(call, fallback, fallback_is_id=fallback_is_id)
            self._dag_calls[call] = info
            self.all_dags.append(info)
        return self._dag_calls[call]

    def dag_info(self, call: cst.Call, fallback: str | None, *, fallback_is_id: bool = False) -> DagInfo:
        dag_id = self.string_value(argument(call, 0, "dag_id"))
        paths = self.path_values(argument(call, None, "template_searchpath"))
        folder = posixpath.dirname(self.path)
        search_paths = tuple(dict.fromkeys([folder or ".", *paths]))
        if dag_id is not None:
            return DagInfo(dag_id, True, search_paths)
        return DagInfo(fallback or "", fallback_is_id, search_paths)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return
        name = node.targets[0].target.value
        if isinstance(node.value, cst.Call):
            self._assigned[node.value] = name
            if _is_dag_call(node.value):
                self.dags_by_name[name] = self._dag_of_call(node.value, name)

    def visit_With(self, node: cst.With) -> None:
        dags = groups = 0
        for item in node.items:
            expression = item.item
            alias = item.asname.name.value if item.asname and isinstance(item.asname.name, cst.Name) else None
            if isinstance(expression, cst.Call) and _is_dag_call(expression):
                info = self._dag_of_call(expression, alias)
                if alias:
                    self.dags_by_name[alias] = info
                self._dag_stack.append(info)
                dags += 1
            elif isinstance(expression, cst.Name) and expression.value in self.dags_by_name:
                self._dag_stack.append(self.dags_by_name[expression.value])
                dags += 1
            elif isinstance(expression, cst.Call) and callee_name(expression.func) == "TaskGroup":
                group = self.string_value(argument(expression, 0, "group_id"))
                self._group_stack.append(group or alias or "?")
                groups += 1
        self._pushed.append((dags, groups))

    def leave_With(self, original_node: cst.With) -> None:
        self._pop()

    def visit_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        super().visit_FunctionDef_body(node)
        dags = groups = 0
        for decorator in node.decorators:
            target = decorator.decorator
            call = target if isinstance(target, cst.Call) else None
            name = callee_name(call.func if call else target)
            if name == "dag":
                if call is not None:
                    info = self._dag_of_call(call, node.name.value, fallback_is_id=True)  # Airflow's default
                else:
                    info = DagInfo(node.name.value, True, (posixpath.dirname(self.path) or ".",))
                    self.all_dags.append(info)
                self._dag_stack.append(info)
                dags += 1
            elif name == "task_group":
                group = self.string_value(argument(call, 0, "group_id")) if call else None
                self._group_stack.append(group or node.name.value)
                groups += 1
        self._pushed.append((dags, groups))

    def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
        self._pop()
        super().leave_FunctionDef_body(node)

    def _pop(self) -> None:
        dags, groups = self._pushed.pop()
        del self._dag_stack[len(self._dag_stack) - dags :]
        del self._group_stack[len(self._group_stack) - groups :]

    # operators

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if _is_dag_call(node):
            self._dag_of_call(node, self._assigned.get(node))
            return
        if isinstance(func, cst.Attribute) and func.attr.value == "expand" and isinstance(func.value, cst.Call):
            self._expanded[func.value] = _keywords(node)
            return
        mapped = isinstance(func, cst.Attribute) and func.attr.value == "partial"
        operator = callee_name(func.value if mapped and isinstance(func, cst.Attribute) else func)
        if not operator or not operator.endswith("Operator"):
            return
        arguments = _keywords(node)
        if mapped:
            arguments = {**arguments, **self._expanded.get(node, {})}
        runs_sql = operator in SQL_OPERATORS or "sql" in arguments or _TABLE_CHECK.search(operator)
        if not runs_sql:
            return
        dag_argument = arguments.get("dag")
        self.tasks.append(
            TaskCall(
                call=node,
                operator=operator,
                arguments=arguments,
                dag=self._dag_stack[-1] if self._dag_stack else None,
                dag_variable=dag_argument.value if isinstance(dag_argument, cst.Name) else None,
                groups=tuple(self._group_stack),
                assigned_to=self._assigned.get(node),
                mapped=mapped,
            )
        )

    # static values

    def resolve(self, node: cst.BaseExpression | None, depth: int = 0) -> cst.BaseExpression | None:
        """A module constant's value for its name; other expressions as they are."""
        while isinstance(node, cst.Name) and node.value in self.constants and depth < _MAX_DEPTH:
            node, depth = self.constants[node.value], depth + 1
        return node

    def string_value(self, node: cst.BaseExpression | None) -> str | None:
        return literal_string(self.resolve(node))

    def path_values(self, node: cst.BaseExpression | None) -> list[str]:
        node = self.resolve(node)
        if isinstance(node, (cst.List, cst.Tuple)):
            values = [self.path_value(element.value) for element in node.elements]
        else:
            values = [self.path_value(node)] if node is not None else []
        return [value for value in values if value]

    def path_value(self, node: cst.BaseExpression | None, depth: int = 0) -> str | None:
        """A folder computed from `__file__` or written as a literal, relative to the scanned
        root (or absolute as written); None when it depends on anything else."""
        if node is None or depth > _MAX_DEPTH:
            return None
        node = self.resolve(node)
        text = literal_string(node)
        if text is not None:
            return posixpath.normpath(text) if text else None
        if isinstance(node, cst.Name):
            return self.path if node.value == "__file__" else None
        if isinstance(node, cst.Attribute) and node.attr.value == "parent":
            inner = self.path_value(node.value, depth + 1)
            return posixpath.dirname(inner) or "." if inner is not None else None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
            left, right = self.path_value(node.left, depth + 1), self.path_value(node.right, depth + 1)
            return posixpath.normpath(posixpath.join(left, right)) if left and right else None
        if isinstance(node, cst.Call):
            name = callee_name(node.func)
            args = [arg.value for arg in node.args if arg.keyword is None and not arg.star]
            if name == "join" and args:
                parts = [self.path_value(arg, depth + 1) for arg in args]
                return posixpath.normpath(posixpath.join(*parts)) if all(parts) else None  # type: ignore[arg-type]
            if name == "dirname" and len(args) == 1:
                inner = self.path_value(args[0], depth + 1)
                return (posixpath.dirname(inner) or ".") if inner is not None else None
            if name in ("abspath", "realpath", "normpath", "Path", "PurePath", "str", "fspath") and len(args) == 1:
                return self.path_value(args[0], depth + 1)
            if name in ("resolve", "absolute") and isinstance(node.func, cst.Attribute) and not args:
                return self.path_value(node.func.value, depth + 1)
        return None


def _is_dag_call(call: cst.Call) -> bool:
    return callee_name(call.func) == "DAG"


def _keywords(call: cst.Call) -> dict[str, cst.BaseExpression]:
    return {arg.keyword.value: arg.value for arg in call.args if arg.keyword is not None}


def _module_constants(module: cst.Module) -> dict[str, cst.BaseExpression]:
    """`NAME = <expression>` at module level, bound once (a name assigned twice is not a constant)."""
    seen: dict[str, cst.BaseExpression] = {}
    rebound: set[str] = set()
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
                name, value = small.targets[0].target.value, small.value
            elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
                name, value = small.target.value, small.value
            else:
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


def _task_facts(
    task: TaskCall, visitor: GatherAirflowVisitor, path: str, positions: Positions, ctx: ScanContext
) -> list[Fact]:
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
        _read_sql_argument(sql, visitor, positions, sources)
    if task.operator == "BigQueryInsertJobOperator":
        query = _bigquery_query(visitor.resolve(task.arguments.get("configuration")), visitor)
        if query is not None:
            _read_sql_argument(query, visitor, positions, sources)

    code_range = positions[task.call]
    location = Location(path=path, line=code_range.start.line, end_line=code_range.end.line, symbol=symbol)
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


def _read_sql_argument(
    node: cst.BaseExpression, visitor: GatherAirflowVisitor, positions: Positions, sources: _SqlSources
) -> None:
    """Sort a `sql=` value into template files and inline SQL (Airflow's rule: a string ending in
    `.sql` names a template file)."""
    resolved = visitor.resolve(node)
    if isinstance(resolved, (cst.List, cst.Tuple)):
        sources.listed = True
        elements = [element.value for element in resolved.elements]
    else:
        elements = [node]
    for element in elements:
        element = visitor.resolve(element)
        text = string_text(element, positions) if element is not None else None
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


def _bigquery_query(node: cst.BaseExpression | None, visitor: GatherAirflowVisitor) -> cst.BaseExpression | None:
    """`configuration={"query": {"query": <here>, ...}}`."""
    for _ in range(2):
        node = visitor.resolve(node)
        if not isinstance(node, cst.Dict):
            return None
        node = next(
            (
                element.value
                for element in node.elements
                if isinstance(element, cst.DictElement) and literal_string(element.key) == "query"
            ),
            None,
        )
    return node


def _dict_items(node: cst.BaseExpression | None, visitor: GatherAirflowVisitor) -> Iterator[tuple[str | None, cst.BaseExpression]]:
    node = visitor.resolve(node)
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                yield visitor.string_value(element.key), element.value
            else:
                yield None, element.value  # `**other`: unknown keys


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


__all__ = ["AIRFLOW", "AIRFLOW_TASK", "SQL_OPERATORS", "analyse_airflow", "wants_airflow"]
