"""The commonest column types as sqlglot writes them for PostgreSQL and MySQL, without loading sqlglot.

`depmap impact orders.note --type text` is a warm query: the index is already built, and loading
sqlglot only to learn that `text` is written `TEXT` cost more than the rest of the type's checks.
The table holds what `sqlglot.exp.DataType.build(type, dialect).sql(dialect)` gives for each
spelling (`{size}` and `{scale}` stand for the digits as written); anything else, and every other
dialect, goes through sqlglot as before. tests/impact/test_common_types.py compares the table with
sqlglot, so an upgrade that changes a spelling fails there instead of changing an answer.
"""

from __future__ import annotations

import re

# One plain type: words separated by single spaces, then `(digits)` or `(digits,digits)`.
_PLAIN = re.compile(r"(?P<name>[A-Za-z]+(?: [A-Za-z]+)*)(?:\((?P<size>\d+)(?:, ?(?P<scale>\d+))?\))?")

# Spelled alike for both dialects.
_SHARED = {
    "text": "TEXT", "integer": "INT", "int": "INT", "bigint": "BIGINT", "smallint": "SMALLINT",
    "boolean": "BOOLEAN", "bool": "BOOLEAN", "date": "DATE", "time": "TIME", "timestamp": "TIMESTAMP",
    "uuid": "UUID", "json": "JSON", "jsonb": "JSONB", "numeric": "DECIMAL", "decimal": "DECIMAL", "serial": "SERIAL",
    "varchar(n)": "VARCHAR({size})", "char(n)": "CHAR({size})", "character varying(n)": "VARCHAR({size})",
    "numeric(n)": "DECIMAL({size})", "numeric(n,m)": "DECIMAL({size}, {scale})", "decimal(n)": "DECIMAL({size})",
    "decimal(n,m)": "DECIMAL({size}, {scale})", "timestamp(n)": "TIMESTAMP({size})", "time(n)": "TIME({size})",
}  # fmt: skip

SPELLINGS: dict[str, dict[str, str]] = {
    "postgres": {
        **_SHARED,
        "timestamptz": "TIMESTAMPTZ", "timestamp with time zone": "TIMESTAMPTZ", "timestamp without time zone": "TIMESTAMP",
        "real": "REAL", "float": "DOUBLE PRECISION", "double precision": "DOUBLE PRECISION", "bytea": "BYTEA",
        "blob": "BYTEA", "datetime": "TIMESTAMP", "tinyint": "SMALLINT", "bigserial": "BIGSERIAL",
        "datetime(n)": "TIMESTAMP({size})",
    },
    "mysql": {
        **_SHARED,
        "timestamptz": "TIMESTAMP", "timestamp with time zone": "TIMESTAMP", "timestamp without time zone": "TIMESTAMP",
        "real": "FLOAT", "float": "FLOAT", "double precision": "DOUBLE", "bytea": "VARBINARY", "blob": "BLOB",
        "datetime": "DATETIME", "tinyint": "TINYINT", "datetime(n)": "DATETIME({size})",
    },
}  # fmt: skip


def common_type(text: str, dialect: str) -> str | None:
    """How sqlglot writes `text` (a type alone, already stripped) for `dialect`; None when the
    table does not say, and sqlglot must be asked."""
    spellings = SPELLINGS.get(dialect)
    written = _PLAIN.fullmatch(text) if spellings is not None else None
    if written is None:
        return None
    size, scale = written["size"], written["scale"]
    shape = written["name"].lower() + ("" if size is None else "(n)" if scale is None else "(n,m)")
    template = spellings.get(shape)  # type: ignore[union-attr]
    return None if template is None else template.format(size=size, scale=scale)
