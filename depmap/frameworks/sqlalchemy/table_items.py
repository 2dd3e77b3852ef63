"""SQLAlchemy's table-level schema items as plain data: `Index`, `UniqueConstraint`,
`CheckConstraint`, `ForeignKeyConstraint`, `PrimaryKeyConstraint`, wherever a model or a Core
table lists them (`__table_args__ = (...)`, `Table("orders", metadata, ..., Index(...))`).

Each becomes a dict in the shape of Django's (`depmap.frameworks.django.schema_objects`), so the
linker turns both into schema operations alike:

    {"kind": "index" | "unique" | "check" | "foreign_key" | "primary_key", "name", "fields",
     "expressions", "unique" (an index), "condition" (`postgresql_where`), "check",
     "references" ({"table", "columns"} of a ForeignKeyConstraint), "line", "end_line"}

A column is named by a string (`"customer_id"`), an attribute (`Order.customer_id`,
`orders.c.customer_id`) or `column("customer_id")`; other items are expressions.

A Core table is known literally where it is written, so its schema operations are made here
(`core_table_ops`): the table's declaration (`within: "model"`, with what its columns declare)
and one per item. A model's items go into its MODEL fact (`schema_items`) for the linker.
"""

from __future__ import annotations

import ast
from typing import Any

from depmap.model import HIGH, SCHEMA, SCHEMA_OP, Fact, Location
from depmap.orm.declared_schema import declared, object_op
from depmap.python.tree import SourceText, argument, callee_name, literal_bool, literal_string

_KINDS = {
    "Index": "index",
    "UniqueConstraint": "unique",
    "CheckConstraint": "check",
    "ForeignKeyConstraint": "foreign_key",
    "PrimaryKeyConstraint": "primary_key",
}


def table_items(nodes: list[ast.expr], source: SourceText) -> list[dict[str, Any]]:
    """The schema items among `nodes` (the elements of `__table_args__`, a Table's arguments)."""
    return [found for found in (table_item(node, source) for node in nodes) if found is not None]


def table_item(node: ast.expr, source: SourceText) -> dict[str, Any] | None:
    if not isinstance(node, ast.Call) or (kind := _KINDS.get(callee_name(node.func) or "")) is None:
        return None
    positional = [arg for arg in node.args if not isinstance(arg, ast.Starred)]
    name_node = argument(node, None, "name")
    if kind == "index" and positional:
        name_node, positional = positional[0], positional[1:]
    found: dict[str, Any] = {
        "kind": kind,
        "name": literal_string(name_node),
        "fields": [],
        "expressions": False,
        "condition": None,
        "check": None,
        "line": node.lineno,
        "end_line": node.end_lineno,
    }
    if kind == "check":
        condition = positional[0] if positional else argument(node, None, "sqltext")
        found["check"] = sql_text(condition, source)
        return found
    if kind == "foreign_key":
        local, remote = argument(node, 0, "columns"), argument(node, 1, "refcolumns")
        found["fields"] = _names(local)[0]
        targets = _names(remote)[0] if remote is not None else []
        tables = {t.rsplit(".", 1)[0] for t in targets if "." in t}
        found["references"] = {"table": tables.pop() if len(tables) == 1 else None, "columns": [t.rsplit(".", 1)[-1] for t in targets]}
        return found
    found["fields"], found["expressions"] = _column_list(positional)
    if kind == "index":
        found["unique"] = bool(literal_bool(argument(node, None, "unique")))
        where = argument(node, None, "postgresql_where") or argument(node, None, "sqlite_where")
        found["condition"] = sql_text(where, source) if where is not None else None
    return found


def _column_list(nodes: list[ast.expr]) -> tuple[list[str], bool]:
    names, expressions = [], False
    for node in nodes:
        name = _column_name(node)
        if name is None:
            expressions = True
        else:
            names.append(name)
    return names, expressions


def _names(node: ast.expr | None) -> tuple[list[str], bool]:
    """A list of column names or targets (`["customer_id"]`, `["customers.id"]`)."""
    if not isinstance(node, (ast.List, ast.Tuple)):
        return [], node is not None
    return _column_list(list(node.elts))


def _column_name(node: ast.expr) -> str | None:
    value = literal_string(node)
    if value is not None:
        return value.lower()
    if isinstance(node, ast.Attribute):  # Order.customer_id, orders.c.customer_id
        return node.attr.lower()
    if isinstance(node, ast.Call) and callee_name(node.func) == "column" and node.args:
        return (literal_string(node.args[0]) or "").lower() or None
    return None


def sql_text(node: ast.expr | None, source: SourceText) -> str | None:
    """SQL text as written: a string, `sa.text("...")`, else the Python expression."""
    if node is None:
        return None
    value = literal_string(node)
    if value is None and isinstance(node, ast.Call) and callee_name(node.func) == "text" and node.args:
        value = literal_string(node.args[0])
    return value if value is not None else source.segment(node)


def core_table_ops(table: str, call: ast.Call, columns: tuple[dict[str, Any], ...], location: Location, source: SourceText, snippet: str) -> list[Fact]:
    """`Table("orders", metadata, Column(...), Index(...))` as ORM declarations of schema operations."""
    found = []
    for column in columns:
        target = column.get("references")
        references = _reference(target) if isinstance(target, str) else None
        item = declared({**column, "kind": "column", "db_index": column.get("index")}, column["name"], references, indexes_relations=False)
        if item:
            found.append(item)
    extra: dict[str, Any] = {"within": "model", "operation": "Table"}
    if found:
        extra["column_constraints"] = found
    names = tuple(column["name"] for column in columns)
    facts = [Fact(SCHEMA_OP, table, location, names, SCHEMA, "create_table", "orm", HIGH, snippet, extra)]
    for node in call.args[2:]:
        item = table_item(node, source)
        if item is None:
            continue
        op, item_columns, item_extra = object_op(item, lambda fields: [f.lower() for f in fields])
        at = Location(location.path, item["line"], item["end_line"], symbol=location.symbol)
        item_extra = {k: v for k, v in item_extra.items() if v is not None}
        item_snippet = " ".join(source.segment(node).split())
        facts.append(Fact(SCHEMA_OP, table, at, tuple(item_columns), SCHEMA, op, "orm", HIGH, item_snippet,
                          {**item_extra, "within": "model", "operation": "Table"}))
    return facts


def _reference(target: str) -> dict[str, Any]:
    """`"customers.id"` -> {"table": "customers", "columns": ["id"]}."""
    table, _, column = target.lower().rpartition(".")
    return {"table": table or None, "columns": [column] if column else []}
