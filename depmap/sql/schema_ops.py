"""DDL -> one SCHEMA_OP observation per schema operation, for each table's history.

`depmap.sql.ddl` says what a statement does to columns (the catalog's column replay); this
module says what it does to the table as a whole, in the shared vocabulary of `depmap.model`
(SCHEMA_OPS): index, constraint, trigger and comment operations as well as column and table
ones, with the names, columns, uniqueness, partial-index predicates and foreign-key targets the
catalog needs to know each table's indexes and constraints after replay.

Statements sqlglot keeps as opaque text or cannot parse (a MySQL or SQLite trigger with a
`BEGIN ... END` body, `ALTER TABLE ... VALIDATE CONSTRAINT`) are read from their own text
(`with_text_ops`): the table and name of a trigger are a fact even when its body is not parsed.
"""

from __future__ import annotations

import re
from typing import Any

from sqlglot import exp

from dataclasses import replace

from depmap.model import MEDIUM, SCHEMA, SCHEMA_OP
from depmap.sql.frames import Collector
from depmap.sql.names import column_name, identifier
from depmap.sql.resolve import QueryResolver
from depmap.sql.types import Schema, StatementResult

# Constraint node -> kind, for table-level items and ALTER TABLE ... ADD [CONSTRAINT x].
_CONSTRAINT_KINDS: tuple[tuple[type, str], ...] = (
    (exp.PrimaryKey, "primary_key"),
    (exp.PrimaryKeyColumnConstraint, "primary_key"),
    (exp.ForeignKey, "foreign_key"),
    (exp.UniqueColumnConstraint, "unique"),
    (exp.CheckColumnConstraint, "check"),
    (exp.ExcludeColumnConstraint, "exclude"),
)
_DROP_KINDS = {"CONSTRAINT": "drop_constraint", "FOREIGN KEY": "drop_constraint", "INDEX": "drop_index", "KEY": "drop_index"}
_NAME = r'(?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[\w$]+)'
QUALIFIED = rf"{_NAME}(?:\s*\.\s*{_NAME})*"
CREATE_TRIGGER = re.compile(
    rf"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:CONSTRAINT\s+|TEMP(?:ORARY)?\s+)?TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?"
    rf"(?P<name>{QUALIFIED})\s+(?P<timing>BEFORE|AFTER|INSTEAD\s+OF)?\s*(?P<events>.*?)\s+ON\s+(?P<table>{QUALIFIED})",
    re.I | re.S,
)
_ALTER_TABLE = re.compile(rf"^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<table>{QUALIFIED})\s+(?P<action>\w+(?:\s+\w+)?)", re.I)
_NAMED_ACTION = re.compile(
    rf"\s*(?:ADD\s+CONSTRAINT\s+(?P<name>{_NAME})\s+(?P<kind>UNIQUE|PRIMARY\s+KEY)\s+USING\s+INDEX\s+(?P<index>{_NAME})"
    rf"|VALIDATE\s+CONSTRAINT\s+(?P<validated>{_NAME}))",
    re.I,
)
_EXECUTE = re.compile(rf"\bEXECUTE\s+(?:FUNCTION|PROCEDURE)\s+(?P<function>{QUALIFIED})\s*\(", re.I)
_EVENTS = re.compile(r"\b(INSERT|UPDATE|DELETE|TRUNCATE)\b", re.I)


_DELIMITER = re.compile(r"^\s*DELIMITER\s+\S+\s*", re.I)  # MySQL client's `DELIMITER $$` before a trigger
_OPAQUE_START = re.compile(r"^\s*(?:CREATE\b[^;]*?\bTRIGGER\b|ALTER\s+TABLE\b)", re.I | re.S)


def with_text_ops(result: StatementResult, text: str, dialect: str, schema: Schema | None = None) -> StatementResult:
    """A CREATE TRIGGER or ALTER TABLE statement whose analysis found no schema operation
    (sqlglot kept it as text, or could not parse it): the operation its text states, added.
    Operations found get the lock-relevant words sqlglot drops (`NOT VALID`) from the text."""
    if any(o.kind == SCHEMA_OP for o in result.observations):
        return replace(result, observations=tuple(_with_flags(o, text) for o in result.observations))
    text = _DELIMITER.sub("", text, count=1)
    if not _OPAQUE_START.match(text):
        return result
    out = Collector()
    SchemaOps(QueryResolver(dialect, schema, out), out).opaque(text)
    found = out.observations(result.kind)
    return replace(result, observations=result.observations + tuple(found)) if found else result


_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_NOT_VALID = re.compile(r"\bNOT\s+VALID\b", re.I)
_CONCURRENTLY = re.compile(r"\bCONCURRENTLY\b", re.I)


def without_not_valid(text: str) -> str | None:
    """The statement with its NOT VALID words blanked (same length, same lines), or None: sqlglot
    reads `ADD CONSTRAINT a ... NOT VALID, ADD CONSTRAINT b ...` only without them."""
    code = _COMMENT.sub(lambda m: " " * len(m.group(0)), text)
    if not _NOT_VALID.search(code):
        return None
    return _NOT_VALID.sub(lambda m: " " * len(m.group(0)), text)


def _with_flags(observation: Any, text: str) -> Any:
    """`concurrently` on an index built or dropped CONCURRENTLY, `not_valid` on a constraint
    added NOT VALID (sqlglot parses both statements but keeps neither word): the lock rules
    need them. A named constraint takes NOT VALID only from its own clause."""
    if observation.kind != SCHEMA_OP:
        return observation
    flag = None
    code = _COMMENT.sub(" ", text)
    if observation.detail in ("create_index", "drop_index") and _CONCURRENTLY.search(code):
        flag = "concurrently"
    elif observation.detail == "add_constraint" and observation.extra.get("constraint") in ("foreign_key", "check"):
        name = observation.extra.get("name")
        clause = code
        if name:
            own = re.search(rf"\bCONSTRAINT\s+[`\"\[]?{re.escape(name)}\b.*?(?=,\s*ADD\b|;|$)", code, re.I | re.S)
            clause = own.group(0) if own else code
        if _NOT_VALID.search(clause):
            flag = "not_valid"
    return replace(observation, extra={**observation.extra, flag: True}) if flag else observation


def _change(action: exp.AlterColumn) -> str | None:
    """What ALTER COLUMN changes, in words: "type", "set not null", "drop default"..."""
    if action.args.get("dtype") is not None:
        return "type"
    allow_null = action.args.get("allow_null")
    if allow_null is not None:
        return "drop not null" if allow_null else "set not null"
    if action.args.get("default") is not None:
        return "set default"
    if action.args.get("drop"):
        return "drop default"
    return None


class SchemaOps:
    """Records the schema operations of one DDL statement into the statement's collector."""

    def __init__(self, resolver: QueryResolver, out: Collector) -> None:
        self.resolver = resolver
        self.out = out
        self.dialect = resolver.dialect

    def add(self, table: str, op: str, columns: list[str] | tuple[str, ...] = (), confidence: str = "high", **extra: Any) -> None:
        self.out.add(SCHEMA_OP, table, columns, SCHEMA, op, confidence, {k: v for k, v in extra.items() if v is not None})

    # -- CREATE ------------------------------------------------------------------------------------

    def create_table(self, table: str, op: str, schema: exp.Schema | None, columns: list[exp.ColumnDef]) -> None:
        """The creation itself (with what its column definitions declare), then each table-level
        index or constraint apart, `within` the creation; a table-level PRIMARY KEY is folded
        into the columns' own."""
        primary: list[str] = []
        items: list[exp.Expression] = []
        for item in schema.expressions if schema is not None else []:
            if isinstance(item, exp.PrimaryKey):
                primary.extend(self._names(item.expressions))
            elif not isinstance(item, exp.ColumnDef):
                items.append(item)
        declared = [c for c in (self._column_constraints(column, primary) for column in columns) if c]
        names = [identifier(c.this) for c in columns]
        self.add(table, op, names, column_constraints=declared or None)
        for item in items:
            self._table_item(table, item, within="create_table")

    def _column_constraints(self, column: exp.ColumnDef, primary: list[str]) -> dict[str, Any]:
        name = identifier(column.this)
        found: dict[str, Any] = {}
        for constraint in column.constraints:
            kind = constraint.kind
            if isinstance(kind, exp.PrimaryKeyColumnConstraint):
                found["primary_key"] = True
            elif isinstance(kind, exp.UniqueColumnConstraint):
                found["unique"] = True
            elif isinstance(kind, exp.Reference):
                found["references"] = self._reference(kind)
        if name in primary:
            found["primary_key"] = True
        return {"column": name, **found} if found else {}

    def _table_item(self, table: str, item: exp.Expression, within: str | None = None) -> None:
        """A table-level constraint or index (CREATE TABLE's list, ALTER TABLE ... ADD)."""
        name = None
        if isinstance(item, exp.Constraint):
            name = identifier(item.this) or None
            item = next(iter(item.expressions), item)
        if isinstance(item, exp.IndexColumnConstraint):  # MySQL KEY / INDEX
            self.add(table, "create_index", self._names(item.expressions), name=identifier(item.this) or name, within=within)
            return
        kind = next((label for node_type, label in _CONSTRAINT_KINDS if isinstance(item, node_type)), None)
        if kind is None:
            return
        extra: dict[str, Any] = {"name": name, "constraint": kind, "within": within}
        columns: list[str] = []
        if isinstance(item, (exp.PrimaryKey, exp.ForeignKey)):
            columns = self._names(item.expressions)
        if isinstance(item, exp.ForeignKey) and isinstance(item.args.get("reference"), exp.Reference):
            extra["references"] = self._reference(item.args["reference"])
        elif isinstance(item, exp.UniqueColumnConstraint) and isinstance(item.this, exp.Schema):
            columns = self._names(item.this.expressions)
            if item.this.this is not None and not name:  # MySQL `UNIQUE KEY uq (a)`
                extra["name"] = identifier(item.this.this)
        elif isinstance(item, exp.CheckColumnConstraint) and item.this is not None:
            columns = sorted({column_name(c) for c in item.this.find_all(exp.Column)})
            extra["check"] = item.this.sql(self.dialect)
        elif isinstance(item, exp.ExcludeColumnConstraint):
            columns = sorted({column_name(c) for c in item.find_all(exp.Column)})
        self.add(table, "add_constraint", columns, **extra)

    def create_index(self, statement: exp.Create, table: str) -> None:
        index = statement.this
        params = index.args.get("params")
        columns: list[str] = []
        expressions = False
        for item in (params.args.get("columns") or []) if params else []:
            node = item.this if isinstance(item, exp.Ordered) else item
            if isinstance(node, exp.Collate):
                node = node.this
            if isinstance(node, exp.Column):
                columns.append(column_name(node))
            else:
                expressions = True
                columns.extend(column_name(c) for c in node.find_all(exp.Column) if column_name(c) not in columns)
        where = params.args.get("where") if params else None
        self.add(
            table, "create_index", columns,
            name=identifier(index.this) or None,
            unique=True if statement.args.get("unique") else None,
            where=where.this.sql(self.dialect) if isinstance(where, exp.Where) else None,
            expressions=True if expressions else None,
        )  # fmt: skip

    def create_trigger(self, statement: exp.Create) -> bool:
        properties = statement.args.get("properties")
        trigger = next((p for p in properties.expressions if isinstance(p, exp.TriggerProperties)), None) if properties else None
        table_node = trigger.args.get("table") if trigger is not None else None
        if not isinstance(table_node, exp.Table) or not (table := self.resolver.table(table_node)):
            return False
        events = [str(event.this).upper() for event in trigger.args.get("events") or []]
        timing = str(trigger.args.get("timing") or "").upper() or None
        details: dict[str, Any] = {"timing": timing, "events": events}
        execute = trigger.args.get("execute")
        if isinstance(execute, exp.TriggerExecute) and isinstance(execute.this, (exp.Anonymous, exp.Func)):
            function = execute.this
            details["function"] = (str(function.this) if isinstance(function, exp.Anonymous) else function.sql_name()).lower()
        self.add(table, "create_trigger", name=identifier(statement.this) or None, trigger=details)
        return True

    # -- ALTER -------------------------------------------------------------------------------------

    def alter_action(self, table: str, action: exp.Expression, spec: dict[str, Any] | None = None) -> None:
        """One action of ALTER TABLE; `spec` is the column spec `ddl` read for a column action."""
        if isinstance(action, exp.ColumnDef):
            declared = self._column_constraints(action, [])
            self.add(table, "add_column", [identifier(action.this)], column_constraints=[declared] if declared else None)
        elif isinstance(action, exp.Drop):
            kind = str(action.args.get("kind") or "").upper()
            names = [identifier(t.this if isinstance(t, exp.Table) else t) for t in action.args.get("tables") or action.expressions]
            if kind == "COLUMN":
                for name in names:
                    self.add(table, "drop_column", [name])
            elif kind in _DROP_KINDS:
                for name in names:
                    constraint = "foreign_key" if kind == "FOREIGN KEY" else None
                    self.add(table, _DROP_KINDS[kind], name=name, constraint=constraint)
            else:
                self.add(table, "alter_table", operation=f"drop {kind.lower()}".strip())
        elif isinstance(action, exp.RenameColumn):
            old, new = self.resolver.column(action.this), self.resolver.column(action.args["to"])
            self.add(table, "rename_column", [old], new_name=new)
        elif isinstance(action, exp.AlterColumn):
            self.add(table, "alter_column", [identifier(action.this)], change=_change(action))
        elif isinstance(action, exp.ModifyColumn):
            renamed_from = action.args.get("rename_from")
            name = identifier(action.this.this) if isinstance(action.this, exp.ColumnDef) else ""
            if renamed_from is not None:
                self.add(table, "alter_column", [identifier(renamed_from)], new_name=name)
            else:
                self.add(table, "alter_column", [name])
        elif isinstance(action, exp.AlterRename):
            new = action.this
            self.add(table, "rename_table", new_name=self.resolver.table(new) if isinstance(new, exp.Table) else identifier(new))
        elif isinstance(action, exp.AddConstraint):
            for item in action.expressions:
                self._table_item(table, item)
        else:
            columns = sorted({column_name(c) for c in action.find_all(exp.Column)})
            self.add(table, "alter_table", columns, operation=type(action).__name__.lower())

    # -- DROP, COMMENT -----------------------------------------------------------------------------

    def drop(self, statement: exp.Drop, kind: str) -> None:
        """DROP TABLE/VIEW/INDEX/TRIGGER. An index or trigger named without its table (`DROP INDEX
        ix` on PostgreSQL) gets table "" here; the history finds it by name (`depmap.schema_history`)."""
        nodes = statement.args.get("tables") or [statement.this]
        on = statement.args.get("cluster")
        owner = self.resolver.table(on.this) if isinstance(on, exp.OnProperty) and isinstance(on.this, exp.Table) else ""
        for node in nodes:
            if not isinstance(node, exp.Table):
                continue
            if kind in ("TABLE", "VIEW"):
                table = self.resolver.table(node)
                if table:
                    self.add(table, "drop_table" if kind == "TABLE" else "drop_view")
            else:
                op = "drop_index" if kind == "INDEX" else "drop_trigger"
                self.add(owner or "", op, name=identifier(node.this))

    def comment(self, statement: exp.Comment) -> None:
        kind = str(statement.args.get("kind") or "").upper()
        target = statement.this
        if kind == "COLUMN" and isinstance(target, exp.Column):
            parts = [identifier(p) for p in (target.args.get("db"), target.args.get("table")) if p is not None]
            table = self.resolver.table(exp.Table(this=target.args.get("table"), db=target.args.get("db"))) if parts else ""
            if table:
                self.add(table, "comment", [column_name(target)])
        elif kind in ("TABLE", "VIEW", "MATERIALIZED VIEW") and isinstance(target, exp.Table):
            table = self.resolver.table(target)
            if table:
                self.add(table, "comment")

    # -- opaque statements -------------------------------------------------------------------------

    def opaque(self, text: str) -> bool:
        """CREATE TRIGGER and ALTER TABLE that sqlglot could only keep as text: the table, the
        trigger's name and events, the ALTER's first words. True when something was recorded."""
        if match := CREATE_TRIGGER.match(text):
            table = self._text_table(match.group("table"))
            if not table:
                return False
            timing = " ".join((match.group("timing") or "").upper().split()) or None
            events = [e.upper() for e in _EVENTS.findall(match.group("events") or "")]
            name = self._text_table(match.group("name")).rsplit(".", 1)[-1]
            details: dict[str, Any] = {"timing": timing, "events": events}
            if function := _EXECUTE.search(text):
                details["function"] = self._text_table(function.group("function")).rsplit(".", 1)[-1]
            self.add(table, "create_trigger", (), MEDIUM, name=name, trigger=details)
            return True
        if match := _ALTER_TABLE.match(text):
            table = self._text_table(match.group("table"))
            if table and (named := _NAMED_ACTION.match(text, match.start("action"))):
                self._named_action(table, named)
                return True
            if table:
                self.add(table, "alter_table", (), MEDIUM, operation=" ".join(match.group("action").lower().split()))
                return True
        return False

    def _named_action(self, table: str, named: re.Match[str]) -> None:
        """`ADD CONSTRAINT c UNIQUE|PRIMARY KEY USING INDEX ix` (the index becomes the constraint:
        no scan, a brief lock) and `VALIDATE CONSTRAINT c` (checks rows under a light lock)."""
        name = self._text_table(named.group("name") or named.group("validated")).rsplit(".", 1)[-1]
        if named.group("index"):
            kind = "primary_key" if named.group("kind").upper().startswith("PRIMARY") else "unique"
            index = self._text_table(named.group("index")).rsplit(".", 1)[-1]
            self.add(table, "add_constraint", (), MEDIUM, name=name, constraint=kind, using_index=index)
        else:
            self.add(table, "alter_table", (), MEDIUM, operation="validate constraint", name=name)

    def _text_table(self, written: str) -> str:
        try:
            node = exp.to_table(written, dialect=self.dialect)
        except Exception:  # a name sqlglot cannot read back: not guessed
            return ""
        return self.resolver.table(node) if isinstance(node, exp.Table) else ""

    # -- helpers -----------------------------------------------------------------------------------

    def _reference(self, reference: exp.Reference) -> dict[str, Any]:
        target = reference.this
        table_node = target.this if isinstance(target, exp.Schema) else target
        columns = self._names(target.expressions) if isinstance(target, exp.Schema) else []
        table = self.resolver.table(table_node) if isinstance(table_node, exp.Table) else ""
        return {"table": table, "columns": columns}

    @staticmethod
    def _names(nodes: list[exp.Expression]) -> list[str]:
        names = []
        for node in nodes:
            if isinstance(node, exp.Ordered):
                node = node.this
            names.append(column_name(node) if isinstance(node, (exp.Column, exp.Identifier)) else identifier(node))
        return names
