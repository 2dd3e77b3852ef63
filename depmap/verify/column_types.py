"""A catalog column's type as a throwaway engine accepts it.

The catalog keeps types as the project wrote them: SQL from migrations (`BIGSERIAL`, `CHAR(3)`),
Django field classes (`CharField` with its `max_length` in the column's extra), SQLAlchemy type
calls (`String(length=16)`). Each becomes one SQL type for the engine; a name no table knows (a
custom field, an extension type such as `citext`) becomes `TEXT`, with a note saying so, since the
throwaway database has neither the project's code nor its extensions.
"""

from __future__ import annotations

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


def engine_type(column: Column, engine: str) -> EngineType:
    written = (column.type or "").strip()
    if not written:
        return EngineType("TEXT", note=f"{column.name}: no type known; declared TEXT")
    auto = written in _AUTO_FIELDS or bool(column.extra.get("identity"))
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


def _parsed(text: str) -> exp.DataType | None:
    try:
        return exp.DataType.build(text, dialect="postgres")
    except (ParseError, ValueError, TypeError):
        return None
