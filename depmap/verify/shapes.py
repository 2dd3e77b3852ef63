"""A table's shape as any engine states it: PostgreSQL's and SQLite's in `table_shape`,
MariaDB/MySQL's in `mysql_shape`; callers need not know which."""

from __future__ import annotations

from typing import Any

from depmap.verify.mysql_shape import mysql_shape
from depmap.verify.table_shape import TableShape, table_shape


def shape_of(connection: Any, engine: str, table: str) -> TableShape | None:
    """The table's shape on `engine`, or None when it has no such table."""
    return mysql_shape(connection, table) if engine == "mysql" else table_shape(connection, engine, table)
