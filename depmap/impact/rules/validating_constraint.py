"""Adding a foreign key or CHECK constraint checks every row while the table is locked.

*Why is this bad?* On PostgreSQL, `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY` takes a
SHARE ROW EXCLUSIVE lock on both tables and reads every row of the table to validate it: writes
to both wait until the scan ends. A CHECK constraint holds ACCESS EXCLUSIVE for the scan: reads
wait too. On MySQL, InnoDB adds a foreign key with ALGORITHM=COPY unless `foreign_key_checks`
is off: the table is copied and writes are blocked. SQLite has no `ALTER TABLE ... ADD
CONSTRAINT` at all: the statement fails.

*Example*: `ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id)
REFERENCES customers (id);`

*Use instead*: add it `NOT VALID` (a brief lock; new rows are checked from then on), then
`VALIDATE CONSTRAINT` in a separate transaction (SHARE UPDATE EXCLUSIVE: reads and writes go
on). Django: `AddConstraintNotValid` and `ValidateConstraint` (django.contrib.postgres.operations)
for a CHECK, `RunSQL` for a foreign key; Alembic: `op.execute` of both statements. On SQLite,
rebuild the table (Alembic batch mode, Django's own table rebuild).

References: https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES,
https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html#online-ddl-foreign-key-operations,
https://www.sqlite.org/lang_altertable.html
"""

from __future__ import annotations

import re
from typing import Iterator

from depmap.dialects.capabilities import MYSQL, POSTGRES, SQLITE
from depmap.impact.finding import BREAKING, WARNING, Finding
from depmap.impact.operation_context import ALEMBIC, DJANGO, SQL, OperationContext
from depmap.impact.operation_sql import constraint_body, constraint_name, described, sqlite_refuses_constraint
from depmap.impact.rule import Rule
from depmap.impact.rules.waiting import who_waits
from depmap.model import HIGH, MEDIUM


_CHECKS_OFF = re.compile(r"\bforeign_key_checks\s*=\s*(?:0|off|false)\b", re.I)


def _staged(ctx: OperationContext) -> list[str]:
    op = ctx.op
    name = constraint_name(op)
    return [f"ALTER TABLE {ctx.table} ADD CONSTRAINT {name} {constraint_body(op)} NOT VALID",
            f"ALTER TABLE {ctx.table} VALIDATE CONSTRAINT {name}"]


def _fix(ctx: OperationContext) -> str:
    add, validate = _staged(ctx)
    kind = ctx.op.extra.get("constraint")
    if ctx.framework == DJANGO and kind == "check":
        how = ("Use AddConstraintNotValid with the same constraint, then ValidateConstraint(model_name=..., "
               f"name=\"{constraint_name(ctx.op)}\") in the next migration (both in django.contrib.postgres.operations). "
               "The SQL they run:")
    elif ctx.framework == DJANGO:
        how = ("Django has no NOT VALID foreign key: run the SQL with migrations.RunSQL, keeping the model state "
               "with `state_operations=[...]` (SeparateDatabaseAndState), the VALIDATE in the next migration:")
    elif ctx.framework == ALEMBIC:
        how = "Run both with op.execute(...), the VALIDATE in the next revision (in the same transaction it would hold the first lock through the scan):"
    else:
        how = "Add it NOT VALID, then validate it in a separate transaction (the next migration):"
    return f"{how}\n  {add};\n  {validate};"


def check_operation(ctx: OperationContext) -> Iterator[Finding]:
    op = ctx.op
    kind = op.extra.get("constraint")
    if op.detail != "add_constraint" or kind not in ("foreign_key", "check") or ctx.is_new_table:
        return
    family = ctx.dialect.family
    if family == SQLITE and ctx.framework == SQL:
        yield Finding(RULE.id, BREAKING, op.location,
                      sqlite_refuses_constraint(op),
                      "Rebuild the table with the constraint (create the new table, copy the rows, drop the old one, "
                      "rename; https://www.sqlite.org/lang_altertable.html#otheralter), or let Alembic's batch mode do it.",
                      op.snippet, HIGH)
        return
    if family == MYSQL and kind == "foreign_key":
        if _CHECKS_OFF.search(ctx.text or ""):
            return
        yield Finding(RULE.id, WARNING, op.location,
                      f"MySQL adds {described(op)} with ALGORITHM=COPY while foreign_key_checks is on: {ctx.table} is "
                      f"copied row by row and {who_waits(ctx, writes_only=True)} until the copy ends.",
                      "Run it with foreign_key_checks off, which lets InnoDB add it in place (ALGORITHM=INPLACE) "
                      "without checking existing rows (check them yourself first):\n  SET foreign_key_checks = 0;\n"
                      f"  {op.snippet.rstrip(';')};\n  SET foreign_key_checks = 1;",
                      op.snippet, MEDIUM)
        return
    if family != POSTGRES or op.extra.get("not_valid"):
        return
    if kind == "foreign_key":
        target = (op.extra.get("references") or {}).get("table") or "the referenced table"
        message = (f"Adding {described(op)} locks {ctx.table} and {target} (SHARE ROW EXCLUSIVE) while every row of "
                   f"{ctx.table} is checked: {who_waits(ctx, writes_only=True)}, and so do writes to {target}.")
    else:
        message = (f"Adding {described(op)} holds an ACCESS EXCLUSIVE lock on {ctx.table} while every row is checked: "
                   f"{who_waits(ctx, writes_only=False)}.")
    yield Finding(RULE.id, WARNING, op.location, message, _fix(ctx), op.snippet, HIGH)


RULE = Rule("validating-constraint", WARNING, lambda ctx: (), __doc__, check_operation)
