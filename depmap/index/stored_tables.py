"""The catalog's tables as rows of the stored index, so a warm `impact` builds no catalog.

`impact` asks the catalog for the changed table in full (each column's type, nullability,
default and where it is defined; indexes, constraints, triggers), for a few other tables (the
one a query joins it with, a view over it), for the foreign keys pointing at it, and for its
history. Building the whole catalog means decoding every schema operation and column definition
of the project (110k facts at a million lines), so the linked catalog is stored as it stands, one
row a table (`linked_tables`), with what the rules ask of the whole project in one meta row
(`impact`): the tables whose foreign keys point at each table, and the frameworks in use.

Rows are data anyone can edit: decoding checks every field and raises `StoreDamaged`, after
which the caller loads the whole index.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from typing import Any, Iterable

from depmap.catalog import Catalog, Column, Table
from depmap.index import fast_json
from depmap.index.linked_store import LinkedStore, StoreDamaged
from depmap.schema_history import History
from depmap.schema_objects import Definition, Objects, SchemaObject

_CREATE = "CREATE TABLE IF NOT EXISTS linked_tables (name TEXT PRIMARY KEY, data TEXT NOT NULL)"
_OBJECT_FIELDS = ("kind", "name", "columns", "defined_at", "unique", "where", "expressions", "references", "check", "trigger", "option", "declared")


def write_tables(db: sqlite3.Connection, catalog: Catalog, frameworks: Iterable[str]) -> None:
    """Replace the stored tables with `catalog`'s, inside the caller's transaction."""
    db.execute(_CREATE)
    db.execute("DELETE FROM linked_tables")
    db.executemany("INSERT INTO linked_tables VALUES (?, ?)",  # made as SQLite takes them
                   ((name, _dumps(_table_json(table))) for name, table in catalog.tables.items()))
    owners: dict[str, list[str]] = {}
    for target, keys in catalog._referencing().items():
        owners[target] = list(dict.fromkeys(owner for owner, _ in keys))
    summary = {"referenced_by": owners, "frameworks": sorted(frameworks)}
    db.execute("INSERT OR REPLACE INTO linked_meta VALUES ('impact', ?)", (_dumps(summary),))


def refresh_tables(db: sqlite3.Connection, catalog: Any, before: Iterable[Any], after: Iterable[Any]) -> None:
    """After some files' rows were replaced (`before` by `after`, linked facts): the stored tables
    follow a catalog built again (or its changed tables, a `CatalogDelta`), and the frameworks those files add. A replaced fact that named
    a framework the new ones do not may have been its last: the summary is dropped, and the next
    `impact` reads the whole index and stores it anew."""
    from depmap.impact.engine import frameworks_of

    row = db.execute("SELECT value FROM linked_meta WHERE name = 'impact'").fetchone()
    try:
        data = json.loads(row[0]) if row is not None else None
        stored = frozenset(data["frameworks"])
    except (ValueError, TypeError, KeyError, RecursionError):
        return  # nothing stored to keep up to date: `impact` reads the whole index
    added = frameworks_of(list(after))
    if frameworks_of(list(before)) - added:
        db.execute("DELETE FROM linked_meta WHERE name = 'impact'")
    elif isinstance(catalog, Catalog):
        write_tables(db, catalog, stored | added)
    elif catalog is not None:  # `catalog_delta.CatalogDelta`: the changed tables' rows alone
        catalog.write_tables(db, stored | added)
    elif not added <= stored:
        data["frameworks"] = sorted(stored | added)
        db.execute("INSERT OR REPLACE INTO linked_meta VALUES ('impact', ?)", (_dumps(data),))


def impact_summary(store: LinkedStore) -> tuple[dict[str, list[str]], frozenset[str]]:
    """(table -> the tables whose foreign keys point at it, the frameworks in use)."""
    text = store.meta("impact")
    try:
        data = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        data = None
    if not (isinstance(data, dict) and set(data) == {"referenced_by", "frameworks"}):
        raise StoreDamaged("the stored impact summary")
    owners, frameworks = data["referenced_by"], data["frameworks"]
    _require(isinstance(owners, dict) and all(_strings(names) for names in owners.values()), "the stored foreign keys")
    _require(_strings(frameworks), "the stored frameworks")
    return owners, frozenset(frameworks)


def stored_catalog(store: LinkedStore, outline: Any) -> Catalog:
    """The whole linked catalog from the rows (what `tables` prints): every table in full, in the
    catalog's order (`outline`: `stored_index.StoredCatalog`), and every schema operation (each
    table's history). The rows follow the catalog only while the impact summary is stored
    (`refresh_tables`): without it, or with a damaged row, StoreDamaged."""
    impact_summary(store)
    found = dict(store.rows("SELECT name, data FROM linked_tables", ()))
    _require(found.keys() == outline.tables.keys(), "the stored tables")
    catalog = Catalog()
    for name in outline.tables:
        catalog.tables[name] = table_from_json(found.pop(name), name)
    catalog.ops = store.all_ops()
    return catalog


class StoredTables(Mapping):
    """Every table's name, in the catalog's order; a table is read from its row when asked for."""

    def __init__(self, store: LinkedStore, names: Iterable[str]) -> None:
        self.store = store
        self._names = dict.fromkeys(names)
        self._read: dict[str, Table] = {}

    def __getitem__(self, name: str) -> Table:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._read:
            row = self.store.rows("SELECT data FROM linked_tables WHERE name = ?", (name,))
            try:
                self._read[name] = table_from_json(row[0][0] if row else None, name)
            except StoreDamaged:
                self.store.damaged = True
                raise
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names


class FocusedCatalog(Catalog):
    """The linked catalog answered from the store: the tables asked for, the foreign keys pointing
    at a table, its history. Whatever else a caller asks of a `Catalog` still works (reading more)."""

    def __init__(self, store: LinkedStore, outline: Any, owners: dict[str, list[str]]) -> None:
        self.store = store
        self.tables = StoredTables(store, outline.tables)  # type: ignore[assignment]
        self._outline = outline  # stored_index.StoredCatalog: the names and the history
        self._owners = owners
        self._ops: list | None = None
        self._pending = {}
        self._history_index = None

    @property  # type: ignore[override]
    def ops(self) -> list:
        if self._ops is None:
            self._ops = self.store.all_ops()
        return self._ops

    def history(self, table: str, column: str | None = None) -> History:
        return self._outline.history(table, column)

    def op_tables(self) -> list[str]:
        return self._outline.op_tables()

    def referencing(self, table: str) -> list[tuple[str, SchemaObject]]:
        return [(owner, item) for owner in self._owners.get(table, ()) for item in self.tables[owner].objects.of_kind("foreign_key")
                if (item.references or {}).get("table") == table]

    def _referencing(self) -> dict[str, list[tuple[str, SchemaObject]]]:
        return {table: self.referencing(table) for table in self._owners}


def _table_json(table: Table) -> dict[str, Any]:
    return {
        "name": table.name,
        "view": table.view,
        "defined_at": [_where_json(d) for d in table.defined_at],
        "columns": [[key, column.name, column.type, column.nullable, column.default, [_where_json(d) for d in column.defined_at], column.extra]
                    for key, column in table.columns.items()],
        "objects": [{name: _where_list(getattr(item, name)) if name == "defined_at" else getattr(item, name) for name in _OBJECT_FIELDS}
                    for item in table.objects.items],
    }


def table_from_json(text: Any, name: str) -> Table:
    """The table a row holds, exactly as `_table_json` wrote it; StoreDamaged otherwise."""
    try:
        data = json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        data = None
    _require(isinstance(data, dict) and set(data) == {"name", "view", "defined_at", "columns", "objects"}, f"the stored table {name}")
    _require(isinstance(data["name"], str) and isinstance(data["view"], bool) and isinstance(data["columns"], list)
             and isinstance(data["objects"], list), f"the stored table {name}")
    table = Table(data["name"], view=data["view"], defined_at=_wheres(data["defined_at"]))
    for item in data["columns"]:
        _require(isinstance(item, list) and len(item) == 7, f"a stored column of {name}")
        key, column_name, column_type, nullable, default, defined_at, extra = item
        _require(isinstance(key, str) and isinstance(column_name, str) and isinstance(extra, dict), f"a stored column of {name}")
        table.columns[key] = Column(column_name, column_type, nullable, default, _wheres(defined_at), extra)
    objects = Objects()
    for item in data["objects"]:
        _require(isinstance(item, dict) and set(item) == set(_OBJECT_FIELDS), f"a stored index or constraint of {name}")
        _require(isinstance(item["kind"], str) and isinstance(item["columns"], list)
                 and all(isinstance(item[flag], bool) for flag in ("unique", "expressions", "declared")), f"a stored index or constraint of {name}")
        objects.items.append(SchemaObject(**{**item, "defined_at": _wheres(item["defined_at"])}))
    table.objects = objects
    return table


def _where_json(where: Definition) -> list[Any]:
    return [where.path, where.line, where.via]


def _where_list(wheres: list[Definition]) -> list[list[Any]]:
    return [_where_json(d) for d in wheres]


def _wheres(items: Any) -> list[Definition]:
    _require(isinstance(items, list), "stored definition sites")
    found = []
    for item in items:
        _require(isinstance(item, list) and len(item) == 3 and isinstance(item[0], str) and type(item[1]) is int
                 and isinstance(item[2], str), "a stored definition site")
        found.append(Definition(item[0], item[1], item[2]))
    return found


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise StoreDamaged(what)


def _dumps(data: Any) -> str:
    return fast_json.dumps(data)  # `json.dumps(data, separators=(",", ":"))`'s text, faster
