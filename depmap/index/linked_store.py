"""The linked index as rows of `.depmap/cache.sqlite`, so a warm query reads only what it asks about.

A warm `who-reads orders` needs the facts of `orders`, of the views over it and of its former
names, the model registry, the table names, and the facts of the few files that name it (for the
mention search): a few thousand rows of a million-line project, not its whole index. So the linked
facts are stored one row each (a JSON array of the fact's fields, `depmap.index.fact_rows`, decoded
as strictly as the scan cache's rows: this is data anyone can edit), in their canonical order, and found by name: `t:TABLE` (the fact's table, or
where a flow leads), `p:PATH` (its file, or where it is declared) and `s:TABLE` (a read whose
unqualified columns may be TABLE's). Next to them: the catalog's outline (each table's columns and
whether it is a view), its schema operations by the names they mention (a table's history), the
tables the graph knows, the skipped files, the discovery snapshot (`depmap.index.freshness`), and
the catalog's tables in full for `impact` (`depmap.index.stored_tables`).

Each located path's facts hold one block of ids (`STRIDE`), so after a change only the changed
files' blocks are deleted and inserted again (`depmap.index.row_update`), with what relinking reads
per file (`linked_files`) and per path (`linked_paths`). Everything is written in the scan cache's
own transaction (`ScanCache.save`), keyed like the signed pickle by depmap's stamp, the scan
context and every file's content digest: a run killed
at any point leaves either the old rows and key or the new ones, and a key that does not match
the current files means "link again". Concurrent runs each write a whole, consistent set; a
reader holds one read transaction for its whole run (WAL), so it never sees half of another's.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Iterable, Iterator

from depmap.index import fast_json, project_facts
from depmap.index.cache_folder import CACHE_DIR, CACHE_FILE, inspect, open_existing
from depmap.index.fact_rows import encode_row, fact_of_row
from depmap.model import ACCESS, FLOW, PARSE_ERROR, Fact, Skipped
from depmap.orm.symbols import APP_CONFIG, MODEL, PY_CLASS, TABLE_BINDING

# Dropped while `write_index` writes every row, and made again after: SQLite then sorts each index
# once instead of inserting half a million names one by one into it (0.4 s of CPU at saleor).
_OWN_INDEXES = {
    "linked_names_by_name": "linked_names (name, id)",
    "linked_facts_by_kind": "linked_facts (kind, id)",
    "linked_op_names_by_name": "linked_op_names (name, position)",
}
_TABLES = (
    "CREATE TABLE IF NOT EXISTS linked_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS linked_facts (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, ordinal INTEGER NOT NULL, fact TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS linked_names (name TEXT NOT NULL, id INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS linked_ops (position INTEGER PRIMARY KEY, fact TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS linked_op_names (name TEXT NOT NULL, position INTEGER NOT NULL)",
    # Where each located path's block of ids starts, and its linked facts before settling when
    # the catalog can change them (`depmap.index.row_update`), else ''.
    "CREATE TABLE IF NOT EXISTS linked_paths (path TEXT PRIMARY KEY, base INTEGER NOT NULL, unsettled TEXT NOT NULL)",
    # What relinking reads of each scanned file (`depmap.index.incremental`): the content its
    # facts were linked from, its project-level raw facts, what its scan skipped.
    "CREATE TABLE IF NOT EXISTS linked_files (path TEXT PRIMARY KEY, digest TEXT NOT NULL, project TEXT NOT NULL, skipped TEXT NOT NULL)",
    *(f"CREATE INDEX IF NOT EXISTS {name} ON {what}" for name, what in _OWN_INDEXES.items()),
    *project_facts.TABLES,  # the project-level facts again, grouped by what a relink asks for
)
_ROWS = ("linked_facts", "linked_names", "linked_ops", "linked_op_names", "linked_paths", "linked_files", *project_facts.ROWS)
# What a query may read of every file (`LinkedStore.always`, read when first asked: a model target,
# `impact`'s rules, `check`): the model registry's facts (models, app configs, Core table bindings,
# class names) and the statements that did not parse.
ALWAYS_LOADED = frozenset({MODEL, APP_CONFIG, TABLE_BINDING, PY_CLASS, PARSE_ERROR})
SUMMARY_KEYS = frozenset({"tables", "renamed_to", "op_tables", "graph_tables", "skipped", "accesses"})
# A located path's facts have the ids base .. base + STRIDE - 1, in canonical order, and blocks
# follow their paths' order (canonical order sorts by path first): one file's facts are replaced
# in place, and a new path takes the middle of the gap between its neighbours.
STRIDE = 1 << 32
# The form of the rows (`linked_meta` 'rows'): a store of another form is no store (linked again
# and written anew), never read as this one. 2: a fact is an array (`depmap.index.fact_rows`).
ROWS_FORMAT = "2"
_CHUNK = 500  # names per query: under SQLite's limit of bound parameters


class StoreDamaged(Exception):
    """A stored row that is not what depmap writes: the caller links again."""


def create_tables(db: sqlite3.Connection) -> None:
    for statement in _TABLES:
        db.execute(statement)


def write_snapshot(db: sqlite3.Connection, snapshot_json: str | None) -> None:
    """Store (or, with None, forget) the discovery snapshot, inside the caller's transaction."""
    create_tables(db)
    if snapshot_json is None:
        db.execute("DELETE FROM linked_meta WHERE name = 'discovery'")
    else:
        db.execute("INSERT OR REPLACE INTO linked_meta VALUES ('discovery', ?)", (snapshot_json,))


def write_index(db: sqlite3.Connection, key: str, facts: list[Fact], catalog_input: list[Fact], catalog: Any, graph_tables: list[str],
                scan_skipped: list[Skipped], extra_paths: Iterable[str] = ()) -> None:
    """Replace the stored index with this one (`facts` in canonical order), inside the caller's
    transaction. Every path of `facts` and `extra_paths` gets its block of ids."""
    create_tables(db)
    for name in _OWN_INDEXES:
        db.execute(f"DROP INDEX {name}")
    for table in _ROWS:
        db.execute(f"DELETE FROM {table}")
    located = {fact.location.path for fact in facts} | set(extra_paths)
    bases = {path: (number + 1) * STRIDE for number, path in enumerate(sorted(located))}
    db.executemany("INSERT INTO linked_paths VALUES (?, ?, '')", list(bases.items()))
    ordinals = catalog_ordinals(catalog_input, bases)
    # Rows are made as SQLite takes them: a list of every fact's JSON held 130 MB at a million lines,
    # and one of their ids 10 MB (each a number object of its own: they pass 2**30).
    db.executemany("INSERT INTO linked_facts VALUES (?, ?, ?, ?)",
                   ((number, fact.kind, ordinals.get(id(fact), -1), encode_row(fact)) for number, fact in zip(_numbered(facts, bases), facts)))
    db.executemany("INSERT INTO linked_names VALUES (?, ?)",
                   ((name, number) for number, fact in zip(_numbered(facts, bases), facts) for name in names_of(fact)))
    accesses = {"read": 0, "write": 0}
    for fact in facts:
        if fact.kind == ACCESS and fact.access in accesses:
            accesses[fact.access] += 1
    db.execute("INSERT OR REPLACE INTO linked_meta VALUES ('rows', ?)", (ROWS_FORMAT,))
    summary = catalog_summary(db, catalog)
    for name, what in _OWN_INDEXES.items():
        db.execute(f"CREATE INDEX {name} ON {what}")
    summary.update(graph_tables=graph_tables, skipped=[[item.path, item.reason] for item in scan_skipped], accesses=accesses)
    write_summary(db, key, summary)


def _numbered(facts: list[Fact], bases: dict[str, int]) -> Iterator[int]:
    """Each fact's id: its path's base plus its place among that path's facts (canonical order)."""
    position, path = 0, None
    for fact in facts:
        position = position + 1 if fact.location.path == path else 0
        path = fact.location.path
        yield bases[path] + position


def catalog_ordinals(catalog_input: list[Fact], bases: dict[str, int]) -> dict[int, int]:
    """id(fact) -> the ordinal of each catalog input fact: its path's base plus its place among
    that path's catalog facts in link order. Sorted by it, the facts are grouped by path, each
    path's in link order: what the catalog replays in the same order as the one list
    (`depmap.index.relink`: ties of migration order are facts of one file). Unless two paths'
    numbers differ only in leading zeros: then their ties follow the link order, so the ordinal
    is the place in it (and relinking links everything, `relink.natural_keys_collide`)."""
    from depmap.index.relink import natural_keys_collide

    if natural_keys_collide({fact.location.path for fact in catalog_input}):
        return {id(fact): position for position, fact in enumerate(catalog_input)}
    counts: dict[str, int] = {}
    ordinals = {}
    for fact in catalog_input:
        path = fact.location.path
        counts[path] = counts.get(path, -1) + 1
        ordinals[id(fact)] = bases[path] + counts[path]
    return ordinals


def catalog_summary(db: sqlite3.Connection, catalog: Any) -> dict[str, Any]:
    """Store the catalog's operations by the names they mention (replacing any stored), and return
    its part of the summary."""
    from depmap.schema_history import HistoryIndex

    db.execute("DELETE FROM linked_ops")
    db.execute("DELETE FROM linked_op_names")
    history = HistoryIndex(catalog.ops)
    db.executemany("INSERT INTO linked_ops VALUES (?, ?)", [(position, encode_row(op)) for position, op in enumerate(catalog.ops)])
    db.executemany("INSERT INTO linked_op_names VALUES (?, ?)",
                   [(name, position) for name, positions in history.mentions.items() for position in positions])
    return {
        "tables": [[name, table.view, list(table.columns)] for name, table in catalog.tables.items()],
        "renamed_to": {new: sorted(old) for new, old in history.renamed_to.items()},
        "op_tables": [op.table for op in catalog.ops if op.table],
    }


def write_summary(db: sqlite3.Connection, key: str, summary: dict[str, Any]) -> None:
    db.execute("INSERT OR REPLACE INTO linked_meta VALUES ('summary', ?)", (json.dumps(summary, separators=(",", ":")),))
    db.execute("INSERT OR REPLACE INTO linked_meta VALUES ('key', ?)", (key,))


def forget_index(root: Path) -> None:
    """Drop the stored index's key after a damaged row was found: the next build links again and
    stores the rows anew. Failing to (locked, read-only) costs only that run's speed."""
    if not inspect(root)[0]:
        return
    try:
        os.close(open_existing(root / CACHE_DIR / CACHE_FILE, os.O_RDWR))
        db = sqlite3.connect(str(root / CACHE_DIR / CACHE_FILE), timeout=30, isolation_level=None)
    except (OSError, sqlite3.Error):
        return
    try:
        db.execute("DELETE FROM linked_meta WHERE name = 'key'")
    except sqlite3.Error:
        pass
    finally:
        db.close()


def names_of(fact: Fact) -> set[str]:
    names = {f"p:{fact.location.path}"}
    if fact.table:
        names.add(f"t:{fact.table}")
    if fact.kind == FLOW and isinstance(fact.extra.get("to"), str):
        names.add(f"t:{fact.extra['to']}")
    declared = fact.extra.get("declared_at")
    if isinstance(declared, dict) and isinstance(declared.get("path"), str):
        names.add(f"p:{declared['path']}")
    if fact.kind == ACCESS:
        names.update(_scope_names(fact.extra.get("scope") or fact.extra.get("candidates") or []))
    return names


def _scope_names(scope: Any) -> set[str]:
    """`s:TABLE` for each table an unqualified column of the statement may belong to (what
    `ambiguous-column` asks of the other tables' reads); `s:*` when the scope is not a list of names."""
    if isinstance(scope, (list, tuple)):
        return {f"s:{name}" for name in scope if isinstance(name, str)}
    return {"s:*"}


class LinkedStore:
    """One run's read-only view of the stored index: one connection, one read transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._always: dict[int, Fact] | None = None
        self.every_query: dict[int, Fact] = {}  # the facts every query reads (`stored_index.EVERY_QUERY`), by id
        self.decoded = 0  # facts decoded: what a warm query cost (the tests count it)
        self.ops_decoded = 0  # schema operations decoded (a table's history)
        self.damaged = False  # a damaged row was met: what was answered from the store is in doubt
        self.frameworks: frozenset[str] | None = None  # the frameworks in use, once a warm `impact` read them
        self.registry: Any = None  # the model registry, once built (`Index.registry`)
        self.impact_common: Any = None  # what every table's `impact_index` reads alike, once read (`baseline` reads it per table)
        self.warm: Any = None  # the `warm_state.WarmState` that holds for this run, if one does

    @classmethod
    def open(cls, root: Path, notes: list[str] | None = None) -> "LinkedStore | None":
        """The store of `root`, or None (no file, a link in `.depmap/`, not ours, unreadable).
        What `inspect` removed from `.depmap/` is said in `notes` (a refusal, the scan cache says)."""
        usable, warnings = inspect(root)
        path = root / CACHE_DIR / CACHE_FILE
        if not usable:
            return None
        if notes is not None:
            notes.extend(warnings)
        try:
            os.close(open_existing(path))  # a regular file, not through a link
        except OSError:
            return None
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return None
        try:
            db.execute("BEGIN")
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.Error:
            db.close()
            return None
        if not {"linked_meta", *_ROWS} <= tables or cls(db).meta("rows") != ROWS_FORMAT:
            db.close()
            return None
        return cls(db)

    def close(self) -> None:
        self.db.close()

    @property
    def always(self) -> dict[int, Fact]:
        """The facts of `ALWAYS_LOADED` kinds by id, read when first asked: what a query may need of
        every file (the model registry's facts)."""
        if self._always is None:
            self._always = dict(self.facts_of_kinds(ALWAYS_LOADED))
        return self._always

    def meta(self, name: str) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM linked_meta WHERE name = ?", (name,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row is not None and isinstance(row[0], str) else None

    def summary(self) -> dict[str, Any]:
        text = self.meta("summary")
        try:
            data = fast_json.loads(text) if text is not None else None
        except ValueError:
            data = None
        if not (isinstance(data, dict) and set(data) == SUMMARY_KEYS):
            raise StoreDamaged("the stored index's summary")
        return data

    def facts_of_kinds(self, kinds: Iterable[str], shared: bool = False) -> list[tuple[int, Fact]]:
        """(id, fact) of every fact of these kinds, in canonical order; `shared`: their equal
        values held once (`fact_from_json`), for many facts that stay."""
        wanted = sorted(set(kinds))
        query = f"SELECT id, fact FROM linked_facts WHERE kind IN ({','.join('?' * len(wanted))}) ORDER BY id"
        return self._decoded(self._rows(query, wanted), shared)

    def facts_named(self, names: Iterable[str], known: Iterable[int] = ()) -> list[tuple[int, Fact]]:
        """(id, fact) of every fact under one of `names` but the `known` ones, in canonical order, each once."""
        wanted = sorted(set(names))
        ids: set[int] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            ids.update(i for (i,) in self._rows(f"SELECT id FROM linked_names WHERE name IN ({','.join('?' * len(chunk))})", chunk))
        ids.difference_update(known)
        found = []
        ordered = sorted(ids)
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start:start + _CHUNK]
            found += self._rows(f"SELECT id, fact FROM linked_facts WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY id", chunk)
        return self._decoded(found)

    def all_facts(self) -> tuple[list[Fact], list[Fact]]:
        """(every fact in canonical order, the catalog's input in its linking order). Each row is
        decoded as it is read: the rows' JSON (130 MB at a million lines) is never held whole."""
        facts: list[Fact] = []
        ordinals = []
        try:
            for ordinal, text in self.db.execute("SELECT ordinal, fact FROM linked_facts ORDER BY id"):
                if not isinstance(ordinal, int):
                    self.damaged = True
                    raise StoreDamaged("a stored fact's ordinal")
                if ordinal >= 0:
                    ordinals.append((ordinal, len(facts)))
                facts.append(self._decoded([(0, text)], shared=True)[0][1])
        except sqlite3.Error as error:
            self.damaged = True
            raise StoreDamaged(str(error)) from None
        ordinals.sort()
        return facts, [facts[position] for _, position in ordinals]

    def ops_mentioning(self, names: Iterable[str]) -> list[Fact]:
        """The schema operations that mention one of `names`, in migration order (as `HistoryIndex`)."""
        wanted = sorted(set(names))
        query = (f"SELECT DISTINCT o.position, o.fact FROM linked_op_names n JOIN linked_ops o ON o.position = n.position "
                 f"WHERE n.name IN ({','.join('?' * len(wanted))}) ORDER BY o.position")
        ops = [fact for _, fact in self._decoded(self._rows(query, wanted))]
        self.decoded -= len(ops)
        self.ops_decoded += len(ops)
        return ops

    def all_ops(self) -> list[Fact]:
        """Every schema operation, in migration order (`Catalog.ops`)."""
        ops = [fact for _, fact in self._decoded(self._rows("SELECT position, fact FROM linked_ops ORDER BY position", ()), shared=True)]
        self.decoded -= len(ops)
        self.ops_decoded += len(ops)
        return ops

    def rows(self, query: str, values: Iterable[Any]) -> list[tuple]:
        """The rows of a query on a table another module keeps in this file; StoreDamaged when it fails."""
        return self._rows(query, values)

    def _rows(self, query: str, values: Iterable[Any]) -> list[tuple]:
        try:
            return self.db.execute(query, tuple(values)).fetchall()
        except sqlite3.Error as error:
            self.damaged = True
            raise StoreDamaged(str(error)) from None

    def _decoded(self, rows: list[tuple[int, Any]], shared: bool = False) -> list[tuple[int, Fact]]:
        """The facts of `rows`; their values shared with other facts (`fact_of_row`) only for the
        whole index."""
        found = []
        for number, text in rows:
            try:
                found.append((number, fact_of_row(fast_json.loads(text), shared)))
            except (ValueError, TypeError, RecursionError) as error:
                self.damaged = True
                raise StoreDamaged(f"a stored fact ({error})") from None
        self.decoded += len(found)
        return found

    def each_fact(self) -> Iterator[Fact]:
        """Every fact in canonical order, decoded as its row is read and given out at once: for a
        caller that keeps less of each fact than the fact (`DependencyGraph.for_export`)."""
        try:
            rows = self.db.execute("SELECT id, fact FROM linked_facts ORDER BY id")
            while chunk := rows.fetchmany(_CHUNK):
                for _, fact in self._decoded(chunk):
                    yield fact
        except sqlite3.Error as error:
            self.damaged = True
            raise StoreDamaged(str(error)) from None
