"""Views, indexes and constraints depend on a column that is being dropped.

*Why is this bad?* The database keeps objects on the column. On PostgreSQL a view that selects
it (a view of `SELECT *` too: its columns were fixed when it was created) or another table's
foreign key that points at it makes the `DROP COLUMN` fail, and `CASCADE` would silently drop
the view; its indexes and constraints are dropped with it, so a multi-column index or UNIQUE
constraint that also covers other columns disappears too. SQLite refuses the DROP outright when
the column is indexed, UNIQUE, a key, or named by a view (a view's `*` is expanded when it is read,
so there the DROP succeeds and the view returns one column fewer). MySQL leaves a view that names the
column invalid until it is recreated, and refuses to drop a column a foreign key needs.

*Example*: `ALTER TABLE orders DROP COLUMN currency;` while `CREATE VIEW order_totals AS SELECT
o.* ...` selects it.

*Use instead*: in the same migration, before the DROP, recreate the views without the column
(`CREATE OR REPLACE VIEW` cannot remove a column on PostgreSQL: drop and create it), drop the
foreign keys that point at it, and recreate the multi-column indexes and constraints that should
outlive it on the remaining columns.
"""

from __future__ import annotations

from typing import Iterator

from depmap.dialects.capabilities import MYSQL, POSTGRES, SQLITE
from depmap.impact.column_uses import Dependent, dependents, describe
from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, WARNING, Finding, Related
from depmap.impact.rule import Rule
from depmap.impact.spec import DROP
from depmap.schema_objects import INDEX


def _judged(ctx: ImpactContext, dependent: Dependent) -> tuple[str, str, str]:
    """(severity, consequence, fix) of one dependent object in this dialect."""
    family, column = ctx.dialect.family, ctx.spec.column
    what = describe(dependent)
    if dependent.kind == "view":
        fix = f"Drop and recreate {dependent.name} without {column} in the migration, before the DROP COLUMN."
        if family == MYSQL:
            return BREAKING, f"{what} is left invalid: every query on it fails until it is recreated", fix
        if family == SQLITE and dependent.star:  # SQLite expands a view's * when it is read, not when it is created
            return WARNING, (f"{what} selects it through *, which SQLite expands each time the view is read: the DROP "
                             f"succeeds and the view stops returning {column}"), (
                f"Check the code that reads {dependent.name} no longer needs {column}.")
        if family == SQLITE:
            return BREAKING, f"{what} names it, so SQLite refuses the DROP COLUMN", fix
        return BREAKING, (f"{what} selects it, so the DROP COLUMN fails (cannot drop column {column} because other "
                          f"objects depend on it), and CASCADE would drop the view"), fix
    if dependent.kind == "foreign_key":
        fix = f"Drop {what} first, in the same migration, if nothing needs it any more."
        if dependent.referencing:
            return BREAKING, f"{what} points at it, so the DROP COLUMN fails without CASCADE", fix
        if family in (SQLITE, MYSQL):
            return BREAKING, f"the column is part of {what}, so the DROP COLUMN fails", fix
        return WARNING, f"{what} on it is dropped with the column", fix
    if family == SQLITE:
        return BREAKING, f"the column is in {what}, so SQLite refuses the DROP COLUMN", f"Drop {what} first, in the same migration."
    obj = dependent.obj
    others = [c for c in (obj.columns if obj is not None else []) if c != column]
    if others:
        keep = "shrinks to" if family == MYSQL and dependent.kind == INDEX else "is dropped with the column; recreate it on"
        how = f"it {keep} ({', '.join(others)})"
        unique = obj is not None and (obj.unique or dependent.kind in ("unique", "primary_key"))
        consequence = f"{what} also covers {', '.join(others)}: {how}" + (", and uniqueness changes meaning" if unique else "")
        return WARNING, consequence, f"Decide what {', '.join(others)} still need, and create that index or constraint in the same migration."
    return WARNING, f"{what} is dropped with the column", "Nothing to do unless a query still relies on it."


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    anchor = ctx.added_at
    for dependent in dependents(ctx):
        severity, consequence, fix = _judged(ctx, dependent)
        if ctx.dialect.family not in (POSTGRES, MYSQL, SQLITE) and severity == BREAKING and dependent.kind != "view":
            severity = WARNING
        related = (Related(anchor, "the DROP COLUMN"),) if anchor is not None and anchor.path else ()
        yield Finding(RULE.id, severity, dependent.location,
                      f"Dropping {spec.table}.{spec.column}: {consequence}.", fix, "", "high", related)


RULE = Rule("column-has-dependents", BREAKING, check, __doc__, changes=frozenset({DROP}))
