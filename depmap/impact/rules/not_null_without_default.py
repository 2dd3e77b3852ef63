"""A NOT NULL column without a database default: writers that omit it fail, and so may the DDL.

*Why is this bad?* Every INSERT that does not name the column now tries to store NULL in it and
is rejected: SQL `INSERT`s with a column list, `COPY` with a column list, pandas
`DataFrame.to_sql(...)` and polars `write_database(...)` (which insert the frame's columns by name:
a frame built before the column existed has none of it), Django
`create()`/`bulk_create()`/`get_or_create()` (whose INSERT lists only the fields the deployed
model declares) and SQLAlchemy `session.add(Order(...))` / `insert(Order).values(...)`. The
`ALTER TABLE` itself fails on a table that has rows (PostgreSQL: *column contains null values*;
SQLite refuses it outright). A Django `AddField(default=...)` without `db_default` fills the
existing rows and then drops the default: the migration succeeds, and the code still deployed
fails on its next INSERT until the new code is out.

*Example*: `ALTER TABLE orders ADD COLUMN discount_code text NOT NULL;` while
`INSERT INTO orders (customer_id, status) VALUES (%s, %s)` runs in production.

*Use instead*: give the column a database default (`... NOT NULL DEFAULT ''`, Django
`db_default=""`), or roll it out in stages: add it nullable, deploy writers that set it, backfill
in batches, then add the NOT NULL constraint.

See strong_migrations "Adding a column with a non-null constraint" and Django's `db_default`.
"""

from __future__ import annotations

import re
from typing import Iterator

from depmap.dialects.capabilities import add_not_null_error, null_violation_error
from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, NEW_MIGRATION, Finding, Related, proposal_context
from depmap.impact.rule import Rule
from depmap.model import COLUMN_DEF, CONFIDENCE_ORDER, FRAME_WRITER_SINKS, MEDIUM, TABLE_DEF, WRITE, Fact, Location, weaker
from depmap.orm.registry import Field, Model

# Django sends "" for these when a create does not set them (Field.empty_strings_allowed).
_DJANGO_EMPTY_STRING = frozenset(
    {"CharField", "TextField", "SlugField", "EmailField", "URLField", "FilePathField", "FileField", "ImageField",
     "BinaryField", "CICharField", "CITextField", "CIEmailField"}
)
_WRITES = frozenset({"insert", "copy", "orm_create"})
CREATED_NOTE = "table created in this change"


def _ddl_error(ctx: ImpactContext) -> str | None:
    """Why `ADD COLUMN ... NOT NULL` without a fill value fails, or None when the dialect fills rows."""
    spec = ctx.spec
    if spec.fill_value is not None or spec.generated or spec.identity:
        return None
    return add_not_null_error(ctx.dialect, spec.table, spec.column)


def migration_site(ctx: ImpactContext) -> Location:
    """The statement that adds the column, else the anchor of a proposal."""
    return ctx.added_at or ctx.anchor


def _created_here(ctx: ImpactContext) -> bool:
    """A table created by the change under review has no rows and no deployed writers."""
    if any(CREATED_NOTE in note for note in ctx.spec.notes):
        return True
    return any(f.kind == TABLE_DEF and f.detail == "create_table" and f.location.path in ctx.changed_paths
               for f in ctx.facts if f.table == ctx.spec.table)


def _model_field(ctx: ImpactContext, fact: Fact) -> tuple[Model | None, Field | None]:
    model = ctx.registry.resolve(fact.extra.get("model")).model if fact.extra.get("model") else None
    if model is None:
        return None, None
    return model, next((f for f in model.fields.values() if f.column == ctx.spec.column), None)


def _orm_fills(field: Field, framework: str) -> bool:
    """Whether the ORM sends a value for a declared field the code does not set."""
    if field.spec.get("default") is not None or field.spec.get("db_default") is not None:
        return True
    return framework == "django" and field.spec.get("type") in _DJANGO_EMPTY_STRING


def _site(fact: Fact, model: Model | None) -> str:
    where = f"{fact.location.path}:{fact.location.line}"
    if (sink := fact.extra.get("sink")) in FRAME_WRITER_SINKS:
        return f"`{sink}(\"{fact.table}\", ...)` at {where}"
    if fact.detail == "insert":
        return f"INSERT into {fact.table} at {where}"
    if fact.detail == "copy":
        return f"COPY into {fact.table} at {where}"
    found = re.match(r"[\w.]+(?:\(\w+\)\s*\.\s*\w+)*", " ".join(fact.snippet.split()))
    call = re.sub(r"\s+", "", found.group(0)) if found else "create"
    article = "an" if model and model.class_name[:1] in "AEIOU" else "a"
    return f"`{call}(...)` at {where}" + (f" (creates {article} {model.class_name})" if model else "")


def _fix(ctx: ImpactContext, fact: Fact, model: Model | None) -> str:
    spec = ctx.spec
    listed = ", ".join((*fact.columns, spec.column))
    if fact.extra.get("sink") in FRAME_WRITER_SINKS:
        how = f'give the frame a {spec.column} column before it is written (`frame["{spec.column}"] = ...`)'
    elif fact.detail == "insert":
        how = f"list the column and a value here (`INSERT INTO {spec.table} ({listed}) ...`)"
    elif fact.detail == "copy":
        how = f"add the column to the COPY list and the data (`COPY {spec.table} ({listed}) FROM ...`)"
    elif model is not None:
        how = f"pass {spec.column}=... when creating the {model.class_name}"
    else:
        how = f"set {spec.column} in this insert"
    return (f"Either {how} and deploy that before the column becomes NOT NULL, or give the column a database default. "
            f"A safer approach: add {spec.table}.{spec.column} as nullable, deploy writers that set it, backfill existing "
            "rows in batches, then add the NOT NULL constraint.")


def _sets_column(fact: Fact, column: str) -> bool:
    """Whether this write names the column: a Django create lists every field, `set_columns` the set ones."""
    if fact.detail == "orm_create" and "set_columns" in fact.extra:
        return column in fact.extra["set_columns"]
    return column in fact.columns


def _writers(ctx: ImpactContext) -> tuple[list[Finding], list[Fact]]:
    """Findings for writers that omit the column, and the ORM creates only the new model fills."""
    spec = ctx.spec
    sites: dict[tuple[str, int], list[Fact]] = {}
    for fact in ctx.writers():
        if fact.access == WRITE and fact.detail in _WRITES:
            sites.setdefault((fact.location.path, fact.location.line), []).append(fact)
    ddl_paths = {f.location.path for f in ctx.facts_at(path for path, _ in sites)
                 if f.kind in (TABLE_DEF, COLUMN_DEF) and f.detail != "model_definition"}
    findings: list[Finding] = []
    stale: list[Fact] = []
    for group in sites.values():
        fact = min(group, key=lambda f: CONFIDENCE_ORDER[f.confidence])  # the linked create, not a guess beside it
        if fact.via == "migration" or fact.location.path in ddl_paths:
            continue  # a migration's INSERT runs before the column exists
        frame = fact.extra.get("sink") in FRAME_WRITER_SINKS
        if fact.detail in ("insert", "copy") and not fact.columns and not frame:
            continue  # positional-insert / copy-without-columns report these
        if frame and fact.extra.get("if_exists") == "replace":
            continue  # it drops the table and makes another without the column: frame-replaces-table
        if any(_sets_column(f, spec.column) for f in group):
            continue
        model, field = _model_field(ctx, fact) if fact.detail == "orm_create" else (None, None)
        if model is not None and field is not None:
            if _orm_fills(field, model.framework):
                if (ctx.added_at is not None or field.path in ctx.changed_paths) and fact.location.path not in ctx.changed_paths:
                    # the model fills it, as written now; the code still deployed during the rollout does not,
                    # whether the model changes in this change or changed before the migration runs
                    stale.append(fact)
                continue
            if "**" in fact.snippet:
                continue  # keyword arguments we cannot see may set it
        lacks = "lists no" if fact.detail in ("insert", "copy") else "does not set"
        if frame:
            lacks = "writes the frame's columns by name, and a frame built for today's table has no"
        findings.append(Finding(
            rule=RULE.id,
            severity=BREAKING,
            location=fact.location,
            message=f"{_site(fact, model)} {lacks} {spec.column}; once the column is NOT NULL without a default it "
            f"fails with: {null_violation_error(ctx.dialect, spec.table, spec.column)}.",
            fix=_fix(ctx, fact, model),
            snippet=fact.snippet,
            confidence=weaker(fact.confidence, MEDIUM) if frame else fact.confidence,  # the frame's columns are not seen
        ))
    return findings, stale


def _ddl_fix(ctx: ImpactContext, stale: list[Fact]) -> str:
    spec = ctx.spec
    staged = (f"roll it out in stages: add {spec.table}.{spec.column} as nullable, deploy code that sets it, backfill "
              "existing rows in batches, then add the NOT NULL constraint.")
    model = next((m for m in (_model_field(ctx, f)[0] for f in stale) if m is not None), None)
    if model is not None and model.framework == "django":
        value = spec.client_default or spec.add_default or "..."
        return (f"Let the database fill it: replace `default=` by `db_default={value}` on "
                f"{model.class_name}.{spec.column} (Django 5.0+) and regenerate the migration, so rows the old code "
                f"creates get it too; or keep the default in the database with migrations.RunSQL(\"ALTER TABLE {spec.table} "
                f"ALTER COLUMN {spec.column} SET DEFAULT {spec.add_default or value}\") after the AddField; or {staged}")
    fill = f" DEFAULT {spec.fill_value}" if spec.fill_value else " DEFAULT <value>"
    kind = f" {spec.type}" if spec.type else ""
    ddl = f"ALTER TABLE {spec.table} ADD COLUMN {spec.column}{kind} NOT NULL{fill}"
    return f"Give the column a database default (`{ddl}`), or {staged}"


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    if not spec.writers_must_set or _created_here(ctx):
        return
    findings, stale = _writers(ctx)
    site = migration_site(ctx)
    ddl_error = _ddl_error(ctx)
    if (ddl_error is not None or stale) and site.path:  # no site: nothing in the project defines or uses the table
        context = () if ctx.added_at is not None else proposal_context(site)
        site = ctx.added_at or NEW_MIGRATION
        parts = [f"Adding {spec.table}.{spec.column} as NOT NULL without a default: {ddl_error}."] if ddl_error else []
        if stale:
            sites = ", ".join(f"{f.location.path}:{f.location.line}" for f in stale)
            if spec.add_default is not None and spec.default is None:
                parts.append(f"Django's AddField fills the existing rows with {spec.add_default} and then drops the "
                             "default, so the database gives later rows nothing.")
            parts.append(f"The code deployed today creates {spec.table} rows without {spec.column} ({sites}): from the "
                         f"moment the migration runs until the new code is deployed, those creates fail with: "
                         f"{null_violation_error(ctx.dialect, spec.table, spec.column)}.")
        yield Finding(
            rule=RULE.id,
            severity=BREAKING,
            location=site,
            message=" ".join(parts),
            fix=_ddl_fix(ctx, stale),
            related=context + tuple(Related(f.location, "creates rows without the column (old code)") for f in stale),
        )
    yield from findings


RULE = Rule("not-null-without-default", BREAKING, check, __doc__)
