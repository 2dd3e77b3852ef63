"""The DDL that recreates some catalog tables on a throwaway engine ("postgres", "sqlite" or "mysql").

Columns with their types (normalised by `column_types`), NOT NULL, the defaults the engine takes,
primary keys, unique constraints, CHECK constraints that parse in the engine's dialect, foreign
keys between the tables being created (parents first; on PostgreSQL and MariaDB a cycle's closing key
is added afterwards), indexes, and the views over those tables whose SQL is known. What cannot be written is
left out with a note (a trigger's body, an exclusion constraint, a default the engine rejects), so
the plan always builds. How one table is written is `schema_writer`'s, with MariaDB/MySQL's
differences (types, AUTO_INCREMENT, key lengths) in `mysql_schema`. `apply_schema` runs the
statements; `statements_from_file` reads a dump.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from depmap.catalog import Catalog
from depmap.schema_objects import FOREIGN_KEY, SchemaObject
from depmap.verify.names import schema_of
from depmap.verify.schema_apply import Rejected, apply_schema
from depmap.verify.schema_file import statements_from_file
from depmap.verify.schema_writer import SchemaWriter, foreign_key_target, tables_read
from depmap.verify.view_sql import view_sql

__all__ = ["SchemaPlan", "schema_statements", "apply_schema", "Rejected", "statements_from_file", "views_over"]

ENGINES = ("postgres", "sqlite", "mysql")


@dataclass
class SchemaPlan:
    statements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def schema_statements(
    catalog: Catalog, tables: list[str], engine: str, *, root: Path | None = None, dialect: str = "postgres"
) -> SchemaPlan:
    """DDL for `tables` (views among them too) in `engine`; `dialect` is how the catalog's SQL
    texts (defaults, checks, views) are written; `root` lets a view's SQL be read from its file."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if engine == "mysql":
        from depmap.verify.mysql_schema import MySQLWriter as writer_class
    else:
        writer_class = SchemaWriter
    writer = writer_class(catalog, engine, dialect)
    plan = SchemaPlan()
    names = [n for n in dict.fromkeys(tables) if n in catalog.tables]
    plan.notes.extend(f"{n}: not in the catalog; not created" for n in dict.fromkeys(tables) if n not in catalog.tables)
    if engine == "sqlite":  # an attached database per connection would stand in for a schema; not done
        plan.notes.extend(f"{n}: SQLite has no schemas; not created" for n in names if schema_of(n))
        names = [n for n in names if not schema_of(n)]
    for schema in dict.fromkeys(filter(None, map(schema_of, names))):
        plan.statements.append(f"CREATE SCHEMA IF NOT EXISTS {writer.q(schema)}")
    base = [n for n in names if not catalog.tables[n].view]
    ordered, closing = _dependency_order(catalog, base)
    created = set(base)
    for name in ordered:
        plan.statements.append(writer.create_table(catalog.tables[name], created, inline_skip=closing))
    for name, item in closing:
        if engine != "sqlite":
            plan.statements.append(f"ALTER TABLE {writer.table(name)} ADD {writer.foreign_key(item)}")
    for name in ordered:
        plan.statements.extend(writer.indexes(catalog.tables[name]))
    for name in [n for n in names if catalog.tables[n].view]:
        statement = writer.view(name, view_sql(catalog, name, root, dialect), created)
        if statement:
            plan.statements.append(statement)
            created.add(name)
    plan.notes.extend(writer.notes)
    return plan


def views_over(catalog: Catalog, tables: list[str], root: Path | None = None, dialect: str = "postgres") -> list[str]:
    """Catalog views whose known SQL reads only `tables`: the views a verification can recreate."""
    found = []
    for name in sorted(catalog.tables):
        if catalog.tables[name].view:
            text = view_sql(catalog, name, root, dialect)
            read = tables_read(text, dialect) if text else None
            if read and read <= set(tables) and read & set(tables):
                found.append(name)
    return found


def _dependency_order(catalog: Catalog, names: list[str]) -> tuple[list[str], list[tuple[str, SchemaObject]]]:
    """Parents before children (ties by name); the foreign keys that close a cycle, apart."""
    wanted = set(names)
    parents = {n: {foreign_key_target(i) for i in catalog.tables[n].objects.of_kind(FOREIGN_KEY)} & wanted - {n} for n in names}
    ordered: list[str] = []
    closing: list[tuple[str, SchemaObject]] = []
    while len(ordered) < len(names):
        ready = sorted(n for n in names if n not in ordered and parents[n] <= set(ordered))
        if not ready:  # a cycle: create the first remaining table, its keys to later tables added after
            ready = [sorted(n for n in names if n not in ordered)[0]]
            for item in catalog.tables[ready[0]].objects.of_kind(FOREIGN_KEY):
                if foreign_key_target(item) in parents[ready[0]] - set(ordered):
                    closing.append((ready[0], item))
        ordered.append(ready[0])
    return ordered, closing
