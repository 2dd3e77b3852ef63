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

from depmap.model import COLUMN_DEF, SCHEMA, SCHEMA_OP, TABLE_DEF, Fact
from depmap.orm.declared_schema import declared, object_op, together_ops
from depmap.orm.naming import app_module_of, django_table
from depmap.orm.registry import Registry
from depmap.orm.symbols import DJANGO_MIGRATION_OP, MIGRATION
from depmap.python.module_names import module_name_for


def migration_ranks(facts: list[Fact], registry: Registry) -> dict[str, int]:
    """path -> position in the order migrations are applied.

    Django dependencies name apps by label (`("sales", "0001_initial")`), which may differ from
    the app's folder (`orders/` with `label = "sales"`): each migration is keyed by its label. A
    dependency naming the folder where no app has that label (hand-written, or a label changed
    later) is read as the folder's app."""
    alembic: dict[str, Fact] = {}
    django: dict[tuple[str, str], Fact] = {}
    folders: dict[str, str] = {}  # app folder -> label
    for fact in facts:
        if fact.kind != MIGRATION:
            continue
        if fact.extra.get("tool") == "alembic" and fact.extra.get("revision"):
            alembic[fact.extra["revision"]] = fact
        elif fact.extra.get("tool") == "django":
            app = app_module_of(module_name_for(fact.location.path))
            label = registry.label_of_app(app)
            django[(label, fact.extra.get("name", ""))] = fact
            folders.setdefault(app.rsplit(".", 1)[-1], label)
    labels = {label for label, _ in django}

    def dependency(item: list[str]) -> tuple[str, ...]:
        app, *rest = item
        return (app if app in labels else folders.get(app, app), *rest)

    ranks: dict[str, int] = {}
    for graph_facts, dependencies in (
        (alembic, {rev: _as_list(f.extra.get("down_revision")) for rev, f in alembic.items()}),
        (django, {key: [dependency(d) for d in f.extra.get("dependencies") or [] if d] for key, f in django.items()}),
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


def migration_identities(facts: list[Fact], registry: Registry) -> dict[str, str]:
    """path -> the migration's identity as its tool names it: an Alembic revision id, a Django
    `app_label.name` (what `manage.py migrate app_label name` takes)."""
    identities: dict[str, str] = {}
    for fact in facts:
        if fact.kind != MIGRATION:
            continue
        if fact.extra.get("tool") == "alembic" and fact.extra.get("revision"):
            identities[fact.location.path] = fact.extra["revision"]
        elif fact.extra.get("tool") == "django" and fact.extra.get("name"):
            label = registry.label_of_app(app_module_of(module_name_for(fact.location.path)))
            identities[fact.location.path] = f"{label}.{fact.extra['name']}"
    return identities


def with_ranks(facts: list[Fact], ranks: dict[str, int], identities: dict[str, str] | None = None) -> list[Fact]:
    """Every fact of a migration file is a migration fact: rank it, and say so in `via`. What an
    Alembic `downgrade()` runs is marked `direction: down`: it must not replay into the schema.
    A schema operation also gets its migration's identity (`migration`)."""
    alembic_paths = {f.location.path for f in facts if f.kind == MIGRATION and f.extra.get("tool") == "alembic"}
    ranked = []
    for fact in facts:
        rank = ranks.get(fact.location.path)
        if rank is not None and fact.kind not in (MIGRATION,):
            extra = {**fact.extra, "migration_rank": rank}
            if fact.location.path in alembic_paths and _in_downgrade(fact.location.symbol):
                extra["direction"] = "down"
            if fact.kind == SCHEMA_OP and identities and fact.location.path in identities:
                extra["migration"] = identities[fact.location.path]
            fact = replace(fact, via="migration", extra=extra)
        ranked.append(fact)
    return ranked


def _in_downgrade(symbol: str | None) -> bool:
    return bool(symbol) and symbol.rsplit(".", 1)[-1].startswith("downgrade")


class DjangoOperations:
    """Replays Django migration operations into table/column definition facts, and each into a
    schema operation (SCHEMA_OP) of its table's history."""

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
        history = _History(self, fact, app, model)
        if op == "CreateModel":
            table = extra.get("table") or django_table(self.registry.label_of_app(app), model)
            self.tables[key] = table
            fields = list(extra.get("fields") or [])
            columns = [self._remember(app, model, spec) for spec in fields]
            out = [self._fact(fact, TABLE_DEF, table, [c for c in columns if c], "create_table", {})]
            out += [self._column(fact, table, spec, "create_table") for spec in fields if self._column_name(spec)]
            return out + history.create_model(table, fields) + history.join_tables(table, fields)
        table = self.tables.get(key) or django_table(self.registry.label_of_app(app), model)
        if op in ("AddField", "AlterField"):
            detail = "add_column" if op == "AddField" else "alter_column"
            written = list(extra.get("fields") or [])
            fields = [spec for spec in written if self._remember(app, model, spec)]
            joins = history.join_tables(table, written) if op == "AddField" else []
            return [self._column(fact, table, spec, detail) for spec in fields] + history.field(table, detail, fields) + joins
        if op == "RemoveField":
            spec = self.kinds.get((app, model, extra.get("name") or ""), {"name": extra.get("name")})
            if spec.get("kind") == "many_to_many" and not spec.get("through"):  # Django drops the join table
                return [history.op(f"{table}_{spec['name']}", "drop_table", (), {"through": "auto"})]
            column = self._column_name(spec)
            return [self._fact(fact, COLUMN_DEF, table, [column], "drop_column", {}), history.op(table, "drop_column", [column])] if column else []
        if op == "RenameField":
            old = self.kinds.pop((app, model, extra.get("old_name") or ""), {"name": extra.get("old_name")})
            new = {**old, "name": extra.get("new_name")}
            self.kinds[(app, model, new["name"] or "")] = new
            old_column, new_column = self._column_name(old), self._column_name(new)
            if old_column and new_column and old_column != new_column and not old.get("db_column"):
                renamed = {"new_name": new_column}
                return [self._fact(fact, COLUMN_DEF, table, [old_column], "rename_column", renamed), history.op(table, "rename_column", [old_column], renamed)]
            return []
        if op == "DeleteModel":
            return [self._fact(fact, TABLE_DEF, table, [], "drop_table", {}), history.op(table, "drop_table")]
        if op in ("RenameModel", "AlterModelTable"):
            new_table = extra.get("table") or django_table(self.registry.label_of_app(app), (extra.get("new_name") or "").lower())
            new_key = (app, (extra.get("new_name") or model).lower())
            self.tables[new_key] = new_table
            for (field_app, field_model, field_name), spec in list(self.kinds.items()):  # the fields follow the model
                if (field_app, field_model) == key and new_key != key:
                    self.kinds[(app, new_key[1], field_name)] = spec
            if new_table == table:
                return []
            renamed = {"new_name": new_table}
            return [self._fact(fact, TABLE_DEF, table, [], "rename_table", renamed), history.op(table, "rename_table", [], renamed)]
        return history.index_or_constraint(table, op or "")

    def _remember(self, app: str, model: str, spec: dict[str, Any]) -> str | None:
        self.kinds[(app, model, spec.get("name") or "")] = spec
        return self._column_name(spec)

    @staticmethod
    def _column_name(spec: dict[str, Any]) -> str | None:
        kind = spec.get("kind") or "column"
        if kind in ("many_to_many", "relationship") or not spec.get("name"):
            return None
        return spec.get("db_column") or spec["name"] + ("_id" if kind in ("foreign_key", "one_to_one") else "")

    def column_of(self, app: str, model: str, field: str) -> str:
        """A field's column as the migrations so far define it; the name itself when unknown."""
        spec = self.kinds.get((app, model, field))
        return (self._column_name(spec) if spec else None) or field

    def table_of(self, reference: str | None, app: str, model: str) -> str | None:
        """The table a relation's `to` names ("orders.customer", "Customer", "self"), as the
        migrations so far define it; None for a swappable model (`settings.AUTH_USER_MODEL`)."""
        if not reference or reference.startswith("settings.") or reference == "__swappable__":
            return None
        if reference == "self":
            return self.tables.get((app, model)) or django_table(self.registry.label_of_app(app), model)
        label, _, name = reference.rpartition(".")
        name = name.lower()
        label = label or self.registry.label_of_app(app)
        for (other_app, other_model), table in self.tables.items():  # by label, or by the app's folder
            if other_model == name and label in (self.registry.label_of_app(other_app), other_app.rsplit(".", 1)[-1]):
                return table
        return django_table(label, name)

    def _column(self, fact: Fact, table: str, spec: dict[str, Any], detail: str) -> Fact:
        """A column definition: a CreateModel field at its own line, an AddField/AlterField at
        the operation's (first to last line)."""
        column = self._column_name(spec)
        extra = {
            "type": spec.get("type"),
            "nullable": bool(spec.get("nullable")) if spec.get("nullable") is not None else False,
            "default": spec.get("db_default"),
            "client_default": spec.get("default"),
        }
        for key in ("primary_key", "unique", "preserve_default", "size"):
            if key in spec:
                extra[key] = spec[key]
        if detail == "alter_column":
            extra = {k: v for k, v in extra.items() if v is not None}
        defined = self._fact(fact, COLUMN_DEF, table, [column] if column else [], detail, extra)
        if detail != "create_table":
            return defined
        line = int(spec.get("line") or fact.location.line)
        return replace(defined, location=replace(fact.location, line=line, end_line=line))

    @staticmethod
    def _fact(fact: Fact, kind: str, table: str, columns: list[str], detail: str, extra: dict[str, Any]) -> Fact:
        extra = {**extra, "operation": fact.extra.get("op")}
        if "migration_rank" in fact.extra:
            extra["migration_rank"] = fact.extra["migration_rank"]
        return replace(fact, kind=kind, table=table, columns=tuple(columns), access=SCHEMA, detail=detail, via="migration", extra=extra)


class _History:
    """The schema operations (SCHEMA_OP) of one Django migration operation, at its lines."""

    def __init__(self, operations: DjangoOperations, fact: Fact, app: str, model: str) -> None:
        self.operations = operations
        self.fact = fact
        self.app = app
        self.model = model
        name = fact.location.path.rsplit("/", 1)[-1].removesuffix(".py")
        self.migration = f"{operations.registry.label_of_app(app)}.{name}"

    def op(self, table: str, op: str, columns: list[str] | tuple[str, ...] = (), extra: dict[str, Any] | None = None, line: int | None = None, end_line: int | None = None) -> Fact:
        data = {k: v for k, v in (extra or {}).items() if v is not None}
        data.update(operation=self.fact.extra.get("op"), migration=self.migration)
        if "migration_rank" in self.fact.extra:
            data["migration_rank"] = self.fact.extra["migration_rank"]
        location = self.fact.location
        if line is not None:
            location = replace(location, line=line, end_line=end_line or line)
        return replace(self.fact, kind=SCHEMA_OP, table=table, columns=tuple(columns), access=SCHEMA, detail=op, via="migration", location=location, extra=data)

    def columns(self, fields: list[str]) -> list[str]:
        return [self.operations.column_of(self.app, self.model, name) for name in fields]

    def _declared(self, spec: dict[str, Any]) -> dict[str, Any]:
        column = self.operations._column_name(spec)
        if not column:
            return {}
        references = None
        if spec.get("kind") in ("foreign_key", "one_to_one"):
            target = self.operations.table_of(spec.get("related_model"), self.app, self.model)
            references = {"table": target, "columns": ["id"]} if target else {"table": None, "columns": [], "model": spec.get("related_model")}
        return declared(spec, column, references)

    def create_model(self, table: str, fields: list[dict[str, Any]]) -> list[Fact]:
        """CreateModel: the creation (with what its fields declare), then each index, constraint
        and `*_together` set its options declare, `within` the creation."""
        extra = self.fact.extra
        columns = [c for c in (self.operations._column_name(spec) for spec in fields) if c]
        found = [d for d in (self._declared(spec) for spec in fields) if d]
        ops = [self.op(table, "create_table", columns, {"column_constraints": found or None})]
        for item in [*(extra.get("indexes") or []), *(extra.get("constraints") or [])]:
            kind, item_columns, item_extra = object_op(item, self.columns)
            ops.append(self.op(table, kind, item_columns, {**item_extra, "within": "create_table"}, item.get("line"), item.get("end_line")))
        for option in ("unique_together", "index_together"):
            for kind, item_columns, item_extra in together_ops(option, extra.get(option) or [], self.columns):
                ops.append(self.op(table, kind, item_columns, {**item_extra, "within": "create_table"}))
        return ops

    def join_tables(self, table: str, fields: list[dict[str, Any]]) -> list[Fact]:
        """A ManyToManyField without `through`: Django creates `<table>_<field>`, with a foreign
        key to each side (`<model>_id`, `<target>_id`; `from_`/`to_` when the model points at itself)."""
        ops = []
        for spec in fields:
            if spec.get("kind") != "many_to_many" or spec.get("through") or not spec.get("name"):
                continue
            related = spec.get("related_model") or ""
            target = self.operations.table_of(related, self.app, self.model)
            other = (self.model if related == "self" else related.rpartition(".")[2].lower()) or "target"
            source, far = f"{self.model}_id", f"{other}_id"
            if source == far:
                source, far = f"from_{source}", f"to_{far}"
            found = [{"column": source, "references": {"table": table, "columns": ["id"]}},
                     {"column": far, "references": {"table": target, "columns": ["id"]} if target else {"table": None, "columns": [], "model": related}}]
            ops.append(self.op(f"{table}_{spec['name']}", "create_table", ["id", source, far], {"column_constraints": found, "through": "auto"}))
        return ops

    def field(self, table: str, op: str, fields: list[dict[str, Any]]) -> list[Fact]:
        """AddField / AlterField: the column, with what the field declares (an AlterField states
        the field whole: its `column_constraints` replace the column's, an empty list included)."""
        ops = []
        for spec in fields:
            column = self.operations._column_name(spec)
            if column:
                found = self._declared(spec)
                declared_list = [found] if found else ([] if op == "alter_column" else None)
                ops.append(self.op(table, op, [column], {"column_constraints": declared_list}))
        return ops

    def index_or_constraint(self, table: str, op: str) -> list[Fact]:
        extra = self.fact.extra
        if op in ("AddIndex", "AddIndexConcurrently", "AddConstraint", "AddConstraintNotValid"):
            item = extra.get("index") or extra.get("constraint") or {}
            kind, columns, item_extra = object_op(item, self.columns)
            flags = {"concurrently": True} if op == "AddIndexConcurrently" else {"not_valid": True} if op == "AddConstraintNotValid" else {}
            return [self.op(table, kind, columns, {**item_extra, **flags})]
        if op in ("RemoveIndex", "RemoveIndexConcurrently"):
            concurrently = True if op == "RemoveIndexConcurrently" else None
            return [self.op(table, "drop_index", (), {"name": (extra.get("index_name") or "").lower() or None, "concurrently": concurrently})]
        if op == "RemoveConstraint":
            return [self.op(table, "drop_constraint", (), {"name": (extra.get("constraint_name") or "").lower() or None})]
        if op == "RenameIndex":
            old_fields = [f for f in extra.get("old_fields") or [] if f]
            renamed = {"name": (extra.get("old_name") or "").lower() or None, "new_name": (extra.get("new_name") or "").lower() or None}
            return [self.op(table, "rename_index", self.columns(old_fields), renamed)]
        if op in ("AlterUniqueTogether", "AlterIndexTogether"):
            groups = [self.columns(group) for group in extra.get("together") or []]
            columns = list(dict.fromkeys(c for group in groups for c in group))
            detail = "alter_unique_together" if op == "AlterUniqueTogether" else "alter_index_together"
            return [self.op(table, detail, columns, {"together": groups})]
        return []


__all__ = ["DjangoOperations", "migration_identities", "migration_ranks", "with_ranks", "DJANGO_MIGRATION_OP"]
