"""Adding a UNIQUE or PRIMARY KEY constraint builds its index while the table is locked.

*Why is this bad?* On PostgreSQL, `ALTER TABLE ... ADD CONSTRAINT ... UNIQUE (or PRIMARY KEY)`
builds a new unique index while holding ACCESS EXCLUSIVE on the table: every read and write
waits until the whole index is built. Django's `AddConstraint(UniqueConstraint(...))` and
Alembic's `create_unique_constraint`/`create_primary_key` emit this statement. (MySQL builds the
index online; SQLite cannot add a constraint with ALTER TABLE at all.)

*Example*: `ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);`

*Use instead*: build the unique index concurrently first, then attach it: `CREATE UNIQUE INDEX
CONCURRENTLY customers_email_key ON customers (email);` then `ALTER TABLE customers ADD
CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_key;` (a brief lock, no scan).

References: https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX
"""

from __future__ import annotations

from typing import Iterator

from depmap.dialects.capabilities import POSTGRES, SQLITE
from depmap.impact.finding import BREAKING, WARNING, Finding
from depmap.impact.operation_context import ALEMBIC, DJANGO, SQL, OperationContext, builds_on_columns
from depmap.impact.operation_sql import columns_sql, constraint_name, described, sqlite_refuses_constraint
from depmap.impact.rule import Rule
from depmap.impact.rules.waiting import who_waits
from depmap.model import HIGH, MEDIUM


def _fix(ctx: OperationContext) -> str:
    op = ctx.op
    name = constraint_name(op)
    kind = "PRIMARY KEY" if op.extra.get("constraint") == "primary_key" else "UNIQUE"
    build = f"CREATE UNIQUE INDEX CONCURRENTLY {name} ON {ctx.table} ({columns_sql(op)})"
    attach = f"ALTER TABLE {ctx.table} ADD CONSTRAINT {name} {kind} USING INDEX {name}"
    if ctx.framework == DJANGO:
        lead = ("Run the SQL with migrations.RunSQL in a migration with `atomic = False`, keeping the model state with "
                "SeparateDatabaseAndState(state_operations=[the same AddConstraint]):")
    elif ctx.framework == ALEMBIC:
        lead = "Run both with op.execute(...), the first inside `with op.get_context().autocommit_block():`:"
    else:
        lead = "Build the index concurrently (outside a transaction block), then attach it:"
    return f"{lead}\n  {build};\n  {attach};"


def _field_unique(ctx: OperationContext, column: str) -> Finding:
    """Django's AlterField to `unique=True` runs ALTER TABLE ... ADD CONSTRAINT ... UNIQUE."""
    op = ctx.op
    name = f"{ctx.table}_{column}_key"
    message = (f"{described(op, opening=True)} makes {ctx.table}.{column} unique, which Django adds with ALTER TABLE ... "
               f"ADD CONSTRAINT ... UNIQUE: a unique index is built over every row under ACCESS EXCLUSIVE, and "
               f"{who_waits(ctx, writes_only=False)} until it is built.")
    fix = ("Keep the field's state (SeparateDatabaseAndState(state_operations=[the AlterField])) and run, in a migration "
           f"with `atomic = False`:\n  CREATE UNIQUE INDEX CONCURRENTLY {name} ON {ctx.table} ({column});\n"
           f"  ALTER TABLE {ctx.table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name};")
    return Finding(RULE.id, WARNING, op.location, message, fix, op.snippet, MEDIUM)


def check_operation(ctx: OperationContext) -> Iterator[Finding]:
    op = ctx.op
    if op.detail == "alter_column" and ctx.dialect.family == POSTGRES and not ctx.is_new_table:
        for column in builds_on_columns(ctx, "unique"):
            yield _field_unique(ctx, column)
        return
    if op.detail != "add_constraint" or op.extra.get("constraint") not in ("unique", "primary_key"):
        return
    if op.extra.get("using_index") or ctx.is_new_table:
        return
    if ctx.dialect.family == SQLITE and ctx.framework == SQL:
        yield Finding(RULE.id, BREAKING, op.location,
                      sqlite_refuses_constraint(op),
                      f"Create a unique index instead, which SQLite enforces the same way:\n  "
                      f"CREATE UNIQUE INDEX {constraint_name(op)} ON {ctx.table} ({columns_sql(op)});", op.snippet, HIGH)
        return
    if ctx.dialect.family != POSTGRES:
        return
    message = (f"Adding {described(op)} builds a unique index over every row of {ctx.table} while holding ACCESS "
               f"EXCLUSIVE: {who_waits(ctx, writes_only=False)} until the index is built.")
    yield Finding(RULE.id, WARNING, op.location, message, _fix(ctx), op.snippet, HIGH)


RULE = Rule("unique-constraint-build", WARNING, lambda ctx: (), __doc__, check_operation)
