"""The column name is a reserved word of the target database.

*Why is this bad?* A reserved word cannot stand bare as a column name: `ALTER TABLE orders ADD
COLUMN order integer` is a syntax error, and so is every hand-written query, report, dbt model or
psql one-off that later writes `SELECT order FROM orders`. ORMs quote the names they generate, so
the model works while the raw SQL around it breaks, one statement at a time. Which words are
reserved depends on the database and its version (`rank` became reserved in MySQL 8.0.2).

*Example*: `ALTER TABLE orders ADD COLUMN order integer;` on PostgreSQL, or a `rank` column on MySQL 8.

*Use instead*: a name that is not reserved (`sort_order`, `position`), or quote it everywhere:
`"order"` in PostgreSQL and SQLite, `` `rank` `` in MySQL.

References: https://www.postgresql.org/docs/current/sql-keywords-appendix.html,
https://dev.mysql.com/doc/refman/8.0/en/keywords.html, https://www.sqlite.org/lang_keywords.html
"""

from __future__ import annotations

from typing import Iterator

from depmap.dialects.capabilities import product_label, quote_identifier, reserved_words
from depmap.impact.context import ImpactContext
from depmap.impact.finding import WARNING, Finding
from depmap.impact.rule import Rule
from depmap.impact.rules.table_rewrite import migration_site

# Names people reach for, and an unreserved name that says the same.
_ALTERNATIVES = {
    "order": "sort_order", "user": "username", "group": "group_name", "rank": "ranking", "desc": "description",
    "key": "key_name", "default": "is_default", "table": "table_name", "column": "column_name", "limit": "limit_value",
    "end": "ends_at", "interval": "interval_seconds", "window": "time_window", "system": "system_name",
    "row": "row_number_value", "rows": "row_count", "range": "value_range", "function": "function_name",
    "references": "reference_ids", "primary": "is_primary", "unique": "is_unique", "check": "check_result",
    "from": "from_address", "to": "to_address", "release": "release_name", "condition": "condition_name",
}


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    if spec.column.lower() not in reserved_words(ctx.dialect) or spec.column != spec.column.lower():
        return  # a mixed-case name is quoted already (PostgreSQL would fold it otherwise)
    quoted = quote_identifier(ctx.dialect, spec.column)
    where = product_label(ctx.dialect)
    table = ".".join(quote_identifier(ctx.dialect, part) for part in spec.table.split("."))
    alternative = _ALTERNATIVES.get(spec.column, f"{spec.column}_value")
    yield Finding(
        rule=RULE.id,
        severity=WARNING,
        location=migration_site(ctx) or ctx.anchor,
        message=(f"{spec.column} is a reserved word in {where}: every SQL statement that names "
                 f"{spec.table}.{spec.column} without quotes fails with a syntax error (ORM-generated SQL quotes "
                 "it; hand-written queries, reports and dbt models do not)."),
        fix=(f"Pick a name that is not reserved, such as {alternative}; or quote it everywhere, in the migration "
             f"and in every query: ALTER TABLE {table} ADD COLUMN {quoted} {spec.type or '<type>'}; "
             f"SELECT {quoted} FROM {table};"),
        snippet=spec.column,
    )


RULE = Rule("reserved-word", WARNING, check, __doc__)
