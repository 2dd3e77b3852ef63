"""Reading SQLAlchemy field and column declarations into field dicts.

A column is declared in many spellings: `Column(...)` / `mapped_column(...)` (perhaps wrapped in
`deferred()`), a bare `Mapped[Optional[str]]` annotation, an `Annotated` alias holding a
`mapped_column`, SQLModel's `Field(...)` / `Relationship(...)`, `relationship(...)`, a
`@declared_attr` method, or a `Column` inside a Core `Table(...)`. `ColumnReader` turns each into
the one field dict shape the MODEL facts carry (`empty_field()`), so the models visitor only
decides *which* classes and tables are models, and this module decides *what* their columns are.
`column_spec` gives a Core column's `column_def` extra, as the SQL engine would.
"""

from __future__ import annotations

import ast
from typing import Any

from depmap.python.tree import (
    FUNCTION_NODES, SourceText, callee_name, dotted_name, literal_bool, literal_string, positional_args, subscript_items,
)  # fmt: skip
from depmap.frameworks.sqlalchemy.expressions import (
    dict_items,
    keyword,
    mapped_inner,
    parse_annotation,
    server_default_sql,
    source_of,
    target_class,
    unwrap_optional,
)
from depmap.frameworks.sqlalchemy.names import CoreTable, ModuleNames, is_dunder

COLUMN_CALLS = frozenset({"Column", "mapped_column"})
COLUMN_WRAPPERS = frozenset({"deferred", "column_property"})  # deferred(Column(...)) is still a column
RELATIONSHIP_CALLS = frozenset({"relationship", "relation"})
TABLE_OPTIONS = frozenset({"__tablename__", "__table__", "__table_args__", "__abstract__", "__mapper_args__"})


class ColumnReader:
    """Field dicts from the column, relationship and field declarations of one module."""

    def __init__(self, source: SourceText, names: ModuleNames) -> None:
        self.source = source
        self.names = names

    def code(self, node: ast.AST) -> str:
        return " ".join(source_of(node, self.source).split())

    def line(self, node: ast.AST) -> int:
        return node.lineno  # type: ignore[attr-defined]

    # -- Core tables -----------------------------------------------------------------------------

    def core_table(self, call: ast.Call) -> CoreTable | None:
        args = positional_args(call)
        name = literal_string(args[0]) if args else literal_string(keyword(call, "name"))
        if name is None:
            return None
        columns = []
        for arg in args[1:]:  # after the metadata (Flask-SQLAlchemy's `db.Table` has none)
            if isinstance(arg, ast.Call) and self.names.sa_callee(arg.func, COLUMN_CALLS):
                column = self.column(arg)
                if column.get("db_column"):
                    column["name"], column["db_column"] = column["db_column"], None
                    if column["nullable"] is None and column["primary_key"]:
                        column["nullable"] = False
                    columns.append(column)
        return CoreTable(name, literal_string(keyword(call, "schema")), tuple(columns))

    # -- columns ---------------------------------------------------------------------------------

    def column(self, call: ast.Call) -> dict[str, Any]:
        """What `Column(...)` / `mapped_column(...)` says, as a field dict, plus working keys
        ("node": the call, for its line; "_server_default": the expression, for Core tables)."""
        info: dict[str, Any] = empty_field()
        info["node"] = call
        args = positional_args(call)
        if args and literal_string(args[0]) is not None:
            info["db_column"] = literal_string(args[0])
            args = args[1:]
        for arg in args:
            if isinstance(arg, ast.Call) and self.names.sa_callee(arg.func, {"ForeignKey"}):
                target = positional_args(arg)[0] if positional_args(arg) else keyword(arg, "column")
                if target is not None:
                    info["kind"], info["references"] = "foreign_key", literal_string(target) or self.code(target)
            elif isinstance(arg, ast.Call) and callee_name(arg.func) in {"Sequence", "Identity", "Computed", "CheckConstraint", "FetchedValue"}:
                continue
            elif info["type"] is None:
                info["type"] = self.code(arg)
        self._column_keywords(call, info)
        return info

    def _column_keywords(self, call: ast.Call, info: dict[str, Any]) -> None:
        for name, key in (("name", "db_column"), ("type_", "type")):
            value = keyword(call, name)
            if value is not None:
                info[key] = literal_string(value) if key == "db_column" else self.code(value)
        for name in ("nullable", "primary_key", "unique"):
            value = literal_bool(keyword(call, name))
            if value is not None:
                info[name] = value
        if literal_bool(keyword(call, "index")):
            info["index"] = True
        for name, key in (("default", "default"), ("insert_default", "default"), ("server_default", "db_default")):
            value = keyword(call, name)
            if value is not None:
                info[key] = self.code(value)
                if key == "db_default":
                    info["_server_default"] = value

    def sqlmodel_field(self, call: ast.Call, info: dict[str, Any]) -> None:
        """SQLModel `Field(default, primary_key=, foreign_key=, nullable=, sa_column=, ...)`."""
        args = positional_args(call)
        default = args[0] if args else keyword(call, "default")
        if default is not None and not (isinstance(default, ast.Constant) and default.value is Ellipsis):
            info["default"] = self.code(default)
        factory = keyword(call, "default_factory")
        if factory is not None:
            info["default"] = self.code(factory)
        for name in ("nullable", "primary_key", "unique"):
            value = literal_bool(keyword(call, name))
            if value is not None:
                info[name] = value
        foreign = keyword(call, "foreign_key")
        if foreign is not None:
            info["kind"], info["references"] = "foreign_key", literal_string(foreign) or self.code(foreign)
        sa_type = keyword(call, "sa_type")
        if sa_type is not None:
            info["type"] = self.code(sa_type)
        column = keyword(call, "sa_column")
        if isinstance(column, ast.Call) and self.names.sa_callee(column.func, COLUMN_CALLS):
            found = self.column(column)
            for key, value in found.items():
                if key != "node" and value not in (None, False):
                    info[key] = value
        extra = keyword(call, "sa_column_kwargs")
        if isinstance(extra, ast.Dict):
            for key_node, value in dict_items(extra):
                if literal_string(key_node) == "server_default":
                    info["db_default"], info["_server_default"] = self.code(value), value

    def relationship(self, call: ast.Call, annotation: ast.expr | None, info: dict[str, Any]) -> None:
        info["kind"] = "relationship"
        args = positional_args(call)
        target = args[0] if args else keyword(call, "argument")
        if isinstance(target, ast.Lambda):
            target = target.body
        if target is None and annotation is not None:
            target = target_class(annotation)
        if target is not None:
            text = literal_string(target)
            info["related_model"] = self.names.qualify_text(text) if text is not None else self.names.qualify_or_written(target) or self.code(target)
        for name in ("back_populates", "backref"):
            value = keyword(call, name)
            if isinstance(value, ast.Call) and positional_args(value):  # backref("orders", lazy=...)
                value = positional_args(value)[0]
            if literal_string(value) is not None:
                info["related_name"] = literal_string(value)
        secondary = keyword(call, "secondary") or keyword(call, "link_model")
        if secondary is not None:
            text = literal_string(secondary)
            info["through"] = text if text is not None else self.names.qualify_or_written(secondary) or self.code(secondary)

    # -- class bodies ----------------------------------------------------------------------------

    def fields(
        self, body: list[ast.stmt], sqlmodel: bool, table_columns: tuple[dict[str, Any], ...]
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """The fields of a class body (a `__table__`'s columns first) and its other attributes."""
        fields: list[dict[str, Any]] = []
        attributes: list[str] = []
        fields.extend(dict(column, line=self.line(column["node"])) for column in table_columns)
        for small in body:
            if isinstance(small, FUNCTION_NODES):
                found = self.declared_attr_field(small)
                if found is not None:
                    fields.append(found)
                elif not is_dunder(small.name):
                    attributes.append(small.name)
            elif isinstance(small, ast.ClassDef):
                attributes.append(small.name)
            elif isinstance(small, (ast.Assign, ast.AnnAssign)):
                target = _attribute_target(small)
                if not isinstance(target, ast.Name) or target.id in TABLE_OPTIONS:
                    continue
                found = self.field(small, target.id, sqlmodel)
                if found is not None:
                    fields.append(found)
                elif not is_dunder(target.id):
                    attributes.append(target.id)
        return fields, list(dict.fromkeys(attributes))

    def attribute_lines(self, body: list[ast.stmt], attributes: list[str]) -> dict[str, int]:
        """Where each of `attributes` is defined in the class body (a method's `def` line, first wins)."""
        lines: dict[str, int] = {}
        for small in body:
            if isinstance(small, (*FUNCTION_NODES, ast.ClassDef)):
                name = small.name
            elif isinstance(small, (ast.Assign, ast.AnnAssign)):
                target = _attribute_target(small)
                if not isinstance(target, ast.Name):
                    continue
                name = target.id
            else:
                continue
            if name in attributes:
                lines.setdefault(name, self.line(small))
        return lines

    def field(self, statement: ast.Assign | ast.AnnAssign, name: str, sqlmodel: bool) -> dict[str, Any] | None:
        """One class attribute as a field dict; None when it declares no column or relationship."""
        value = statement.value
        annotation = statement.annotation if isinstance(statement, ast.AnnAssign) else None
        if annotation is not None and callee_name(parse_annotation(annotation)) == "ClassVar":
            return None
        call = value if isinstance(value, ast.Call) else None
        while call is not None and self.names.sa_callee(call.func, COLUMN_WRAPPERS) and positional_args(call):
            inner = positional_args(call)[0]
            call = inner if isinstance(inner, ast.Call) and self.names.sa_callee(inner.func, COLUMN_CALLS) else None
        info: dict[str, Any]
        if call is not None and self.names.sa_callee(call.func, COLUMN_CALLS):
            info = self.column(call)
        elif call is not None and self.names.sa_callee(call.func, RELATIONSHIP_CALLS | {"Relationship"}):
            info = empty_field()
            self.relationship(call, mapped_inner(annotation) if annotation is not None and not sqlmodel else annotation, info)
        elif sqlmodel and annotation is not None and name != "model_config":
            info = empty_field()
            if call is not None and self.names.sa_callee(call.func, {"Field"}):
                self.sqlmodel_field(call, info)
            elif value is not None:
                info["default"] = self.code(value)
        elif annotation is not None and mapped_inner(annotation) is not None and value is None:
            info = empty_field()
        else:
            return None
        info["name"], info["line"] = name, self.line(statement)
        if info["kind"] != "relationship" and annotation is not None:
            self._annotation_facts(annotation, info, sqlmodel)
        elif info["kind"] != "relationship" and info["nullable"] is None and info["primary_key"]:
            info["nullable"] = False
        return info

    def _annotation_facts(self, annotation: ast.expr, info: dict[str, Any], sqlmodel: bool) -> None:
        """Type and nullability from `Mapped[Optional[str]]` / SQLModel `str | None`, and the
        `mapped_column` of an `Annotated` alias."""
        inner = annotation if sqlmodel else mapped_inner(annotation)
        if inner is None:
            return
        inner, optional = unwrap_optional(inner)
        alias = self.names.annotated.get(inner.id) if isinstance(inner, ast.Name) else None
        annotated = alias or (inner if isinstance(inner, ast.Subscript) and callee_name(inner.value) == "Annotated" else None)
        if annotated is not None:
            items = subscript_items(annotated)
            for item in items[1:]:
                if isinstance(item, ast.Call) and self.names.sa_callee(item.func, COLUMN_CALLS):
                    found = self.column(item)
                    for key, value in found.items():
                        if key not in ("node", "name", "line") and value not in (None, False) and info.get(key) in (None, False, "column"):
                            info[key] = value
            if items:
                inner, optional_inside = unwrap_optional(items[0])
                optional = optional or optional_inside
        if info["type"] is None:
            info["type"] = self.code(inner)
        if info["nullable"] is None:
            info["nullable"] = False if info["primary_key"] else optional

    def declared_attr_field(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Any] | None:
        """`@declared_attr def customer_id(cls): return Column(ForeignKey(...))` in a mixin."""
        if not any(callee_name(d) in {"declared_attr", "directive"} or dotted_name(d) == "declared_attr.directive" for d in function.decorator_list):
            return None
        if is_dunder(function.name):
            return None
        for statement in function.body:
            if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Call):
                call = statement.value
                if self.names.sa_callee(call.func, COLUMN_CALLS):
                    info = self.column(call)
                elif self.names.sa_callee(call.func, RELATIONSHIP_CALLS):
                    info = empty_field()
                    self.relationship(call, mapped_inner(function.returns) if function.returns else None, info)
                else:
                    return None
                info["name"], info["line"] = function.name, self.line(function)
                if info["kind"] != "relationship" and function.returns is not None:
                    self._annotation_facts(function.returns, info, False)
                return info
        return None


def _attribute_target(statement: ast.Assign | ast.AnnAssign) -> ast.expr | None:
    """The target of `name = value` / `name: T = value`; None for `a = b = value`."""
    if isinstance(statement, ast.Assign):
        return statement.targets[0] if len(statement.targets) == 1 else None
    return statement.target


def empty_field() -> dict[str, Any]:
    return {
        "name": "",
        "line": 0,
        "kind": "column",
        "db_column": None,
        "type": None,
        "nullable": None,
        "default": None,
        "db_default": None,
        "primary_key": False,
        "unique": False,
        "related_model": None,
        "related_name": None,
        "through": None,
        "references": None,
    }


def public_field(info: dict[str, Any]) -> dict[str, Any]:
    """The field dict without the working keys (nodes); `index` only when the column is indexed."""
    return {key: value for key, value in info.items() if key in empty_field() or (key == "index" and value)}


def column_spec(column: dict[str, Any], source: SourceText) -> dict[str, Any]:
    """A Core column as the catalog's `column_def` extra: like the SQL engine's, the default is
    the database's (`server_default`, written in `source`), the client-side `default=` kept apart."""
    nullable = column["nullable"]
    if nullable is None:
        nullable = not column["primary_key"]
    spec: dict[str, Any] = {"type": column["type"], "nullable": nullable, "default": server_default_sql(column.get("_server_default"), source)}
    if column["primary_key"]:
        spec["primary_key"] = True
    if column["unique"]:
        spec["unique"] = True
    if column["references"]:
        spec["references"] = column["references"]
    if column["default"] is not None:
        spec["client_default"] = column["default"]
    return spec


__all__ = ["COLUMN_CALLS", "RELATIONSHIP_CALLS", "TABLE_OPTIONS", "ColumnReader", "column_spec", "empty_field", "public_field"]
