"""The column is already defined for the table.

*Why is this bad?* `ALTER TABLE ... ADD COLUMN` fails when the column is there (PostgreSQL:
*column "x" of relation "t" already exists*; MySQL: *Duplicate column name*), and the migration
stops half-way on databases without transactional DDL. A proposal for an existing name usually
means a typo, a stale branch, or a column someone added by hand.

*Example*: `depmap impact orders.status --type text` when `0001_initial.sql` creates
`orders.status`.

*Use instead*: pick another name, or drop the migration if the column it adds is already there.

In `depmap check`, definitions made by the change itself and by ORM models alone are ignored:
the model is expected to declare the new field in the same change.
"""

from __future__ import annotations

from typing import Iterator

from depmap.catalog import Column, Definition
from depmap.dialects.capabilities import duplicate_column_error
from depmap.impact.context import ImpactContext
from depmap.impact.finding import ERROR, Finding
from depmap.impact.rule import Rule
from depmap.model import Location

_VIA = {"orm": "ORM model", "migration": "migration", "sql": "SQL DDL", "dbt": "dbt"}


def _find(ctx: ImpactContext) -> Column | None:
    table = ctx.table
    if table is None or table.view:
        return None
    wanted = ctx.spec.column
    exact = table.columns.get(wanted)
    return exact or next((c for name, c in table.columns.items() if name.lower() == wanted.lower()), None)


def _definitions(ctx: ImpactContext, column: Column) -> list[Definition]:
    """Where the column is defined before the change; in check mode ORM-only definitions don't count."""
    found = [d for d in column.defined_at if d.path not in ctx.changed_paths]
    if ctx.spec.origin is not None or ctx.changed_paths:  # check mode
        if all(d.via == "orm" for d in found):
            return []
    return found


def _site(ctx: ImpactContext, where: Definition) -> Location:
    """The migration that adds the column again (check mode), else the existing definition."""
    return ctx.added_at or Location(where.path, where.line, where.line)


def _lookup(ctx: ImpactContext, name: str) -> str:
    table = ctx.spec.table.rsplit(".", 1)[-1]
    if ctx.dialect.family == "sqlite":
        return f"PRAGMA table_info({table})"
    return f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' AND column_name = '{name}'"


def _fix(ctx: ImpactContext, name: str, check_mode: bool) -> str:
    live = f"check the live schema: {_lookup(ctx, name)}"
    if check_mode:
        return (f"Pick another name for the new column, or drop this migration if {ctx.spec.table}.{name} is the "
                f"column you need ({live}).")
    return (f"Pick another name: {ctx.spec.table}.{name} is already there ({live}); to change its type or nullability, "
            f"write an ALTER TABLE {ctx.spec.table} ALTER COLUMN {name} migration instead.")


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    column = _find(ctx)
    if column is None:
        return
    definitions = _definitions(ctx, column)
    if not definitions:
        return
    check_mode = ctx.spec.origin is not None or bool(ctx.changed_paths)
    where = ", ".join(f"{d.path}:{d.line} ({_VIA.get(d.via, d.via)})" for d in definitions)
    kind = f" as {column.type}" if column.type else ""
    yield Finding(
        rule=RULE.id,
        severity=ERROR,
        location=_site(ctx, definitions[0]),
        message=f"{spec.table}.{column.name} already exists{kind}, defined at {where}; adding it again fails with: "
        f"{duplicate_column_error(ctx.dialect, spec.table, spec.column)}.",
        fix=_fix(ctx, column.name, check_mode),
    )


RULE = Rule("column-exists", ERROR, check, __doc__)
