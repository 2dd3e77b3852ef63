"""Migrations in the order they run, and Django migration operations as table/column definitions.

Alembic files are named by random revision ids, so file order means nothing: the order is the
`down_revision` chain (merges included). Django orders migrations by their `dependencies`, across
apps. Every fact of a migration file gets its rank in `extra["migration_rank"]`, which the catalog
replays by. A Django operation names a model ("order" in app "orders"); its table follows the
same rules as the model's (app label, `db_table`), tracked operation by operation.
"""

from __future__ import annotations

from dataclasses import replace
from graphlib import CycleError, TopologicalSorter
from typing import Any

from depmap.model import COLUMN_DEF, SCHEMA, TABLE_DEF, Fact
from depmap.orm.naming import app_module_of, django_table
from depmap.orm.registry import Registry
from depmap.orm.symbols import DJANGO_MIGRATION_OP, MIGRATION
from depmap.python.module_names import module_name_for


def migration_ranks(facts: list[Fact], registry: Registry) -> dict[str, int]:
    """path -> position in the order migrations are applied.

    Django dependencies name apps by label (`("sales", "0001_initial")`), which may differ from
    the app's folder (`orders/` with `label = "sales"`): each migration is keyed by its label."""
    alembic: dict[str, Fact] = {}
    django: dict[tuple[str, str], Fact] = {}
    for fact in facts:
        if fact.kind != MIGRATION:
            continue
        if fact.extra.get("tool") == "alembic" and fact.extra.get("revision"):
            alembic[fact.extra["revision"]] = fact
        elif fact.extra.get("tool") == "django":
            label = registry.label_of_app(app_module_of(module_name_for(fact.location.path)))
            django[(label, fact.extra.get("name", ""))] = fact
    ranks: dict[str, int] = {}
    for graph_facts, dependencies in (
        (alembic, {rev: _as_list(f.extra.get("down_revision")) for rev, f in alembic.items()}),
        (django, {key: [tuple(d) for d in f.extra.get("dependencies") or []] for key, f in django.items()}),
    ):
        for node in _ordered(dependencies):
            if node in graph_facts:
                ranks.setdefault(graph_facts[node].location.path, len(ranks))
    return ranks


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]


def _ordered(dependencies: dict) -> list:
    """Topological order with a stable tie-break (sorted names); a cycle falls back to names."""
    sorter: TopologicalSorter = TopologicalSorter()
    for node in sorted(dependencies, key=str):
        sorter.add(node, *[d for d in dependencies[node] if d in dependencies])
    try:
        sorter.prepare()
    except CycleError:
        return sorted(dependencies, key=str)
    order = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=str)
        order.extend(ready)
        sorter.done(*ready)
    return order


def with_ranks(facts: list[Fact], ranks: dict[str, int]) -> list[Fact]:
    """Every fact of a migration file is a migration fact: rank it, and say so in `via`. What an
    Alembic `downgrade()` runs is marked `direction: down`: it must not replay into the schema."""
    alembic_paths = {f.location.path for f in facts if f.kind == MIGRATION and f.extra.get("tool") == "alembic"}
    ranked = []
    for fact in facts:
        rank = ranks.get(fact.location.path)
        if rank is not None and fact.kind not in (MIGRATION,):
            extra = {**fact.extra, "migration_rank": rank}
            if fact.location.path in alembic_paths and _in_downgrade(fact.location.symbol):
                extra["direction"] = "down"
            fact = replace(fact, via="migration", extra=extra)
        ranked.append(fact)
    return ranked


def _in_downgrade(symbol: str | None) -> bool:
    return bool(symbol) and symbol.rsplit(".", 1)[-1].startswith("downgrade")


class DjangoOperations:
    """Replays Django migration operations into table/column definition facts."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.tables: dict[tuple[str, str], str] = {}  # (app module, model name) -> table
        self.kinds: dict[tuple[str, str, str], dict[str, Any]] = {}  # (app, model, field) -> field spec
        self.unmanaged: set[tuple[str, str]] = set()

    def facts(self, operations: list[Fact], ranks: dict[str, int]) -> list[Fact]:
        ordered = sorted(operations, key=lambda f: (ranks.get(f.location.path, 1 << 30), f.location.path, f.location.line))
        out: list[Fact] = []
        for fact in ordered:
            out.extend(self._operation(fact))
        return out

    def _operation(self, fact: Fact) -> list[Fact]:
        extra = fact.extra
        app = app_module_of(module_name_for(fact.location.path))
        model = (extra.get("model_name") or "").lower()
        op = extra.get("op")
        key = (app, model)
        if extra.get("state_only"):  # SeparateDatabaseAndState: the database is not touched
            return []
        if op == "CreateModel" and (extra.get("proxy") or extra.get("managed") is False):
            self.unmanaged.add(key)  # a proxy has no table; an unmanaged model's table is not Django's
            return []
        if key in self.unmanaged:
            return []
        if op == "CreateModel":
            table = extra.get("table") or django_table(self.registry.label_of_app(app), model)
            self.tables[key] = table
            fields = list(extra.get("fields") or [])
            columns = [self._remember(app, model, spec) for spec in fields]
            out = [self._fact(fact, TABLE_DEF, table, [c for c in columns if c], "create_table", {})]
            out += [self._column(fact, table, spec, "create_table") for spec in fields if self._column_name(spec)]
            return out
        table = self.tables.get(key) or django_table(self.registry.label_of_app(app), model)
        if op == "AddField":
            return [self._column(fact, table, spec, "add_column") for spec in extra.get("fields") or [] if self._remember(app, model, spec)]
        if op == "AlterField":
            return [self._column(fact, table, spec, "alter_column") for spec in extra.get("fields") or [] if self._remember(app, model, spec)]
        if op == "RemoveField":
            spec = self.kinds.get((app, model, extra.get("name") or ""), {"name": extra.get("name")})
            column = self._column_name(spec)
            return [self._fact(fact, COLUMN_DEF, table, [column], "drop_column", {})] if column else []
        if op == "RenameField":
            old = self.kinds.pop((app, model, extra.get("old_name") or ""), {"name": extra.get("old_name")})
            new = {**old, "name": extra.get("new_name")}
            self.kinds[(app, model, new["name"] or "")] = new
            old_column, new_column = self._column_name(old), self._column_name(new)
            if old_column and new_column and old_column != new_column and not old.get("db_column"):
                return [self._fact(fact, COLUMN_DEF, table, [old_column], "rename_column", {"new_name": new_column})]
            return []
        if op == "DeleteModel":
            return [self._fact(fact, TABLE_DEF, table, [], "drop_table", {})]
        if op in ("RenameModel", "AlterModelTable"):
            new_table = extra.get("table") or django_table(self.registry.label_of_app(app), (extra.get("new_name") or "").lower())
            new_key = (app, (extra.get("new_name") or model).lower())
            self.tables[new_key] = new_table
            return [self._fact(fact, TABLE_DEF, table, [], "rename_table", {"new_name": new_table})] if new_table != table else []
        return []

    def _remember(self, app: str, model: str, spec: dict[str, Any]) -> str | None:
        self.kinds[(app, model, spec.get("name") or "")] = spec
        return self._column_name(spec)

    @staticmethod
    def _column_name(spec: dict[str, Any]) -> str | None:
        kind = spec.get("kind") or "column"
        if kind in ("many_to_many", "relationship") or not spec.get("name"):
            return None
        return spec.get("db_column") or spec["name"] + ("_id" if kind in ("foreign_key", "one_to_one") else "")

    def _column(self, fact: Fact, table: str, spec: dict[str, Any], detail: str) -> Fact:
        column = self._column_name(spec)
        extra = {
            "type": spec.get("type"),
            "nullable": bool(spec.get("nullable")) if spec.get("nullable") is not None else False,
            "default": spec.get("db_default"),
            "client_default": spec.get("default"),
        }
        for key in ("primary_key", "unique", "preserve_default"):
            if key in spec:
                extra[key] = spec[key]
        if detail == "alter_column":
            extra = {k: v for k, v in extra.items() if v is not None}
        line = int(spec.get("line") or fact.location.line)
        return replace(self._fact(fact, COLUMN_DEF, table, [column] if column else [], detail, extra), location=replace(fact.location, line=line, end_line=line))

    @staticmethod
    def _fact(fact: Fact, kind: str, table: str, columns: list[str], detail: str, extra: dict[str, Any]) -> Fact:
        extra = {**extra, "operation": fact.extra.get("op")}
        if "migration_rank" in fact.extra:
            extra["migration_rank"] = fact.extra["migration_rank"]
        return replace(fact, kind=kind, table=table, columns=tuple(columns), access=SCHEMA, detail=detail, via="migration", extra=extra)


__all__ = ["DjangoOperations", "migration_ranks", "with_ranks", "DJANGO_MIGRATION_OP"]
