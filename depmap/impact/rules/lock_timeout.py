"""The ADD COLUMN waits for an exclusive lock with no lock timeout.

*Why is this bad?* Even a metadata-only `ALTER TABLE ... ADD COLUMN` needs an exclusive lock for a
moment: ACCESS EXCLUSIVE on PostgreSQL, an exclusive metadata lock on MySQL. While it waits for a
long-running query or an idle transaction that touched the table, every new query on the table
queues behind it: a one-millisecond migration becomes an outage as long as the longest
transaction. A lock timeout makes the ALTER give up quickly instead; the migration is retried.

*Example*: a migration that runs `ALTER TABLE orders ADD COLUMN note text;` with nothing before it.

The same holds for every other operation that takes a table lock: a non-concurrent CREATE or
DROP INDEX, ADD CONSTRAINT, ALTER COLUMN, DROP COLUMN, RENAME COLUMN (one finding per migration).

*Use instead*: `SET lock_timeout = '5s';` (PostgreSQL) or `SET SESSION lock_wait_timeout = 5;`
(MySQL) at the start of the migration, and retry on timeout. SQLite has no such lock. A
`statement_timeout` is not asked for: it would also kill the long steps that are safe by design
(CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT, a batched backfill); the lock timeout is what
bounds the queue.

References: https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT,
https://dev.mysql.com/doc/refman/8.0/en/server-system-variables.html#sysvar_lock_wait_timeout,
https://dev.mysql.com/doc/refman/8.0/en/metadata-locking.html
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from depmap.dialects.capabilities import MYSQL, POSTGRES, lock_timeout_sql
from depmap.impact.context import ImpactContext
from depmap.impact.finding import WARNING, Finding
from depmap.impact.plan_sql import LOCK_TIMEOUT_MS, Names, full_add_sql
from depmap.impact.rule import Rule
from depmap.impact.rules.table_rewrite import is_new_table, migration_site
from depmap.impact.operation_context import OperationContext
from depmap.model import HIGH, MEDIUM, Fact

# The session settings that bound the wait: `SET [LOCAL|SESSION] lock_timeout`, set_config(...),
# and MySQL's lock_wait_timeout (metadata locks; innodb_lock_wait_timeout is for row locks only).
_SETTING = {POSTGRES: re.compile(r"\block_timeout\b", re.IGNORECASE),
            MYSQL: re.compile(r"(?<!innodb_)\block_wait_timeout\b", re.IGNORECASE)}
_LOCK = {POSTGRES: "an ACCESS EXCLUSIVE lock", MYSQL: "an exclusive metadata lock"}


def _migration_text(ctx: ImpactContext, path: str) -> str | None:
    """The migration's source, when the context knows the scanned root; else the facts' snippets."""
    root = getattr(ctx, "root", None)
    if root is not None:
        try:
            return (Path(root) / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    return None


def _sets_timeout(ctx: ImpactContext, path: str, pattern: re.Pattern[str]) -> bool | None:
    """True or False when depmap could read what the migration does; None when it could not."""
    if any(pattern.search(f.snippet) or pattern.search(str(f.extra.get("setting", "")))
           for f in ctx.facts_at([path])):
        return True
    text = _migration_text(ctx, path)
    return None if text is None else pattern.search(text) is not None


def _fix(ctx: ImpactContext, statement: str) -> str:
    setting = lock_timeout_sql(ctx.dialect, LOCK_TIMEOUT_MS) or ""
    framework = ctx.spec.framework or next((f for f in ("django", "alembic") if f in ctx.frameworks), "sql")
    if framework == "django":
        how = (f'make migrations.RunSQL("{setting}", migrations.RunSQL.noop) the first operation of the migration')
    elif framework == "alembic":
        how = f'call op.execute("{setting}") first in upgrade()'
    else:
        how = "put it before the ALTER TABLE"
    return (f"Bound the wait and retry on timeout: {how}:\n  {setting};\n  {statement};\nIf it times out, nothing "
            f"changed: run the migration again, and look for long transactions on {ctx.spec.table}.")


def check(ctx: ImpactContext) -> Iterator[Finding]:
    family = ctx.dialect.family
    if family not in _SETTING or is_new_table(ctx):
        return
    spec = ctx.spec
    statement = full_add_sql(Names.of(ctx))
    site = migration_site(ctx)
    confidence = HIGH
    if site is not None:
        found = _sets_timeout(ctx, site.path, _SETTING[family])
        if found:
            return
        confidence = HIGH if found is False else MEDIUM
        where = f"this migration ({site.path}) sets no lock timeout" if found is False else (
            f"depmap found no lock timeout in {site.path}")
    else:  # a proposal: the plan's first step sets the timeout; nothing to find yet
        return
    yield Finding(
        rule=RULE.id,
        severity=WARNING,
        location=site,
        message=(f"Adding {spec.table}.{spec.column} takes {_LOCK[family]} on {spec.table} and {where}: while the "
                 f"ALTER waits behind a long transaction, every query on {spec.table} queues behind the ALTER and "
                 "the application stalls."),
        fix=_fix(ctx, statement),
        snippet=statement,
        confidence=confidence,
    )


_TABLE_LOCKS = ("create_index", "drop_index", "add_constraint", "alter_column", "drop_column", "rename_column")


def _takes_table_lock(op: Fact) -> bool:
    return op.detail in _TABLE_LOCKS and not op.extra.get("concurrently")


def _runs_sql(ctx: OperationContext, op: Fact) -> bool:
    return replace(ctx, op=op).changes_the_database()


def check_operation(ctx: OperationContext) -> Iterator[Finding]:
    """One finding per migration, at its first locking operation; a migration that adds a column
    gets it from the column's own check."""
    family = ctx.dialect.family
    op = ctx.op
    if family not in _SETTING or ctx.is_new_table or not _takes_table_lock(op) or not ctx.changes_the_database():
        return
    if family == MYSQL and op.detail == "create_index":
        return  # InnoDB builds secondary indexes online; the metadata lock is brief
    if any(f.detail == "add_column" for f in ctx.migration):
        return
    if any(_takes_table_lock(f) and f.table not in ctx.created and _runs_sql(ctx, f) for f in ctx.earlier()):
        return
    text = ctx.text
    if text is None or _SETTING[family].search(text):
        return
    setting = lock_timeout_sql(ctx.dialect, LOCK_TIMEOUT_MS) or ""
    how = {"django": f'make migrations.RunSQL("{setting}", migrations.RunSQL.noop) the first operation',
           "alembic": f'call op.execute("{setting}") first in upgrade()'}.get(ctx.framework, f"put `{setting};` first")
    yield Finding(
        rule=RULE.id,
        severity=WARNING,
        location=op.location,
        message=(f"This migration ({ctx.path}) takes a table lock on {ctx.table} and sets no lock timeout: while the "
                 f"lock waits behind a long transaction, every query on {ctx.table} queues behind it."),
        fix=f"Bound the wait and retry on timeout: {how}.",
        snippet=op.snippet,
        confidence=HIGH,
    )


RULE = Rule("lock-timeout", WARNING, check, __doc__, check_operation)
