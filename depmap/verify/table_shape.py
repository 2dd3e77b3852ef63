"""What a table on the throwaway database really is: its columns, keys and checks, asked of the
engine itself (the PostgreSQL catalogs, SQLite's pragmas; MariaDB/MySQL's information_schema is
`mysql_shape`'s).

The fill reads the schema the engine built, not the catalog depmap predicted: a schema dump
(`--schema-sql`) may hold columns no code mentions, and a statement the engine rejected is absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from depmap.verify.names import quoted


@dataclass(frozen=True)
class ColumnShape:
    name: str
    type: str  # as the engine states it: "character varying(32)", "TIMESTAMPTZ"
    not_null: bool
    auto: bool = False  # numbered by the engine (serial, identity, SQLite's INTEGER PRIMARY KEY)
    always_identity: bool = False  # GENERATED ALWAYS AS IDENTITY: an explicit value needs OVERRIDING
    generated: bool = False  # computed by the engine: never inserted
    labels: tuple[str, ...] = ()  # an enum type's values


@dataclass(frozen=True)
class ForeignKeyShape:
    columns: tuple[str, ...]
    parent: str
    parent_columns: tuple[str, ...]


@dataclass(frozen=True)
class CheckShape:
    name: str | None
    sql: str  # the condition, as the engine writes it


@dataclass
class TableShape:
    name: str
    columns: list[ColumnShape] = field(default_factory=list)
    unique_sets: list[tuple[str, ...]] = field(default_factory=list)  # primary key first
    foreign_keys: list[ForeignKeyShape] = field(default_factory=list)
    checks: list[CheckShape] = field(default_factory=list)

    def column(self, name: str) -> ColumnShape | None:
        return next((c for c in self.columns if c.name == name), None)


def table_shape(connection: Any, engine: str, table: str) -> TableShape | None:
    """The table's shape, or None when the engine has no such table."""
    return _postgres_shape(connection, table) if engine == "postgres" else _sqlite_shape(connection, table)


_PG_COLUMNS = """
SELECT a.attname, format_type(COALESCE(NULLIF(t.typbasetype, 0), a.atttypid), a.atttypmod), a.attnotnull,
       a.attidentity <> '' OR pg_get_serial_sequence(%(table)s, a.attname) IS NOT NULL,
       a.attidentity = 'a', a.attgenerated <> '',
       ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = a.atttypid ORDER BY e.enumsortorder)
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = to_regclass(%(table)s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""
_PG_NAMES = "ARRAY(SELECT a.attname::text FROM unnest({keys}) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.n ORDER BY k.o)"
_PG_CONSTRAINTS = f"""
SELECT c.contype, c.conname, {_PG_NAMES.format(keys="c.conkey", rel="c.conrelid")},
       c.confrelid::regclass::text, {_PG_NAMES.format(keys="c.confkey", rel="c.confrelid")}, pg_get_constraintdef(c.oid)
FROM pg_constraint c WHERE c.conrelid = to_regclass(%(table)s) ORDER BY c.contype = 'p' DESC, c.conname
"""
_PG_UNIQUE_INDEXES = f"""
SELECT {_PG_NAMES.format(keys="i.indkey::int2[]", rel="i.indrelid")}
FROM pg_index i WHERE i.indrelid = to_regclass(%(table)s) AND i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL
ORDER BY i.indisprimary DESC, i.indexrelid
"""


def _postgres_shape(connection: Any, table: str) -> TableShape | None:
    arguments = {"table": table}
    if connection.execute("SELECT to_regclass(%(table)s)", arguments).fetchone()[0] is None:
        return None
    shape = TableShape(table)
    for name, type_, not_null, auto, always, generated, labels in connection.execute(_PG_COLUMNS, arguments):
        shape.columns.append(ColumnShape(name, type_, not_null, auto, always, generated, tuple(labels)))
    for kind, name, columns, parent, parent_columns, definition in connection.execute(_PG_CONSTRAINTS, arguments):
        if kind == "f":
            shape.foreign_keys.append(ForeignKeyShape(tuple(columns), parent, tuple(parent_columns)))
        elif kind == "c":
            shape.checks.append(CheckShape(name, _check_condition(definition)))
    for (columns,) in connection.execute(_PG_UNIQUE_INDEXES, arguments):
        if tuple(columns) not in shape.unique_sets:
            shape.unique_sets.append(tuple(columns))
    return shape


def _check_condition(definition: str) -> str:
    """`CHECK ((quantity > 0)) NOT VALID` -> `(quantity > 0)`."""
    text = definition.strip()
    text = text[len("CHECK"):].strip() if text.upper().startswith("CHECK") else text
    return text[: -len("NOT VALID")].strip() if text.upper().endswith("NOT VALID") else text


def _sqlite_shape(connection: Any, table: str) -> TableShape | None:
    row = connection.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    if row is None:
        return None
    shape = TableShape(table)
    columns = connection.execute(f"PRAGMA table_xinfo({quoted(table)})").fetchall()
    primary = [c[1] for c in sorted((c for c in columns if c[5]), key=lambda c: c[5])]
    rowid = primary[0] if len(primary) == 1 and next(c[2] for c in columns if c[1] == primary[0]).upper() == "INTEGER" else None
    for _, name, type_, not_null, _, pk, hidden in columns:
        shape.columns.append(ColumnShape(name, type_ or "", bool(not_null) or name == rowid, name == rowid, generated=hidden in (2, 3)))
    if primary:
        shape.unique_sets.append(tuple(primary))
    for _, index, unique, _, partial in connection.execute(f"PRAGMA index_list({quoted(table)})").fetchall():
        if unique and not partial:
            names = tuple(c[2] for c in connection.execute(f"PRAGMA index_info({quoted(index)})").fetchall())
            if None not in names and names not in shape.unique_sets:
                shape.unique_sets.append(names)
    keys: dict[int, list[tuple[str, str, str | None]]] = {}
    for key, _, parent, child, parent_column, *_ in connection.execute(f"PRAGMA foreign_key_list({quoted(table)})").fetchall():
        keys.setdefault(key, []).append((parent, child, parent_column))
    for parts in keys.values():
        parent = parts[0][0]
        parent_columns = tuple(p[2] or "" for p in parts)
        if "" in parent_columns:  # REFERENCES parent with no column list: the parent's primary key
            parent_columns = tuple(c[1] for c in sorted((c for c in connection.execute(f"PRAGMA table_info({quoted(parent)})") if c[5]), key=lambda c: c[5]))
        shape.foreign_keys.append(ForeignKeyShape(tuple(p[1] for p in parts), parent, parent_columns))
    shape.checks.extend(_sqlite_checks(row[0]))
    return shape


def _sqlite_checks(create_sql: str) -> list[CheckShape]:
    """CHECK constraints as written in the table's CREATE statement (SQLite keeps its text)."""
    try:
        tree = sqlglot.parse_one(create_sql, read="sqlite")
    except (ParseError, TokenError, ValueError):
        return []
    checks = []
    for check in tree.find_all(exp.CheckColumnConstraint):
        named = check.parent if isinstance(check.parent, (exp.ColumnConstraint, exp.Constraint)) else None
        name = named.name if named is not None and named.args.get("this") is not None else None
        checks.append(CheckShape(name or None, check.this.sql("sqlite")))
    return checks
