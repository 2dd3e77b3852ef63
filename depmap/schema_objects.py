"""A table's indexes, constraints and triggers, as the replayed schema operations leave them.

The catalog replays every SCHEMA_OP (never a downgrade) in migration order and hands each to
`replay`: a `create_index` adds an index, a `drop_constraint` removes one by name, a dropped
column takes the indexes and constraints on it along, a renamed column or table is renamed in
them (foreign keys of other tables that point at it included), a Django `alter_unique_together`
replaces the model's `unique_together` set, an `alter_column` that states its column's
constraints (Django's AlterField) replaces them. What column definitions declare (a column's
PRIMARY KEY, UNIQUE, REFERENCES, an indexed ForeignKey) becomes objects too, marked `declared`.

ORM model declarations merge into what the migrations made (same name, or same kind and columns:
one object, both places listed), like the catalog's columns. The impact rules ask a table for its
objects (`indexes()`, `constraints()`, `triggers()`, `foreign_keys_to()`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from depmap.model import Fact


@dataclass(frozen=True, order=True, slots=True)
class Definition:
    """Where something was defined: a file, a line, and through what (`via` of the fact). Slots,
    pickled as a constructor call (as `depmap.model.Location`): a large catalog holds one per
    column definition."""

    path: str
    line: int
    via: str

    def __reduce__(self) -> tuple:
        return (Definition, (self.path, self.line, self.via))

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "via": self.via}


# Object kinds: "index", the constraint kinds of `depmap.model` ("unique", "foreign_key",
# "check", "primary_key", "exclude"), and "trigger".
INDEX, TRIGGER, PRIMARY_KEY, UNIQUE, FOREIGN_KEY = "index", "trigger", "primary_key", "unique", "foreign_key"


@dataclass
class SchemaObject:
    kind: str
    name: str | None
    columns: list[str]
    defined_at: list[Definition] = field(default_factory=list)
    unique: bool = False  # an index: UNIQUE
    where: str | None = None  # a partial index or constraint's predicate as written
    expressions: bool = False  # some items are expressions, not columns
    references: dict[str, Any] | None = None  # a foreign key: {"table", "columns"}
    check: str | None = None
    trigger: dict[str, Any] | None = None  # {"timing", "events"}
    option: str | None = None  # "unique_together" / "index_together"
    declared: bool = False  # made by a column definition (a column's UNIQUE, REFERENCES, ...)

    def same_as(self, other: SchemaObject) -> bool:
        """The same object written twice (a migration and a model): by name, else kind and columns."""
        if self.kind != other.kind:
            return False
        if self.name and other.name:
            return self.name == other.name
        return self.columns == other.columns and (self.references or {}).get("table") == (other.references or {}).get("table")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name}
        if self.kind not in (INDEX, TRIGGER):
            data["kind"] = self.kind
        if self.kind != TRIGGER or self.columns:
            data["columns"] = list(self.columns)
        if self.kind == INDEX:
            data["unique"] = self.unique
        for key in ("where", "references", "check", "option"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.trigger:
            data.update(self.trigger)
        if self.expressions:
            data["expressions"] = True
        if self.declared:
            data["declared"] = True
        data["defined_at"] = [d.to_json() for d in self.defined_at]
        return data


class Objects:
    """The objects of one table, in the order they were made."""

    def __init__(self) -> None:
        self.items: list[SchemaObject] = []

    def add(self, item: SchemaObject, merge: bool = False) -> None:
        """Add an object; one of the same name replaces it (CREATE OR REPLACE, a re-run), and with
        `merge` (an ORM declaration) the same object gains a place instead."""
        for index, existing in enumerate(self.items):
            if existing.same_as(item):
                if merge:
                    existing.defined_at.extend(d for d in item.defined_at if d not in existing.defined_at)
                else:
                    self.items[index] = item
                return
        self.items.append(item)

    def remove(self, keep: Any) -> list[SchemaObject]:
        removed = [item for item in self.items if not keep(item)]
        self.items = [item for item in self.items if keep(item)]
        return removed

    def named(self, name: str | None) -> SchemaObject | None:
        return next((item for item in self.items if name and item.name == name), None)

    def of_kind(self, *kinds: str) -> list[SchemaObject]:
        return [item for item in self.items if item.kind in kinds]


def replay(tables: dict[str, Any], fact: Fact, where: Definition, late: bool = False) -> None:
    """Apply one schema operation to the objects of `tables` (name -> catalog Table, each with an
    `objects` attribute). Operations on a table the catalog does not know are left out. `late`:
    the operation waited for its table (only defined later in the replay): it adds to what is
    there instead of starting the table afresh."""
    extra = fact.extra
    op = fact.detail or ""
    if op in ("rename_table", "drop_table"):  # the table itself moved or went before this runs
        _follow_table(tables, fact.table, extra.get("new_name") if op == "rename_table" else None)
        return
    table = tables.get(fact.table)
    if table is None:
        return
    objects: Objects = table.objects
    merge = extra.get("within") == "model" or late
    if op in ("create_table", "create_table_as", "create_view"):
        if not merge:
            objects.items = []
        _declare(objects, extra.get("column_constraints") or [], where, merge)
    elif op == "add_column":
        _declare(objects, extra.get("column_constraints") or [], where, merge)
    elif op == "alter_column":
        if "column_constraints" in extra:  # the column's whole definition: its declared objects are replaced
            objects.remove(lambda item: not (item.declared and item.columns == list(fact.columns)))
            _declare(objects, extra["column_constraints"], where, merge)
        if extra.get("new_name"):
            _rename_column(tables, fact.table, fact.columns, extra["new_name"])
    elif op == "drop_column":
        objects.remove(lambda item: not set(fact.columns) & set(item.columns))
    elif op == "rename_column" and extra.get("new_name"):
        _rename_column(tables, fact.table, fact.columns, extra["new_name"])
    elif op in ("create_index", "add_constraint", "create_trigger"):
        objects.add(_made(fact, where), merge)
    elif op in ("drop_index", "drop_constraint", "drop_trigger"):
        kinds = {"drop_index": (INDEX,), "drop_trigger": (TRIGGER,)}.get(op)
        _drop(objects, fact.table, extra.get("name"), kinds, extra.get("constraint"))
    elif op == "rename_index":
        item = objects.named(extra.get("name")) or next(
            (i for i in objects.of_kind(INDEX) if not i.name and fact.columns and i.columns == list(fact.columns)), None)
        if item is not None and extra.get("new_name"):
            item.name = extra["new_name"]
            item.defined_at.append(where)
    elif op in ("alter_unique_together", "alter_index_together"):
        option = "unique_together" if op == "alter_unique_together" else "index_together"
        objects.remove(lambda item: item.option != option)
        for group in extra.get("together") or []:
            kind = UNIQUE if option == "unique_together" else INDEX
            objects.add(SchemaObject(kind, None, list(group), [where], option=option))


def _made(fact: Fact, where: Definition) -> SchemaObject:
    extra = fact.extra
    if fact.detail == "create_trigger":
        return SchemaObject(TRIGGER, extra.get("name"), list(fact.columns), [where], trigger=extra.get("trigger"))
    kind = INDEX if fact.detail == "create_index" else (extra.get("constraint") or "constraint")
    return SchemaObject(
        kind, extra.get("name"), list(fact.columns), [where],
        unique=bool(extra.get("unique")), where=extra.get("where"), expressions=bool(extra.get("expressions")),
        references=extra.get("references"), check=extra.get("check"), option=extra.get("option"),
    )  # fmt: skip


def _declare(objects: Objects, declared: Iterable[dict[str, Any]], where: Definition, merge: bool) -> None:
    """What column definitions declare: one primary key over every primary-key column, and a
    unique constraint, an index or a foreign key per column."""
    primary = [d["column"] for d in declared if d.get("primary_key")]
    if primary:
        existing = next(iter(objects.of_kind(PRIMARY_KEY)), None)
        if existing is not None and existing.declared:
            existing.columns = list(dict.fromkeys(existing.columns + primary))
            if where not in existing.defined_at:
                existing.defined_at.append(where)
        else:
            objects.add(SchemaObject(PRIMARY_KEY, None, primary, [where], declared=True), merge)
    for item in declared:
        column = [item["column"]]
        if item.get("unique"):
            objects.add(SchemaObject(UNIQUE, None, column, [where], declared=True), merge)
        if item.get("index"):
            objects.add(SchemaObject(INDEX, None, column, [where], declared=True), merge)
        if item.get("references"):
            objects.add(SchemaObject(FOREIGN_KEY, None, column, [where], references=item["references"], declared=True), merge)


def _drop(objects: Objects, table: str, name: str | None, kinds: tuple[str, ...] | None, constraint: str | None) -> None:
    """Drop by name; a constraint the database named itself is found by PostgreSQL's naming
    (`orders_pkey`, `orders_customer_id_fkey`, `orders_number_key`, `orders_total_check`)."""
    if not name:
        return
    found = objects.remove(lambda item: not (item.name == name and (kinds is None or item.kind in kinds)))
    if found or kinds is not None:
        return
    bare = table.rsplit(".", 1)[-1]
    for item in objects.items:
        if item.name:
            continue
        suffix = {PRIMARY_KEY: "pkey", FOREIGN_KEY: "fkey", UNIQUE: "key", "check": "check"}.get(item.kind)
        default = f"{bare}_pkey" if item.kind == PRIMARY_KEY else f"{bare}_{'_'.join(item.columns)}_{suffix}"
        if suffix and default == name and (constraint is None or constraint == item.kind):
            objects.items.remove(item)
            return


def _follow_table(tables: dict[str, Any], table: str, new_name: str | None) -> None:
    """Foreign keys pointing at a renamed table follow it; those pointing at a dropped one go."""
    for other in tables.values():
        for item in other.objects.of_kind(FOREIGN_KEY):
            if (item.references or {}).get("table") != table:
                continue
            if new_name:
                item.references = {**(item.references or {}), "table": new_name}
            else:
                other.objects.items.remove(item)


def _rename_column(tables: dict[str, Any], table: str, columns: tuple[str, ...], new_name: str) -> None:
    old = set(columns)
    for item in tables[table].objects.items:
        item.columns = [new_name if c in old else c for c in item.columns]
    for other in tables.values():
        for item in other.objects.of_kind(FOREIGN_KEY):
            references = item.references or {}
            if references.get("table") == table and old & set(references.get("columns") or []):
                item.references = {**references, "columns": [new_name if c in old else c for c in references.get("columns") or []]}
