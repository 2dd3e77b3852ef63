"""Writes one catalog table as DDL for a throwaway engine: the part of `schema_sql` that knows
how a column, a key, a CHECK, a default, an index and a view are written for PostgreSQL and SQLite.
`mysql_schema.MySQLWriter` builds on it for MariaDB/MySQL; `schema_sql` orders the tables.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from depmap.catalog import Catalog, Column, Table
from depmap.dialects.capabilities import Dialect, quote_identifier
from depmap.impact.migration_types import python_to_sql
from depmap.schema_objects import FOREIGN_KEY, INDEX, PRIMARY_KEY, TRIGGER, UNIQUE, SchemaObject
from depmap.verify.column_types import EngineType, engine_type, numbers_itself

# A single-column integer key is SQLite's rowid alias, written INTEGER so SQLite treats it as one.
_INTEGER_KEYS = frozenset({"INT", "INTEGER", "BIGINT", "SMALLINT"})


def _declared_without_keys(table: Table) -> bool:
    """Only dbt sources declare the table (no DDL or model, where a key would be)."""
    return bool(table.defined_at) and all(d.via == "dbt" for d in table.defined_at) and not table.objects.items


def foreign_key_target(item: SchemaObject) -> str:
    return (item.references or {}).get("table") or ""


class SchemaWriter:
    def __init__(self, catalog: Catalog, engine: str, dialect: str) -> None:
        self.catalog, self.engine, self.dialect = catalog, engine, dialect
        self.notes: list[str] = []

    def q(self, name: str) -> str:
        return quote_identifier(Dialect(self.engine), name)

    def table(self, name: str) -> str:
        """A table's name, its schema (`billing.invoices`) written apart."""
        return ".".join(self.q(part) for part in name.split(".", 1))

    def create_table(self, table: Table, created: set[str], inline_skip: list[tuple[str, SchemaObject]]) -> str:
        primary = next(iter(table.objects.of_kind(PRIMARY_KEY)), None)
        types = {name: self.column_type(table, column) for name, column in table.columns.items()}
        self.notes.extend(f"{table.name}.{t.note}" for t in types.values() if t.note)
        if primary is None and "id" in table.columns and _declared_without_keys(table):
            # a dbt source lists columns and types but cannot declare a key; `id` is the key of nearly
            # every table an application owns, and views over it (GROUP BY id) need to know it
            primary = SchemaObject(PRIMARY_KEY, None, ["id"])
            self.notes.append(f"{table.name}: no key declared where depmap reads; id taken as its primary key")
        rowid = None  # SQLite numbers a row itself only through an INTEGER PRIMARY KEY column
        if self.engine == "sqlite" and primary and len(primary.columns) == 1:
            kind = types.get(primary.columns[0], EngineType(""))
            if kind.auto or kind.sql.upper() in _INTEGER_KEYS:  # `id INTEGER PRIMARY KEY` numbers rows itself
                rowid = primary.columns[0]
                types[rowid] = replace(kind, sql="INTEGER")
        lines = [self._column(table, column, types[column.name], column.name == rowid) for column in table.columns.values()]
        if primary and rowid is None:
            lines.append(f"{self._named(primary)}PRIMARY KEY ({self._columns(primary.columns)})")
        for item in table.objects.of_kind(UNIQUE):
            lines.append(f"{self._named(item)}UNIQUE ({self._columns(item.columns)})")
        skipped = {id(item) for name, item in inline_skip if name == table.name and self.engine != "sqlite"}
        for item in table.objects.of_kind(FOREIGN_KEY):
            if foreign_key_target(item) in created and id(item) not in skipped:
                lines.append(self.foreign_key(item))
            elif foreign_key_target(item) not in created:
                target = foreign_key_target(item)
                why = f"to {target} left out: {target} is not created" if target else "left out: depmap does not know the table it references"
                self.notes.append(f"{table.name}: foreign key ({', '.join(item.columns)}) {why}")
        for item in table.objects.of_kind("check"):
            check = self._expression(item.check, f"{table.name}: CHECK {item.name or ''}".rstrip())
            if check:
                lines.append(f"{self._named(item)}CHECK ({check})")
        for item in table.objects.items:
            if item.kind == TRIGGER:
                self.notes.append(f"{table.name}: trigger {item.name} left out: the catalog keeps no trigger body")
            elif item.kind not in (INDEX, PRIMARY_KEY, UNIQUE, FOREIGN_KEY, "check"):
                self.notes.append(f"{table.name}: {item.kind} constraint {item.name or ''} left out".replace("  ", " "))
        body = ",\n".join(f"    {line}" for line in lines)
        return f"CREATE TABLE {self.table(table.name)} (\n{body}\n)"

    def column_type(self, table: Table, column: Column) -> EngineType:
        primary = next(iter(table.objects.of_kind(PRIMARY_KEY)), None)
        sole_key = primary is not None and primary.columns == [column.name]
        return engine_type(column, self.engine, auto_key=numbers_itself(column, sole_key))

    def _column(self, table: Table, column: Column, kind: EngineType, rowid: bool) -> str:
        parts = [self.q(column.name), kind.sql]
        if rowid:
            parts.append("PRIMARY KEY")
        if column.nullable is False and not rowid:
            parts.append("NOT NULL")
        default = self._default(table, column, kind)
        if default is not None:
            parts.append(f"DEFAULT {default}")
        for text in (column.extra.get("check"), kind.check):
            check = self._expression(text, f"{table.name}.{column.name}: CHECK") if text else None
            if check:
                parts.append(f"CHECK ({check})")
        return " ".join(parts)

    def _default(self, table: Table, column: Column, kind: EngineType) -> str | None:
        written = column.default
        if written is None or kind.auto:
            return None
        where = f"{table.name}.{column.name}"
        if (column.type or "").endswith("Field"):  # a Django default is a Python value
            written, exact = python_to_sql(written, Dialect(self.dialect))
            if written is None or not exact:
                self.notes.append(f"{where}: default {column.default} is computed by the application; left out")
                return None
        parsed = self._parse(written)
        if parsed is None or parsed.find(exp.Column) is not None:
            self.notes.append(f"{where}: default {column.default} is not SQL {self.engine} takes; left out")
            return None
        text = parsed.sql(self.engine)
        if self.engine == "sqlite":
            constant = (exp.Literal, exp.Boolean, exp.Null, exp.CurrentTimestamp, exp.CurrentDate, exp.CurrentTime)
            if not isinstance(parsed, constant) and not (isinstance(parsed, exp.Neg) and isinstance(parsed.this, exp.Literal)):
                text = f"({text})"
            error = _sqlite_rejects_default(kind.sql, text)
            if error:
                self.notes.append(f"{where}: default {column.default} fails on SQLite ({error}); left out")
                return None
        return text

    def _expression(self, text: str | None, where: str) -> str | None:
        parsed = self._parse(text) if text else None
        if parsed is None:
            self.notes.append(f"{where} ({text}) does not parse as {self.engine} SQL; left out")
            return None
        return parsed.sql(self.engine)

    def _parse(self, text: str) -> exp.Expression | None:
        try:
            return sqlglot.parse_one(text, read=self.dialect)
        except (ParseError, TokenError, ValueError):
            return None

    def foreign_key(self, item: SchemaObject) -> str:
        target = foreign_key_target(item)
        columns = list((item.references or {}).get("columns") or [])
        if not columns:
            parent = self.catalog.tables[target]
            columns = next((p.columns for p in parent.objects.of_kind(PRIMARY_KEY)), ["id"])
        return f"{self._named(item)}FOREIGN KEY ({self._columns(item.columns)}) REFERENCES {self.table(target)} ({self._columns(columns)})"

    def indexes(self, table: Table) -> list[str]:
        statements = []
        for item in table.objects.of_kind(INDEX):
            name = item.name or f"{table.name}_{'_'.join(item.columns)}_idx"
            if item.expressions:
                self.notes.append(f"{table.name}: index {name} on expressions left out: the catalog keeps its columns only")
                continue
            where = ""
            if item.where:
                predicate = self._expression(item.where, f"{table.name}: index {name} WHERE")
                if predicate is None:
                    continue
                where = f" WHERE {predicate}"
            unique = "UNIQUE " if item.unique else ""
            statements.append(f"CREATE {unique}INDEX {self.q(name)} ON {self.table(table.name)} ({self._columns(item.columns)}){where}")
        return statements

    def view(self, name: str, text: str | None, created: set[str]) -> str | None:
        if text is None:
            self.notes.append(f"{name}: view left out: the catalog keeps no SQL for it")
            return None
        read = tables_read(text, self.dialect)
        if read is None or not read <= created:
            missing = ", ".join(sorted((read or set()) - created)) or "its SQL does not parse"
            self.notes.append(f"{name}: view left out: {missing}")
            return None
        return sqlglot.parse_one(text, read=self.dialect).sql(self.engine, pretty=True)

    def _named(self, item: SchemaObject) -> str:
        return f"CONSTRAINT {self.q(item.name)} " if item.name else ""

    def _columns(self, columns: list[str]) -> str:
        return ", ".join(self.q(c) for c in columns)


def tables_read(text: str, dialect: str) -> set[str] | None:
    """Tables a view's SELECT reads (its own CTE names left out); None when it does not parse."""
    try:
        tree = sqlglot.parse_one(text, read=dialect)
    except (ParseError, TokenError, ValueError):
        return None
    query = tree.expression if isinstance(tree, exp.Create) else tree
    if query is None:
        return None
    ctes = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
    return {t.name for t in query.find_all(exp.Table) if t.name not in ctes}


def _sqlite_rejects_default(sql_type: str, default: str) -> str | None:
    """SQLite checks a default only when a row takes it: try one row in memory."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(f"CREATE TABLE probe (value {sql_type} DEFAULT {default})")
        connection.execute("INSERT INTO probe DEFAULT VALUES")
        return None
    except sqlite3.Error as error:
        return str(error)
    finally:
        connection.close()
