"""Each table's schema history: every schema operation on it, in the order migrations run.

The catalog hands over every SCHEMA_OP fact sorted by `migration_order`; this module answers
"what has happened to this table (or column), and which migration touched it last":

- `settle_tables` gives a table to operations that name an index or trigger without its table
  (`DROP INDEX ix_orders_status`, `op.drop_index("ix")`, `ALTER INDEX ... RENAME`): the table of
  the latest operation before it that made that index or trigger, else of the only one that did;
- `history_of` follows the table back through its renames (and a column through its renames),
  keeps the operations of other tables whose foreign keys point at it, and lists downgrades
  apart: they never run on the way up.

A history entry as JSON (`entry_json`) has `op`, `table`, `path`, `line`, `end_line`, `columns`,
`direction` ("upgrade" in a migration, "downgrade" for what only migrating down runs, None for
plain DDL and ORM declarations), `migration` (Alembic revision, Django `app_label.name`, or
None), `via`, and the operation's details (name, new_name, unique, where, constraint,
references, check, together, trigger, within, operation).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from depmap.model import Fact

# What a SCHEMA_OP's extra holds that is not the operation's own detail.
_INTERNAL = frozenset({"migration_rank", "direction", "migration", "statement", "sink", "revision", "executed_in", "dynamic"})


def is_down(fact: Fact) -> bool:
    return fact.extra.get("direction") == "down"


def direction(fact: Fact) -> str | None:
    """"downgrade", "upgrade" (a migration's operation) or None (plain DDL, an ORM declaration)."""
    if is_down(fact):
        return "downgrade"
    if "migration_rank" in fact.extra or "revision" in fact.extra or fact.extra.get("migration"):
        return "upgrade"
    return None


def settle_tables(ops: list[Fact]) -> list[Fact]:
    """`ops` sorted in migration order; an operation that names an index, constraint or trigger
    without its table (or without its columns) gets those of the object it names: the one holding
    that name at that point (renames followed), else the only one ever made under that name.
    `extra["table_from"]` / `extra["columns_from"]` say so."""
    ever: dict[tuple[str, str], set[tuple[str, tuple[str, ...]]]] = {}  # (maker, name) -> (table, columns) made
    references: dict[tuple[str, str], dict[str, Any]] = {}  # a named foreign key -> its target
    for fact in ops:
        name = fact.extra.get("new_name") if fact.detail == "rename_index" else fact.extra.get("name")
        maker = _maker(fact.detail)
        if fact.table and name and maker and fact.detail in (maker, "rename_index"):
            ever.setdefault((maker, name), set()).add((fact.table, fact.columns))
            if isinstance(fact.extra.get("references"), dict):
                references[(maker, name)] = fact.extra["references"]
    now: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}  # (maker, name) -> the object now, replayed so far
    settled = []
    for fact in ops:
        name, maker = fact.extra.get("name"), _maker(fact.detail)
        if name and maker and fact.detail != maker and (not fact.table or not fact.columns):
            made = ever.get((maker, name), set())
            table, columns = now.get((maker, name)) or (next(iter(made)) if len(made) == 1 else ("", ()))
            extra = dict(fact.extra)
            if not fact.table and table:
                extra["table_from"] = "trigger" if maker == "create_trigger" else "index" if maker == "create_index" else "constraint"
                fact = replace(fact, table=table, extra=extra)
            if not fact.columns and columns and fact.table == table and maker != "create_trigger":
                extra["columns_from"] = "name"
                fact = replace(fact, columns=columns, extra=extra)
            target = references.get((maker, name))
            if target and fact.table == table and "references" not in fact.extra:  # a dropped foreign key: what it pointed at
                fact = replace(fact, extra={**fact.extra, "references": target})
        if not is_down(fact):
            _follow(now, fact)
        settled.append(fact)
    return settled


def _maker(op: str | None) -> str | None:
    """The operation that makes what `op` names: create_index for drop_index and rename_index..."""
    return {"create_index": "create_index", "drop_index": "create_index", "rename_index": "create_index",
            "add_constraint": "add_constraint", "drop_constraint": "add_constraint",
            "create_trigger": "create_trigger", "drop_trigger": "create_trigger"}.get(op or "")


def _follow(now: dict[tuple[str, str], tuple[str, tuple[str, ...]]], fact: Fact) -> None:
    """Keep `now` (which table holds each named object, on which columns) up to date with one operation."""
    name, maker = fact.extra.get("name"), _maker(fact.detail)
    if maker and fact.detail == maker and fact.table and name:
        now[(maker, name)] = (fact.table, fact.columns)
    elif fact.detail == "rename_index" and fact.table and name and fact.extra.get("new_name"):
        held = now.pop(("create_index", name), (fact.table, fact.columns))
        now[("create_index", fact.extra["new_name"])] = held
    elif maker and name:
        now.pop((maker, name), None)
    elif fact.detail == "rename_table" and fact.extra.get("new_name"):
        for key, (table, columns) in list(now.items()):
            if table == fact.table:
                now[key] = (fact.extra["new_name"], columns)
    elif fact.detail in ("rename_column", "alter_column") and fact.extra.get("new_name"):
        old, new = set(fact.columns), fact.extra["new_name"]
        for key, (table, columns) in list(now.items()):
            if table == fact.table and old & set(columns):
                now[key] = (table, tuple(new if c in old else c for c in columns))


def touches_column(fact: Fact, column: str) -> bool:
    """Does the operation name the column (its columns, what it declares, a foreign key's target)?"""
    return column in _columns_of(fact) or any(column in (r.get("columns") or []) for r in _references(fact))


@dataclass
class History:
    """A table's (or column's) operations: `upgrades` in the order they run (plain DDL, then
    migrations, then ORM declarations), `downgrades` apart, in the order of their migrations."""

    table: str
    column: str | None = None
    upgrades: list[Fact] = field(default_factory=list)
    downgrades: list[Fact] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the names the table had, latest first

    @property
    def last_migration(self) -> Fact | None:
        """The latest migration operation that touched it (on the way up)."""
        return next((fact for fact in reversed(self.upgrades) if direction(fact) == "upgrade"), None)


class HistoryIndex:
    """The operations that may belong to a table's history, found without reading them all: by
    the names an operation mentions (its table, a rename's new name, a foreign key's target)."""

    def __init__(self, ops: list[Fact]) -> None:
        self.ops = ops
        self.mentions: dict[str, list[int]] = {}
        self.renamed_to: dict[str, set[str]] = {}  # new name -> old names
        for position, fact in enumerate(ops):
            names = {fact.table, *(r.get("table") for r in _references(fact))}
            if fact.detail == "rename_table" and fact.extra.get("new_name"):
                names.add(fact.extra["new_name"])
                self.renamed_to.setdefault(fact.extra["new_name"], set()).add(fact.table)
            for name in names:
                if name:
                    self.mentions.setdefault(name, []).append(position)

    def history(self, table: str, column: str | None = None) -> History:
        names, pending = {table}, [table]
        while pending:  # every name the table may have had
            for old in self.renamed_to.get(pending.pop(), ()):
                if old not in names:
                    names.add(old)
                    pending.append(old)
        positions = sorted({p for name in names for p in self.mentions.get(name, ())})
        return history_of([self.ops[p] for p in positions], table, column)


def history_of(ops: list[Fact], table: str, column: str | None = None) -> History:
    """Every operation on `table` (or touching `table.column`), `ops` sorted in migration order."""
    history = History(table, column)
    tables, columns = {table}, {column} if column else set()
    found: list[Fact] = []
    for fact in reversed([f for f in ops if not is_down(f)]):  # back in time, through renames
        if fact.detail == "rename_table" and fact.extra.get("new_name") in tables:
            tables = (tables - {fact.extra["new_name"]}) | {fact.table}
            history.names.append(fact.table)
            found.append(fact)
            continue
        if fact.detail == "rename_table" and fact.table in tables:  # before this, the name was another table's
            tables = tables - {fact.table}
            continue
        if fact.table in tables and column and fact.detail in ("rename_column", "alter_column") and fact.extra.get("new_name") in columns:
            columns = (columns - {fact.extra["new_name"]}) | set(fact.columns)
            found.append(fact)
            continue
        if _touches(fact, tables, columns if column else None):
            found.append(fact)
    history.upgrades = list(reversed(found))
    every_name = {table, *history.names}
    every_column = columns | ({column} if column else set())
    history.downgrades = [f for f in ops if is_down(f) and _touches(f, every_name, every_column if column else None)]
    return history


def _touches(fact: Fact, tables: set[str], columns: set[str] | None) -> bool:
    """On one of `tables` (touching one of `columns` when given), or a foreign key pointing at it."""
    if fact.table in tables:
        if columns is None or fact.detail in ("drop_table", "rename_table", "drop_view"):
            return True
        return bool(columns & _columns_of(fact))
    for references in _references(fact):
        if references.get("table") in tables:
            return columns is None or bool(columns & set(references.get("columns") or []))
    return False


def _columns_of(fact: Fact) -> set[str]:
    found = set(fact.columns)
    for item in fact.extra.get("column_constraints") or []:
        found.add(item.get("column"))
    for group in fact.extra.get("together") or []:
        found.update(group)
    return found


def _references(fact: Fact) -> Iterable[dict[str, Any]]:
    if isinstance(fact.extra.get("references"), dict):
        yield fact.extra["references"]
    for item in fact.extra.get("column_constraints") or []:
        if isinstance(item.get("references"), dict):
            yield item["references"]


def entry_json(fact: Fact) -> dict[str, Any]:
    """One history entry as JSON (see the module's docstring)."""
    loc = fact.location
    data: dict[str, Any] = {
        "op": fact.detail,
        "table": fact.table,
        "path": loc.path,
        "line": loc.line,
        "end_line": loc.end_line if loc.end_line is not None else loc.line,
        "columns": list(fact.columns),
        "direction": direction(fact),
        "migration": fact.extra.get("migration") or fact.extra.get("revision"),
        "via": fact.via,
    }
    data.update({key: value for key, value in sorted(fact.extra.items()) if key not in _INTERNAL and value is not None})
    return data


def history_json(history: History) -> list[dict[str, Any]]:
    """Upgrades in order, then downgrades: what `tables --format json` lists as a table's `history`."""
    return [entry_json(fact) for fact in [*history.upgrades, *history.downgrades]]
