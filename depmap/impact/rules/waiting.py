"""Who waits while a schema operation holds its lock: the code that reads or writes the table.

Not a rule (the registry lists no module of this name): the operation rules share it so every
lock message counts the same sites the same way.
"""

from __future__ import annotations

from depmap.impact.operation_context import OperationContext
from depmap.discover import is_migration_path
from depmap.impact.scope import is_test_path


def who_waits(ctx: OperationContext, *, writes_only: bool, table: str | None = None) -> str:
    """"the 12 statements that write orders (first: app/orders.py:40) wait", or a plain phrase
    when depmap saw no such code; test code is not counted."""
    table = table or ctx.table
    sites = ctx.writers(table) if writes_only else ctx.writers(table) + ctx.readers(table)
    production = sorted({(f.location.path, f.location.line) for f in sites
                         if not is_test_path(f.location.path) and not is_migration_path(f.location.path) and f.via != "migration"})
    if not production:
        return f"all writes to {table} wait" if writes_only else f"all reads and writes of {table} wait"
    path, line = production[0]
    one = len(production) == 1
    verb = ("writes" if one else "write") if writes_only else ("reads or writes" if one else "read or write")
    return f"the {len(production)} statement{'' if one else 's'} that {verb} {table} (first: {path}:{line}) wait{'s' if one else ''}"
