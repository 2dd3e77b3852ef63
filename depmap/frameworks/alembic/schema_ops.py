"""Alembic operations as schema operations (SCHEMA_OP facts), upgrade and downgrade alike.

`AlembicOps.facts(method, table, args, call)` turns one `op.<method>(...)` or `batch_op.<method>(...)`
call on a known table into the history's facts, in the shared vocabulary of `depmap.model`:
`create_index` (name, columns, unique, `postgresql_where`/`sqlite_where` as `where`),
`drop_index`, `add_constraint`/`drop_constraint` for `create_unique_constraint`,
`create_primary_key`, `create_check_constraint`, `create_foreign_key` (the referent in
`references`), `create_exclude_constraint` and `drop_constraint(type_=...)`, column and table
operations, and table comments. `op.create_table` is one `create_table` (with what its columns
declare: primary key, unique, index, foreign key) plus one fact per table-level item it lists
(`UniqueConstraint`, `ForeignKeyConstraint`, `CheckConstraint`, `Index`), each at its own line.

Every fact sits at the call's first line and ends at its last, carries the revision, and, in a
`downgrade()`, `direction: "down"`. `op.execute(...)` is the SQL-strings analysis' business.
"""

from __future__ import annotations

import ast
from typing import Any, Callable, Protocol

from depmap.frameworks.sqlalchemy.table_items import sql_text
from depmap.frameworks.alembic.arguments import Arguments, column_names, label, names_of, string_list
from depmap.model import HIGH, SCHEMA, SCHEMA_OP, Fact, Location
from depmap.python.tree import SourceText, argument, callee_name, is_name, literal_bool, literal_string
from depmap.sql.facts import snippet_of

VIA = "migration"
_CONSTRAINT_TYPES = {"foreignkey": "foreign_key", "unique": "unique", "check": "check", "primary": "primary_key"}
_ADD_CONSTRAINT = {
    # method -> (constraint kind, position and keyword of its columns once the table is out)
    "create_unique_constraint": ("unique", 1, "columns"),
    "create_primary_key": ("primary_key", 1, "columns"),
    "create_foreign_key": ("foreign_key", 2, "local_cols"),
    "create_check_constraint": ("check", None, ""),
    "create_exclude_constraint": ("exclude", None, ""),
}


class Reader(Protocol):
    """What the operation visitor knows at the call: names bound so far, tables, column specs."""

    names: dict[str, tuple[str, ...]]

    def _tables(self, node: ast.expr | None, schema_node: ast.expr | None) -> tuple[str, ...]: ...

    def _column_spec(self, call: ast.Call) -> dict[str, Any] | None: ...


class AlembicOps:
    def __init__(self, path: str, source: SourceText, symbol: str, revision: str | None, reader: Reader, down: bool) -> None:
        self.path = path
        self.source = source
        self.symbol = symbol
        self.revision = revision
        self.reader = reader
        self.down = down
        self.operation = ""

    def facts(self, method: str, table: str, args: Arguments, call: ast.Call, batch: bool = False) -> list[Fact]:
        handler: Callable[[str, str, Arguments, ast.Call], list[Fact]] | None = getattr(self, f"_{method}", None)
        if handler is None and method in _ADD_CONSTRAINT:
            handler = self._add_constraint
        if handler is None:
            return []
        self.operation = f"{'batch_op' if batch else 'op'}.{method}"
        return handler(method, table, args, call)

    # tables

    def _create_table(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        columns: list[str] = []
        declared: list[dict[str, Any]] = []
        primary: list[str] = []
        items: list[Fact] = []
        for item in args.positional:
            kind = callee_name(item.func) if isinstance(item, ast.Call) else None
            if not isinstance(item, ast.Call):
                continue
            if kind == "Column" and (spec := self.reader._column_spec(item)) is not None:
                columns.append(spec["name"])
                if found := _declared(spec, item):
                    declared.append(found)
            elif kind == "PrimaryKeyConstraint":
                primary.extend(n.lower() for n in (literal_string(value) for value in item.args) if n)
            elif kind in ("UniqueConstraint", "ForeignKeyConstraint", "CheckConstraint", "Index"):
                items.extend(self._table_item(table, kind, item))
        for name in primary:  # a PrimaryKeyConstraint is the columns' primary key
            found = next((d for d in declared if d["column"] == name), None)
            if found is None:
                declared.append(found := {"column": name})
            found["primary_key"] = True
        declared.sort(key=lambda d: columns.index(d["column"]) if d["column"] in columns else len(columns))
        extra = {"column_constraints": declared} if declared else {}
        return [self._fact(table, "create_table", call, columns, extra), *items]

    def _table_item(self, table: str, kind: str, item: ast.Call) -> list[Fact]:
        name = label(argument(item, None, "name"))
        extra: dict[str, Any] = {"name": name.lower() if name else None, "within": "create_table"}
        if kind == "Index":
            index_name = label(item.args[0]) if item.args else name
            columns, expressions = _column_arguments(item.args[1:])
            extra.update(name=index_name.lower() if index_name else None, unique=literal_bool(argument(item, None, "unique")) or None)
            extra.update(where=_where(item, self.source), expressions=expressions or None)
            return [self._fact(table, "create_index", item, columns, extra)]
        if kind == "UniqueConstraint":
            columns, _ = _column_arguments(item.args)
            return [self._fact(table, "add_constraint", item, columns, {**extra, "constraint": "unique"})]
        if kind == "CheckConstraint":
            condition = argument(item, 0, "sqltext")
            return [self._fact(table, "add_constraint", item, (), {**extra, "constraint": "check", "check": sql_text(condition, self.source)})]
        local, remote = string_list(argument(item, 0, "columns")), string_list(argument(item, 1, "refcolumns"))
        if not local or not remote:
            return []
        extra.update(constraint="foreign_key", references=_reference(remote))
        return [self._fact(table, "add_constraint", item, [c.lower() for c in local], extra)]

    def _drop_table(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        return [self._fact(table, "drop_table", call, (), {})]

    def _rename_table(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        new = self.reader._tables(args.get(0, "new_table_name"), args.keyword("schema"))
        return [self._fact(table, "rename_table", call, (), {"new_name": new[0]})] if len(new) == 1 else []

    def _create_table_comment(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        return [self._fact(table, "comment", call, (), {})]

    _drop_table_comment = _create_table_comment

    # columns

    def _add_column(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        column = args.get(0, "column")
        spec = self.reader._column_spec(column) if isinstance(column, ast.Call) else None
        if spec is None:
            return []
        declared = _declared(spec, column) if isinstance(column, ast.Call) else {}
        return [self._fact(table, "add_column", call, [spec["name"]], {"column_constraints": [declared]} if declared else {})]

    def _drop_column(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        return [self._fact(table, "drop_column", call, [name], {}) for name in names_of(args.get(0, "column_name"), self.reader.names)]

    def _alter_column(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        new_names = names_of(args.keyword("new_column_name"), self.reader.names)
        changes = []
        nullable = literal_bool(args.keyword("nullable"))
        if nullable is not None:
            changes.append("drop not null" if nullable else "set not null")
        if args.keyword("type_") is not None:
            changes.append("type")
        default = args.keyword("server_default")
        if default is not None and not is_name(default, "False"):
            changes.append("drop default" if is_name(default, "None") else "set default")
        if args.keyword("comment") is not None:
            changes.append("comment")
        op = "rename_column" if new_names and not changes else "alter_column"
        extra: dict[str, Any] = {"new_name": new_names[0] if len(new_names) == 1 else None, "change": ", ".join(changes) or None}
        return [self._fact(table, op, call, [name], extra) for name in names_of(args.get(0, "column_name"), self.reader.names)]

    # indexes and constraints

    def _create_index(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        columns, expressions = column_names(args.get(1, "columns"))
        name = label(args.get(0, "index_name"))
        extra = {
            "name": name.lower() if name else None,
            "unique": True if literal_bool(args.keyword("unique")) else None,
            "where": _where(call, self.source),
            "expressions": True if expressions else None,
            "concurrently": True if literal_bool(args.keyword("postgresql_concurrently")) else None,
        }
        return [self._fact(table, "create_index", call, columns, extra)]

    def _drop_index(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        name = label(args.get(0, "index_name"))
        concurrently = True if literal_bool(args.keyword("postgresql_concurrently")) else None
        return [self._fact(table, "drop_index", call, (), {"name": name.lower() if name else None, "concurrently": concurrently})]

    def _add_constraint(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        kind, position, keyword = _ADD_CONSTRAINT[method]
        columns: tuple[str, ...] = ()
        if position is not None:
            columns, _ = column_names(args.get(position, keyword))
        name = label(args.get(0, "constraint_name"))
        extra: dict[str, Any] = {"name": name.lower() if name else None, "constraint": kind,
                                 "not_valid": True if literal_bool(args.keyword("postgresql_not_valid")) else None}
        if method == "create_foreign_key":
            referent = self.reader._tables(args.get(1, "referent_table"), args.keyword("referent_schema"))
            remote, _ = column_names(args.get(3, "remote_cols"))
            extra["references"] = {"table": referent[0] if len(referent) == 1 else None, "columns": list(remote)}
        elif method == "create_check_constraint":
            extra["check"] = sql_text(args.get(1, "condition"), self.source)
        return [self._fact(table, "add_constraint", call, columns, extra)]

    def _drop_constraint(self, method: str, table: str, args: Arguments, call: ast.Call) -> list[Fact]:
        name = label(args.get(0, "constraint_name"))
        kind = _CONSTRAINT_TYPES.get((literal_string(args.keyword("type_")) or "").lower())
        return [self._fact(table, "drop_constraint", call, (), {"name": name.lower() if name else None, "constraint": kind})]

    # facts

    def _fact(self, table: str, op: str, node: ast.expr, columns: Any, extra: dict[str, Any]) -> Fact:
        location = Location(self.path, node.lineno, node.end_lineno, symbol=self.symbol)
        extra = {k: v for k, v in extra.items() if v is not None}
        extra.update(operation=self.operation, revision=self.revision)
        if self.down:
            extra["direction"] = "down"
        snippet = snippet_of(self.source.segment(node))
        return Fact(SCHEMA_OP, table, location, tuple(columns), SCHEMA, op, VIA, HIGH, snippet, extra)


def _declared(spec: dict[str, Any], column: ast.Call) -> dict[str, Any]:
    """What a Column declares beyond its type: primary key, unique, index, foreign key."""
    found: dict[str, Any] = {}
    if spec.get("primary_key"):
        found["primary_key"] = True
    if spec.get("unique"):
        found["unique"] = True
    if literal_bool(argument(column, None, "index")):
        found["index"] = True
    if spec.get("references"):
        found["references"] = _reference([spec["references"]])
    return {"column": spec["name"], **found} if found else {}


def _reference(targets: list[str]) -> dict[str, Any]:
    """`["customers.id"]` -> {"table": "customers", "columns": ["id"]} (schema kept in the table)."""
    tables = {t.lower().rsplit(".", 1)[0] for t in targets if "." in t}
    return {"table": tables.pop() if len(tables) == 1 else None, "columns": [t.lower().rsplit(".", 1)[-1] for t in targets]}


def _column_arguments(nodes: list[ast.expr]) -> tuple[list[str], bool]:
    """Column names given one an argument (`Index("ix", "a", "b")`, `UniqueConstraint("a", "b")`)."""
    names, expressions = [], False
    for node in nodes:
        value = literal_string(node)
        if value is None:
            expressions = True
        else:
            names.append(value.lower())
    return names, expressions


def _where(call: ast.Call, source: SourceText) -> str | None:
    """A partial index's predicate: `postgresql_where=` / `sqlite_where=`."""
    for keyword in ("postgresql_where", "sqlite_where", "mssql_where"):
        node = argument(call, None, keyword)
        if node is not None:
            return sql_text(node, source)
    return None
