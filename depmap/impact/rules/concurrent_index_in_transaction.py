"""A concurrent index build or drop that runs inside a transaction fails.

*Why is this bad?* PostgreSQL refuses `CREATE INDEX CONCURRENTLY` and `DROP INDEX CONCURRENTLY`
inside a transaction block ("cannot run inside a transaction block"), and most migration tools
run each migration in one: Django unless the migration sets `atomic = False` (its
`AddIndexConcurrently` then raises before touching the database), Alembic on PostgreSQL unless the
statement sits in `op.get_context().autocommit_block()`, goose unless the file says
`-- +goose NO TRANSACTION`, dbmate unless it says `-- migrate:up transaction:false`, and any
file with its own `BEGIN`. The deploy stops at this migration.

*Example*: a Django migration with `AddIndexConcurrently(...)` and no `atomic = False`.

*Use instead*: take the migration out of the transaction (`atomic = False`,
`autocommit_block()`, `-- +goose NO TRANSACTION`, `transaction:false`, no BEGIN/COMMIT around
it), and keep it to this one statement so a failure leaves nothing half done.

References: https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY,
https://docs.djangoproject.com/en/stable/howto/writing-migrations/#non-atomic-migrations,
https://alembic.sqlalchemy.org/en/latest/api/runtime.html#alembic.runtime.migration.MigrationContext.autocommit_block
"""

from __future__ import annotations

import ast
import re
from typing import Iterator

from depmap.dialects.capabilities import POSTGRES
from depmap.impact.finding import BREAKING, Finding
from depmap.impact.operation_context import ALEMBIC, DJANGO, OperationContext
from depmap.impact.operation_sql import described
from depmap.impact.rule import Rule
from depmap.model import HIGH, MEDIUM

_NON_ATOMIC = re.compile(r"^\s*atomic\s*=\s*False\b", re.M)
_GOOSE = re.compile(r"^\s*--\s*\+goose\s+up\b", re.I | re.M)
_GOOSE_NO_TX = re.compile(r"^\s*--\s*\+goose\s+NO\s+TRANSACTION\b", re.I | re.M)
_DBMATE = re.compile(r"^\s*--\s*migrate:up\b(?P<options>[^\n]*)", re.I | re.M)
_TX = re.compile(r"^\s*(?P<word>BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK)\s*;", re.I | re.M)


def _alembic_outside(text: str, line: int) -> bool:
    """The line sits in a `with ....autocommit_block():` block of the revision."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return True  # unreadable: say nothing rather than guess
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and any("autocommit_block" in ast.unparse(item.context_expr) for item in node.items):
            if node.lineno <= line <= (node.end_lineno or node.lineno):
                return True
    return False


def _sql_in_transaction(text: str, line: int) -> tuple[str, str] | None:
    """Why a SQL file's statement at `line` runs in a transaction, and how to take it out."""
    if _GOOSE.search(text) and not _GOOSE_NO_TX.search(text):
        return "goose runs this file in a transaction", "add `-- +goose NO TRANSACTION` at the top of the file"
    dbmate = _DBMATE.search(text)
    if dbmate and "transaction:false" not in dbmate.group("options").replace(" ", "").lower():
        return "dbmate runs this section in a transaction", "write `-- migrate:up transaction:false`"
    offset = sum(len(part) + 1 for part in text.split("\n")[: line - 1])
    open_block = False
    for match in _TX.finditer(text, 0, offset):
        open_block = match.group("word").upper().startswith(("BEGIN", "START"))
    if open_block:
        return "the file opens a transaction with BEGIN before it", "move it after the COMMIT, into its own file"
    return None


def check_operation(ctx: OperationContext) -> Iterator[Finding]:
    op = ctx.op
    if ctx.dialect.family != POSTGRES or op.detail not in ("create_index", "drop_index") or not op.extra.get("concurrently"):
        return
    text = ctx.text
    if text is None:
        return
    line = op.location.line
    if ctx.framework == DJANGO:
        if _NON_ATOMIC.search(text):
            return
        why, fix, confidence = ("the migration is atomic (Django runs it in a transaction)",
                                "set `atomic = False` on the Migration class, and keep this operation alone in it", HIGH)
    elif ctx.framework == ALEMBIC:
        if _alembic_outside(text, line):
            return
        why, fix, confidence = ("Alembic runs the revision in a transaction on PostgreSQL",
                                "wrap it in `with op.get_context().autocommit_block():`", MEDIUM)
    else:
        found = _sql_in_transaction(text, line)
        if found is None:
            return
        (why, fix), confidence = found, HIGH
    yield Finding(RULE.id, BREAKING, op.location,
                  f"{described(op, opening=True)} runs CONCURRENTLY, which PostgreSQL refuses inside a "
                  f"transaction block, and {why}: the migration fails.",
                  f"Take it out of the transaction: {fix}.", op.snippet, confidence)


RULE = Rule("concurrent-index-in-transaction", BREAKING, lambda ctx: (), __doc__, check_operation)
