"""An INSERT without a column list fills the table's columns by position.

*Why is this bad?* `INSERT INTO t VALUES (...)` and `INSERT INTO t SELECT ...` name no columns,
so the database matches values to the table's columns in order. Once a column is added, MySQL
and SQLite reject the statement ("Column count doesn't match value count at row 1", "table t has
5 columns but 4 values were supplied"). PostgreSQL fills the trailing columns it was not given
with their defaults, so the statement keeps running, but the new column silently gets its
default (or fails the NOT NULL check when it has none), and the statement breaks the day a
column is added in the middle or the VALUES list grows.

Statements in migrations that already ran before the change are left out: they executed against
the old table and are never replayed after it (a fresh database replays them before the column
exists too).

*Example*: `cur.execute("INSERT INTO audit_log VALUES (%s, %s, %s, now())", row)`

*Use instead*: name the columns: `INSERT INTO audit_log (id, actor, action, created_at) VALUES
(%s, %s, %s, now())`.

See: https://www.postgresql.org/docs/current/sql-insert.html (“the first N column names, if there
are only N columns supplied”), https://dev.mysql.com/doc/refman/8.0/en/insert.html.
"""

from __future__ import annotations

import re
from typing import Iterator

from depmap.dialects.capabilities import MYSQL, POSTGRES, SQLITE, fills_missing_values
from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, WARNING, Finding
from depmap.impact.rule import Rule
from depmap.model import ACCESS, COLUMN_DEF, WRITE, Fact, Location

_VALUES = re.compile(r"\bVALUES\b", re.IGNORECASE)
_NUMBERS = re.compile(r"(\d+)")


# Shared with insert-select-star, copy-without-columns, ambiguous-column and natural-join-change:
# when a statement runs relative to the change, and the table's columns as they stand.


def change_location(ctx: ImpactContext) -> Location | None:
    """The statement that adds the column: the spec's origin, else its ADD COLUMN in a changed file."""
    if ctx.spec.origin is not None:
        return ctx.spec.origin
    for fact in ctx.facts:
        if (
            fact.kind == COLUMN_DEF
            and fact.location.path in ctx.changed_paths
            and fact.table == ctx.spec.table
            and ctx.spec.column in fact.columns
        ):
            return fact.location
    return None


def runs_after_change(ctx: ImpactContext, fact: Fact) -> bool:
    """Application code runs after the change; a migration only if it is the change itself (after
    the ADD COLUMN) or a later migration under review. Migrations already applied ran against the
    old table and do not run again."""
    if fact.via != "migration":
        return True
    if fact.location.path not in ctx.changed_paths:
        return False
    origin = change_location(ctx)
    if origin is None:
        return True
    if fact.location.path == origin.path:
        return fact.location.line > origin.line
    return _natural(fact.location.path) > _natural(origin.path)


def _natural(path: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _NUMBERS.split(path))


_NAMES = {POSTGRES: "PostgreSQL", MYSQL: "MySQL", SQLITE: "SQLite"}


def db_name(ctx: ImpactContext) -> str:
    """The database as users call it (PostgreSQL, not sqlglot's "postgres")."""
    return _NAMES.get(ctx.dialect.family or "", ctx.dialect.name)


def current_columns(ctx: ImpactContext, table: str) -> list[str]:
    """The table's columns as depmap knows them before the change (empty when unknown)."""
    known = ctx.catalog.get(table)
    return list(known.columns) if known is not None else []


def explicit_insert(ctx: ImpactContext, fact: Fact) -> str:
    """The user's INSERT with its column list spelled out (the columns it fills today)."""
    columns = current_columns(ctx, fact.table) or ["<column>", "..."]
    tail = "VALUES (...)" if _VALUES.search(fact.snippet) else "SELECT ..."
    return f"INSERT INTO {fact.table} ({', '.join(columns)}) {tail}"


def must_set_note(ctx: ImpactContext) -> str:
    """What a writer must add once a NOT NULL column without a default exists."""
    spec = ctx.spec
    if not spec.writers_must_set:
        return ""
    return f" {spec.column} is NOT NULL without a default: add it to the list, with a value, once it exists."


def count_error(ctx: ImpactContext, table: str) -> str:
    """The dialect's own words for a positional statement that no longer matches the table."""
    family = ctx.dialect.family
    if family == MYSQL:
        return "Column count doesn't match value count at row 1"
    if family == SQLITE:
        known = len(current_columns(ctx, table))
        if known:
            return f"table {table} has {known + 1} columns but {known} values were supplied"
        return f"table {table} has N columns but N-1 values were supplied"
    return "a column-count mismatch"


def filled_with(ctx: ImpactContext) -> str:
    """What PostgreSQL puts in the new column when a positional statement leaves it out."""
    spec = ctx.spec
    if spec.identity:
        return "the next identity value"
    return f"its default {spec.default}" if spec.default is not None else "NULL"


def not_null_error(table: str, column: str) -> str:
    return f'null value in column "{column}" of relation "{table}" violates not-null constraint'


def _finding(ctx: ImpactContext, fact: Fact) -> Finding | None:
    spec = ctx.spec
    table, column = spec.table, spec.column
    where = f"INSERT INTO {table} without a column list"
    if fills_missing_values(ctx.dialect):
        if spec.generated:
            return None  # a generated column left out is computed: nothing changes for this statement
        if spec.writers_must_set:
            severity = BREAKING
            message = (
                f"{where} fills columns by position; {db_name(ctx)} leaves the new NOT NULL column {column} "
                f"(no default) empty, so every run fails with: {not_null_error(table, column)}."
            )
        else:
            severity = WARNING
            message = (
                f"{where} fills columns by position; {db_name(ctx)} gives the new column {column} {filled_with(ctx)} "
                f"without the statement saying so, and the statement breaks the day a column is added before "
                f"the last one or its value list grows."
            )
    else:
        if ctx.dialect.family == SQLITE and spec.generated:
            return None  # SQLite does not count generated (hidden) columns in a positional INSERT
        severity = BREAKING
        message = (
            f"{where} supplies one value per current column; once {column} is added {db_name(ctx)} rejects "
            f"every run with: {count_error(ctx, table)}."
        )
    fix = (
        f"Name the columns so the statement no longer depends on how many {table} has: "
        f"`{explicit_insert(ctx, fact)}`, and deploy that before adding {table}.{column}.{must_set_note(ctx)}"
    )
    return Finding(RULE.id, severity, fact.location, message, fix, fact.snippet, fact.confidence)


def check(ctx: ImpactContext) -> Iterator[Finding]:
    seen: set[Location] = set()
    for fact in ctx.table_facts(ACCESS):
        if fact.access != WRITE or fact.detail != "positional_insert" or fact.location in seen:
            continue
        if not runs_after_change(ctx, fact):
            continue
        seen.add(fact.location)
        if (finding := _finding(ctx, fact)) is not None:
            yield finding


RULE = Rule("positional-insert", BREAKING, check, __doc__)
