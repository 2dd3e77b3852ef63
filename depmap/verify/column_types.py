"""A catalog column's type as a throwaway engine accepts it.

The catalog keeps types as the project wrote them: SQL from migrations (`BIGSERIAL`, `CHAR(3)`),
Django field classes (`CharField` with its `max_length` in the column's extra), SQLAlchemy type
calls (`String(length=16)`). Each becomes one SQL type for the engine; a name no table knows (a
custom field, an extension type such as `citext`) becomes `TEXT`, with a note saying so, since the
throwaway database has neither the project's code nor its extensions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.errors import ParseError

from depmap.catalog import Column
from depmap.dialects.capabilities import Dialect
from depmap.impact.migration_types import django_check, django_type, sqlalchemy_type

_SERIALS = {exp.DataType.Type.SERIAL, exp.DataType.Type.BIGSERIAL, exp.DataType.Type.SMALLSERIAL}
_AUTO_FIELDS = {"AutoField": "SERIAL", "BigAutoField": "BIGSERIAL", "SmallAutoField": "SMALLSERIAL"}
# Nested types SQLite has no column type for: their values are stored as text there.
_UNSUPPORTED_SQLITE = {exp.DataType.Type.ARRAY, exp.DataType.Type.STRUCT, exp.DataType.Type.MAP}


@dataclass(frozen=True)
class EngineType:
    """The type to declare, whether the column numbers itself (serial, an ORM auto field), the
    CHECK an ORM adds with the type (Django's positive integers), and why the type was replaced."""

    sql: str
    auto: bool = False
    check: str | None = None
    note: str | None = None


# SQLAlchemy numbers a table's sole integer primary key itself (autoincrement="auto": SERIAL)
_SQLALCHEMY_INTEGERS = re.compile(r"(Integer|BigInteger|SmallInteger)(\(\))?")


def numbers_itself(column: Column, sole_key: bool) -> bool:
    """A sole primary key declared with a SQLAlchemy integer type, which SQLAlchemy (and so an
    Alembic migration) creates as SERIAL unless told `autoincrement=False`."""
    return sole_key and bool(_SQLALCHEMY_INTEGERS.fullmatch((column.type or "").strip())) and column.extra.get(
        "autoincrement") is not False


def engine_type(column: Column, engine: str, dialect: str = "postgres", *, auto_key: bool = False) -> EngineType:
    """The type to declare on `engine` ("postgres", "sqlite" or "mysql"); `dialect` is how the
    catalog's SQL types are written (MySQL's `INT UNSIGNED`, `ENUM(...)` need MySQL's parser);
    `auto_key`: the engine numbers the column (`numbers_itself`)."""
    written = (column.type or "").strip()
    if not written:
        return EngineType("TEXT", note=f"{column.name}: no type known; declared TEXT")
    if engine == "mysql":
        return _mysql_type(column, written, dialect)
    auto = written in _AUTO_FIELDS or bool(column.extra.get("identity")) or auto_key
    dialect = Dialect("postgres")
    sql = django_type(written, dict(column.extra.get("size") or {}), dialect)
    check = django_check(written, column.name, Dialect(engine)) if sql else None
    if written in _AUTO_FIELDS:
        sql = _AUTO_FIELDS[written]
    if sql is None and not written.isupper():  # SQL from migrations is written upper-case by the catalog
        sql = sqlalchemy_type(written, dialect)
    parsed = _parsed(sql or written)
    if parsed is None or parsed.this == exp.DataType.Type.USERDEFINED:
        return EngineType("TEXT", note=f"{column.name}: type {written} is not built into {engine}; declared TEXT")
    auto = auto or parsed.this in _SERIALS
    if engine == "sqlite":
        if parsed.this in _UNSUPPORTED_SQLITE:
            return EngineType("TEXT", note=f"{column.name}: SQLite has no {written}; declared TEXT")
        if auto:
            return EngineType("INTEGER", auto=True, check=check)
    elif auto and parsed.this not in _SERIALS:
        serial = {exp.DataType.Type.SMALLINT: "SMALLSERIAL", exp.DataType.Type.INT: "SERIAL"}.get(parsed.this, "BIGSERIAL")
        return EngineType(serial, auto=True, check=check)
    return EngineType(parsed.sql("postgres"), auto=auto, check=check)


def _parsed(text: str, dialect: str = "postgres") -> exp.DataType | None:
    try:
        return exp.DataType.build(text, dialect=dialect)
    except (ParseError, ValueError, TypeError):
        return None


# MariaDB/MySQL: what PostgreSQL's types become, and the types they lack (kept as text).
_MYSQL_AS_TEXT = {exp.DataType.Type.ARRAY, exp.DataType.Type.STRUCT, exp.DataType.Type.MAP, exp.DataType.Type.INTERVAL,
                  exp.DataType.Type.USERDEFINED}
_MYSQL_RENAMED = {exp.DataType.Type.UUID: "CHAR(36)", exp.DataType.Type.JSONB: "JSON", exp.DataType.Type.INET: "VARCHAR(45)",
                  exp.DataType.Type.TIMESTAMPTZ: "DATETIME(6)", exp.DataType.Type.TIMESTAMP: "DATETIME(6)"}
_MYSQL_AUTO = {exp.DataType.Type.SERIAL: "INT", exp.DataType.Type.BIGSERIAL: "BIGINT", exp.DataType.Type.SMALLSERIAL: "SMALLINT"}


def _mysql_type(column: Column, written: str, dialect: str) -> EngineType:
    """A MySQL-dialect type as written (`INT UNSIGNED`, `ENUM('a', 'b')`), else what the
    PostgreSQL reading gives, in MariaDB/MySQL's words; a numbered column gets AUTO_INCREMENT."""
    auto = bool(column.extra.get("identity")) or "AUTO_INCREMENT" in written.upper()
    parsed = None
    if dialect == "mysql" and written.isupper():
        parsed = _parsed(written.upper().replace("AUTO_INCREMENT", "").strip(), "mysql")
    if parsed is None:
        portable = engine_type(column, "postgres")
        if portable.note:
            return portable
        parsed = _parsed(portable.sql)
        auto = auto or portable.auto
    if parsed is None:
        return EngineType("TEXT", note=f"{column.name}: type {written} is not built into MariaDB/MySQL; declared TEXT")
    check = django_check(written, column.name, Dialect("mysql")) if written.endswith("Field") else None
    if parsed.this in _MYSQL_AUTO or auto:
        base = _MYSQL_AUTO.get(parsed.this) or parsed.sql("mysql")
        return EngineType(f"{base} AUTO_INCREMENT", auto=True, check=check)
    if parsed.this in _MYSQL_AS_TEXT:
        return EngineType("TEXT", note=f"{column.name}: MariaDB/MySQL has no {written}; declared TEXT")
    if parsed.this in _MYSQL_RENAMED:
        return EngineType(_MYSQL_RENAMED[parsed.this], check=check)
    if parsed.this in (exp.DataType.Type.VARCHAR, exp.DataType.Type.VARBINARY) and not parsed.expressions:
        return EngineType("TEXT" if parsed.this == exp.DataType.Type.VARCHAR else "BLOB", check=check)
    return EngineType(parsed.sql("mysql"), check=check)
