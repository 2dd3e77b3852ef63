"""The staged plan for changing an existing column: drop it, rename it, or give it another type.

Drop: stop writing → deploy → stop reading and remove it from the ORM → deploy → drop it, each
release running only against a schema it understands (the column leaves the code before it leaves
the database). Rename and a rewriting type change: expand/contract, since a RENAME or a rewrite
changes what every running query sees at once: add the new column, write both, backfill, move
the readers, stop writing the old one, drop it. A type change the engine makes in place (see
`depmap.dialects.column_changes`) is one ALTER under a lock timeout, then the code.
"""

from __future__ import annotations

import re
from dataclasses import replace

from depmap.dialects.capabilities import MYSQL, POSTGRES, SQLITE, quote_identifier
from depmap.dialects.column_changes import (ALONE, CONVERSION, SHARED, NARROWING, SqlType, drop_cost, rename_cost, type_change_cost,
                                            type_direction)
from depmap.impact.column_uses import Use, code_uses, declared, dependents, describe, existing_column, listed_by
from depmap.impact.context import ImpactContext
from depmap.impact.finding import Finding
from depmap.impact.plan import Step, _split_tests, _tests_note, _unique_sites
from depmap.impact.plan_sql import BATCH_SIZE, Names, Statement, backfill_sql, lock_statements
from depmap.impact.spec import DROP, RENAME
from depmap.model import READ, Location


def build_change_plan(ctx: ImpactContext, findings: list[Finding]) -> list[Step]:
    """The steps for ctx.spec (a drop, rename or type change); `findings` are reported beside it."""
    names = Names.of(ctx)
    if ctx.spec.change == DROP:
        drafts = _drop(ctx, names)
    elif ctx.spec.change == RENAME:
        drafts = _rename(ctx, names)
    else:
        drafts = _set_type(ctx, names)
    steps = []
    for number, (name, title, description, statements, sites, code) in enumerate(drafts, start=1):
        sites, in_tests = _split_tests(sites)
        description = description + _tests_note(in_tests, "use", f"{ctx.spec.table}.{ctx.spec.column}", "who-reads")
        steps.append(Step(number, name, title, " ".join(description), tuple(s.sql for s in statements),
                          tuple(_unique_sites(sites)), tuple(code)))
    return steps


Draft = tuple[str, str, list[str], list[Statement], list[Location], list[tuple[str, str]]]


def _sites(uses: list[Use], access: str | None = None) -> list[Location]:
    return [u.location for u in uses if access is None or (u.fact.access == READ) == (access == READ)]


def _orm_sites(ctx: ImpactContext) -> list[Location]:
    return [d.location for d in declared(ctx)] + [f.location for f in listed_by(ctx)]


def _lock_note(ctx: ImpactContext) -> str:
    if ctx.dialect.family == POSTGRES:
        return "lock_timeout makes it give up after 5 seconds instead of queueing every query behind it; retry if it times out."
    if ctx.dialect.family == MYSQL:
        return "lock_wait_timeout makes it give up after 5 seconds instead of queueing every query behind it; retry if it times out."
    if ctx.dialect.family == SQLITE:
        return "Set busy_timeout on the connection (PRAGMA busy_timeout = 5000) so the migration waits for other writers."
    return ""


def _model_name(ctx: ImpactContext) -> tuple[str, str]:
    """(app label, model name as Django's migration state writes it)."""
    models = [d.model for d in declared(ctx) if d.model.framework == "django"] or [m for m in ctx.models() if m.framework == "django"]
    if not models:
        return "<app>", ctx.spec.table.rsplit(".", 1)[-1]
    return ctx.registry.app_label(models[0]), models[0].class_name.lower()


def _field_name(ctx: ImpactContext) -> str:
    found = declared(ctx)
    return found[0].field.name if found else ctx.spec.column


def _migration_code(ctx: ImpactContext, statements: list[Statement], state: str | None) -> list[tuple[str, str]]:
    """Django (RunSQL, with `state` as the state operation) and Alembic code for DDL statements."""
    code: list[tuple[str, str]] = []
    sql = [s.sql for s in statements]
    if "django" in ctx.frameworks:
        runs = "\n".join(f'        migrations.RunSQL("{s}", migrations.RunSQL.noop),' for s in sql)
        if state:
            body = (f"    operations = [\n        migrations.SeparateDatabaseAndState(\n            database_operations=[\n"
                    + "\n".join(f'                migrations.RunSQL("{s}", migrations.RunSQL.noop),' for s in sql)
                    + f"\n            ],\n            state_operations=[{state}],\n        ),\n    ]")
        else:
            body = f"    operations = [\n{runs}\n    ]"
        code.append(("django", f"class Migration(migrations.Migration):\n{body}"))
    if "alembic" in ctx.frameworks:
        code.append(("alembic", "def upgrade() -> None:\n" + "\n".join(f'    op.execute("{s}")' for s in sql)))
    return code


# -- drop -----------------------------------------------------------------------------------------


def _drop(ctx: ImpactContext, names: Names) -> list[Draft]:
    spec, uses = ctx.spec, code_uses(ctx)
    drafts: list[Draft] = []
    writers = _sites(uses, "write")
    if writers:
        drafts.append(("stop-writing", "Stop writing the column", [
            f"Deploy code that no longer writes {spec.column}: remove it from these INSERTs and UPDATEs, and give "
            "INSERTs without a column list one.", *_required_note(ctx)], [], writers, []))
    readers = _sites(uses, READ) + _orm_sites(ctx)
    if readers:
        description = [f"Deploy code that no longer reads {spec.column}: remove it from these queries, serializers and "
                       "forms, and from the ORM model."]
        for item in declared(ctx):
            model, field = item.model, item.field
            if model.framework == "django":
                app, lowered = _model_name(ctx)
                description.append(
                    f"Delete {model.class_name}.{field.name} ({field.path}:{field.line}); in the migration makemigrations "
                    f"writes, put the RemoveField under `state_operations` of `migrations.SeparateDatabaseAndState` "
                    f"(`migrations.RemoveField(model_name=\"{lowered}\", name=\"{field.name}\")`) so Django forgets the "
                    "field without dropping the column yet.")
            else:
                description.append(
                    f"Delete {model.class_name}.{field.name} ({field.path}:{field.line}); if code still has to move off it "
                    f"over several releases, make it `deferred(...)` first so queries stop loading it.")
        drafts.append(("stop-reading", "Stop reading it and remove it from the ORM", description, [], readers, []))
    drafts.append(_drop_step(ctx, names))
    return drafts


def _required_note(ctx: ImpactContext) -> list[str]:
    column = existing_column(ctx)
    if column is None or column.nullable is not False or column.default is not None:
        return []
    names = Names.of(ctx)
    how = (f"ALTER TABLE {names.table} MODIFY {names.column} <type> NULL" if ctx.dialect.family == MYSQL
           else f"ALTER TABLE {names.table} ALTER COLUMN {names.column} DROP NOT NULL")
    return [f"{ctx.spec.column} is NOT NULL without a default: before this release, drop the NOT NULL (`{how}`) so "
            "inserts that leave it out succeed."]


def indexed(ctx: ImpactContext) -> str | None:
    """SHARED when an index names the column and others (MariaDB/MySQL shrink it on a DROP, which
    rebuilds), ALONE when one names it alone, else None."""
    sizes = [len(d.obj.columns) for d in dependents(ctx) if d.kind in ("index", "unique") and d.obj is not None]
    return SHARED if any(size > 1 for size in sizes) else ALONE if sizes else None


def _drop_step(ctx: ImpactContext, names: Names) -> Draft:
    spec, dialect = ctx.spec, ctx.dialect
    cost = drop_cost(dialect, spec.table, indexed(ctx))
    first = ("Once the release without the code above is the only one running, drop" if code_uses(ctx) or declared(ctx)
             or listed_by(ctx) else "No code uses it: once no running release does either, drop")
    description = [f"{first} {spec.table}.{spec.column} in a migration of its own.", *cost.reasons, _lock_note(ctx)]
    statements = list(lock_statements(dialect))
    views = [d for d in dependents(ctx) if d.kind == "view"]
    if views:
        listed = ", ".join(describe(d) for d in views)
        description.append(f"First drop and recreate without {spec.column} {listed}: "
                           + ("on PostgreSQL they block the DROP." if dialect.family == POSTGRES else "they name the column."))
        statements += [Statement(f"DROP VIEW {quote_identifier(dialect, d.name)}") for d in views]
    if cost.unsupported:
        statements.append(Statement(f"-- rebuild {names.table} without {names.column} "
                                    "(https://www.sqlite.org/lang_altertable.html#otheralter)"))
    else:
        statements.append(Statement(f"ALTER TABLE {names.table} DROP COLUMN {names.column}"))
    if views:
        statements += [Statement(f"CREATE VIEW {quote_identifier(dialect, d.name)} AS <its definition without {spec.column}>")
                       for d in views]
    app, lowered = _model_name(ctx)
    state = f'migrations.RemoveField(model_name="{lowered}", name="{_field_name(ctx)}")' if declared(ctx) else None
    code = _migration_code(ctx, [s for s in statements if not s.sql.startswith(("SET ", "CREATE VIEW", "--"))], state)
    sites = [d.location for d in dependents(ctx)]
    return ("drop", "Drop the column", [d for d in description if d], statements, sites, code)


# -- rename ---------------------------------------------------------------------------------------


def _renamed(names: Names, new_name: str) -> Names:
    return replace(names, spec=replace(names.spec, column=new_name), column=quote_identifier(names.dialect, new_name))


def _column_type(ctx: ImpactContext) -> str:
    from depmap.impact.plan_sql import sql_type

    column = existing_column(ctx)
    if column is None:
        return "<type>"
    return sql_type(ctx.dialect, current_sql_type(ctx, column.type, column.extra.get("size")))


def current_sql_type(ctx: ImpactContext, written: str | None, size: dict | None = None) -> str | None:
    """The catalog's type as SQL: SQLAlchemy (`String(length=32)`) and Django types (with the
    `max_length` its migration gave) converted."""
    if not written:
        return None
    from depmap.impact.migration_types import django_type, sqlalchemy_type

    if written.endswith("Field"):
        return django_type(written, {k: str(v) for k, v in (size or {}).items()}, ctx.dialect) or written
    if written[:1].isupper() and not written.isupper():
        return sqlalchemy_type(written, ctx.dialect) or written
    return written


def _rename(ctx: ImpactContext, names: Names) -> list[Draft]:
    spec, dialect, uses = ctx.spec, ctx.dialect, code_uses(ctx)
    new = _renamed(names, spec.new_name or "<new_name>")
    kind = _column_type(ctx)
    old_q, new_q = names.column, new.column
    alternative = [f"If only the name in code should change, change no table: Django "
                   f"`{spec.new_name} = models.<Field>(..., db_column=\"{spec.column}\")`, SQLAlchemy "
                   f"`{spec.new_name} = mapped_column(\"{spec.column}\", ...)` keep the database name.",
                   f"A single RENAME COLUMN breaks every running query that names {spec.column} at that moment; "
                   "the steps below keep old and new code working throughout (or bridge with a view that exposes the old name)."]
    alternative += list(rename_cost(dialect, spec.table).reasons)
    if "django" in ctx.frameworks:
        alternative.append(f"With Django, make each schema step a model change and let makemigrations write it: the new "
                           f"field null=True here, the old field's removal in the contract step.")
    drafts: list[Draft] = [
        ("expand", "Expand: add the new column", alternative + [f"Add {spec.new_name} with the type of {spec.column}.", _lock_note(ctx)],
         lock_statements(dialect) + [Statement(f"ALTER TABLE {names.table} ADD COLUMN {new_q} {kind}",
                                               f"ALTER TABLE {names.table} DROP COLUMN {new_q}")], [], []),
        ("dual-write", "Write both columns", [f"Deploy code that writes {spec.new_name} wherever it writes {spec.column}."],
         [], _sites(uses, "write"), []),
        ("backfill", "Backfill the new column in batches",
         [f"Copy {spec.column} into {spec.new_name} in batches of {BATCH_SIZE} by {names.pk}, each in its own transaction, "
          "walking the key: start with :last_id below every key, give each :batch_end to the next batch, stop when the "
          "first statement returns NULL."],
         _copy_batch(names, new, old_q), [], []),
        ("switch-readers", "Move the readers to the new column",
         [f"Deploy code that reads {spec.new_name} instead of {spec.column}: these queries, the ORM field "
          "and the serializers and forms that list it."], [], _sites(uses, READ) + _orm_sites(ctx), []),
        ("contract", "Contract: stop writing and drop the old column",
         [f"Deploy code that writes only {spec.new_name}; then drop {spec.column} in a migration of its own.",
          *drop_cost(dialect, spec.table, indexed(ctx)).reasons, *_views_note(ctx)],
         lock_statements(dialect) + _around_views(ctx, [Statement(f"ALTER TABLE {names.table} DROP COLUMN {old_q}")],
                                                  f"its definition with {spec.new_name} for {spec.column}"), [], []),
    ]
    return [(name, title, [d for d in description if d], statements, sites, _ddl_code(ctx, statements))
            for name, title, description, statements, sites, _ in drafts]


def _blocking_views(ctx: ImpactContext) -> list:
    """PostgreSQL's views over the old column: they block its DROP in the contract step."""
    return [d for d in dependents(ctx) if d.kind == "view"] if ctx.dialect.family == POSTGRES else []


def _views_note(ctx: ImpactContext) -> list[str]:
    views = _blocking_views(ctx)
    if not views:
        return []
    return [f"First drop {', '.join(describe(d) for d in views)} and create it again afterwards: on PostgreSQL a view "
            f"over {ctx.spec.column} blocks this ALTER."]


def _around_views(ctx: ImpactContext, statements: list[Statement], definition: str) -> list[Statement]:
    views = _blocking_views(ctx)
    drop = [Statement(f"DROP VIEW {quote_identifier(ctx.dialect, d.name)}") for d in views]
    create = [Statement(f"CREATE VIEW {quote_identifier(ctx.dialect, d.name)} AS <{definition}>") for d in views]
    return drop + statements + create


def _ddl_code(ctx: ImpactContext, statements: list[Statement]) -> list[tuple[str, str]]:
    """Migration code for a step's ALTER statements (the lock timeout and a batched UPDATE are not
    one-shot migration operations)."""
    ddl = [s for s in statements if s.sql.startswith("ALTER ")]
    return [(tool, code) for tool, code in _migration_code(ctx, ddl, None) if tool != "django"] if ddl else []


def _copy_batch(names: Names, target: Names, value: str) -> list[Statement]:
    """The copy into the new column, one batch walking the key (plan_sql.backfill_sql)."""
    missing = f"{target.column} IS NULL AND {names.column} IS NOT NULL"
    return [Statement(sql) for sql in backfill_sql(names, value, column=target.column, missing=missing)]


# -- type change ----------------------------------------------------------------------------------


def alter_type_sql(names: Names, new_type: str, not_null: bool, *, convert: bool = False, default: str | None = None) -> str:
    """The ALTER of the type; PostgreSQL's USING only for a conversion between kinds of type (a
    USING that is not a plain relabel makes PostgreSQL rewrite even a binary-compatible change).
    MySQL's MODIFY restates the whole column: what it leaves out (NOT NULL, the DEFAULT) is gone
    afterwards, so both are written again."""
    if names.dialect.family == MYSQL:
        kept = (" NOT NULL" if not_null else "") + (f" DEFAULT {default}" if default and _SQL_LITERAL.fullmatch(default) else "")
        return f"ALTER TABLE {names.table} MODIFY {names.column} {new_type}{kept}"
    using = f" USING {names.column}::{new_type}" if names.dialect.family == POSTGRES and convert else ""
    return f"ALTER TABLE {names.table} ALTER COLUMN {names.column} TYPE {new_type}{using}"


# A default the catalog read as SQL (a number, a string, CURRENT_TIMESTAMP), not an ORM's Python default.
_SQL_LITERAL = re.compile(r"-?\d+(\.\d+)?|'(?:[^']|'')*'|CURRENT_TIMESTAMP(\(\d*\))?|NULL|TRUE|FALSE", re.I)


def fit_check_sql(names: Names, old: SqlType, new: SqlType) -> str | None:
    """A query that counts the rows whose value the new type would reject (narrowing)."""
    t, c = names.table, names.column
    if old.family == "text" and new.family == "text" and new.args:
        length = "char_length" if names.dialect.family != SQLITE else "length"
        return f"SELECT count(*) FROM {t} WHERE {length}({c}) > {new.args[0]}"
    bounds = {2: 32767, 4: 2147483647}
    if old.family == "integer" and new.family == "integer" and new.args and new.args[0] in bounds:
        limit = bounds[new.args[0]]
        return f"SELECT count(*) FROM {t} WHERE {c} NOT BETWEEN {-limit - 1} AND {limit}"
    if old.family == "text" and new.family == "integer" and names.dialect.family == POSTGRES:
        return f"SELECT count(*) FROM {t} WHERE {c} !~ '^\\s*-?[0-9]+\\s*$'"
    return None


def _set_type(ctx: ImpactContext, names: Names) -> list[Draft]:
    spec, dialect, uses = ctx.spec, ctx.dialect, code_uses(ctx)
    old, new = SqlType.of(spec.old_type or "<type>"), SqlType.of(spec.type or "<type>")
    direction = type_direction(old, new)
    cost = type_change_cost(dialect, spec.table, spec.column, old, new)
    column = existing_column(ctx)
    not_null = column is not None and column.nullable is False
    default = column.default if column is not None else None
    drafts: list[Draft] = []
    check = fit_check_sql(names, old, new) if direction in (NARROWING, CONVERSION) else None
    if direction in (NARROWING, CONVERSION):
        drafts.append(("check-data", "Check that every value fits the new type",
                       [f"{old.written} to {new.written} is a {direction}: the ALTER fails (or, on MySQL outside strict "
                        "mode, truncates) if any row holds a value the new type rejects. Fix those rows first.",
                        f"Writers that may still write such values are listed: make them fit {new.written} before the change."],
                       [Statement(check)] if check else [], _sites(uses, "write"), []))
    if cost.unsupported:
        code = [("alembic", f'with op.batch_alter_table("{spec.table}") as batch_op:\n    batch_op.alter_column("{spec.column}", type_=...)  # {new.written}')] \
            if "alembic" in ctx.frameworks else []
        drafts.append(("rebuild", "Rebuild the table with the new type", [*cost.reasons, *_rebuild_note(ctx, new)],
                       _rebuild(ctx, new), [], code))
    elif not cost.rewrites:
        alter = Statement(alter_type_sql(names, new.written, not_null, convert=direction == CONVERSION, default=default))
        statements = lock_statements(dialect) + _around_views(ctx, [alter], "its definition")
        drafts.append(("alter", "Change the type", [*cost.reasons, _lock_note(ctx), *_views_note(ctx)], statements, [],
                       _migration_code(ctx, [alter], None)))
    elif dialect.family == POSTGRES:
        drafts += _postgres_rewrite(ctx, names, new, direction == CONVERSION,
                                    alter_type_sql(names, new.written, not_null, convert=direction == CONVERSION), cost.reasons)
    else:
        statements = lock_statements(dialect) + [Statement(alter_type_sql(names, new.written, not_null, default=default))]
        online = (f"For a large {spec.table}, run this ALTER with an online schema change tool (gh-ost, "
                  "pt-online-schema-change), which copies the table in the background and swaps it in at the end."
                  if dialect.family == MYSQL else "")
        drafts.append(("alter", "Change the type", [*cost.reasons, online, _lock_note(ctx)], statements, [],
                       _migration_code(ctx, statements[-1:], None)))
    readers = _sites(uses, READ) + _orm_sites(ctx)
    description = [f"Deploy the code that follows the new type: the ORM field, serializers and forms, and the queries "
                   f"that compare or compute with {spec.column}."]
    from depmap.impact.rules.orm_model_missing_field import field_line

    for item in declared(ctx):
        line = field_line(item.model, replace(spec, nullable=column.nullable is not False if column is not None else True,
                                              default=None))
        description.append(f"Declare {item.model.class_name}.{item.field.name} ({item.field.path}:{item.field.line}) as `{line}`.")
    drafts.append(("deploy-code", "Deploy the code for the new type", description, [], readers, []))
    return drafts


def _rebuild(ctx: ImpactContext, new: SqlType) -> list[Statement]:
    """SQLite's rebuild of the table (`sqlite_rebuild`), one script: it only works whole."""
    from depmap.impact.sqlite_rebuild import rebuild_statements, script

    statements, _ = rebuild_statements(ctx.catalog, ctx.spec.table, ctx.spec.column, new.written, ctx.root, ctx.dialect.name)
    return [Statement(script(statements))] if statements else []


def _rebuild_note(ctx: ImpactContext, new: SqlType) -> list[str]:
    from depmap.impact.sqlite_rebuild import rebuild_statements

    if ctx.dialect.family != SQLITE:
        return []
    _, notes = rebuild_statements(ctx.catalog, ctx.spec.table, ctx.spec.column, new.written, ctx.root, ctx.dialect.name)
    said = ("It runs with foreign keys off, in one transaction: create the new table, copy the rows, drop the old one, "
            "rename the new one, recreate its indexes and the views over it, check the foreign keys, commit. Every other "
            "connection waits for the database's write lock meanwhile. SQLite converts a copied value to the new type's "
            "affinity only when that is lossless ('42' becomes 42 in an INTEGER column; 'n/a' stays text) and enforces no "
            "VARCHAR length.")
    return [said, *notes]


def _postgres_rewrite(ctx: ImpactContext, names: Names, new: SqlType, convert: bool, one_alter: str,
                      reasons: tuple[str, ...]) -> list[Draft]:
    """A rewriting type change without the long lock: a column of the new type kept in step by a
    trigger (no code changes meanwhile), a batched backfill, then a swap in one short transaction.

    Within a kind of type the value is assigned as it is: an explicit CAST to varchar(n) would
    silently cut longer strings, where an assignment fails on them like the ALTER would."""
    spec, dialect = ctx.spec, ctx.dialect
    temp = _renamed(names, f"{spec.column}_new")
    sync = quote_identifier(dialect, f"{spec.table.rsplit('.', 1)[-1]}_{spec.column}_sync"[:63])
    cast = f"CAST({names.column} AS {new.written})" if convert else names.column
    row_cast = f"CAST(NEW.{names.column} AS {new.written})" if convert else f"NEW.{names.column}"
    execute = "EXECUTE PROCEDURE" if dialect.version is not None and not dialect.at_least(11) else "EXECUTE FUNCTION"
    return [
        ("expand", "Expand: add a column of the new type",
         [*reasons, f"For a small table, one ALTER under a lock timeout is enough: `{one_alter}`. For a large one, "
          f"add {spec.column}_new, keep it in step, backfill, then swap.", _lock_note(ctx)],
         lock_statements(dialect) + [Statement(f"ALTER TABLE {names.table} ADD COLUMN {temp.column} {new.written}",
                                               f"ALTER TABLE {names.table} DROP COLUMN {temp.column}")], [], []),
        ("sync", "Keep the new column in step with a trigger",
         [f"A trigger converts every written {spec.column} into {spec.column}_new, so the running code needs no change "
          "until the swap."],
         [Statement(f"CREATE FUNCTION {sync}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.{temp.column} := "
                    f"{row_cast}; RETURN NEW; END $$"),
          Statement(f"CREATE TRIGGER {sync} BEFORE INSERT OR UPDATE ON {names.table} FOR EACH ROW {execute} {sync}()")],
         [], []),
        ("backfill", "Backfill in batches",
         [f"Convert the existing rows in batches of {BATCH_SIZE} by {names.pk}, each in its own transaction, walking the "
          "key: start with :last_id below every key, give each :batch_end to the next batch, stop when the first "
          f"statement returns NULL. Then build the indexes {spec.column} has on {spec.column}_new (CREATE INDEX CONCURRENTLY)."],
         _copy_batch(names, temp, cast), [], []),
        ("swap", "Swap the columns",
         [f"In one short transaction under a lock timeout: drop the trigger and {spec.column} (its indexes and "
          f"constraints go with it), and rename {spec.column}_new to {spec.column}. Constraints it had (NOT NULL, CHECK, "
          "foreign keys) are added back NOT VALID and validated afterwards.", *_views_note(ctx)],
         lock_statements(dialect) + [Statement(f"DROP TRIGGER {sync} ON {names.table}"), Statement(f"DROP FUNCTION {sync}()")]
         + _around_views(ctx, [Statement(f"ALTER TABLE {names.table} DROP COLUMN {names.column}"),
                               Statement(f"ALTER TABLE {names.table} RENAME COLUMN {temp.column} TO {names.column}")],
                         "its definition"),
         [], []),
    ]
