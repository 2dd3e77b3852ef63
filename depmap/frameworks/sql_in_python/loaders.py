"""Libraries that read and write a table named by a string, with no SQL in sight.

- dlt: a `@dlt.resource` function loads the table named by `table_name=`, else `name=`, else
  the function itself (`def personal_loans(): yield df` fills `personal_loans`): a write at the
  function's line; `pipeline.run(data, table_name="t")` writes `t` at the call.
- psycopg's composite types: `register_composite("payments", conn)`, `CompositeInfo.fetch(conn,
  "payments")` map a table's row type onto a Python class, every column by position (a whole-row
  read the index keeps only when a table has that name, like a cast);
- dataset and sqlite-utils: `db["users"].insert({...})`, `.upsert`, `.update`, `.delete`,
  `.find(...)`, `db.table("users").rows_where(...)`, `db.create_table("t")`: the table by its
  name, the columns a row dict or keyword filter names. Only on a name bound to a database of
  one of them (`db = dataset.connect(...)`): `d["k"].insert(0, v)` on a dict of lists is no table.

A dlt resource's table is qualified by the file's one `dlt.pipeline(dataset_name=...)` (the
schema it loads into); the facts are medium confidence (a resource may be defined and not run).
"""

from __future__ import annotations

import ast
import re

from dataclasses import replace

from depmap.model import ACCESS, MEDIUM, READ, WRITE, Fact, Location
from depmap.python.analysis import PythonAnalysis
from depmap.python.imports import ImportTable
from depmap.python.tree import ParsedTree, argument, dotted_name, literal_string
from depmap.scan_context import ScanContext

_PREFILTER = re.compile(r"\bimport\s+(?:dlt|dataset|sqlite_utils)\b|\bfrom\s+(?:dlt|dataset|sqlite_utils)\b|register_composite|CompositeInfo")
_DLT_RESOURCES = frozenset({"dlt.resource", "dlt.transformer"})
_TABLE_LIBRARIES = ("dataset", "sqlite_utils")
# method -> (access, detail)
_TABLE_METHODS = {
    "insert": (WRITE, "insert"), "insert_many": (WRITE, "insert"), "insert_all": (WRITE, "insert"),
    "insert_ignore": (WRITE, "insert"), "upsert": (WRITE, "upsert"), "upsert_many": (WRITE, "upsert"),
    "upsert_all": (WRITE, "upsert"), "update": (WRITE, "update"), "update_many": (WRITE, "update"),
    "delete": (WRITE, "delete"), "delete_where": (WRITE, "delete"), "drop": (WRITE, "drop"),
    "find": (READ, "select"), "find_one": (READ, "select"), "all": (READ, "select"), "distinct": (READ, "select"),
    "count": (READ, "select"), "rows_where": (READ, "select"), "get": (READ, "select"), "lookup": (WRITE, "upsert"),
}  # fmt: skip


def wants_loaders(text: str) -> bool:
    return ("dlt" in text or "dataset" in text or "sqlite_utils" in text or "omposite" in text) and bool(_PREFILTER.search(text))


def analyse_loaders(parsed: ParsedTree, ctx: ScanContext) -> list[Fact]:
    imports = ImportTable.of(parsed.tree, parsed.module_name)
    databases = _databases(parsed.tree, imports)
    dataset = _dataset_name(parsed.tree, imports)
    facts: list[Fact] = []
    for node in ast.walk(parsed.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            facts.extend(_dlt_resource(node, imports, parsed, dataset))
        elif isinstance(node, ast.Call):
            if composite := _composite(node, imports):
                facts.append(composite(parsed))
            elif not isinstance(node.func, ast.Attribute):
                continue
            elif node.func.attr == "run" and (table := literal_string(argument(node, None, "table_name"))):
                facts.append(_fact(parsed, node, table, (), WRITE, "dlt_run"))
            elif databases:
                facts.extend(_table_call(node, parsed, databases))
    return facts


def _composite(call: ast.Call, imports: ImportTable):
    """`register_composite("payments", conn)` (psycopg2), `CompositeInfo.fetch(conn, "payments")`
    (psycopg 3): rows of that type become Python objects built from every column by position."""
    func = call.func
    name = (imports.qualify(func) or dotted_name(func) or "").rsplit(".", 2)
    if name[-1] == "register_composite":
        index = 0
    elif name[-1] == "fetch" and len(name) > 1 and name[-2] == "CompositeInfo":
        index = 1
    else:
        return None
    type_name = literal_string(argument(call, index, "name"))
    if not type_name:
        return None
    reason = f"rows of the type {type_name} mapped onto Python objects by position: every column, like SELECT *"

    def fact(parsed: ParsedTree) -> Fact:
        found = _fact(parsed, call, type_name, (), READ, "select_star")
        return replace(found, extra={"row_type": type_name.lower(), "reason": reason})

    return fact


def _dataset_name(tree: ast.Module, imports: ImportTable) -> str | None:
    """The one `dataset_name=` the file's `dlt.pipeline(...)` calls give: the schema its
    resources land in (none, or several: the bare table name)."""
    names = {
        literal_string(argument(node, None, "dataset_name"))
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and imports.qualify(node.func) == "dlt.pipeline"
    } - {None}
    return names.pop() if len(names) == 1 else None


def _dlt_resource(node: ast.FunctionDef | ast.AsyncFunctionDef, imports: ImportTable, parsed: ParsedTree, dataset: str | None) -> list[Fact]:
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        if imports.qualify(call.func if call else decorator) not in _DLT_RESOURCES:
            continue
        named = [literal_string(argument(call, None, key)) for key in ("table_name", "name")] if call else []
        table = next((name for name in named if name), node.name)
        table = f"{dataset}.{table}" if dataset else table
        return [_fact(parsed, node, table, (), WRITE, "dlt_resource", symbol=f"{parsed.module_name}.{node.name}")]
    return []


def _databases(tree: ast.Module, imports: ImportTable) -> set[str]:
    """Names (`db`, `self.db`) bound to a dataset or sqlite-utils database anywhere in the file."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            made_by = imports.qualify(node.value.func) or ""
            if made_by.split(".")[0] in _TABLE_LIBRARIES:
                names.update(name for target in node.targets if (name := dotted_name(target)))
    return names


def _table_call(call: ast.Call, parsed: ParsedTree, databases: set[str]) -> list[Fact]:
    """`db["t"].insert(row)` / `db.table("t").rows_where(...)` / `db.create_table("t")`, on a
    name bound to a database: `queues["jobs"].insert(0, x)` on a dict of lists is no table."""
    func = call.func
    assert isinstance(func, ast.Attribute)
    if dotted_name(func.value) in databases and func.attr in ("create_table", "load_table", "get_table") and (
        table := literal_string(argument(call, 0, "table_name"))
    ):
        access = WRITE if func.attr == "create_table" else READ
        return [_fact(parsed, call, table, (), access, "create_table" if access == WRITE else "select")]
    method = _TABLE_METHODS.get(func.attr)
    table = _table_of(func.value, databases)
    if method is None or table is None:
        return []
    access, detail = method
    return [_fact(parsed, call, table, _columns(call, access), access, detail)]


def _table_of(node: ast.expr, databases: set[str]) -> str | None:
    if isinstance(node, ast.Subscript) and dotted_name(node.value) in databases:
        return literal_string(node.slice)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "table" and dotted_name(node.func.value) in databases:
        return literal_string(argument(node, 0, "table_name"))
    return None


def _columns(call: ast.Call, access: str) -> tuple[str, ...]:
    """A written row's dict keys; a read's keyword filters (`find(status="open")`)."""
    if access == WRITE and call.args and isinstance(call.args[0], ast.Dict):
        return tuple(key.value for key in call.args[0].keys if isinstance(key, ast.Constant) and isinstance(key.value, str))
    return tuple(k.arg for k in call.keywords if k.arg and not k.arg.startswith("_") and k.arg not in ("order_by", "where", "limit"))


def _fact(parsed: ParsedTree, node: ast.AST, table: str, columns: tuple[str, ...], access: str, detail: str, symbol: str | None = None) -> Fact:
    line = node.lineno  # type: ignore[attr-defined]
    end = getattr(node, "end_lineno", None) or line
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        end = line  # the resource is named by its def line
    location = Location(path=parsed.path, line=line, end_line=end, symbol=symbol)
    snippet = parsed.source.segment(node).splitlines()[0].strip() if not isinstance(node, ast.FunctionDef) else f"def {node.name}(...)"
    return Fact(ACCESS, table.lower(), location, columns, access, detail, "python", MEDIUM, snippet[:160], {"library": detail.split("_")[0] if detail.startswith("dlt") else "table"})


LOADERS = PythonAnalysis("table loaders", wants_loaders, analyse_loaders)
