"""Who still uses an existing column: the evidence behind a drop, a rename or a type change.

A drop, a rename and a type change of `table.column` all ask the same first question: which
code names the column (SQL, ORM attribute reads, dbt models, pipeline SQL), which ORM model
still maps it, which serializer or form lists it, which `SELECT *` consumer takes its rows
apart by position, and which views, indexes and constraints the database keeps on it. The rules
ask here, so each site is found once and judged by the rule of the change.

Migrations are history, not use: their statements are left out (a view a migration creates is a
dependent object, asked for apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from depmap.catalog import Column
from depmap.impact.context import ImpactContext
from depmap.model import ACCESS, EXPOSURE, POSITIONAL_DETAILS, READ, STAR_DETAILS, Fact, Location
from depmap.orm.registry import Field, Model
from depmap.schema_objects import INDEX, SchemaObject

# What a site does with the column.
NAMES, STAR, POSITIONAL, COPY = "names", "star", "positional", "copy"


@dataclass(frozen=True)
class Use:
    """One code site that uses the column: `how` it does (NAMES, STAR, POSITIONAL, COPY)."""

    fact: Fact
    how: str

    @property
    def location(self) -> Location:
        return self.fact.location

    @property
    def verb(self) -> str:
        return "reads" if self.fact.access == READ else "writes"


@dataclass(frozen=True)
class Declared:
    """An ORM model field mapped to the column."""

    model: Model
    field: Field

    @property
    def location(self) -> Location:
        return Location(self.field.path, self.field.line, self.field.line, symbol=self.model.qualname)

    @property
    def orm(self) -> str:
        return "Django" if self.model.framework == "django" else "SQLAlchemy"


@dataclass(frozen=True)
class Dependent:
    """A database object on the column: a view selecting it, an index, a constraint."""

    kind: str  # "view", "index" or a constraint kind ("unique", "foreign_key", "check", "primary_key")
    name: str
    location: Location
    obj: SchemaObject | None = None
    referencing: str | None = None  # a foreign key of another table that points at the column
    star: bool = False  # a view that selects the column only through `*`


def existing_column(ctx: ImpactContext) -> Column | None:
    table = ctx.table
    return table.columns.get(ctx.spec.column) if table is not None else None


def code_uses(ctx: ImpactContext) -> list[Use]:
    """Every code site that uses the column, one per (path, line), in canonical order."""
    column = ctx.spec.column
    mapped = {c for model in ctx.models() for c in model.columns}
    found: dict[tuple[str, int], Use] = {}
    for fact in sorted(ctx.column_readers() + ctx.column_writers() + _other_case(ctx), key=Fact.sort_key):
        how = _how(fact, column, mapped)
        if how is None:
            continue
        key = (fact.location.path, fact.location.line)
        if key not in found or (found[key].how == STAR and how != STAR):
            found[key] = Use(fact, how)
    return sorted(found.values(), key=lambda use: use.fact.sort_key())


def _other_case(ctx: ImpactContext) -> list[Fact]:
    """Statements that name the column in another case: `"QUERY_ID"` is `query_id` on Snowflake
    (unquoted names fold to upper case there) and a dbt source documents it in lower case. A drop
    or a rename must not miss them, whichever the dialect folds to."""
    lower = ctx.spec.column.lower()
    return [f for f in ctx.table_facts(ACCESS)
            if ctx.spec.column not in f.columns and any(c.lower() == lower for c in f.columns)]


def _names(fact: Fact, column: str) -> bool:
    lower = column.lower()
    return any(c == column or c.lower() == lower for c in fact.columns)


def _how(fact: Fact, column: str, mapped: set[str]) -> str | None:
    """How `fact` uses the column; None when it does not name it. An ORM query that loads or saves
    the whole row (`Order.objects.get(...)`, `order.save()`, a create that does not set the field)
    uses every field of the model: it stops using the column with the model field (see `declared`)."""
    extra = fact.extra
    if fact.kind != ACCESS or fact.via == "migration" or extra.get("direction") == "down":
        return None
    if str(extra.get("statement") or "").startswith("create"):
        return None  # a view's definition: a dependent object, not code
    if fact.detail == "orm_load":
        return None
    if fact.via == "orm" and fact.access != READ:
        if extra.get("set_columns") is not None:
            return NAMES if column in extra["set_columns"] else None
        if mapped and mapped <= set(fact.columns):
            return None
    if _names(fact, column):
        return NAMES
    if fact.detail in POSITIONAL_DETAILS and fact.access != READ:
        return POSITIONAL
    if extra.get("statement") == "copy" or fact.detail == "copy":
        return COPY
    if fact.detail in STAR_DETAILS and fact.access == READ and not extra.get("contained") and extra.get("sink") != "raw":
        return STAR
    return None  # a whole-row ORM load: the model's field decides (see `declared`)


def declared(ctx: ImpactContext) -> list[Declared]:
    """The ORM fields mapped to the column, one per declaring line (an inherited field once)."""
    found: dict[tuple[str, int], Declared] = {}
    for model in ctx.models():
        for field in model.fields.values():
            if field.column == ctx.spec.column:
                found.setdefault((field.path, field.line), Declared(model, field))
    return sorted(found.values(), key=lambda d: (d.field.path, d.field.line))


def listed_by(ctx: ImpactContext) -> list[Fact]:
    """Serializers, forms and admin classes that list the column by name (not `__all__`, which
    follows the model), one per site."""
    found: dict[tuple[str, int], Fact] = {}
    for fact in ctx.table_facts(EXPOSURE):
        if ctx.spec.column in fact.columns and not fact.extra.get("automatic"):
            found.setdefault((fact.location.path, fact.location.line), fact)
    return sorted(found.values(), key=Fact.sort_key)


def excluded_by(ctx: ImpactContext) -> list[Fact]:
    """Serializers, forms and admin classes whose `exclude` names the column's field: they hide it
    by name, so a field under a new name is no longer hidden."""
    names = {ctx.spec.column} | {d.field.name for d in declared(ctx)}
    found: dict[tuple[str, int], Fact] = {}
    for fact in ctx.table_facts(EXPOSURE):
        if names & set(fact.extra.get("exclude") or []):
            found.setdefault((fact.location.path, fact.location.line), fact)
    return sorted(found.values(), key=Fact.sort_key)


def dependents(ctx: ImpactContext) -> list[Dependent]:
    """Views that select the column (a view of `SELECT *` included), and the indexes and
    constraints on it, of the schema as it stands; foreign keys of other tables pointing at it."""
    spec = ctx.spec
    found: list[Dependent] = []
    seen: set[str] = set()
    for hop in ctx.graph.downstream(spec.table, spec.column):
        fact = hop.fact
        if hop.source != spec.table or fact.extra.get("statement") != "create_view" or hop.target in seen:
            continue
        if ctx.catalog.get(hop.target) is None:
            continue  # dropped since
        seen.add(hop.target)
        found.append(Dependent("view", hop.target, fact.location, star=fact.detail == "star"))
    table = ctx.table
    objects = table.objects.items if table is not None else []
    for obj in objects:
        if obj.kind == "trigger" or spec.column not in obj.columns:
            continue
        found.append(Dependent(obj.kind, obj.name or f"{obj.kind} ({', '.join(obj.columns)})", _where(obj, ctx), obj))
    for owner, key in ctx.catalog.referencing(spec.table):
        if owner != spec.table and spec.column in ((key.references or {}).get("columns") or []):
            found.append(Dependent("foreign_key", key.name or f"{owner} ({', '.join(key.columns)})", _where(key, ctx), key, owner))
    return found


def _where(obj: SchemaObject, ctx: ImpactContext) -> Location:
    if obj.defined_at:
        where = next((d for d in obj.defined_at if d.via != "orm"), obj.defined_at[0])
        return Location(where.path, where.line, where.line)
    return ctx.anchor


def describe(dependent: Dependent) -> str:
    """"the view order_totals", "the index orders_status_idx", "the foreign key fk_x of payments"."""
    words = {INDEX: "index", "unique": "unique constraint", "foreign_key": "foreign key", "check": "check constraint",
             "primary_key": "primary key", "exclude": "exclusion constraint", "view": "view"}
    label = words.get(dependent.kind, dependent.kind)
    if dependent.obj is not None and dependent.kind == INDEX and dependent.obj.unique:
        label = "unique index"
    of = f" of {dependent.referencing}" if dependent.referencing else ""
    return f"the {label} {dependent.name}{of}"


def scanned_files(ctx: ImpactContext) -> int:
    """How many files the evidence covers: the scan's count, else the files with facts."""
    return ctx.files_scanned if ctx.files_scanned is not None else len({f.location.path for f in ctx.facts})


def history_note(ctx: ImpactContext) -> str | None:
    """Where the column was last changed by a migration, as evidence ("added in ...:7")."""
    history = ctx.catalog.history(ctx.spec.table, ctx.spec.column)
    ddl = [f for f in history.upgrades if f.via != "orm"]
    if not ddl:
        return None
    last = ddl[-1]
    words = {"add_column": "added", "create_table": "created with its table", "alter_column": "last altered",
             "rename_column": "last renamed"}
    return f"{words.get(last.detail or '', 'last changed')} at {last.location.path}:{last.location.line}"


def summary(uses: list[Any]) -> str:
    """"3 sites in 2 files"."""
    files = {u.location.path for u in uses}
    return f"{len(uses)} site{'s' * (len(uses) != 1)} in {len(files)} file{'s' * (len(files) != 1)}"
