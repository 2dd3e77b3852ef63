"""The catalog after a few files' definitions changed, replaying only the tables they name.

Rebuilding the catalog means decoding and replaying every stored catalog fact (107,000 at a
million lines, most of a migration edit's time). When the changed files' facts, old and new, name
tables T and nothing couples T's replay to any other table, replaying T's stored definitions and
settled operations with the new facts gives T's tables exactly as a full replay does, and every
other table is the stored one. A table of T that moves in the catalog's order (new, gone, or made
by another definition first) is placed by binary search over the stored order, each table probed
by the key of the definition that last put it there. Refused (None: the caller builds the whole
catalog again) when:
- a changed fact (old or new) is in test code, has a migration rank (its order may tie with
  another file's), is a downgrade, names no table, is not a plain kind (a view, a drop, a rename,
  a `x.*` projection), or names an object: only an index, constraint or trigger made under its
  name is taken, when the changed files make the same ones before and after (`settle_tables`
  settles other operations by those names);
- a stored definition of a table of T is not plain or is in test code; a table of T is renamed
  into, read by a view's `x.*`, or named by an operation that renames, drops or is test code;
- a foreign key of T's tables points at a table that is renamed, dropped or has a column renamed;
- a probed table is renamed into, or its definitions are not ones whose place can be told;
- a stored operation has no table (the summary's `op_tables` would not follow positions), or the
  impact summary's targets change which table first points at them to one not in T.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from depmap.catalog import Catalog, Table
from depmap.discover import is_test_path
from depmap.model import COLUMN_DEF, SCHEMA_OP, TABLE_DEF, Fact, migration_order
from depmap.schema_history import HistoryIndex, is_down

PLAIN_DEFINITIONS = frozenset({"create_table", "create_table_as", "dbt_source", "dbt_seed", "model_definition",
                               "add_column", "modify_column", "alter_column", "drop_column"})
INSERTING = frozenset({"create_table", "create_table_as", "dbt_source", "dbt_seed", "model_definition", "add_column", "modify_column"})
REINSERTING = frozenset({"create_view", "dbt_model"})  # a view's definition takes it out and puts it in again
REMOVING = frozenset({"drop_table", "drop_view", "rename_table"})
PLACING = PLAIN_DEFINITIONS | REINSERTING | REMOVING | {"rename_column"}  # what a probed table's definitions may be
MAKERS = frozenset({"create_index", "add_constraint", "create_trigger"})
COUPLING_OPS = frozenset({"rename_table", "drop_table", "drop_view", "rename_column", "create_view"})
TESTS_ONLY = ((9,),)  # sorts after every replay key (their migration order's first item is 0, 1 or 2)


class Refused(Exception):
    """The fast path's conditions do not hold."""


@dataclass
class CatalogDelta:
    """What changes in the stored catalog: T's tables, the summary's order, the operations."""

    tables: dict[str, Table]  # the tables of T that exist now
    gone: list[str]  # the tables of T that existed and no longer do
    summary_tables: list[list[Any]]
    op_rows: list[tuple[int, str]]
    op_tables: list[str]
    op_names: list[tuple[str, int]]
    referenced_by: dict[str, list[str]] | None  # None: no impact summary stored

    def schema(self) -> dict[str, frozenset[str]]:
        return {name: frozenset(columns) for name, _, columns in self.summary_tables}

    def write_ops(self, db: sqlite3.Connection) -> dict[str, Any]:
        """Store the operations (replacing them), and return the summary's part that changed."""
        db.execute("DELETE FROM linked_ops")
        db.execute("DELETE FROM linked_op_names")
        db.executemany("INSERT INTO linked_ops VALUES (?, ?)", self.op_rows)
        db.executemany("INSERT INTO linked_op_names VALUES (?, ?)", self.op_names)
        return {"tables": self.summary_tables, "op_tables": self.op_tables}

    def write_tables(self, db: sqlite3.Connection, frameworks: frozenset[str]) -> None:
        """T's rows of the stored tables, and the impact summary (`stored_tables.write_tables`'s)."""
        from depmap.index.stored_tables import _dumps, _table_json

        db.executemany("DELETE FROM linked_tables WHERE name = ?", [(name,) for name in [*self.gone, *self.tables]])
        db.executemany("INSERT INTO linked_tables VALUES (?, ?)", [(name, _dumps(_table_json(table))) for name, table in self.tables.items()])
        db.execute("INSERT OR REPLACE INTO linked_meta VALUES ('impact', ?)",
                   (_dumps({"referenced_by": self.referenced_by, "frameworks": sorted(frameworks)}),))


def catalog_delta(state: Any, old: dict[str, list[Fact]], new: dict[str, list[Fact]], summary: dict[str, Any]) -> CatalogDelta | None:
    """The delta when `old` (the stored catalog facts of the changed paths) became `new`, else None."""
    from depmap.index.linked_store import StoreDamaged

    try:
        return _Delta(state, old, new, summary).build()
    except Refused:
        return None
    except (KeyError, TypeError, ValueError, IndexError) as error:  # rows another shape than depmap writes
        raise StoreDamaged(f"the stored catalog ({error})") from None


def _plain_changed(fact: Fact) -> bool:
    extra = fact.extra
    if (not fact.table or is_test_path(fact.location.path) or "migration_rank" in extra or is_down(fact)
            or extra.get("new_name") or _stars(fact)):
        return False
    if extra.get("name"):  # only an object made under its name, the same before and after (`_named`)
        return fact.kind == SCHEMA_OP and fact.detail in MAKERS
    return fact.detail in PLAIN_DEFINITIONS if fact.kind in (TABLE_DEF, COLUMN_DEF) else fact.detail not in COUPLING_OPS


def _named(facts: dict[str, list[Fact]]) -> list[str]:
    """The operations that name what they make: `settle_tables` settles others by them, so the
    changed files must make the same ones, at the same places."""
    from depmap.index.fact_rows import encode_row

    return [encode_row(f) for path in sorted(facts) for f in facts[path] if f.kind == SCHEMA_OP and f.extra.get("name")]


def _stars(fact: Fact) -> bool:
    projection = fact.extra.get("projection")
    return isinstance(projection, list) and any(isinstance(item, str) and item.endswith(".*") for item in projection)


class _Delta:
    def __init__(self, state: Any, old: dict[str, list[Fact]], new: dict[str, list[Fact]], summary: dict[str, Any]) -> None:
        self.state, self.store, self.summary = state, state.store, summary
        self.old, self.new = old, new
        self.spans = [state.span(path) for path in old if path in state.bases]

    def build(self) -> CatalogDelta:
        changed = [fact for facts in [*self.old.values(), *self.new.values()] for fact in facts]
        if not all(map(_plain_changed, changed)) or _named(self.old) != _named(self.new):
            raise Refused
        names = sorted({fact.table for fact in changed})
        renamed, starred = self._couplings()
        if set(names) & (renamed | starred):
            raise Refused
        stored_defs = {name: self._definitions(name) for name in names}
        rows, op_names = self._op_rows()
        mentioned = self._mentioned(names, op_names)
        ops_of = {position: fact for position, fact in mentioned.items() if fact.table in names and fact.location.path not in self.old}
        removed = {position for position, fact in mentioned.items() if fact.location.path in self.old}
        new_ops = sorted((f for path in sorted(self.new) for f in self.new[path] if f.kind == SCHEMA_OP), key=migration_order)
        catalog = Catalog()
        catalog.ops = [ops_of[position] for position in sorted(ops_of)]
        for op in new_ops:
            catalog.ops.insert(bisect.bisect_right(catalog.ops, migration_order(op), key=migration_order), op)
        new_defs = [(path, place, f) for path in sorted(self.new) for place, f in enumerate(self.new[path]) if f.kind != SCHEMA_OP]
        definitions = sorted([*[(f.location.path, ordinal, f) for facts in stored_defs.values() for ordinal, f in facts], *new_defs],
                             key=lambda item: item[:2])
        catalog.replay_definitions([f for _, _, f in definitions])
        self._check_foreign_keys(catalog, renamed)
        old_defs = [(path, place, f) for path in sorted(self.old) for place, f in enumerate(self.old[path]) if f.kind != SCHEMA_OP]
        before = {name: _born([(f.location.path, ordinal, f) for ordinal, f in stored_defs[name]] + [d for d in old_defs if d[2].table == name])
                  for name in names}
        after = {name: _born([(f.location.path, ordinal, f) for ordinal, f in stored_defs[name]] + [d for d in new_defs if d[2].table == name])
                 for name in names}
        tables = self._order(names, catalog, before, after, renamed)
        op_rows, op_tables, positions = self._ops(rows, removed, new_ops)
        return CatalogDelta(
            tables={name: catalog.tables[name] for name in names if name in catalog.tables},
            gone=[name for name in names if name not in catalog.tables and any(entry[0] == name for entry in self.summary["tables"])],
            summary_tables=tables, op_rows=op_rows, op_tables=op_tables,
            op_names=[(name, positions[position]) for name, position in op_names if position in positions]
            + [(name, positions[id(op)]) for op in new_ops for name in HistoryIndex([op]).mentions],
            referenced_by=self._referenced_by(names, catalog),
        )

    def _couplings(self) -> tuple[set[str], set[str]]:
        """(the names a rename gives, the tables a view's `x.*` reads) of every stored catalog fact."""
        renamed, starred = set(), set()
        rows = self.store._rows("SELECT id, fact FROM linked_facts WHERE ordinal >= 0 AND (instr(fact, '.*\"') OR instr(fact, '\"new_name\"'))", ())
        for _, fact in self.store._decoded(rows):
            if isinstance(fact.extra.get("new_name"), str):
                renamed.add(fact.extra["new_name"])
            if _stars(fact):
                starred.update(item[:-2] for item in fact.extra["projection"] if item.endswith(".*"))
        return renamed, starred

    def _definitions(self, name: str) -> list[tuple[int, Fact]]:
        """(ordinal, fact) of the stored definitions of table `name` outside the changed paths, all plain, else Refused."""
        rows = self.store._rows("SELECT f.id, f.ordinal, f.fact FROM linked_names n JOIN linked_facts f ON f.id = n.id "
                                "WHERE n.name = ? AND f.ordinal >= 0 AND f.kind IN (?, ?) ORDER BY f.ordinal", (f"t:{name}", TABLE_DEF, COLUMN_DEF))
        rows = [row for row in rows if not any(low <= row[0] < high for low, high in self.spans)]
        found = []
        for (_, fact), (_, ordinal, _) in zip(self.store._decoded([(number, text) for number, _, text in rows]), rows):
            if fact.table != name or not isinstance(ordinal, int):
                continue
            if fact.detail not in PLAIN_DEFINITIONS or _stars(fact) or fact.extra.get("new_name") or is_test_path(fact.location.path):
                raise Refused
            found.append((ordinal, fact))
        return found

    def _op_rows(self) -> tuple[list[tuple[int, str]], list[tuple[str, int]]]:
        rows = self.store._rows("SELECT position, fact FROM linked_ops ORDER BY position", ())
        if [position for position, _ in rows] != list(range(len(rows))) or len(self.summary["op_tables"]) != len(rows):
            raise Refused  # an operation without a table: the summary's op_tables do not follow positions
        return rows, self.store._rows("SELECT name, position FROM linked_op_names", ())

    def _mentioned(self, names: list[str], op_names: list[tuple[str, int]]) -> dict[int, Fact]:
        """position -> the stored operation of every operation mentioning one of `names`; Refused when one couples tables."""
        wanted = set(names)
        positions = sorted({position for name, position in op_names if name in wanted})
        found = dict(self._ops_at(positions))
        for fact in found.values():
            if fact.detail in COUPLING_OPS or fact.extra.get("new_name") and fact.detail != "rename_index" or is_test_path(fact.location.path):
                raise Refused
        return found

    def _ops_at(self, positions: list[int]) -> list[tuple[int, Fact]]:
        rows = []
        for start in range(0, len(positions), 500):
            chunk = positions[start:start + 500]
            rows += self.store._rows(f"SELECT position, fact FROM linked_ops WHERE position IN ({','.join('?' * len(chunk))})", chunk)
        return self.store._decoded(sorted(rows))

    def _check_foreign_keys(self, catalog: Catalog, renamed: set[str]) -> None:
        """Refused when a table T's foreign keys point at is renamed, dropped or has a column renamed."""
        targets = {(item.references or {}).get("table") for table in catalog.tables.values() for item in table.objects.of_kind("foreign_key")}
        targets = {target for target in targets if target} - set(catalog.tables)
        if targets & renamed:
            raise Refused
        op_names = self.store._rows(f"SELECT name, position FROM linked_op_names WHERE name IN ({','.join('?' * len(targets))})", sorted(targets)) if targets else []
        for _, fact in self._ops_at(sorted({position for _, position in op_names})):
            if fact.table in targets and (fact.detail in COUPLING_OPS or fact.extra.get("new_name")):
                raise Refused

    def _order(self, names: list[str], catalog: Catalog, before: dict, after: dict, renamed: set[str]) -> list[list[Any]]:
        """The summary's tables: T's moved to their place by the key that first inserted them."""
        entries = [entry for entry in self.summary["tables"]]
        present = {entry[0] for entry in entries}
        for name in names:
            if (name in present) != (before[name] is not None) or (name in catalog.tables) != (after[name] is not None):
                raise Refused  # a table of T exists by another way than its own definitions
        moved = {name for name in names if name not in present or name not in catalog.tables or before[name] != after[name]}
        entries = [entry for entry in entries if entry[0] not in moved]
        keys = {name: after[name] for name in names}
        for name in sorted(moved & set(catalog.tables), key=lambda name: keys[name]):
            place = bisect.bisect_right(entries, keys[name], key=lambda entry: keys.get(entry[0]) or self._probe(entry[0], renamed, keys))
            entries.insert(place, [name, False, []])
        table_of = catalog.tables
        return [[entry[0], False, list(table_of[entry[0]].columns)] if entry[0] in table_of else entry for entry in entries]

    def _probe(self, name: str, renamed: set[str], keys: dict) -> tuple:
        """The key of the definition that last put stored table `name` in the catalog's order (a
        view is put again at each definition); Refused when that cannot be told from its own."""
        if name in renamed:
            raise Refused
        rows = self.store._rows("SELECT f.ordinal, f.fact FROM linked_names n JOIN linked_facts f ON f.id = n.id "
                                "WHERE n.name = ? AND f.ordinal >= 0 AND f.kind IN (?, ?)", (f"t:{name}", TABLE_DEF, COLUMN_DEF))
        facts = [(fact.location.path, ordinal, fact) for (_, fact), (ordinal, _) in zip(self.store._decoded(rows), rows) if fact.table == name]
        if any(f.detail not in PLACING for _, _, f in facts):
            raise Refused
        production = [item for item in facts if not is_test_path(item[0]) and item[2].extra.get("direction") != "down"]
        if not production and facts:
            keys[name] = TESTS_ONLY
            return TESTS_ONLY
        present, key = False, None
        for item_key, fact in sorted((((migration_order(f), path, ordinal), f) for path, ordinal, f in production), key=lambda item: item[0]):
            if fact.kind == TABLE_DEF and fact.detail in REMOVING:
                present = False
            elif fact.kind == TABLE_DEF and fact.detail in REINSERTING or not present and fact.detail in INSERTING | REINSERTING:
                present, key = True, item_key
        if not present:
            raise Refused
        keys[name] = key
        return key

    def _ops(self, rows: list[tuple[int, str]], removed: set[int], new_ops: list[Fact]) -> tuple[list[tuple[int, str]], list[str], dict[Any, int]]:
        """The operations in their new positions, their tables, and old position (or new op) -> new position."""
        from depmap.index.fact_rows import encode_row

        kept = [(position, text, table) for (position, text), table in zip(rows, self.summary["op_tables"]) if position not in removed]
        cache: dict[int, tuple] = {}

        def key(item: tuple) -> tuple:
            if isinstance(item[0], Fact):
                return migration_order(item[0])
            if item[0] not in cache:
                cache[item[0]] = migration_order(self.store._decoded([(item[0], item[1])])[0][1])
            return cache[item[0]]

        for op in new_ops:
            kept.insert(bisect.bisect_right(kept, migration_order(op), key=key), (op, encode_row(op), op.table))
        positions = {(id(item[0]) if isinstance(item[0], Fact) else item[0]): n for n, item in enumerate(kept)}
        return [(n, text) for n, (_, text, _) in enumerate(kept)], [table for _, _, table in kept], positions

    def _referenced_by(self, names: list[str], catalog: Catalog) -> dict[str, list[str]] | None:
        """The impact summary's foreign keys by target after T's tables changed; Refused when the
        targets' order (by their first owner's first key) cannot be told from the stored one."""
        row = self.store._rows("SELECT value FROM linked_meta WHERE name = 'impact'", ())
        try:
            stored = json.loads(row[0][0])["referenced_by"] if row else None
        except (ValueError, TypeError, KeyError, RecursionError):
            stored = None
        if not isinstance(stored, dict):
            return None  # `stored_tables.refresh_tables` writes nothing then either
        ours = set(names)
        owners = {target: [owner for owner in owning if owner not in ours] for target, owning in stored.items()}
        first: dict[tuple[str, str], int] = {}
        for name in sorted(catalog.tables):
            for n, item in enumerate(i for i in catalog.tables[name].objects.of_kind("foreign_key") if (i.references or {}).get("table")):
                target = item.references["table"]
                first.setdefault((name, target), n)
                if name not in owners.setdefault(target, []):
                    owners[target].append(name)
        order = {target: n for n, target in enumerate(stored)}
        placed = {}
        for target, owning in owners.items():
            if not owning:
                continue
            owning.sort()
            head = owning[0]
            if head in ours:
                placed[target] = (head, first[(head, target)])
            elif target in stored and stored[target] and stored[target][0] == head:
                placed[target] = (head, order[target])
            else:
                raise Refused
        return {target: owners[target] for target in sorted(placed, key=placed.__getitem__)}


def _born(definitions: list[tuple[str, int, Fact]]) -> tuple | None:
    """The replay key (migration order, path, place) of the first definition that inserts the table."""
    keys = [(migration_order(f), path, place) for path, place, f in definitions
            if f.detail in INSERTING and f.extra.get("direction") != "down" and not is_test_path(path)]
    return min(keys) if keys else None
