"""Code that writes or reads a column in a way its new type can break.

*Why is this bad?* A narrower type (`varchar(64)` to `varchar(16)`, `bigint` to `integer`) makes
the ALTER fail when an existing row does not fit, and afterwards every writer that sends a
longer string or a bigger number fails (`value too long for type character varying(16)`). A
conversion (`text` to `integer`, `integer` to `text`, `timestamp` to `timestamptz`) also changes
what readers get: comparisons with string literals, `LIKE`, arithmetic and the JSON an API returns.
The ORM model still declares the old type until someone changes it, so its validation and its
next `makemigrations` disagree with the database. A CHECK that compares the column with string
literals (`status IN ('paid', 'new')`) makes a text-to-number ALTER fail on PostgreSQL, which
re-checks it in the new type and has no `integer = text` operator.

*Example*: `ALTER TABLE products ALTER COLUMN sku TYPE varchar(16);` while the import job
writes SKUs of up to 40 characters.

On SQLite nothing fails: a narrowing within one type affinity (`varchar(64)` to `varchar(16)`,
`bigint` to `integer`) changes nothing stored, and a value that does not convert to the new
affinity is kept as it was, so the finding there is about readers that get both kinds.

*Use instead*: check the data first (`SELECT count(*) FROM products WHERE char_length(sku) > 16`),
make the writers fit the new type, change the ORM field in the same release, and for a
conversion move readers to the new type while both work (a new column, backfilled).
"""

from __future__ import annotations

import re
from typing import Iterator

from depmap.dialects.capabilities import SQLITE
from depmap.dialects.column_changes import CONVERSION, NARROWING, SAME, SqlType, type_direction
from depmap.impact.sqlite_rebuild import affinity
from depmap.impact.column_uses import COPY, NAMES, POSITIONAL, code_uses, declared, listed_by
from depmap.impact.context import ImpactContext
from depmap.impact.finding import BREAKING, NEW_MIGRATION, WARNING, Finding, proposal_context
from depmap.impact.rule import Rule
from depmap.impact.spec import SET_TYPE
from depmap.model import HIGH, LOW, MEDIUM, READ, Location


def check(ctx: ImpactContext) -> Iterator[Finding]:
    spec = ctx.spec
    old, new = SqlType.of(spec.old_type or ""), SqlType.of(spec.type or "")
    direction = type_direction(old, new) if spec.old_type else CONVERSION
    name = f"{spec.table}.{spec.column}"
    if direction == SAME:
        return
    change = f"{old.written or '(unknown type)'} to {new.written}"
    sqlite = ctx.dialect.family == SQLITE
    if sqlite and spec.old_type and affinity(old.written) == affinity(new.written):
        direction = SAME  # SQLite stores the values the same way: no length, no range is enforced
    if direction in (NARROWING, CONVERSION):
        where = ctx.added_at or NEW_MIGRATION
        consequence = (f"SQLite's rebuild fails on no row: a value that does not convert to {new.written} losslessly is "
                       "kept as it was (type affinity: 'n/a' stays text in an INTEGER column), so readers get both kinds."
                       if sqlite else f"the ALTER fails if any existing row holds a value {new.written} cannot hold.")
        yield Finding(RULE.id, WARNING, where, f"Changing {name} from {change} is a {direction}: {consequence}",
                      "Count the rows that do not fit and fix them before the migration runs (the plan's first step has the query).",
                      related=proposal_context(ctx.anchor) if where is NEW_MIGRATION else ())
    if old.family == "text" and new.family in ("integer", "numeric", "float"):
        yield from _text_checks(ctx, name, new.written)
    for use in code_uses(ctx):
        fact, at = use.fact, f"{use.location.path}:{use.location.line}"
        writes = fact.access != READ
        if writes and use.how in (NAMES, POSITIONAL, COPY) and direction in (NARROWING, CONVERSION):
            outcome = (f"are stored as they are once the type changes (SQLite's type affinity refuses nothing)" if sqlite
                       else "fail once the type changes")
            yield Finding(RULE.id, BREAKING if direction == CONVERSION and old.family == "text" and not sqlite else WARNING,
                          fact.location, f"Writes {name} at {at}: values that fit {old.written} but not {new.written} {outcome}.",
                          f"Make it write only values that fit {new.written}, and deploy that first.", fact.snippet, MEDIUM)
        elif not writes and use.how == NAMES and direction == CONVERSION:
            yield Finding(RULE.id, WARNING, fact.location,
                          f"Reads {name} at {at}: comparisons, functions and the code that uses the value see {new.written} "
                          f"instead of {old.written}.",
                          f"Check that it works with {new.written} (literals, casts, LIKE, arithmetic, formatting).", fact.snippet, LOW)
    for item in declared(ctx):
        written = str(item.field.spec.get("type") or "")
        if ctx.added_at is not None and _declares(ctx, written, new):
            continue  # the change under review already gives the field its new type
        yield Finding(RULE.id, WARNING, item.location,
                      f"{item.model.class_name}.{item.field.name} ({item.field.path}:{item.field.line}) declares {spec.column} "
                      f"as {written or 'its old type'}: after the change to {new.written} the model and the database disagree "
                      "(validation, and the next makemigrations or autogenerate).",
                      "Change the field's type in the same release (the plan gives the declaration).", "", MEDIUM)
    if direction == CONVERSION:
        for fact in listed_by(ctx):
            yield Finding(RULE.id, WARNING, fact.location,
                          f"The {fact.detail or 'serializer'} at {fact.location.path}:{fact.location.line} lists {spec.column}: "
                          f"its clients get {new.written} values instead of {old.written}.",
                          "Keep the API type (a serializer field that converts) or version the API.", fact.snippet, MEDIUM)


def _text_checks(ctx: ImpactContext, name: str, new: str) -> Iterator[Finding]:
    """CHECK constraints that compare the column with string literals. PostgreSQL re-checks them
    in the new type during the ALTER, and `integer = text` has no operator: the ALTER fails
    (measured on PostgreSQL 15). Other engines convert, so there the CHECK may merely stop holding."""
    table, column = ctx.table, ctx.spec.column
    if table is None:
        return
    checks = [(item.name, item.check, item.defined_at) for item in table.objects.of_kind("check")]
    if column in table.columns and table.columns[column].extra.get("check"):
        checks.append((None, table.columns[column].extra["check"], table.columns[column].defined_at))
    postgres = ctx.dialect.family == "postgres"
    for constraint, text, defined_at in checks:
        if not text or "'" not in text or not re.search(rf"(?<![\w.]){re.escape(column)}(?!\w)", text, re.I):
            continue
        where = Location(defined_at[-1].path, defined_at[-1].line) if defined_at else ctx.anchor
        label = f"CHECK {constraint} ({text})" if constraint else f"CHECK ({text})"
        outcome = (f"the ALTER re-checks it and fails: PostgreSQL has no operator comparing {new} with text"
                   if postgres else "it compares converted values with text and may stop holding")
        yield Finding(RULE.id, BREAKING if postgres else WARNING, where,
                      f"The {label} compares {name} with text: once the column is {new}, {outcome}.",
                      f"Drop the CHECK before the type change and add it back written for {new} (NOT VALID, then VALIDATE).",
                      "", HIGH)


def _declares(ctx: ImpactContext, written: str, new: SqlType) -> bool:
    """Whether an ORM field's type (`CharField`, `String(32)`, `BigInteger`) is the new type; a
    length the field does not show counts as the same."""
    from depmap.impact.migration_types import django_type, sqlalchemy_type

    if not written:
        return False
    sql = django_type(written, {}, ctx.dialect) if written.endswith("Field") else sqlalchemy_type(written, ctx.dialect)
    if sql is None:
        return False
    declared_type = SqlType.of(sql)
    if not declared_type.args:
        return declared_type.family == new.family
    return declared_type.base == new.base and declared_type.args == new.args


RULE = Rule("type-change-breaks", WARNING, check, __doc__, changes=frozenset({SET_TYPE}))
