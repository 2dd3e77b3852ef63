"""Table and column names normalised the way the dialect compares them.

Unquoted identifiers fold to lower case (users type `orders`, not `ORDERS`, even on Snowflake);
quoted identifiers keep their case where quoting makes a name case-sensitive (PostgreSQL
`"Orders"`, Snowflake, Oracle). Where it does not (MySQL backticks, SQLite, T-SQL, DuckDB, Spark,
Redshift...), quoted names fold like the rest, so `` `Orders` `` and `orders` stay one table. The
dialect's default schema is dropped, so `public.orders` and `orders` are the same table on
PostgreSQL.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect, NormalizationStrategy

DEFAULT_SCHEMAS = {
    "postgres": "public",
    "redshift": "public",
    "sqlite": "main",
    "duckdb": "main",
    "tsql": "dbo",
}


# sqlglot calls MySQL case-sensitive because of table files on Linux; depmap already folds its
# unquoted names, and MySQL compares column names case-insensitively whether quoted or not.
_QUOTES_IGNORE_CASE = frozenset({"mysql", "singlestore", "doris", "starrocks"})


_DIALECTS: dict[str, Dialect] = {}


def dialect_object(name: str) -> Dialect:
    """sqlglot's dialect object of that name, made once per process: `Dialect.get_or_raise` builds
    a new one on every call, and a scan asks for it several times per statement. ValueError for a
    name sqlglot does not know."""
    found = _DIALECTS.get(name)
    if found is None:
        found = _DIALECTS[name] = Dialect.get_or_raise(name)
    return found


def quoting_keeps_case(dialect: str) -> bool:
    """Does quoting a name make it case-sensitive in this dialect?"""
    if dialect in _QUOTES_IGNORE_CASE:
        return False
    return dialect_object(dialect).NORMALIZATION_STRATEGY != NormalizationStrategy.CASE_INSENSITIVE


def fold_quoted(statement: exp.Expression, dialect: str) -> exp.Expression:
    """Unquote identifiers where quoting does not change how the dialect compares names."""
    if not quoting_keeps_case(dialect):
        for node in statement.find_all(exp.Identifier):
            node.set("quoted", False)
    return statement


def identifier(node: exp.Expression | str | None) -> str:
    if node is None:
        return ""
    if isinstance(node, str):
        return node.lower()
    if isinstance(node, exp.Identifier):
        return node.this if node.quoted else node.this.lower()
    if isinstance(node, exp.Star):
        return "*"
    return node.name.lower()


def table_name(table: exp.Table, dialect: str) -> str:
    """`catalog.schema.table` minus the parts that do not distinguish tables here."""
    parts = [identifier(table.args.get("db")), identifier(table.this)]
    schema = parts[0]
    if schema and schema == DEFAULT_SCHEMAS.get(dialect):
        parts[0] = ""
    catalog = identifier(table.args.get("catalog"))
    if catalog and parts[0]:
        parts.insert(0, catalog)
    return ".".join(part for part in parts if part)


def column_name(column: exp.Column | exp.Identifier) -> str:
    if isinstance(column, exp.Column):
        return identifier(column.this)
    return identifier(column)
