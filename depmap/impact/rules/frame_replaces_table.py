"""A DataFrame written with `if_exists="replace"` drops the table and makes another without the column.

*Why is this bad?* pandas `DataFrame.to_sql(name, con, if_exists="replace")` (and polars
`write_database(..., if_table_exists="replace")`) does not empty the table: it runs `DROP TABLE`
and creates a new one from the frame's columns and pandas' own type mapping. A frame built for
today's table has no new column, so at the job's next run the column is gone, with every value a
backfill or a writer put in it, and so are the table's defaults, NOT NULL and CHECK constraints,
indexes, foreign keys, grants and the views that depend on it (PostgreSQL refuses the drop while
a view depends on the table: the job fails instead). Readers of the new column then fail with
*column does not exist*.

*Example*: `totals.to_sql("order_totals", engine, if_exists="replace", index=False)` in a
nightly job, and `ALTER TABLE order_totals ADD COLUMN currency text` in a migration.

*Use instead*: keep the table and replace its rows in one transaction: `DELETE FROM order_totals`
(or `TRUNCATE`) then `to_sql(..., if_exists="append")`, with the new column added to the frame
once it exists; or let the migration own the table's definition and the job only its rows.

See: https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.to_sql.html
"""

from __future__ import annotations

from typing import Iterator

from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, Finding
from depmap.impact.rule import Rule
from depmap.impact.rules.positional_insert import runs_after_change
from depmap.model import ACCESS, FRAME_WRITER_SINKS, WRITE

_KEYWORD = {"to_sql": "if_exists", "write_database": "if_table_exists"}  # what each writer calls it


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    for fact in ctx.table_facts(ACCESS):
        sink = fact.extra.get("sink")
        if fact.access != WRITE or sink not in FRAME_WRITER_SINKS or fact.extra.get("if_exists") != "replace":
            continue
        if not runs_after_change(ctx, fact):
            continue
        where = f"{fact.location.path}:{fact.location.line}"
        keyword = _KEYWORD.get(sink, "if_exists")
        yield Finding(
            rule=RULE.id,
            severity=BREAKING,
            location=fact.location,
            message=(
                f'`{sink}("{spec.table}", ..., {keyword}="replace")` at {where} drops {spec.table} and creates it again '
                f"from the frame's columns: at its next run {spec.column} is gone, with its values, and so are the "
                f"table's defaults, constraints and indexes; readers of {spec.column} then fail with: column "
                f'"{spec.column}" does not exist.'
            ),
            fix=(
                f'Replace the rows, not the table: in one transaction `DELETE FROM {spec.table}` (or TRUNCATE), then '
                f'`{sink}("{spec.table}", ..., {keyword}="append")`; add {spec.column} to the frame once the column '
                "exists. Deploy that before adding the column."
            ),
            snippet=fact.snippet,
            confidence=fact.confidence,
        )


RULE = Rule("frame-replaces-table", BREAKING, check, __doc__)
