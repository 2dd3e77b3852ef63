"""The INSERT an ORM runs for a create in the code, so verify can re-run ORM writers too.

depmap never runs the ORM. It knows where the code creates rows (`Order.objects.create(...)`,
`session.add(account)`, `bulk_create`) and that an ORM's INSERT names the columns its model maps,
which before the change are the table's columns: Django sends every concrete field but an
automatic key, SQLAlchemy every mapped column with a value or a default. Either way the column the
change adds is not among them, which is what decides whether old code's creates fail during the
deploy (a NOT NULL column without a default, a CHECK the omitted column breaks).

The values are a row the table already holds, with fresh values where a unique key needs them, so
the INSERT satisfies the schema before the change and only the change can make it fail.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import uuid
from typing import Any

from depmap.discover import is_test_path
from depmap.model import ACCESS
from depmap.verify.names import quoted, table_sql
from depmap.verify.shapes import shape_of
from depmap.verify.table_shape import TableShape

ORM_CREATE = "orm_create"


def create_sites(index: Any, table: str) -> list[tuple[str, int, int]]:
    """Where the code creates rows of `table` through an ORM: (path, first line, last line); test
    code only when the project judges it (`judge-test-code`), as `check` does."""
    sites = {
        (f.location.path, f.location.statement_start, f.location.end_line or f.location.line)
        for f in index.graph.writers(table)
        if f.kind == ACCESS and f.via == "orm" and f.detail == ORM_CREATE
        and (index.config.judge_test_code or not is_test_path(f.location.path))
    }
    return sorted(sites)


def orm_insert(db: Any, table: str) -> str | None:
    """The ORM's INSERT into `table` as it stands, with values that fit it; None when the table
    is missing or empty."""
    with db.connect(autocommit=True) as conn:
        shape = shape_of(conn, db.engine, table)
        if shape is None:
            return None
        columns = [c.name for c in shape.columns if not c.auto and not c.generated]
        if not columns:
            return None
        names = ", ".join(quoted(c) for c in columns)
        row = conn.execute(f"SELECT {names} FROM {table_sql(table)} LIMIT 1").fetchone()
        if row is None:
            return None
        values = dict(zip(columns, row))
        for column in _fresh_columns(shape, columns):
            values[column] = _fresh(conn, db.engine, table, column, values[column])
        written = ", ".join(_literal(conn, db.engine, values[c]) for c in columns)
    return f"INSERT INTO {table_sql(table)} ({names}) VALUES ({written})"


def _fresh_columns(shape: TableShape, columns: list[str]) -> list[str]:
    """One column of each unique key (the primary key too) that a copied row would repeat,
    preferring one that is not a foreign key so the row still points at a parent."""
    keyed = {c for key in shape.foreign_keys for c in key.columns}
    chosen: list[str] = []
    for unique in shape.unique_sets:
        if not set(unique) <= set(columns) or any(c in chosen for c in unique):
            continue
        chosen.append(next((c for c in unique if c not in keyed), unique[0]))
    return chosen


def _fresh(conn: Any, engine: str, table: str, column: str, value: Any) -> Any:
    """A value of the same kind that no row holds yet."""
    if isinstance(value, (bool, type(None))):
        return value
    if isinstance(value, (int, float, decimal.Decimal, datetime.date)):
        highest = conn.execute(f"SELECT max({quoted(column)}) FROM {table_sql(table)}").fetchone()[0]
        step = datetime.timedelta(days=1) if isinstance(highest, datetime.date) else 1
        return highest + step if highest is not None else value
    if isinstance(value, (uuid.UUID, str)):
        for attempt in range(100):
            fresh = _marked(table, column, value, attempt)
            held = conn.execute(f"SELECT 1 FROM {table_sql(table)} WHERE {quoted(column)} = {_literal(conn, engine, fresh)} LIMIT 1").fetchone()
            if held is None:
                return fresh
    return value


def _marked(table: str, column: str, value: str | uuid.UUID, attempt: int) -> str | uuid.UUID:
    """A value of `value`'s kind and length made from its table, column and the attempt: the same
    on every run, so a report is reproduced by running it again (the rows are seeded too)."""
    marker = hashlib.blake2b(f"{table}\0{column}\0{value}\0{attempt}".encode(), digest_size=16).hexdigest()
    if isinstance(value, uuid.UUID):
        return uuid.UUID(marker)
    return (marker + value)[: len(value)] if len(value) >= 12 else value + marker[:6]


def _literal(conn: Any, engine: str, value: Any) -> str:
    if engine == "postgres":
        from psycopg import sql

        return sql.Literal(value).as_string(conn)
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value)
    if isinstance(value, bytes):
        return f"X'{value.hex()}'"
    return "'" + str(value).replace("'", "''") + "'"


def orm_writers(db: Any, index: Any, table: str, known: list[Any]) -> list[Any]:
    """An AppStatement for each ORM create of `table` no SQL statement already stands for."""
    from depmap.verify.statements import AppStatement

    sites = [s for s in create_sites(index, table)
             if not any(k.path == s[0] and k.line <= s[1] <= k.last_line for k in known)]
    text = orm_insert(db, table) if sites else None
    if text is None:
        return []
    return [AppStatement(path, first, last, text, writes=True, orm=True) for path, first, last in sites]
