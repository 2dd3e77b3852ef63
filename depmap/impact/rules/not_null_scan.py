"""Making an existing column NOT NULL reads every row while the table is locked.

*Why is this bad?* On PostgreSQL, `ALTER TABLE ... ALTER COLUMN ... SET NOT NULL` holds ACCESS
EXCLUSIVE while it scans the whole table for NULLs: every read and write waits. From PostgreSQL
12 the scan is skipped when a validated `CHECK (column IS NOT NULL)` constraint already proves
it. Django's `AlterField` from `null=True` to `null=False` and Alembic's
`alter_column(nullable=False)` emit this statement. On MySQL, `MODIFY ... NOT NULL` rebuilds the
table in place; SQLite cannot alter a column at all.

*Example*: `ALTER TABLE orders ALTER COLUMN total SET NOT NULL;`

*Use instead*: on PostgreSQL 12 or later, `ADD CONSTRAINT ... CHECK (total IS NOT NULL) NOT
VALID`, then `VALIDATE CONSTRAINT` (reads and writes go on), then `SET NOT NULL` (no scan), then
drop the CHECK. Before 12, keep the validated CHECK instead of SET NOT NULL.

References: https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-SET-DROP-NOT-NULL,
https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html#online-ddl-column-operations
"""

from __future__ import annotations

import re
from typing import Iterator

from depmap.dialects.capabilities import MYSQL, POSTGRES, SQLITE
from depmap.impact.finding import BREAKING, WARNING, Finding
from depmap.impact.operation_context import ALEMBIC, DJANGO, SQL, OperationContext, sets_not_null
from depmap.impact.rule import Rule
from depmap.impact.rules.waiting import who_waits
from depmap.model import HIGH, MEDIUM


def _proves(check: str | None, column: str) -> bool:
    return bool(check) and re.fullmatch(rf"\(?\s*[`\"]?{re.escape(column)}[`\"]?\s+IS\s+NOT\s+NULL\s*\)?", check.strip(), re.I) is not None


def _proven(ctx: OperationContext, column: str) -> bool:
    """A validated CHECK (column IS NOT NULL) exists when the SET NOT NULL runs."""
    table = ctx.before.get(ctx.table)
    if table is not None and any(c.kind == "check" and _proves(c.check, column) for c in table.constraints()):
        return True
    earlier = ctx.earlier()
    validated = {f.extra.get("name") for f in earlier if f.extra.get("operation") in ("validate constraint", "ValidateConstraint")}
    return any(f.detail == "add_constraint" and f.extra.get("constraint") == "check" and _proves(f.extra.get("check"), column)
               and (not f.extra.get("not_valid") or f.extra.get("name") in validated) for f in earlier)


def _fix(ctx: OperationContext, column: str) -> str:
    name = f"{ctx.table}_{column}_not_null"
    steps = [f"ALTER TABLE {ctx.table} ADD CONSTRAINT {name} CHECK ({column} IS NOT NULL) NOT VALID",
             f"ALTER TABLE {ctx.table} VALIDATE CONSTRAINT {name}",
             f"ALTER TABLE {ctx.table} ALTER COLUMN {column} SET NOT NULL",
             f"ALTER TABLE {ctx.table} DROP CONSTRAINT {name}"]
    version = ctx.dialect.version
    if version is not None and version < (12,):
        return (f"PostgreSQL {version[0]} scans the table for SET NOT NULL even with a CHECK: keep a validated CHECK "
                f"instead (no long lock):\n  {steps[0]};\n  {steps[1]};")
    numbered = "\n".join(f"  {n}. {sql};" for n, sql in enumerate(steps, start=1))
    where = {DJANGO: " (Django: RunSQL for 1, 3 and 4, AddConstraintNotValid/ValidateConstraint also do 1 and 2; "
                     "keep the AlterField as the state operation of 3)",
             ALEMBIC: " (Alembic: op.execute for each; step 2 may be its own revision)"}.get(ctx.framework, "")
    return (f"Prove it with a CHECK first, so SET NOT NULL needs no scan (PostgreSQL 12 or later), each in its own "
            f"transaction{where}:\n{numbered}")


def _finding(ctx: OperationContext, column: str) -> Finding | None:
    op, family = ctx.op, ctx.dialect.family
    if family == SQLITE and ctx.framework == SQL:
        return Finding(RULE.id, BREAKING, op.location,
                       f"SQLite cannot alter a column: making {ctx.table}.{column} NOT NULL this way fails.",
                       "Rebuild the table with the NOT NULL column (https://www.sqlite.org/lang_altertable.html#otheralter), "
                       "or let Alembic's batch mode do it.", op.snippet, HIGH)
    if family == MYSQL:
        return Finding(RULE.id, WARNING, op.location,
                       f"MySQL rebuilds {ctx.table} to make {column} NOT NULL (ALGORITHM=INPLACE, every row copied), "
                       "which takes longer the bigger the table, and fails if any row holds NULL.",
                       f"Backfill the NULLs in batches first; run the change with an online schema change tool (gh-ost, "
                       f"pt-online-schema-change) if {ctx.table} is large.", op.snippet, MEDIUM)
    if family != POSTGRES or _proven(ctx, column):
        return None
    return Finding(RULE.id, WARNING, op.location,
                   f"Making {ctx.table}.{column} NOT NULL holds ACCESS EXCLUSIVE on {ctx.table} while every row is "
                   f"checked for NULL: {who_waits(ctx, writes_only=False)} until the scan ends.",
                   _fix(ctx, column), op.snippet, HIGH if ctx.op.extra.get("change") else MEDIUM)


def check_operation(ctx: OperationContext) -> Iterator[Finding]:
    if ctx.is_new_table:
        return
    for column in sets_not_null(ctx):
        finding = _finding(ctx, column)
        if finding is not None:
            yield finding


RULE = Rule("not-null-scan", WARNING, lambda ctx: (), __doc__, check_operation)
