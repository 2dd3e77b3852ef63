"""Changing the column's type rewrites the table while it is locked.

*Why is this bad?* Most type changes rewrite every row: PostgreSQL holds ACCESS EXCLUSIVE for the
whole rewrite and rebuilds the table's indexes (no read or write of the table meanwhile), MySQL
copies the table (ALGORITHM=COPY) and blocks writes, and SQLite has no ALTER COLUMN at all (the
table is rebuilt). Only some changes are metadata-only: on PostgreSQL `varchar(n)` to a longer
`varchar` or to `text`, and `numeric(p,s)` to a larger precision with the same scale; on MySQL a
longer VARCHAR whose length prefix keeps its size.

*Example*: `ALTER TABLE orders ALTER COLUMN total_cents TYPE bigint;` on a large table.

*Use instead*: for a large table, add a column of the new type, write both, backfill in batches,
then swap the columns in one short transaction (the plan of `depmap impact TABLE.COLUMN
--set-type T`); for a small one, run the ALTER with a lock timeout.
"""

from __future__ import annotations

from typing import Iterator

from depmap.dialects.column_changes import SqlType, type_change_cost
from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, NEW_MIGRATION, WARNING, Finding, proposal_context
from depmap.impact.rule import Rule
from depmap.impact.spec import SET_TYPE


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    old, new = SqlType.of(spec.old_type or "<type>"), SqlType.of(spec.type or "<type>")
    cost = type_change_cost(ctx.dialect, spec.table, spec.column, old, new)
    if not cost.rewrites:
        return
    where = ctx.added_at or NEW_MIGRATION
    plain_sql = spec.framework == "sql"
    severity = BREAKING if cost.unsupported and plain_sql else WARNING
    fix = ("Rebuild the table (or use Alembic's batch mode / Django's SQLite schema editor, which do)." if cost.unsupported else
           f"If {spec.table} is large: add {spec.column}_new of the new type, write both, backfill in batches, then swap the "
           "columns in one short transaction; for a small one, set a lock timeout and retry.")
    yield Finding(RULE.id, severity, where, " ".join(cost.reasons), fix,
                  related=proposal_context(ctx.anchor) if where is NEW_MIGRATION else ())


RULE = Rule("column-type-rewrite", WARNING, check, __doc__, changes=frozenset({SET_TYPE}))
