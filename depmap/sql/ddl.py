"""DDL -> table and column definitions the catalog replays (CREATE, ALTER, DROP, COMMENT).

A column definition carries what the impact rules need later: type as the dialect writes it,
nullability (a primary key is NOT NULL), the default expression, identity, references. Each
statement's schema operations (indexes, constraints, triggers and comments included) are
recorded beside them by `depmap.sql.schema_ops`, for the tables' history.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from depmap.model import ACCESS, COLUMN_DEF, MEDIUM, READ, SCHEMA, TABLE_DEF
from depmap.sql.names import column_name, identifier
from depmap.sql.frames import Collector
from depmap.sql.resolve import QueryResolver
from depmap.sql.schema_ops import SchemaOps


class DdlExtractor:
    def __init__(self, resolver: QueryResolver, out: Collector) -> None:
        self.resolver = resolver
        self.out = out
        self.dialect = resolver.dialect
        self.ops = SchemaOps(resolver, out)

    def extract(self, statement: exp.Expression) -> str:
        if isinstance(statement, exp.Create):
            return self._create(statement)
        if isinstance(statement, exp.Alter):
            return self._alter(statement)
        if isinstance(statement, exp.Drop):
            return self._drop(statement)
        if isinstance(statement, exp.Comment):
            self.ops.comment(statement)
        return "other"

    # -- CREATE ----------------------------------------------------------------------------------

    def _composite_type(self, statement: exp.Create) -> None:
        """`CREATE TYPE summary AS (p payments, total numeric)`: a field of a table's row type holds
        every column of it (kept by the index only when that table exists)."""
        schema = statement.args.get("expression")
        for field in schema.expressions if isinstance(schema, exp.Schema) else []:
            data_type = field.args.get("kind") if isinstance(field, exp.ColumnDef) else None
            if isinstance(data_type, exp.DataType) and data_type.this == exp.DataType.Type.USERDEFINED:
                kind = data_type.args.get("kind")
                name = (kind.name if isinstance(kind, exp.Identifier) else str(kind or "")).lower()
                if name:
                    reason = f"a field of the row type of {name}: every column, like SELECT *"
                    self.out.add(ACCESS, name, (), READ, "select_star", MEDIUM, {"row_type": name, "reason": reason})

    def _create(self, statement: exp.Create) -> str:
        kind = str(statement.args.get("kind") or "").upper()
        target = statement.this
        if kind == "INDEX":
            return self._create_index(statement)
        if kind == "TRIGGER":
            self.ops.create_trigger(statement)
            return "other"
        if kind == "TYPE":
            self._composite_type(statement)
            return "other"
        if kind not in ("TABLE", "VIEW"):
            return "other"
        schema = target if isinstance(target, exp.Schema) else None
        table_node = schema.this if schema else target
        if not isinstance(table_node, exp.Table) or not (table := self.resolver.table(table_node)):
            return "other"
        query = statement.expression
        if kind == "VIEW" or isinstance(query, exp.Query):
            return self._create_from_query(statement, table, kind, query, schema)
        columns, primary = [], set()
        for item in schema.expressions if schema else []:
            if isinstance(item, exp.ColumnDef):
                columns.append(item)
            elif isinstance(item, exp.PrimaryKey):
                primary.update(column_name(c) if isinstance(c, exp.Column) else identifier(c.this if isinstance(c, exp.Ordered) else c) for c in item.expressions)
        names = [identifier(c.this) for c in columns]
        extra = {"temporary": True} if _is_temporary(statement) else {}
        self.out.add(TABLE_DEF, table, names, SCHEMA, "create_table", extra=extra)
        self.ops.create_table(table, "create_table", schema, columns)
        for column in columns:
            spec = column_spec(column, self.dialect)
            if spec["name"] in primary:
                spec["nullable"], spec["primary_key"] = False, True
            self._column(table, spec, "create_table")
        return "create_table"

    def _create_from_query(
        self, statement: exp.Create, table: str, kind: str, query: exp.Expression | None, schema: exp.Schema | None
    ) -> str:
        detail = "create_view" if kind == "VIEW" else "create_table_as"
        names: list[str] = []
        if schema is not None:
            names = [identifier(c.this if isinstance(c, exp.ColumnDef) else c) for c in schema.expressions]
        elif isinstance(query, exp.Query):
            names = [p.alias_or_name.lower() for p in query.selects if p.alias_or_name and p.alias_or_name != "*"]
        extra: dict[str, Any] = {}
        if schema is None and isinstance(query, exp.Query) and (projection := self._projection(query)):
            extra["projection"] = projection  # the catalog expands `t.*` with t's columns of the day
        if kind == "VIEW":
            extra["view"] = True
            if statement.args.get("materialized") or _has_property(statement, exp.MaterializedProperty):
                extra["materialized"] = True
        self.out.add(TABLE_DEF, table, names, SCHEMA, detail, extra=extra)
        self.ops.add(table, detail, names)
        for name in names:
            self._column(table, {"name": name, "type": None, "nullable": None, "default": None}, detail)
        if isinstance(query, exp.Query):
            self.resolver.query(query, detail="select")
            self.resolver.flows_into(query, table, names if schema is not None else None)
        return detail

    def _projection(self, query: exp.Query) -> list[str]:
        """Output columns in order, with `t.*` for each star; empty when there is no star."""
        select = query
        while isinstance(select, exp.SetOperation):
            select = select.this
        if not isinstance(select, exp.Select):
            return []
        from_ = select.args.get("from_")
        relations = [from_.this] if from_ is not None else []
        relations += [join.this for join in select.args.get("joins") or []]
        tables = {t.alias_or_name.lower(): self.resolver.table(t) for t in relations if isinstance(t, exp.Table)}
        items: list[str] = []
        starred = False
        for p in select.expressions:
            if isinstance(p, exp.Star):
                starred = True
                items.extend(f"{name}.*" for name in tables.values() if name)
            elif isinstance(p, exp.Column) and isinstance(p.this, exp.Star):
                starred = True
                name = tables.get(identifier(p.args.get("table")))
                if name:
                    items.append(f"{name}.*")
            elif p.alias_or_name:
                items.append(p.alias_or_name.lower())
        return items if starred else []

    def _create_index(self, statement: exp.Create) -> str:
        index = statement.this
        table_node = index.args.get("table") if isinstance(index, exp.Index) else None
        if not isinstance(table_node, exp.Table) or not (table := self.resolver.table(table_node)):
            return "create_index"
        params = index.args.get("params")
        columns = []
        for item in (params.args.get("columns") or []) if params else []:
            node = item.this if isinstance(item, exp.Ordered) else item
            columns.extend(column_name(c) for c in node.find_all(exp.Column))
        extra = {"index": identifier(index.this)} if index.this else {}
        if statement.args.get("unique"):
            extra["unique"] = True
        self.out.add(ACCESS, table, columns, SCHEMA, "create_index", extra=extra)
        self.ops.create_index(statement, table)
        return "create_index"

    # -- ALTER -----------------------------------------------------------------------------------

    def _alter(self, statement: exp.Alter) -> str:
        target = statement.this
        kind = str(statement.args.get("kind") or "").upper()
        if kind == "INDEX" and isinstance(target, exp.Table):  # ALTER INDEX ix RENAME TO ix2: its table found by name later
            for action in statement.args.get("actions") or []:
                if isinstance(action, exp.AlterRename):
                    self.ops.add("", "rename_index", name=identifier(target.this), new_name=identifier(action.this.this if isinstance(action.this, exp.Table) else action.this))
            return "other"
        if kind != "TABLE" or not isinstance(target, exp.Table):
            return "other"
        table = self.resolver.table(target)
        if not table:
            return "alter_table"
        for action in statement.args.get("actions") or []:
            self._alter_action(table, action)
            self.ops.alter_action(table, action)
        return "alter_table"

    def _alter_action(self, table: str, action: exp.Expression) -> None:
        if isinstance(action, exp.ColumnDef):
            self._column(table, column_spec(action, self.dialect), "add_column")
        elif isinstance(action, exp.Drop) and str(action.args.get("kind") or "").upper() == "COLUMN":
            for column in action.args.get("tables") or action.expressions:
                self._column(table, {"name": self.resolver.column(column)}, "drop_column")
        elif isinstance(action, exp.RenameColumn):
            old, new = self.resolver.column(action.this), self.resolver.column(action.args["to"])
            self._column(table, {"name": old, "new_name": new}, "rename_column")
        elif isinstance(action, exp.AlterColumn):
            self._column(table, self._altered(action), "alter_column")
        elif isinstance(action, exp.ModifyColumn):  # MySQL MODIFY / CHANGE
            spec = column_spec(action.this, self.dialect)
            renamed_from = action.args.get("rename_from")
            if renamed_from is not None:
                self._column(table, {"name": identifier(renamed_from), "new_name": spec["name"]}, "rename_column")
            self._column(table, spec, "modify_column")
        elif isinstance(action, exp.AlterRename):
            new = action.this
            new_name = self.resolver.table(new) if isinstance(new, exp.Table) else identifier(new)
            self.out.add(TABLE_DEF, table, (), SCHEMA, "rename_table", extra={"new_name": new_name})
        else:
            columns = [column_name(c) for c in action.find_all(exp.Column)]
            self.out.add(ACCESS, table, columns, SCHEMA, "ddl", extra={"action": type(action).__name__.lower()})

    def _altered(self, action: exp.AlterColumn) -> dict[str, Any]:
        spec: dict[str, Any] = {"name": identifier(action.this)}
        if action.args.get("dtype") is not None:
            spec["type"] = action.args["dtype"].sql(self.dialect)
        allow_null = action.args.get("allow_null")
        if allow_null is not None:
            spec["nullable"] = bool(allow_null)
        elif action.args.get("drop"):
            spec["drop_default"] = True
        if action.args.get("default") is not None:
            spec["default"] = action.args["default"].sql(self.dialect)
        return spec

    # -- DROP ------------------------------------------------------------------------------------

    def _drop(self, statement: exp.Drop) -> str:
        kind = str(statement.args.get("kind") or "").upper()
        if kind in ("TABLE", "VIEW", "INDEX", "TRIGGER"):
            self.ops.drop(statement, kind)
        if kind not in ("TABLE", "VIEW"):
            return "other"
        detail = "drop_table" if kind == "TABLE" else "drop_view"
        tables = statement.args.get("tables") or [statement.this]
        for node in tables:
            if isinstance(node, exp.Table) and (table := self.resolver.table(node)):
                self.out.add(TABLE_DEF, table, (), SCHEMA, detail)
        return detail

    def _column(self, table: str, spec: dict[str, Any], detail: str) -> None:
        spec = dict(spec)
        name = spec.pop("name")
        self.out.add(COLUMN_DEF, table, [name], SCHEMA, detail, extra=spec)


_SERIAL_TYPES = frozenset({"SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL4", "SERIAL8", "SERIAL2"})


def column_spec(column: exp.ColumnDef, dialect: str) -> dict[str, Any]:
    """Name, type, nullability and default of a column definition, as plain JSON values."""
    kind = column.args.get("kind")
    spec: dict[str, Any] = {
        "name": identifier(column.this),
        "type": kind.sql(dialect) if kind is not None else None,
        "nullable": True,
        "default": None,
    }
    if spec["type"] and spec["type"].upper() in _SERIAL_TYPES:
        spec["nullable"], spec["identity"] = False, True
    for constraint in column.constraints:
        value = constraint.kind
        if isinstance(value, exp.NotNullColumnConstraint):
            spec["nullable"] = bool(value.args.get("allow_null"))
        elif isinstance(value, exp.PrimaryKeyColumnConstraint):
            spec["nullable"], spec["primary_key"] = False, True
        elif isinstance(value, exp.DefaultColumnConstraint):
            spec["default"] = value.this.sql(dialect)
        elif isinstance(value, exp.GeneratedAsIdentityColumnConstraint):
            if value.args.get("expression") is not None:  # PostgreSQL 18 `GENERATED ALWAYS AS (expr)`
                spec["generated"] = "virtual"
            else:  # identity columns are implicitly NOT NULL
                spec["identity"], spec["nullable"] = True, False
        elif isinstance(value, exp.ComputedColumnConstraint):
            spec["generated"] = _generated_kind(value, dialect)
        elif isinstance(value, exp.CheckColumnConstraint):
            spec["check"] = value.this.sql(dialect)
        elif isinstance(value, exp.AutoIncrementColumnConstraint):
            spec["identity"] = True
        elif isinstance(value, exp.UniqueColumnConstraint):
            spec["unique"] = True
        elif isinstance(value, exp.Reference):
            spec["references"] = value.this.sql(dialect)
    position = column.args.get("position")
    if isinstance(position, exp.ColumnPosition):  # MySQL `FIRST` / `AFTER other`
        after = position.this
        spec["position"] = f"AFTER {after.sql(dialect)}" if after is not None else str(position.args.get("position") or "").upper()
    if column.args.get("exists"):
        spec["if_not_exists"] = True
    return spec


def _generated_kind(value: exp.ComputedColumnConstraint, dialect: str) -> str:
    """STORED or VIRTUAL as written; unwritten, PostgreSQL's only form (before 18) is stored,
    MySQL's and SQLite's default is virtual."""
    persisted = value.args.get("persisted")
    if persisted is None:
        return "stored" if dialect in ("postgres", "redshift") else "virtual"
    return "stored" if persisted else "virtual"


def _is_temporary(statement: exp.Create) -> bool:
    return _has_property(statement, exp.TemporaryProperty)


def _has_property(statement: exp.Create, kind: type) -> bool:
    properties = statement.args.get("properties")
    return bool(properties and any(isinstance(p, kind) for p in properties.expressions))
