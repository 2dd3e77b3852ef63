"""Link symbolic ORM facts of every file into concrete table, column and access facts.

Runs once per scan, after every file is scanned and before the catalog is built: a pure function
of all facts, so per-file scanning stays cacheable and parallel. Symbolic facts that describe
(models, app configs, table bindings, migrations) are kept for later rules; the ones that stand
for an access, an exposure or a migration operation are replaced by their concrete facts.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from depmap.model import ACCESS, COLUMN_DEF, EXPOSURE, HIGH, SCHEMA, SCHEMA_OP, TABLE_DEF, Fact, Location
from depmap.orm.declared_schema import declared, object_op, together_ops
from depmap.orm.accesses import AccessResolver
from depmap.orm.migrations import DjangoOperations, migration_identities, migration_ranks, with_ranks
from depmap.orm.registry import Field, Model, Registry, auto_through
from depmap.orm.calls import CallEffects
from depmap.orm.called_code import CalledCode, body_accesses
from depmap.orm.generic_views import inherited_views
from depmap.orm import link_scope
from depmap.orm.symbols import DJANGO_MIGRATION_OP, ORM_ACCESS, ORM_CALL, PY_CLASS, PY_OBJECT


def link_orm(facts: list[Fact], *, consume: bool = False) -> list[Fact]:
    """The linked facts of `facts`. With `consume` (a cold scan's raw facts, a list no one else
    holds), `facts` is emptied and each symbolic fact is let go once resolved: the raw and the
    linked facts no longer live side by side through the whole link, which was the highest
    point of a cold scan's memory (35 MB less at a million lines)."""
    registry = Registry.build(facts)
    ranks = migration_ranks(facts, registry)
    resolver = AccessResolver(registry)
    calls = CallEffects(registry, facts)
    linked: list[Fact] = []
    operations: list[Fact] = []
    through_calls: list[Fact] = []
    classes: list[Fact] = []
    bodies = body_accesses(facts)  # callable -> what its own statements touch
    scanned_at: set[tuple[str, int]] = set()  # where a scanner already saw an access (a generic view in its module)
    ranked = with_ranks(facts, ranks, migration_identities(facts, registry))
    call_sites = [fact for fact in facts if fact.kind == ORM_CALL]  # all `CalledCode` reads of them
    if consume:
        facts.clear()
    for position, fact in enumerate(ranked):
        if consume:
            ranked[position] = None  # type: ignore[call-overload]
        if fact.kind == ORM_ACCESS:
            resolved = resolver.orm_access(fact)
            linked.extend(resolved)
            if not fact.extra.get("receiver"):
                scanned_at.add((fact.location.path, fact.location.line))
                if fact.location.symbol:
                    bodies.setdefault(fact.location.symbol, []).extend(f for f in resolved if f.kind == ACCESS)
        elif fact.kind == ORM_CALL:
            for effect in calls.at_call(fact):
                resolved = resolver.orm_access(effect)
                through_calls.extend(resolved)
                if fact.location.symbol:  # `get_all_models(db)` wraps `crud.models.get_all(db)`: its callers too
                    bodies.setdefault(fact.location.symbol, []).extend(f for f in resolved if f.kind == ACCESS)
        elif fact.kind == PY_CLASS:
            classes.append(fact)
        elif fact.kind == PY_OBJECT:
            continue
        elif fact.kind == EXPOSURE and not fact.table:
            linked.extend(resolver.exposure(fact))
        elif fact.kind == DJANGO_MIGRATION_OP:
            operations.append(fact)
        else:
            linked.append(fact)
    linked.extend(not_seen_directly(through_calls + CalledCode(calls, bodies, call_sites).at_calls(), linked))
    for effect in calls.in_bodies():
        linked.extend(resolver.orm_access(effect))
    for effect in inherited_views(classes, calls.mro, scanned_at):
        linked.extend(resolver.orm_access(effect))
    linked.extend(DjangoOperations(registry).facts(operations, ranks))
    linked.extend(model_definitions(registry))
    return linked


def not_seen_directly(through_calls: list[Fact], direct: list[Fact]) -> list[Fact]:
    """A call's effects, less those a scanner already saw in the same statement (`order = Order(...);
    order.save()` is an INSERT both by the instance's constructor and by the mixin's `save`), one
    per table and kind at each call (a method with two branches reads its table once)."""
    spans: dict[tuple, list[tuple[int, int]]] = {}
    for fact in direct:
        if fact.kind == ACCESS:
            location = fact.location
            spans.setdefault((location.path, fact.table, fact.access, fact.detail), []).append((location.statement_start, location.site_end))
    kept: dict[tuple, Fact] = {}
    for fact in through_calls:
        location = fact.location
        covered = spans.get((location.path, fact.table, fact.access, fact.detail), [])
        if any(start <= location.line <= end for start, end in covered):
            continue
        key = (location, fact.table, fact.access, fact.detail)  # two branches of one method: one usage
        if key in kept:
            fact = replace(kept[key], columns=tuple(dict.fromkeys([*kept[key].columns, *fact.columns])))
        kept[key] = fact
    return list(kept.values())


def model_definitions(registry: Registry) -> list[Fact]:
    """A `table_def` per mapped model and a `column_def` per column, at the lines that define them
    (an inherited field at its base's lines)."""
    facts: list[Fact] = []
    for model in registry.concrete_models():
        assert model.table is not None
        if not link_scope.wanted(model.fact.location.path, *(field.path for field in model.fields.values())):
            continue  # a relink asks for other files' facts (`depmap.orm.link_scope`)
        location = model.fact.location
        extra = {"model": model.qualname, "framework": model.framework}
        facts.append(Fact(TABLE_DEF, model.table, location, tuple(model.columns), SCHEMA, "model_definition", "orm", extra=extra))
        for field in model.fields.values():
            if field.column:
                facts.append(_column_fact(model, field))
        facts.extend(_through_tables(registry, model))
        facts.extend(_declared_schema(registry, model))
    return facts


def _declared_schema(registry: Registry, model: Model) -> list[Fact]:
    """What the model declares to the database, as schema operations `within` the model: its
    table (with the primary key, unique, indexed and foreign-key columns its fields declare),
    then each index, constraint and `*_together` set of its own, at their lines."""
    django = model.framework == "django"
    found = []
    for field in model.fields.values():
        if not field.column:
            continue
        references = None
        if field.kind in ("foreign_key", "one_to_one"):
            target = registry.resolve_relation(field.spec.get("related_model"), model) if django else None
            if target is not None and target.table:
                references = {"table": target.table, "columns": [target.primary_key or "id"]}
            elif django:  # a swappable user model, a model outside the project: named as written
                references = {"table": None, "columns": [], "model": field.spec.get("related_model")}
            elif isinstance(field.spec.get("references"), str):
                table, _, column = field.spec["references"].lower().rpartition(".")
                references = {"table": table or None, "columns": [column] if column else []}
        item = declared({**field.spec, "db_index": field.spec.get("db_index", field.spec.get("index"))}, field.column, references, indexes_relations=django)
        if item:
            found.append(item)
    location = model.fact.location
    extra: dict[str, Any] = {"within": "model", "model": model.qualname}
    if found:
        extra["column_constraints"] = found
    facts = [Fact(SCHEMA_OP, model.table or "", location, tuple(model.columns), SCHEMA, "create_table", "orm", HIGH, model.fact.snippet, extra)]

    def columns(names: list[str]) -> list[str]:
        fields = model.fields
        return [(fields[n].column if n in fields and fields[n].column else n).lower() for n in names]

    items = [(object_op(item, columns), item) for item in model.fact.extra.get("schema_items") or []]
    for option in ("unique_together", "index_together"):
        items += [(op, None) for op in together_ops(option, model.fact.extra.get(option) or [], columns)]
    for (op, item_columns, item_extra), item in items:
        at = location if item is None else Location(location.path, item["line"], item["end_line"], symbol=location.symbol)
        data = {k: v for k, v in item_extra.items() if v is not None}
        data.update(within="model", model=model.qualname)
        facts.append(Fact(SCHEMA_OP, model.table or "", at, tuple(item_columns), SCHEMA, op, "orm", HIGH, "", data))
    return facts


def _column_fact(model: Model, field: Field) -> Fact:
    spec = field.spec
    nullable = spec.get("nullable")
    if nullable is None:
        nullable = False if model.framework == "django" or spec.get("primary_key") else True
    extra = {
        "type": spec.get("type"),
        "nullable": bool(nullable),
        "default": spec.get("db_default"),
        "client_default": spec.get("default"),
        "model": model.qualname,
        "field": field.name,
    }
    for key in ("primary_key", "unique", "references", "implicit"):
        if spec.get(key):
            extra[key] = spec[key]
    location = Location(field.path, field.line, field.line, symbol=field.owner)
    return Fact(COLUMN_DEF, model.table or "", location, (field.column or "",), SCHEMA, "model_definition", "orm", extra=extra)


def _through_tables(registry: Registry, model: Model) -> list[Fact]:
    """Django creates `<table>_<field>` for a ManyToManyField without `through`."""
    facts = []
    for field in model.fields.values():
        if field.kind != "many_to_many" or field.spec.get("through") or model.framework != "django":
            continue
        target = registry.resolve_relation(field.spec.get("related_model"), model)
        if target is None:
            continue
        table, source, other = auto_through(model, field, target)
        location = Location(field.path, field.line, field.line, symbol=field.owner)
        extra = {"model": model.qualname, "field": field.name, "through": "auto"}
        facts.append(Fact(TABLE_DEF, table, location, ("id", source, other), SCHEMA, "model_definition", "orm", extra=extra))
        for column in ("id", source, other):
            spec = {"type": "AutoField" if column == "id" else "ForeignKey", "nullable": False, "default": None}
            facts.append(Fact(COLUMN_DEF, table, location, (column,), SCHEMA, "model_definition", "orm", extra={**spec, **extra}))
    return facts
