"""The catalog: every known table with its columns (type, nullability, default, where defined),
its indexes, constraints and triggers, and its schema history.

Definitions are replayed in migration order: files sorted by path with numbers compared as
numbers (`0002_x.sql` before `0010_y.sql`, `V2__` before `V10__`), statements by line. Later
ORM model definitions merge into the same tables. Schema operations (SCHEMA_OP) replay in the
same order into each table's objects (`depmap.schema_objects`); downgrades never replay, and are
kept, with every other operation, for the tables' history (`depmap.schema_history`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from depmap.discover import is_test_path
from depmap.model import COLUMN_DEF, SCHEMA_OP, SCHEMA_VERSION, TABLE_DEF, Fact, migration_order
from depmap.schema_history import History, HistoryIndex, history_json, is_down, settle_tables
from depmap.schema_objects import INDEX, TRIGGER, Definition, Objects, SchemaObject, replay


@dataclass(slots=True)  # a large catalog holds tens of thousands: no dict each
class Column:
    name: str
    type: str | None = None
    nullable: bool | None = None
    default: str | None = None
    defined_at: list[Definition] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __reduce__(self) -> tuple:
        """A constructor call: the default state of a slotted object is a dict and a tuple more
        per column, which a pickler holds until the whole index is written."""
        return (Column, (self.name, self.type, self.nullable, self.default, self.defined_at, self.extra))

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "nullable": self.nullable,
            "default": self.default,
            "defined_at": [d.to_json() for d in self.defined_at],
        }


@dataclass
class Table:
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    defined_at: list[Definition] = field(default_factory=list)
    view: bool = False
    objects: Objects = field(default_factory=Objects)

    def indexes(self) -> list[SchemaObject]:
        return self.objects.of_kind(INDEX)

    def constraints(self) -> list[SchemaObject]:
        """Unique, foreign-key, check, primary-key and exclusion constraints."""
        return [item for item in self.objects.items if item.kind not in (INDEX, TRIGGER)]

    def triggers(self) -> list[SchemaObject]:
        return self.objects.of_kind(TRIGGER)

    def drift(self) -> dict[str, list[str]] | None:
        """Where the ORM model and the DDL (migrations, SQL) disagree about this table's columns:
        a field no migration creates fails at run time; a column no model declares is invisible
        to ORM code. None when only one side defines the table."""
        by_model = {name for name, c in self.columns.items() if any(d.via == "orm" for d in c.defined_at)}
        by_ddl = {name for name, c in self.columns.items() if any(d.via != "orm" for d in c.defined_at)}
        if not any(d.via == "orm" for d in self.defined_at) or not any(d.via != "orm" for d in self.defined_at):
            return None
        return {"only_in_models": sorted(by_model - by_ddl), "only_in_migrations": sorted(by_ddl - by_model)}

    def to_json(self) -> dict[str, Any]:
        data = {
            "name": self.name,
            "view": self.view,
            "defined_at": [d.to_json() for d in self.defined_at],
            "columns": [c.to_json() for c in self.columns.values()],
        }
        drift = self.drift()
        if drift is not None and (drift["only_in_models"] or drift["only_in_migrations"]):
            data["drift"] = drift
        data["indexes"] = [item.to_json() for item in self.indexes()]
        data["constraints"] = [item.to_json() for item in self.constraints()]
        data["triggers"] = [item.to_json() for item in self.triggers()]
        return data


class Catalog:
    def __init__(self) -> None:
        self.tables: dict[str, Table] = {}
        self.ops: list[Fact] = []  # every schema operation, in migration order, downgrades included
        self._pending: dict[str, list[tuple[Fact, Definition]]] = {}
        self._history_index: HistoryIndex | None = None

    @classmethod
    def from_facts(cls, facts: Iterable[Fact]) -> Catalog:
        catalog = cls()
        facts = list(facts)
        # Every operation is the table's history, test code's too (a fixture's old schema names the
        # indexes a later migration drops). But test code's statements (a tearDown's DROP TABLE, a
        # fixture's CREATE TABLE) are not the application's schema: they never change it. A table
        # only test code defines is kept as the test defines it, so the tests' own usages have columns.
        catalog.ops = settle_tables(sorted((f for f in facts if f.kind == SCHEMA_OP), key=migration_order))
        catalog.replay_definitions([f for f in facts if f.kind in (TABLE_DEF, COLUMN_DEF)])
        return catalog

    def replay_definitions(self, definitions: list[Fact]) -> None:
        """Replay the column and table definitions (in link order) with the settled `self.ops`;
        `depmap.index.catalog_delta` replays some tables alone with it."""
        catalog = self
        # Rollback SQL (Alembic downgrade, RunSQL reverse_sql) never runs on the way up.
        definitions = [f for f in definitions if f.extra.get("direction") != "down"]
        upgrades = definitions + [f for f in catalog.ops if not is_down(f) and f.table]
        replayed = [f for f in upgrades if not is_test_path(f.location.path)]
        for fact in sorted(replayed, key=migration_order):
            catalog.apply(fact)
        production = set(catalog.tables) | {f.table for f in replayed}
        tests_only = [f for f in upgrades if is_test_path(f.location.path) and f.table not in production]
        for fact in sorted(tests_only, key=migration_order):
            catalog.apply(fact)
        catalog._apply_pending()

    def history(self, table: str, column: str | None = None) -> History:
        """Every schema operation on the table (or touching the column), in migration order."""
        if self._history_index is None or self._history_index.ops is not self.ops:
            self._history_index = HistoryIndex(self.ops)
        return self._history_index.history(table, column)

    def op_tables(self) -> list[str]:
        """The table of every schema operation (names only history knows count as known tables)."""
        return [op.table for op in self.ops if op.table]

    def referencing(self, table: str) -> list[tuple[str, SchemaObject]]:
        """Foreign keys of other tables (and of the table itself) that point at `table`."""
        return self._referencing().get(table, [])

    def _referencing(self) -> dict[str, list[tuple[str, SchemaObject]]]:
        """Referenced table -> the foreign keys pointing at it, in one pass over every table."""
        found: dict[str, list[tuple[str, SchemaObject]]] = {}
        for name in sorted(self.tables):
            for item in self.tables[name].objects.of_kind("foreign_key"):
                target = (item.references or {}).get("table")
                if target:
                    found.setdefault(target, []).append((name, item))
        return found

    def _apply_pending(self) -> None:
        """Operations on a table defined only later in the replay (an index in a SQL file on a
        table only an ORM model defines): applied once the table exists, in their own order."""
        for name, pending in sorted(self._pending.items()):
            for fact, where in pending:
                if name in self.tables:
                    replay(self.tables, fact, where, late=True)
        self._pending = {}

    def schema(self) -> dict[str, frozenset[str]]:
        """table -> column names: what the SQL engine needs to attribute unqualified columns."""
        return {name: frozenset(table.columns) for name, table in self.tables.items()}

    def get(self, name: str) -> Table | None:
        return self.tables.get(name)

    def apply(self, fact: Fact) -> None:
        where = Definition(fact.location.path, fact.location.line, fact.via)
        if fact.kind == SCHEMA_OP:
            if fact.table in self.tables or fact.detail in ("rename_table", "drop_table"):
                replay(self.tables, fact, where)
            elif fact.detail not in ("drop_table", "drop_view", "rename_table"):
                self._pending.setdefault(fact.table, []).append((fact, where))
            return
        handler = getattr(self, f"_{fact.detail}", None)
        if handler is not None:
            handler(fact, where)

    # -- table definitions -------------------------------------------------------------------------

    def _table(self, name: str, where: Definition) -> Table:
        table = self.tables.get(name)
        if table is None:
            table = self.tables[name] = Table(name)
        if where not in table.defined_at:
            table.defined_at.append(where)
        return table

    def _create_table(self, fact: Fact, where: Definition) -> None:
        if fact.kind == TABLE_DEF:
            expanded = self._expand(fact.extra.get("projection"), fact.table)
            table = self._table(fact.table, where)
            for column in expanded:
                column.defined_at.append(where)
                table.columns.setdefault(column.name, column)
            for name in fact.columns:  # keep the written column order
                table.columns.setdefault(name, Column(name))
        else:
            self._define_column(fact, where)

    def _create_view(self, fact: Fact, where: Definition) -> None:
        if fact.kind == TABLE_DEF:
            self.tables.pop(fact.table, None)  # CREATE OR REPLACE VIEW redefines the column list
            self._create_table(fact, where)
            self.tables[fact.table].view = True
        else:
            self._define_column(fact, where)

    def _expand(self, projection: list[str] | None, target: str) -> list[Column]:
        """`SELECT o.*, x` as the columns o has right now, then x: what the database freezes."""
        columns: list[Column] = []
        for item in projection or []:
            source = self.tables.get(item[:-2]) if item.endswith(".*") else None
            if source is not None and source.name != target:
                columns.extend(Column(c.name, c.type) for c in source.columns.values())
            elif not item.endswith(".*"):
                columns.append(Column(item))
        return columns

    def _dbt_model(self, fact: Fact, where: Definition) -> None:
        """A dbt model is a relation built from a SELECT (stars expanded); the entry documenting it
        in a properties YAML (`models: - name:`) is a definition site too."""
        self._create_view(fact, where)
        declared = fact.extra.get("declared_at") if fact.kind == TABLE_DEF else None
        if declared and fact.table in self.tables:
            self.tables[fact.table].defined_at.append(Definition(declared["path"], int(declared["line"]), "dbt"))

    _create_table_as = _create_table
    _dbt_source = _create_table  # a source lists some or all columns of an existing table
    _dbt_seed = _create_table  # a seed is a table loaded from a CSV, its header the columns
    _model_definition = _create_table  # ORM models (a later scanner) define tables the same way

    def _drop_table(self, fact: Fact, where: Definition) -> None:
        self.tables.pop(fact.table, None)

    _drop_view = _drop_table

    def _rename_table(self, fact: Fact, where: Definition) -> None:
        table = self.tables.pop(fact.table, None)
        new_name = fact.extra.get("new_name")
        if table is not None and new_name:
            table.name = new_name
            table.defined_at.append(where)
            self.tables[new_name] = table

    # -- column definitions ------------------------------------------------------------------------

    def _define_column(self, fact: Fact, where: Definition) -> None:
        table = self._table(fact.table, where) if fact.table not in self.tables else self.tables[fact.table]
        for name in fact.columns:
            column = table.columns.get(name) or Column(name)
            # A model states what the code expects; the migrations say what the database has.
            defer = fact.detail == "model_definition" and bool(column.defined_at)
            for key in ("type", "nullable", "default"):
                if key in fact.extra and (fact.extra[key] is not None or column.defined_at == []):
                    if not (defer and getattr(column, key) is not None):
                        setattr(column, key, fact.extra[key])
            column.extra.update({k: v for k, v in fact.extra.items() if k not in ("type", "nullable", "default", "statement")})
            if where not in column.defined_at:
                column.defined_at.append(where)
            table.columns[name] = column

    _add_column = _define_column
    _modify_column = _define_column

    def _alter_column(self, fact: Fact, where: Definition) -> None:
        table = self.tables.get(fact.table)
        if table is None:
            return
        for name in fact.columns:
            column = table.columns.get(name)
            if column is None:
                continue
            for key in ("type", "nullable", "default"):
                if key in fact.extra:
                    setattr(column, key, fact.extra[key])
            if fact.extra.get("drop_default"):
                column.default = None
            column.defined_at.append(where)

    def _drop_column(self, fact: Fact, where: Definition) -> None:
        table = self.tables.get(fact.table)
        if table is not None:
            for name in fact.columns:
                table.columns.pop(name, None)

    def _rename_column(self, fact: Fact, where: Definition) -> None:
        table = self.tables.get(fact.table)
        new_name = fact.extra.get("new_name")
        if table is None or not new_name:
            return
        for name in fact.columns:
            column = table.columns.get(name)
            if column is not None:
                column.name = new_name
                column.defined_at.append(where)
                # rebuild to keep the column's position: the order matters to positional INSERTs
                table.columns = {(new_name if key == name else key): value for key, value in table.columns.items()}

    def to_json(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "tables": list(self.tables_json())}

    def tables_json(self) -> Iterator[dict[str, Any]]:
        """Each table's part of `to_json`, in name order, made as asked: `tables --format json`
        writes each before making the next (the whole document was 49 MB of JSON at a million
        lines, and several times that as Python objects)."""
        referencing = self._referencing()
        for name in sorted(self.tables):
            data = self.tables[name].to_json()
            data["referenced_by"] = [
                {"table": other, "name": item.name, "columns": item.columns, "references": item.references,
                 "defined_at": [d.to_json() for d in item.defined_at]}
                for other, item in referencing.get(name, [])
            ]
            data["history"] = history_json(self.history(name))
            yield data
