"""The staged rollout of a new column: expand → deploy writers → backfill → constrain → deploy readers.

Each step carries the SQL of the target dialect and version with the user's table, column, type
and default filled in, the code sites to change at that step, and, where the project uses Django
or Alembic, the migration code that runs the SQL. Why staged: a column that is added NOT NULL,
with a volatile default or with a constraint in one statement either fails on a non-empty table
or holds an exclusive lock while every row is rewritten or scanned. Adding it plain is
metadata-only; the expensive parts then run without blocking (batched updates, NOT VALID
constraints validated later, indexes built CONCURRENTLY) and old code keeps working meanwhile.

The dialect facts come from depmap/dialects.py; the migration code from plan_code.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from depmap.dialects import (
    MYSQL,
    POSTGRES,
    SQLITE,
    SQLITE_REBUILD_DOCS,
    VOLATILE,
    Dialect,
    add_column_cost,
    default_volatility,
    lock_timeout_sql,
    quote_identifier,
)
from depmap.impact.context import ImpactContext
from depmap.impact.finding import Finding
from depmap.impact.scope import is_test_path
from depmap.impact.spec import ColumnSpec
from depmap.model import EXPOSURE, Fact, Location

BATCH_SIZE = 5000
LOCK_TIMEOUT_MS = 5000
# Writes that create rows: each must set a NOT NULL column that has no default.
INSERT_DETAILS = frozenset(
    {"insert", "positional_insert", "insert_select", "insert_select_star", "copy", "orm_create", "bulk_create", "merge"}
)
_SERIAL = {"SERIAL": "INT", "SERIAL4": "INT", "BIGSERIAL": "BIGINT", "SERIAL8": "BIGINT", "SMALLSERIAL": "SMALLINT"}


@dataclass(frozen=True)
class Statement:
    """One statement of a step, with the statement that undoes it (for migration code)."""

    sql: str
    reverse: str | None = None
    concurrent: bool = False  # CREATE INDEX CONCURRENTLY: cannot run inside a transaction


@dataclass(frozen=True)
class Step:
    number: int
    name: str  # expand, deploy-writers, backfill, constrain, deploy-readers
    title: str
    description: str
    sql: tuple[str, ...] = ()
    sites: tuple[Location, ...] = ()
    migration_code: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.number,
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "sql": list(self.sql),
            "sites": [{"path": s.path, "line": s.line, "symbol": s.symbol} for s in self.sites],
            "migration_code": dict(self.migration_code),
        }


def pasteable(statement: str) -> str:
    """A plan statement as a user pastes it: ending in `;` unless it is a block or already ends."""
    text = statement.rstrip()
    return text if text.endswith((";", ":")) or "\n" in text else text + ";"


@dataclass(frozen=True)
class Names:
    """The user's identifiers as the dialect writes them."""

    dialect: Dialect
    spec: ColumnSpec
    table: str
    column: str
    type: str
    pk: str

    @classmethod
    def of(cls, ctx: ImpactContext) -> Names:
        dialect, spec = ctx.dialect, ctx.spec
        table = ".".join(quote_identifier(dialect, part) for part in spec.table.split("."))
        kind = sql_type(dialect, spec.type)
        return cls(dialect, spec, table, quote_identifier(dialect, spec.column), kind,
                   quote_identifier(dialect, primary_key(ctx)))

    def constraint(self, suffix: str) -> str:
        base = self.spec.table.rsplit(".", 1)[-1]
        return quote_identifier(self.dialect, f"{base}_{self.spec.column}_{suffix}"[:63])


def sql_type(dialect: Dialect, written: str | None) -> str:
    """The column type as SQL: serial types become their integer (the sequence is separate),
    Django field classes their column type; `<type>` when nothing says."""
    if not written:
        return "<type>"
    if written.upper() in _SERIAL and dialect.family == POSTGRES:
        return _SERIAL[written.upper()]
    if re.fullmatch(r"[A-Z]\w*Field", written):
        from depmap.impact.migration_types import django_type

        return django_type(written, {}, dialect) or "<type>"
    return written


def primary_key(ctx: ImpactContext) -> str:
    """The table's primary key column (batches walk it), else `id`."""
    table = ctx.table
    if table is not None:
        for column in table.columns.values():
            if column.extra.get("primary_key"):
                return column.name
    for model in ctx.models():
        if model.primary_key:
            return model.primary_key
    return "id"


# -- SQL per dialect ------------------------------------------------------------------------------


def lock_statements(dialect: Dialect) -> list[Statement]:
    text = lock_timeout_sql(dialect, LOCK_TIMEOUT_MS)
    return [Statement(text)] if text else []


def add_column_sql(names: Names, *, default: str | None = None, not_null: bool = False, extra: str = "") -> str:
    parts = [f"ALTER TABLE {names.table} ADD COLUMN {names.column} {names.type}"]
    if default is not None:
        parts.append(f"DEFAULT {default}")
    if not_null:
        parts.append("NOT NULL")
    if extra:
        parts.append(extra)
    sql = " ".join(parts)
    if names.dialect.family == MYSQL:
        sql += ", ALGORITHM=INSTANT" if names.dialect.at_least(8, 0, 12) else ", ALGORITHM=INPLACE, LOCK=NONE"
    return sql


def full_add_sql(names: Names) -> str:
    """The statement as proposed: every constraint in one ADD COLUMN."""
    spec = names.spec
    extra = []
    if spec.generated:
        extra.append(f"GENERATED ALWAYS AS (...) {spec.generated.upper()}")
    if spec.identity and names.dialect.family == POSTGRES and names.spec.type and names.spec.type.upper() not in _SERIAL:
        extra.append("GENERATED BY DEFAULT AS IDENTITY")
    if spec.primary_key:
        extra.append("PRIMARY KEY")
    elif spec.unique:
        extra.append("UNIQUE")
    if spec.references:
        extra.append(f"REFERENCES {spec.references}")
    if spec.check:
        extra.append(f"CHECK ({spec.check})")
    sql = add_column_sql(names, default=spec.fill_value, not_null=spec.not_null and not spec.primary_key,
                         extra=" ".join(extra))
    if names.dialect.family == MYSQL:
        sql = sql.rsplit(", ALGORITHM", 1)[0]
    return sql


def drop_column_sql(names: Names) -> str:
    return f"ALTER TABLE {names.table} DROP COLUMN {names.column}"


def set_default_sql(names: Names, default: str) -> Statement:
    alter = f"ALTER TABLE {names.table} ALTER COLUMN {names.column}"
    return Statement(f"{alter} SET DEFAULT {default}", f"{alter} DROP DEFAULT")


def backfill_sql(names: Names, value: str) -> str:
    """One batch: the rows still NULL, in primary-key order; repeat until it updates 0 rows."""
    t, c, pk = names.table, names.column, names.pk
    if names.dialect.family == MYSQL:  # MySQL cannot UPDATE a table it selects from in a subquery
        return f"UPDATE {t} SET {c} = {value} WHERE {c} IS NULL ORDER BY {pk} LIMIT {BATCH_SIZE}"
    return f"UPDATE {t} SET {c} = {value} WHERE {pk} IN (SELECT {pk} FROM {t} WHERE {c} IS NULL ORDER BY {pk} LIMIT {BATCH_SIZE})"


def not_null_statements(names: Names) -> tuple[list[Statement], str]:
    """SQL that makes the column NOT NULL without a long exclusive lock, and what to know about it."""
    d, t, c = names.dialect, names.table, names.column
    if d.family == POSTGRES:
        name = names.constraint("not_null")
        if d.at_least(18):
            return [
                Statement(f"ALTER TABLE {t} ADD CONSTRAINT {name} NOT NULL {c} NOT VALID", f"ALTER TABLE {t} DROP CONSTRAINT {name}"),
                Statement(f"ALTER TABLE {t} VALIDATE CONSTRAINT {name}"),
            ], ("PostgreSQL 18 adds the NOT NULL constraint NOT VALID (a brief lock, no scan) and validates it "
                "while reads and writes continue.")
        check = [
            Statement(f"ALTER TABLE {t} ADD CONSTRAINT {name} CHECK ({c} IS NOT NULL) NOT VALID", f"ALTER TABLE {t} DROP CONSTRAINT {name}"),
            Statement(f"ALTER TABLE {t} VALIDATE CONSTRAINT {name}"),
        ]
        if d.version is not None and d.version < (12,):
            return check, (f"The CHECK is added NOT VALID (a brief lock, no scan) and validated while reads and writes "
                           f"continue. PostgreSQL {_dotted(d.version)} cannot use it for SET NOT NULL, which would scan "
                           "the table under ACCESS EXCLUSIVE: keep the validated CHECK as the guarantee, or run "
                           f"ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL in a quiet window.")
        note = ("The CHECK is added NOT VALID (a brief lock, no scan) and validated while reads and writes continue; "
                "SET NOT NULL then uses it instead of scanning the table (PostgreSQL 12 or later), and the CHECK is "
                "dropped.")
        if d.version is None:
            note = "version unknown: assuming PostgreSQL 12 or later. " + note
        check[0] = Statement(check[0].sql)  # dropped again below: nothing to undo
        return check + [
            Statement(f"ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL", f"ALTER TABLE {t} ALTER COLUMN {c} DROP NOT NULL"),
            Statement(f"ALTER TABLE {t} DROP CONSTRAINT {name}"),
        ], note
    if d.family == MYSQL:
        default = f" DEFAULT {names.spec.default}" if names.spec.default is not None else ""
        return [
            Statement(f"ALTER TABLE {t} MODIFY COLUMN {c} {names.type} NOT NULL{default}, ALGORITHM=INPLACE, LOCK=NONE",
                      f"ALTER TABLE {t} MODIFY COLUMN {c} {names.type} NULL{default}, ALGORITHM=INPLACE, LOCK=NONE"),
        ], ("MODIFY ... NOT NULL rebuilds the table in place (every row is copied) while reads and writes continue; "
            "it fails if a NULL is left, and only strict sql_mode makes later INSERTs without the column fail instead "
            "of storing the implicit default.")
    if d.family != SQLITE:
        return [Statement(f"ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL")], (
            f"depmap does not know how {d.name} enforces NOT NULL on existing rows; check its documentation for "
            "the lock this statement takes.")
    return [], ("SQLite cannot add NOT NULL to an existing column: it takes the 12-step table rebuild (create the new "
                "table, copy the rows, drop the old one, rename, recreate indexes, triggers and views) described at "
                f"{SQLITE_REBUILD_DOCS}. Until then the application must keep the column filled.")


def constraint_statements(names: Names) -> tuple[list[Statement], list[str]]:
    """Index, foreign key and check of the column, each built without a long blocking lock."""
    spec, d, t, c = names.spec, names.dialect, names.table, names.column
    out: list[Statement] = []
    notes: list[str] = []
    if spec.primary_key or spec.unique:
        index = names.constraint("key")
        if d.family == POSTGRES:
            kind = "PRIMARY KEY" if spec.primary_key else "UNIQUE"
            out += [
                # the constraint adopts the index: dropping the constraint drops it too
                Statement(f"CREATE UNIQUE INDEX CONCURRENTLY {index} ON {t} ({c})", None, True),
                Statement(f"ALTER TABLE {t} ADD CONSTRAINT {index} {kind} USING INDEX {index}",
                          f"ALTER TABLE {t} DROP CONSTRAINT {index}"),
            ]
            notes.append("CREATE INDEX CONCURRENTLY builds the index without blocking writes (it cannot run inside a "
                         "transaction; if it fails, drop the INVALID index and retry); the constraint then adopts it.")
        elif d.family == MYSQL:
            out.append(Statement(f"ALTER TABLE {t} ADD UNIQUE INDEX {index} ({c}), ALGORITHM=INPLACE, LOCK=NONE",
                                 f"ALTER TABLE {t} DROP INDEX {index}"))
        else:
            out.append(Statement(f"CREATE UNIQUE INDEX {index} ON {t} ({c})", f"DROP INDEX {index}"))
    if spec.references and d.family in (POSTGRES, MYSQL):
        fk = names.constraint("fkey")
        add = f"ALTER TABLE {t} ADD CONSTRAINT {fk} FOREIGN KEY ({c}) REFERENCES {spec.references}"
        if d.family == POSTGRES:
            out += [Statement(f"{add} NOT VALID", f"ALTER TABLE {t} DROP CONSTRAINT {fk}"),
                    Statement(f"ALTER TABLE {t} VALIDATE CONSTRAINT {fk}")]
        else:
            out += [Statement("SET SESSION foreign_key_checks = 0"),
                    Statement(f"{add}, ALGORITHM=INPLACE", f"ALTER TABLE {t} DROP FOREIGN KEY {fk}"),
                    Statement("SET SESSION foreign_key_checks = 1")]
            notes.append("With foreign_key_checks off the foreign key is added in place without checking existing "
                         "rows: check them first with a LEFT JOIN on the referenced table.")
    if spec.check and d.family in (POSTGRES, MYSQL):
        name = names.constraint("check")
        add = f"ALTER TABLE {t} ADD CONSTRAINT {name} CHECK ({spec.check})"
        if d.family == POSTGRES:
            out += [Statement(f"{add} NOT VALID", f"ALTER TABLE {t} DROP CONSTRAINT {name}"),
                    Statement(f"ALTER TABLE {t} VALIDATE CONSTRAINT {name}")]
        else:
            out.append(Statement(add, f"ALTER TABLE {t} DROP CHECK {name}"))
            notes.append("MySQL adds a CHECK constraint with ALGORITHM=COPY (the table is copied, writes blocked): "
                         "run it in a quiet window or with an online schema change tool.")
    if d.family == SQLITE and (spec.references or spec.check):
        notes.append("SQLite cannot add a FOREIGN KEY or CHECK to an existing table without the 12-step rebuild "
                     f"({SQLITE_REBUILD_DOCS}).")
    return out, notes


# -- the plan -------------------------------------------------------------------------------------


@dataclass
class _Draft:
    name: str
    title: str
    description: list[str]
    statements: list[Statement] = field(default_factory=list)
    sites: list[Location] = field(default_factory=list)


def build_plan(ctx: ImpactContext, findings: list[Finding]) -> list[Step]:
    """The rollout steps for ctx.spec in ctx.dialect; steps with nothing to do are left out.

    The steps follow the spec and the dialect; `findings` are reported beside the plan, not in it."""
    from depmap.impact import plan_code

    names = Names.of(ctx)
    steps = []
    for number, draft in enumerate(_drafts(ctx, names), start=1):
        code = tuple(plan_code.migration_code(ctx, names, draft.name, draft.statements))
        sql = tuple(s.sql for s in draft.statements)
        steps.append(Step(number, draft.name, draft.title, " ".join(draft.description), sql,
                          tuple(_unique_sites(draft.sites)), code))
    return steps


def _drafts(ctx: ImpactContext, names: Names) -> list[_Draft]:
    spec, dialect = ctx.spec, ctx.dialect
    cost = add_column_cost(dialect, spec)
    one_shot = cost.instant and cost.certain and not spec.writers_must_set
    drafts: list[_Draft] = []
    if spec.is_trivial or one_shot or spec.generated:
        drafts.append(_expand(names, [Statement(full_add_sql(names), drop_column_sql(names))], cost.reasons))
        if spec.is_trivial:
            drafts.append(_writers(ctx, names, required=False))
    else:
        expand, backfill_value = _staged_expand(ctx, names)
        drafts.append(expand)
        if spec.writers_must_set:
            drafts.append(_writers(ctx, names, required=True))
        if backfill_value is not None:
            drafts.append(_backfill(names, backfill_value))
        constrain = _constrain(names)
        if constrain.statements or constrain.description:
            drafts.append(constrain)
    drafts.append(_readers(ctx, names))
    return [d for d in drafts if d.statements or d.sites or d.name in ("expand", "constrain")]


def _expand(names: Names, statements: list[Statement], reasons: list[str]) -> _Draft:
    dialect = names.dialect
    description = [f"Add {names.spec.table}.{names.spec.column} in a migration of its own."]
    description += reasons
    if dialect.family == POSTGRES:
        description.append(f"ADD COLUMN takes an ACCESS EXCLUSIVE lock on {names.spec.table}: lock_timeout makes it "
                           "give up after 5 seconds instead of queueing every query behind it. If it times out, "
                           "nothing changed: retry a few times with a pause, and look for long transactions.")
    elif dialect.family == MYSQL:
        if any("rebuilds the table" in reason or "copied" in reason for reason in reasons):
            description.append(f"For a large table, run it with an online schema change tool (gh-ost, "
                               f"pt-online-schema-change), which copies {names.spec.table} in the background.")
        description.append(f"ADD COLUMN waits for an exclusive metadata lock on {names.spec.table}: lock_wait_timeout "
                           "makes it give up after 5 seconds instead of queueing every query behind it. If it times "
                           "out, nothing changed: retry a few times with a pause, and look for long transactions.")
    elif dialect.family == SQLITE:
        description.append("SQLite has no lock timeout statement: set busy_timeout on the connection "
                           "(PRAGMA busy_timeout = 5000) so the migration waits for other writers.")
    return _Draft("expand", "Expand: add the column", description, lock_statements(dialect) + statements)


def _staged_expand(ctx: ImpactContext, names: Names) -> tuple[_Draft, str | None]:
    """Add the column nullable and without constraints; keep a default in the ADD only when that is
    metadata-only on this server, else set it afterwards (new rows only). Returns the draft and the
    value existing rows must be backfilled with (None when they need none)."""
    spec, dialect = ctx.spec, ctx.dialect
    statements: list[Statement] = []
    default = spec.default
    if spec.identity and dialect.family == POSTGRES:
        sequence = names.constraint("seq")
        statements.append(Statement(f"CREATE SEQUENCE {sequence}", f"DROP SEQUENCE {sequence}"))
        default = f"nextval('{sequence}')"
    plain = ColumnSpec(spec.table, spec.column, names.type, default=default)
    cheap = default is not None and add_column_cost(dialect, plain).instant and add_column_cost(dialect, plain).certain
    add = add_column_sql(names, default=default if cheap else None)
    statements.insert(0, Statement(add, drop_column_sql(names)))
    if default is not None and not cheap and dialect.family != SQLITE:
        statements.append(set_default_sql(names, default))
    if spec.identity and dialect.family == POSTGRES:
        statements.append(Statement(f"ALTER SEQUENCE {names.constraint('seq')} OWNED BY {names.table}.{names.column}"))
    reasons = list(add_column_cost(dialect, replace(plain, default=default if cheap else None)).reasons)
    if default is not None and not cheap:
        reasons.append(f"The default {default} is set after the column exists, so only new rows get it and no row "
                       "is rewritten.")
    backfill = None if cheap else (spec.fill_value or (default if default is not None else None))
    if backfill is None and spec.not_null and not cheap:
        backfill = "<value>"
    return _expand(names, statements, reasons), backfill


def _writers(ctx: ImpactContext, names: Names, *, required: bool) -> _Draft:
    column = ctx.spec.column
    sites, in_tests = _split_tests([f.location for f in writer_facts(ctx) if f.via != "migration"])
    if required:
        description = [f"Deploy code that sets {column} at every site that inserts into {ctx.spec.table}, before "
                       "the column becomes NOT NULL: rows inserted without it would fail then."]
    else:
        description = [f"Sites that insert into {ctx.spec.table}: set {column} where the feature needs it; rows "
                       "inserted without it get NULL."]
    description += _tests_note(in_tests, "insert into", ctx.spec.table, "who-writes")
    return _Draft("deploy-writers", "Deploy writers that set the column", description, sites=sites)


def _backfill(names: Names, value: str) -> _Draft:
    statement = backfill_sql(names, value)
    description = [f"Fill existing rows in batches of {BATCH_SIZE} by {names.pk}, each batch in its own "
                   "transaction with a short pause between batches; repeat until a batch updates 0 rows. It is "
                   "resumable: a stopped run continues where the NULLs are."]
    if value == "<value>":
        description.append("Replace <value> with what existing rows should hold.")
    elif default_volatility(names.dialect, value) == VOLATILE:
        description.append(f"{value} is computed per row, as the database would have done.")
    return _Draft("backfill", "Backfill existing rows in batches", description, [Statement(statement)])


def _constrain(names: Names) -> _Draft:
    spec, dialect = names.spec, names.dialect
    statements: list[Statement] = []
    description: list[str] = []
    if spec.not_null:
        sql, note = not_null_statements(names)
        statements += sql
        description.append(note)
    more, notes = constraint_statements(names)
    statements += more
    description += notes
    if statements and dialect.family in (POSTGRES, MYSQL):
        statements = lock_statements(dialect) + statements
    return _Draft("constrain", "Constrain: enforce NOT NULL and constraints", description, statements)


def _readers(ctx: ImpactContext, names: Names) -> _Draft:
    sites = [f.location for f in ctx.readers() if f.via != "migration"]
    sites += [m.fact.location for m in ctx.models()]
    sites += [f.location for f in ctx.table_facts(EXPOSURE)]
    sites, in_tests = _split_tests(sites)
    description = [f"Deploy the code that reads {names.spec.column}: add the field to the ORM model, then to "
                   "serializers, forms and queries that should expose it. Sites that read "
                   f"{names.spec.table} today are listed for review."]
    description += _tests_note(in_tests, "read", names.spec.table, "who-reads")
    return _Draft("deploy-readers", "Deploy readers, the ORM field and serializers", description, sites=sites)


def _split_tests(sites: list[Location]) -> tuple[list[Location], int]:
    """Production sites, and how many sites are in test code (listed by who-reads/who-writes)."""
    production = [site for site in sites if not is_test_path(site.path)]
    return production, len({(s.path, s.line) for s in sites}) - len({(s.path, s.line) for s in production})


def _tests_note(count: int, verb: str, table: str, command: str) -> list[str]:
    if not count:
        return []
    return [f"{count} more site{'s' * (count != 1)} in test code {verb} {table}: update the fixtures in the same "
            f"change (`depmap {command} {table}` lists them)."]


def _unique_sites(sites: list[Location]) -> list[Location]:
    seen: dict[tuple[str, int], Location] = {}
    for site in sites:
        key = (site.path, site.line)
        if key not in seen:
            seen[key] = Location(site.path, site.line, site.end_line, None, site.symbol)
    return sorted(seen.values(), key=lambda s: (s.path, s.line))


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(p) for p in version)


def writer_facts(ctx: ImpactContext) -> list[Fact]:
    """Facts that insert rows into the table without listing the column."""
    return [f for f in ctx.writers() if f.detail in INSERT_DETAILS and ctx.spec.column not in f.columns]


def staged_sql(ctx: ImpactContext) -> list[str]:
    """The expand, backfill and constrain SQL of the staged rollout, each ending in `;`: what a
    rule's fix shows."""
    names = Names.of(ctx)
    expand, value = _staged_expand(ctx, names)
    statements = list(expand.statements)
    if value is not None:
        statements.append(Statement(backfill_sql(names, value)))
    statements += _constrain(names).statements
    seen: list[str] = []
    for statement in statements:
        if statement.sql.startswith("SET ") and f"{statement.sql};" in seen:
            continue
        note = "  -- repeat until it updates 0 rows" if statement.sql.startswith("UPDATE ") else ""
        seen.append(f"{statement.sql};{note}")
    return seen
