"""`INSERT ... SELECT *` copies rows by position, and the star's width just changed.

*Why is this bad?* `SELECT *` expands to every column of its source at run time; the INSERT
matches those values to the target's columns by position. When the table gaining the column is
the *source* (`INSERT INTO orders_archive SELECT * FROM orders`), the star yields one more value
per row than the target takes: every dialect rejects it (PostgreSQL "INSERT has more expressions
than target columns", MySQL "Column count doesn't match value count"), or, where the target has
a spare trailing column, the new value silently lands in it. When the table is the *target*
(`INSERT INTO orders SELECT * FROM orders_staging`), the star no longer covers the new column:
MySQL and SQLite reject the count, PostgreSQL fills the column with its default (a warning),
or fails the NOT NULL check when it has none.

Typical sites: archive and backfill jobs, Airflow tasks that move staging rows, data migrations.
Migrations that already ran before the change are left out (they never run again).

*Example*: `INSERT INTO orders_archive SELECT * FROM orders WHERE placed_at < now() - interval '1 year'`

*Use instead*: name the columns on both sides:
`INSERT INTO orders_archive (id, customer_id, status) SELECT id, customer_id, status FROM orders ...`
"""

from __future__ import annotations

from typing import Iterator

from depmap.dialects.capabilities import MYSQL, POSTGRES, SQLITE, fills_missing_values
from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, WARNING, Finding
from depmap.impact.rule import Rule
from depmap.impact.rules.positional_insert import (
    count_error,
    current_columns,
    db_name,
    filled_with,
    must_set_note,
    not_null_error,
    runs_after_change,
)
from depmap.model import ACCESS, FLOW, READ, WRITE, Fact


def _same_statement(ctx: ImpactContext, fact: Fact) -> list[Fact]:
    return [f for f in ctx.facts_at([fact.location.path]) if f.location.statement == fact.location.statement and f.snippet == fact.snippet]


def _star_flows(ctx: ImpactContext, fact: Fact) -> list[Fact]:
    """The `SELECT *` flows of the statement: source table -> extra["to"]."""
    return [f for f in _same_statement(ctx, fact) if f.kind == FLOW and f.detail == "star"]


def _listed(columns: list[str]) -> str:
    return ", ".join(columns or ["<column>", "..."])


def _too_many_error(ctx: ImpactContext, target: str | None) -> str:
    family = ctx.dialect.family
    if family == POSTGRES:
        return "INSERT has more expressions than target columns"
    if family == MYSQL:
        return "Column count doesn't match value count at row 1"
    if family == SQLITE and target:
        known = len(current_columns(ctx, target))
        if known:
            return f"table {target} has {known} columns but {known + 1} values were supplied"
    return "a column-count mismatch"


def _as_source(ctx: ImpactContext, fact: Fact) -> Iterator[Finding]:
    """The table is read by the star: the target receives one value too many."""
    spec = ctx.spec
    targets = sorted({f.extra.get("to") for f in _star_flows(ctx, fact) if f.table == spec.table and f.extra.get("to")})
    if spec.table in targets:
        return  # INSERT INTO t SELECT * FROM t: both sides gain the column
    for target in targets or [None]:
        name = target or "the target table"
        spare = (
            fills_missing_values(ctx.dialect)
            and not any(f.table == target and f.access == WRITE and f.columns for f in _same_statement(ctx, fact))
            and (target is None or len(current_columns(ctx, target)) > len(current_columns(ctx, spec.table)))
        )
        message = (
            f"INSERT INTO {name} ... SELECT * FROM {spec.table} copies {spec.table} by position; once it has "
            f"{spec.column}, the star yields one more value per row and every run fails with: "
            f"{_too_many_error(ctx, target)}."
        )
        if spare:
            spare_note = f"unless {name} has a spare column there, which then silently receives {spec.column}."
            message = f"{message[:-1]}, {spare_note}"
        listed = _listed(current_columns(ctx, spec.table))
        fix = (
            f"Name the columns on both sides, so {name} keeps receiving exactly what it receives today: "
            f"`INSERT INTO {name} ({listed}) SELECT {listed} FROM {spec.table} ...`. Add {spec.column} to both lists "
            f"only once {name} has it too."
        )
        yield Finding(RULE.id, BREAKING, fact.location, message, fix, fact.snippet, fact.confidence)


def _as_target(ctx: ImpactContext, fact: Fact) -> Iterator[Finding]:
    """The table is filled from a star: the new column is not covered any more."""
    spec = ctx.spec
    sources = sorted({f.table for f in _star_flows(ctx, fact) if f.extra.get("to") == spec.table})
    if spec.table in sources:
        return
    source = ", ".join(sources) or "the source"
    where = f"INSERT INTO {spec.table} SELECT * FROM {source}"
    if fills_missing_values(ctx.dialect):
        if spec.generated:
            return
        if spec.writers_must_set:
            severity = BREAKING
            message = (
                f"{where} fills {spec.table} by position and the star does not cover the new NOT NULL column "
                f"{spec.column} (no default), so every run fails with: {not_null_error(spec.table, spec.column)}."
            )
        else:
            severity = WARNING
            message = (
                f"{where} fills {spec.table} by position; the star does not cover {spec.column}, which silently "
                f"gets {filled_with(ctx)} in every copied row."
            )
    else:
        if ctx.dialect.family == SQLITE and spec.generated:
            return
        severity = BREAKING
        message = (
            f"{where} supplies one value per current column of {spec.table}; once {spec.column} is added "
            f"{db_name(ctx)} rejects every run with: {count_error(ctx, spec.table)}."
        )
    listed = _listed(current_columns(ctx, spec.table))
    fix = (
        f"Name the columns on both sides: `INSERT INTO {spec.table} ({listed}) SELECT {listed} FROM {source} ...`, "
        f"deploy that before adding {spec.table}.{spec.column}, and decide what the new column should hold for "
        f"copied rows.{must_set_note(ctx)}"
    )
    yield Finding(RULE.id, severity, fact.location, message, fix, fact.snippet, fact.confidence)


def check(ctx: ImpactContext) -> Iterator[Finding]:
    seen: set[tuple] = set()
    for fact in ctx.table_facts(ACCESS):
        if fact.detail != "insert_select_star" or not runs_after_change(ctx, fact):
            continue
        if fact.access == READ:
            found = _as_source(ctx, fact)
        elif fact.access == WRITE:
            found = _as_target(ctx, fact)
        else:
            continue
        for finding in found:
            key = (finding.location, finding.message)
            if key not in seen:
                seen.add(key)
                yield finding


RULE = Rule("insert-select-star", BREAKING, check, __doc__)
