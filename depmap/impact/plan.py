"""The staged rollout of a new column: expand → deploy writers → backfill → constrain → deploy readers.

Each step carries the SQL of the target dialect and version with the user's table, column, type
and default filled in, the code sites to change at that step, and, where the project uses Django
or Alembic, the migration code that runs the SQL. Why staged: a column that is added NOT NULL,
with a volatile default or with a constraint in one statement either fails on a non-empty table
or holds an exclusive lock while every row is rewritten or scanned. Adding it plain is
metadata-only; the expensive parts then run without blocking (batched updates, NOT VALID
constraints validated later, indexes built CONCURRENTLY) and old code keeps working meanwhile.

The statements come from plan_sql.py (with the dialect facts); the migration code from plan_code.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from depmap.dialects.capabilities import (
    MYSQL,
    POSTGRES,
    SQLITE,
    VOLATILE,
    add_column_cost,
    default_volatility,
)
from depmap.impact.context import ImpactContext
from depmap.impact.finding import Finding
from depmap.impact.plan_code import migration_code
from depmap.impact.plan_sql import (
    BATCH_SIZE,
    Names,
    Statement,
    add_column_sql,
    backfill_sql,
    constraint_statements,
    drop_column_sql,
    full_add_sql,
    lock_statements,
    not_null_statements,
    set_default_sql,
)
from depmap.impact.scope import is_test_path
from depmap.impact.spec import ColumnSpec
from depmap.model import EXPOSURE, INDIRECT_READS, Fact, Location

# Writes that create rows: each must set a NOT NULL column that has no default.
INSERT_DETAILS = frozenset(
    {"insert", "positional_insert", "insert_select", "insert_select_star", "copy", "orm_create", "bulk_create", "merge"}
)


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
    names = Names.of(ctx)
    steps = []
    for number, draft in enumerate(_drafts(ctx, names), start=1):
        code = tuple(migration_code(ctx, names, draft.name, draft.statements))
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
    batch_end, update = backfill_sql(names, value)
    description = [f"Fill existing rows in batches of {BATCH_SIZE} by {names.pk}, walking the key: the first "
                   "statement says where the batch ends, the second fills it. Start with :last_id below every key "
                   "(0 for a serial key), give each :batch_end to the next batch as :last_id, and stop when the "
                   "first returns NULL. Each batch is its own transaction, with a short pause between batches; "
                   "every batch reads only its own key range, so the last costs what the first did. It is "
                   "resumable: a stopped run continues from the last :last_id."]
    if value == "<value>":
        description.append("Replace <value> with what existing rows should hold.")
    elif default_volatility(names.dialect, value) == VOLATILE:
        description.append(f"{value} is computed per row, as the database would have done.")
    return _Draft("backfill", "Backfill existing rows in batches", description, [Statement(batch_end), Statement(update)])


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
    # the queries, not each attribute read or whole-row load of a column already there
    sites = [f.location for f in ctx.readers() if f.via != "migration" and f.detail not in INDIRECT_READS]
    sites += [m.fact.location for m in ctx.models()]
    sites += [f.location for f in ctx.table_facts(EXPOSURE)]
    sites, in_tests = _split_tests(sites)
    description = [f"Deploy the code that reads {names.spec.column}: add the field to the ORM model, then to "
                   "serializers, forms and queries that should expose it. Sites that read "
                   f"{names.spec.table} today are listed for review."]
    description += _tests_note(in_tests, "read", names.spec.table, "who-reads")
    from depmap.impact.rules.orm_model_missing_field import field_line, models_to_update

    for model in models_to_update(ctx):  # what orm-model-missing-field says of a migration, as a step here
        where = f"{model.fact.location.path}:{model.fact.location.line}"
        description.append(f"Declare the field on {model.class_name} ({where}): `{field_line(model, names.spec)}`.")
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
        statements += [Statement(sql) for sql in backfill_sql(names, value)]
    statements += _constrain(names).statements
    seen: list[str] = []
    for statement in statements:
        if statement.sql.startswith("SET ") and f"{statement.sql};" in seen:
            continue
        note = ("  -- one batch; repeat from :last_id = :batch_end until the batch end is NULL"
                if statement.sql.startswith("UPDATE ") and ":batch_end" in statement.sql else "")
        seen.append(f"{statement.sql};{note}")
    return seen
