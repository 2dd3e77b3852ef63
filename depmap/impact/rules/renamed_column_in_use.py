"""Code still uses a column under the name it is losing.

*Why is this bad?* `RENAME COLUMN` is instant, and that is the problem: from that moment every
query that names the old column fails (`column "status" does not exist`), every ORM model that
maps it fails on every query, and code that reads `SELECT *` rows by name finds no such key,
while the release that knows the new name is not deployed yet. On MySQL a view that names the
column is left invalid (PostgreSQL and SQLite rewrite their views to the new name).

*Example*: `ALTER TABLE orders RENAME COLUMN status TO state;` while
`shop/repositories/orders.py` runs `SELECT id, status FROM orders`.

*Use instead*: if only the name in code should change, keep the database name: Django
`state = models.TextField(db_column="status")`, SQLAlchemy `state = mapped_column("status", Text)`.
Otherwise expand and contract: add the new column, write both, backfill, move the readers, stop
writing the old one, drop it (`depmap impact TABLE.COLUMN --rename NEW` writes the plan), or
bridge the releases with a view that exposes the old name.
"""

from __future__ import annotations

from typing import Iterator

from depmap.dialects.capabilities import MYSQL
from depmap.dialects.column_changes import missing_column_error
from depmap.impact.column_uses import NAMES, STAR, code_uses, declared, dependents, describe, excluded_by, listed_by
from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, WARNING, Finding
from depmap.impact.rule import Rule
from depmap.impact.spec import RENAME
from depmap.model import MEDIUM


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    old, new = spec.column, spec.new_name or "<new_name>"
    for use in code_uses(ctx):
        fact, where = use.fact, f"{use.location.path}:{use.location.line}"
        if use.how == NAMES and fact.via == "orm":
            yield Finding(RULE.id, WARNING, fact.location,
                          f"{use.verb.capitalize()} {spec.table}.{old} through the ORM at {where}: it names the model field, "
                          f"which keeps working if the field keeps its name (db_column=\"{new}\") and fails if it is renamed.",
                          f"Keep the field name with db_column, or rename it here in the same release.", fact.snippet, MEDIUM)
        elif use.how == NAMES:
            yield Finding(RULE.id, BREAKING, fact.location,
                          f"{use.verb.capitalize()} {spec.table}.{old} at {where}: from the rename on it fails with "
                          f"{missing_column_error(ctx.dialect, spec.table, old)}.",
                          f"Switch it to {new} in the release that follows the new column (expand/contract), or keep the "
                          "database name and rename only in code.", fact.snippet, fact.confidence)
        elif use.how == STAR:
            yield Finding(RULE.id, WARNING, fact.location,
                          f"`SELECT *` at {where} returns {old} as {new} after the rename: code that reads "
                          f"row['{old}'] or row.{old} fails.",
                          f"Select the columns it needs by name ({new} AS {old} while both releases run).", fact.snippet, MEDIUM)
    for item in declared(ctx):
        model, field = item.model, item.field
        keep = (f'`{field.name} = models.<Field>(..., db_column="{new}")` keeps the field name' if model.framework == "django"
                else f'`{field.name} = mapped_column("{new}", ...)` keeps the attribute name')
        yield Finding(RULE.id, BREAKING, item.location,
                      f"{model.class_name}.{field.name} ({field.path}:{field.line}) maps {spec.table}.{old}: {item.orm} "
                      f"names {old} in every query of {model.class_name}, which fail from the rename on.",
                      f"Point the field at the new name in the release that ships with the rename: {keep}.", "", model.fact.confidence)
    for fact in listed_by(ctx):
        yield Finding(RULE.id, WARNING, fact.location,
                      f"The {fact.detail or 'serializer'} at {fact.location.path}:{fact.location.line} lists {old}: if the model "
                      "field is renamed too, it fails to build, and its API or form field changes name for its clients.",
                      f"Keep the field name (db_column) or rename it here in the same release, with the clients.", fact.snippet, MEDIUM)
    for fact in excluded_by(ctx):
        yield Finding(RULE.id, WARNING, fact.location,
                      f"The {fact.detail or 'serializer'} at {fact.location.path}:{fact.location.line} excludes {old} by name: "
                      f"if the model field is renamed too, `exclude` no longer names it and the {fact.detail or 'serializer'} "
                      f"starts exposing the field under its new name (readable and, in a form, editable).",
                      f"Rename it in `exclude` in the same release as the field.", fact.snippet, MEDIUM)
    if ctx.dialect.family == MYSQL:
        for dependent in dependents(ctx):
            if dependent.kind == "view":
                yield Finding(RULE.id, BREAKING, dependent.location,
                              f"{describe(dependent).capitalize()} names {old}: MySQL does not update views on a rename, so "
                              "every query on it fails until it is recreated.",
                              f"Recreate {dependent.name} with {new} in the same migration.", "", "high")


RULE = Rule("renamed-column-in-use", BREAKING, check, __doc__, changes=frozenset({RENAME}))
