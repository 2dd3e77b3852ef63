"""A bulk load or unload without a column list moves every column of the table by position.

*Why is this bad?* `COPY orders FROM STDIN`, psycopg2 `cursor.copy_from(f, "orders")`,
asyncpg `copy_records_to_table("orders", records=rows)` and MySQL `LOAD DATA INFILE ... INTO
TABLE orders` expect one field per table column. The files and generators feeding them were
written for today's table, so once a column is added every load fails ("missing data for column
\"discount_code\"" in PostgreSQL; MySQL warns and, in strict mode, rejects short rows). The other
direction, `COPY orders TO ...` or `COPY (SELECT * FROM orders) TO ...` (psycopg2 `copy_to`,
asyncpg `copy_from_table`), keeps working but its file gains a column: whatever reads that file
by position (another loader, a spreadsheet macro, a partner's import) sees it shift.

Not reported: pandas `DataFrame.to_sql(..., if_exists="append")`, which inserts with an explicit
list of the frame's columns (the new column is simply omitted and gets its default; a NOT NULL
column without one is `not-null-without-default`'s finding); PostgreSQL generated columns, which
COPY leaves out when no list is given; migrations that already ran before the change.

*Example*: `cur.copy_expert("COPY orders FROM STDIN WITH (FORMAT csv)", f)`

*Use instead*: `cur.copy_expert("COPY orders (id, customer_id, status) FROM STDIN WITH (FORMAT csv)", f)`
or `cur.copy_from(f, "orders", columns=("id", "customer_id", "status"))`.

See: https://www.postgresql.org/docs/current/sql-copy.html,
https://dev.mysql.com/doc/refman/8.0/en/load-data.html.
"""

from __future__ import annotations

from typing import Iterator

from depmap.dialects.capabilities import MYSQL, POSTGRES
from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, WARNING, Finding
from depmap.impact.rule import Rule
from depmap.impact.rules.positional_insert import current_columns, runs_after_change
from depmap.model import ACCESS, READ, WRITE, Fact

# Table sinks (depmap.frameworks.sql_in_python.recognize.TABLE_SINKS) that load or unload a table; their fix names
# the `columns=` argument instead of SQL. psycopg2 takes (file, table), asyncpg the table first.
_PSYCOPG = frozenset({"copy_from", "copy_to"})
_ASYNCPG = frozenset({"copy_to_table", "copy_records_to_table", "copy_from_table"})


def is_copy(fact: Fact) -> bool:
    """A COPY statement or a driver's bulk load/unload call: this rule's sites (select-star leaves
    `COPY t TO` exports to it, so each export is reported once)."""
    return fact.extra.get("statement") == "copy" or fact.extra.get("sink") in _PSYCOPG | _ASYNCPG


def _python_form(sink: str, table: str, columns: list[str]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    if sink in _PSYCOPG:
        return f'`{sink}(..., "{table}", columns=({names}))`'
    return f'`{sink}("{table}", ..., columns=[{names}])`'


def _listed(ctx: ImpactContext) -> list[str]:
    return current_columns(ctx, ctx.spec.table) or ["<column>", "..."]


def _load_fix(ctx: ImpactContext, fact: Fact) -> str:
    spec = ctx.spec
    columns = _listed(ctx)
    sink = fact.extra.get("sink")
    if sink in _PSYCOPG | _ASYNCPG:
        form = _python_form(sink, spec.table, columns)
    elif fact.extra.get("loader") == "load_data":
        form = f"`LOAD DATA INFILE '...' INTO TABLE {spec.table} ... ({', '.join(columns)})`"
    else:
        form = f"`COPY {spec.table} ({', '.join(columns)}) FROM ...`"
    return (
        f"Name the columns the file carries, so the load keeps working once {spec.table} has {spec.column}: {form}. "
        f"Deploy this before adding the column; add {spec.column} to the list when the files start carrying it."
    )


def _load(ctx: ImpactContext, fact: Fact) -> Finding:
    spec = ctx.spec
    if (ctx.dialect.family == MYSQL or fact.extra.get("loader") == "load_data") and spec.position:
        consequence = f"with the column placed {spec.position}, every field after it lands in the wrong column"
    elif ctx.dialect.family == MYSQL or fact.extra.get("loader") == "load_data":
        consequence = (
            "in strict mode MySQL rejects the rows with: Row 1 doesn't contain data for all columns (with LOCAL, "
            f"IGNORE or strict mode off it loads them and leaves {spec.column} at its default)"
        )
    elif fact.extra.get("sink") == "copy_records_to_table":  # a binary COPY: counted per row
        known = len(current_columns(ctx, spec.table))
        counts = f"{known}, expected {known + 1}" if known else "N, expected N+1"
        consequence = f"every load fails with: row field count is {counts}"
    elif ctx.dialect.family == POSTGRES or ctx.dialect.family is None:
        consequence = f'every load fails with: missing data for column "{spec.column}"'
    else:
        consequence = "every load fails with a column-count mismatch"
    message = (
        f"This bulk load into {spec.table} has no column list, so it expects one field per table column; "
        f"the files and rows written for today's table do not carry {spec.column}, and {consequence}."
    )
    return Finding(RULE.id, BREAKING, fact.location, message, _load_fix(ctx, fact), fact.snippet, fact.confidence)


def _unload(ctx: ImpactContext, fact: Fact) -> Finding:
    spec = ctx.spec
    message = (
        f"This export of {spec.table} has no column list, so its output gains {spec.column}; whatever reads the "
        f"file by position (a loader, a spreadsheet, a partner's import) sees the columns shift."
    )
    sink = fact.extra.get("sink")
    if sink in _PSYCOPG | _ASYNCPG:
        form = _python_form(sink, spec.table, _listed(ctx))
    else:
        form = f"`COPY (SELECT {', '.join(_listed(ctx))} FROM {spec.table} ...) TO ...`"
    fix = f"Export the columns the consumers expect: {form}; add {spec.column} once they can read it."
    return Finding(RULE.id, WARNING, fact.location, message, fix, fact.snippet, fact.confidence)


def check(ctx: ImpactContext) -> Iterator[Finding]:
    seen: set = set()
    generated_skipped = ctx.spec.generated is not None and ctx.dialect.family == POSTGRES
    for fact in ctx.table_facts(ACCESS):
        if fact.location in seen or not is_copy(fact) or fact.extra.get("dynamic") or not runs_after_change(ctx, fact):
            continue
        if fact.access == WRITE and fact.detail == "copy" and not fact.columns:
            finding = _load(ctx, fact)
        elif fact.access == READ and fact.detail == "select_star":
            finding = _unload(ctx, fact)
        else:
            continue
        if generated_skipped:
            continue  # COPY without a list leaves PostgreSQL generated columns out, both ways
        seen.add(fact.location)
        yield finding


RULE = Rule("copy-without-columns", BREAKING, check, __doc__)
