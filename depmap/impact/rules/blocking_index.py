"""Building or dropping an index without CONCURRENTLY blocks every write to the table.

*Why is this bad?* On PostgreSQL, `CREATE INDEX` takes a SHARE lock on the table for the whole
build: reads go on, but every INSERT, UPDATE and DELETE waits until the index is complete, which
takes longer the bigger the table. `DROP INDEX` takes ACCESS EXCLUSIVE: reads wait too. Django's
`AddIndex`/`RemoveIndex` and Alembic's `create_index`/`drop_index` emit exactly these statements.
(MySQL's InnoDB builds secondary indexes online, and SQLite has one writer anyway: this rule is
about PostgreSQL.)

*Example*: `CREATE INDEX orders_customer_idx ON orders (customer_id);`

*Use instead*: `CREATE INDEX CONCURRENTLY` (and `DROP INDEX CONCURRENTLY`), outside a
transaction: Django's `AddIndexConcurrently`/`RemoveIndexConcurrently` in a migration with
`atomic = False`, Alembic's `postgresql_concurrently=True` inside
`with op.get_context().autocommit_block():`. A concurrent build that fails leaves an INVALID
index behind: drop it and run the migration again.

References: https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY,
https://docs.djangoproject.com/en/stable/ref/contrib/postgres/operations/#concurrent-index-operations
"""

from __future__ import annotations

from typing import Iterator

from depmap.dialects.capabilities import POSTGRES
from depmap.impact.finding import WARNING, Finding
from depmap.impact.operation_context import ALEMBIC, DJANGO, OperationContext, builds_on_columns
from depmap.impact.operation_sql import constraint_name, described, index_sql
from depmap.impact.rule import Rule
from depmap.impact.rules.waiting import who_waits
from depmap.model import HIGH, MEDIUM


def _fix(ctx: OperationContext) -> str:
    op = ctx.op
    name = constraint_name(op)
    if op.detail == "drop_index":
        if ctx.framework == DJANGO:
            return (f"Use RemoveIndexConcurrently(model_name=..., name=\"{name}\") from "
                    "django.contrib.postgres.operations, and set `atomic = False` on the migration.")
        if ctx.framework == ALEMBIC:
            return ("Drop it concurrently, outside the migration's transaction:\n"
                    "  with op.get_context().autocommit_block():\n"
                    f"      op.drop_index(\"{name}\", table_name=\"{ctx.table}\", postgresql_concurrently=True)")
        return f"Drop it concurrently, outside a transaction block:\n  DROP INDEX CONCURRENTLY {name};"
    if ctx.framework == DJANGO:
        return ("Use AddIndexConcurrently (django.contrib.postgres.operations) with the same index, and set "
                "`atomic = False` on the migration (a concurrent build cannot run in a transaction).")
    if ctx.framework == ALEMBIC:
        return ("Build it concurrently, outside the migration's transaction:\n"
                "  with op.get_context().autocommit_block():\n"
                f"      op.create_index(\"{name}\", \"{ctx.table}\", [{', '.join(repr(c) for c in op.columns)}], "
                f"{'unique=True, ' if op.extra.get('unique') else ''}postgresql_concurrently=True)")
    return (f"Build it concurrently, outside a transaction block:\n  {index_sql(op, concurrently=True)};\n"
            "If it fails, it leaves an INVALID index: drop it and run the migration again.")


def _field_index(ctx: OperationContext, column: str) -> Finding:
    """Django's AlterField that gives a column `db_index=True` (or makes it a ForeignKey) runs a
    plain CREATE INDEX (and a `_like` one for text on PostgreSQL)."""
    op = ctx.op
    message = (f"{described(op, opening=True)} gives {ctx.table}.{column} an index, which Django builds with a plain "
               f"CREATE INDEX: a SHARE lock on {ctx.table} until it is complete, and {who_waits(ctx, writes_only=True)}.")
    fix = ("Keep the field's state and build the index apart: SeparateDatabaseAndState(state_operations=[the AlterField], "
           "database_operations=[AddIndexConcurrently(...)]) in a migration with `atomic = False`, or RunSQL of:\n"
           f"  CREATE INDEX CONCURRENTLY {ctx.table}_{column}_idx ON {ctx.table} ({column});")
    return Finding(RULE.id, WARNING, op.location, message, fix, op.snippet, MEDIUM)


def check_operation(ctx: OperationContext) -> Iterator[Finding]:
    op = ctx.op
    if ctx.dialect.family != POSTGRES or ctx.is_new_table:
        return
    if op.detail == "alter_column":
        for column in builds_on_columns(ctx, "index"):
            yield _field_index(ctx, column)
        return
    if op.detail not in ("create_index", "drop_index") or op.extra.get("concurrently"):
        return
    if op.detail == "create_index":
        message = (f"Building {described(op)} takes a SHARE lock on {ctx.table} until the index is complete: "
                   f"{who_waits(ctx, writes_only=True)}, longer the bigger the table.")
    else:
        message = (f"{described(op, opening=True)} takes an ACCESS EXCLUSIVE lock on {ctx.table}: "
                   f"{who_waits(ctx, writes_only=False)} until it ends.")
    yield Finding(RULE.id, WARNING, op.location, message, _fix(ctx), op.snippet, HIGH)


RULE = Rule("blocking-index", WARNING, lambda ctx: (), __doc__, check_operation)
