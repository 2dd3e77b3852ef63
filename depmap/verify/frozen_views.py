"""Views the code creates, created before the change and compared with their query after it.

A view's `SELECT *` (or `t.*`) is expanded when the view is created: a column added later is not
in the view until it is created again, while its query, run on its own, now returns it. verify
creates each view the code defines before the change, as a deploy would find it, and afterwards
compares the view's columns with those of its query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from depmap.verify.names import table_sql
from depmap.verify.schema_apply import engine_errors, error_message


@dataclass(frozen=True)
class ViewText:
    name: str  # as the catalog would name it: `reporting.customer_orders`
    query: str  # the SELECT, in the engine's dialect


def view_text(text: str, dialect: str, engine: str) -> ViewText | None:
    """The view a `CREATE [OR REPLACE] VIEW` statement makes, or None for any other statement."""
    try:
        parsed = sqlglot.parse_one(text, read=dialect)
    except SqlglotError:
        return None
    if not isinstance(parsed, exp.Create) or (parsed.args.get("kind") or "").upper() != "VIEW":
        return None
    target = parsed.this.this if isinstance(parsed.this, exp.Schema) else parsed.this
    if not isinstance(target, exp.Table) or parsed.expression is None:
        return None
    # SQLite has no schemas: there the view is made under its own name, which changes nothing measured
    name = target.name if engine == "sqlite" else ".".join(part for part in (target.db, target.name) if part)
    return ViewText(name, parsed.expression.sql(engine))


def create(conn: Any, engine: str, view: ViewText) -> str | None:
    """The view created (its schema too, on PostgreSQL); the engine's error, or None."""
    schema = view.name.split(".", 1)[0] if "." in view.name else None
    try:
        if schema and engine == "postgres":
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {table_sql(schema)}")
        conn.execute(f"CREATE VIEW {_name(engine, view.name)} AS {view.query}")
    except engine_errors() as error:
        return error_message(error)
    return None


def drop(conn: Any, engine: str, view: ViewText) -> None:
    try:
        conn.execute(f"DROP VIEW IF EXISTS {_name(engine, view.name)}" + (" CASCADE" if engine == "postgres" else ""))
    except engine_errors():
        pass


def read_error(conn: Any, engine: str, view: ViewText) -> str | None:
    """The engine's error on reading the view, or None when it reads."""
    try:
        conn.execute(f"SELECT * FROM {_name(engine, view.name)} LIMIT 0").fetchall()
    except engine_errors() as error:
        return error_message(error)
    return None


def _name(engine: str, name: str) -> str:
    """The view's name as the engine quotes it (MariaDB/MySQL without ANSI_QUOTES: backticks)."""
    if engine == "mysql":
        from depmap.verify.mysql_engine import quote

        return ".".join(quote(part) for part in name.split("."))
    return table_sql(name)


def frozen(conn: Any, view: ViewText) -> str | None:
    """How the view now differs from its own query, in words; None when they agree."""
    kept = _columns(conn, f"SELECT * FROM {table_sql(view.name)}")
    current = _columns(conn, f"SELECT * FROM ({view.query}) AS depmap_query")
    if kept is None or current is None or kept == current:
        return None
    missing = [c for c in current if c not in kept]
    said = f"the view kept its {len(kept)} columns while its query now returns {len(current)}"
    return said + (f": {', '.join(missing)} is not in the view until it is created again" if missing else "")


def _columns(conn: Any, text: str) -> list[str] | None:
    try:
        cursor = conn.execute(text + " LIMIT 0")
    except engine_errors():
        return None
    return [column[0] for column in cursor.description or ()]
