"""The stored index after a few files changed: only their rows are replaced.

The stored rows (`depmap.index.linked_store`) keep each located path's facts in one block of ids,
in canonical order, so the facts of the files a relink changed (`depmap.index.relink`) are
deleted and inserted in place, with their names. The summary follows: the access counts by the
difference, the graph's tables by the tables the replaced facts named (one that no longer appears
is looked up under its name in the other rows), the skipped files by file. The catalog is built
again from the stored catalog facts only when a changed file's definitions changed; when its
tables or columns changed, the facts it settles (`depmap.index.attribution`) are settled again in
every path whose stored facts before settling name a changed table.

`StoredState` reads what a relink needs, `RowUpdate` is what it changes: it is written in the scan
cache's transaction, only while the stored key is the one it was computed from (another run may
have stored its own index since: then that one stays, whole).
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from depmap.graph import DependencyGraph
from depmap.index import fast_json, project_facts
from depmap.index.attribution import settle_candidates
from depmap.index.lean_facts import facts_of_items, facts_of_rows
from depmap.index.cached_result import fact_from_json
from depmap.index.fact_rows import encode_row
from depmap.index.span_store import refresh_spans
from depmap.index.stored_names import refresh_model_names
from depmap.index.stored_tables import refresh_tables
from depmap.index.linked_store import STRIDE, LinkedStore, StoreDamaged, catalog_summary, names_of, write_summary
from depmap.model import ACCESS, COLUMN_DEF, SCHEMA_OP, TABLE_DEF, Fact, Skipped, sorted_facts

CATALOG_KINDS = frozenset({TABLE_DEF, COLUMN_DEF, SCHEMA_OP})
RELINK_META = "relink"  # linked_meta: depmap's stamp and the scan context the rows were linked under


class TooCrowded(Exception):
    """No room for a path's block between its neighbours: store the whole index instead."""


def settled_by_catalog(fact: Fact) -> bool:
    """A linked fact that settling may change, depending on the catalog's tables and columns."""
    return fact.kind == ACCESS and ("row_type" in fact.extra or bool(fact.extra.get("candidates")))


def unsettled_text(facts: list[Fact]) -> str:
    """A path's linked facts before settling, stored when the catalog can change them, else ''."""
    return json.dumps([fact.to_json() for fact in facts], separators=(",", ":")) if any(map(settled_by_catalog, facts)) else ""


def file_row(path: str, digest: str, project: list[Fact], skipped: list[Skipped]) -> tuple[str, str, str, str]:
    """A `linked_files` row: what relinking reads of one scanned file."""
    return (path, digest, json.dumps([fact.to_json() for fact in project], separators=(",", ":")),
            json.dumps([[item.path, item.reason] for item in skipped], separators=(",", ":")))


def write_relink_state(db: sqlite3.Connection, scanned_as: str, files: Iterable[tuple[str, str, str, str]], unsettled: Mapping[str, list[Fact]]) -> None:
    """After `write_index`, in its transaction: every file's row and the unsettled facts of the paths that have any."""
    staged = getattr(files, "copy_into", None)  # `staged_rows.StagedFiles`: written during the scan, copied by SQLite
    if staged is not None:
        staged(db)
    else:
        db.executemany("INSERT OR REPLACE INTO linked_files VALUES (?, ?, ?, ?)", files)  # made as SQLite takes them
        project_facts.write_rows(db, files, replace=False)  # `files` is read twice: a list, or `packed_rows.PackedRows`
    texts = [(text, path) for path, facts in unsettled.items() if (text := unsettled_text(facts))]
    db.executemany("UPDATE linked_paths SET unsettled = ? WHERE path = ?", texts)
    db.execute("INSERT OR REPLACE INTO linked_meta VALUES (?, ?)", (RELINK_META, scanned_as))


def _decode_list(text: Any) -> list[Any]:
    try:
        data = fast_json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, list):
        raise StoreDamaged("a stored file's state")
    return data


def decode_facts(text: Any) -> list[Fact]:
    return decode_items(_decode_list(text))


def decode_items(items: Any, decode: Callable[[list], Iterable[Fact]] = lambda items: map(fact_from_json, items)) -> list[Fact]:
    """Facts from their loaded JSON (`decode`: the whole list's reader); StoreDamaged for anything
    depmap does not write."""
    if not isinstance(items, list):
        raise StoreDamaged("a stored file's state")
    try:
        return list(decode(items))
    except (ValueError, TypeError) as error:
        raise StoreDamaged(f"a stored fact ({error})") from None


def _decode_passing(items: Any) -> list[Fact]:
    """Facts a relink reads and drops (the context it links against), their values shared among them alone."""
    return decode_items(items, facts_of_items)


class StoredState:
    """What the stored rows say of the last link, read in the store's one read transaction."""

    def __init__(self, store: LinkedStore) -> None:
        self.store = store
        self.key = store.meta("key")
        self.scanned_as = store.meta(RELINK_META)
        rows = store._rows("SELECT path, base FROM linked_paths ORDER BY base", ())
        self.paths = [path for path, _ in rows]  # located paths, in block order (which is path order)
        self.bases = dict(rows)
        if self.paths != sorted(self.paths) or len(self.bases) != len(self.paths) or not all(isinstance(base, int) for base in self.bases.values()):
            raise StoreDamaged("the stored blocks' order")
        self.digests = dict(store._rows("SELECT path, digest FROM linked_files", ()))

    def project_facts(self) -> project_facts.StoredProjectFacts:
        """Every file's project-level raw facts, read as a relink asks for them."""
        return project_facts.StoredProjectFacts(self.store._rows, _decode_passing, decode_items, StoreDamaged)

    def project(self) -> dict[str, list[Fact]]:
        """Every file's project-level raw facts."""
        return {path: facts for path, text in self.store._rows("SELECT path, project FROM linked_files WHERE project != '[]'", ())
                if (facts := decode_facts(text))}

    def skipped(self, paths: Iterable[str] | None = None) -> dict[str, list[Skipped]]:
        """What the scan of each file (of `paths`, else every one) skipped."""
        query = "SELECT path, skipped FROM linked_files WHERE skipped != '[]'"
        found = {}
        for path, text in self.store._rows(query, ()):
            if paths is None or path in paths:
                items = _decode_list(text)
                if not all(isinstance(item, list) and len(item) == 2 and all(isinstance(v, str) for v in item) for item in items):
                    raise StoreDamaged("a stored skipped file")
                found[path] = [Skipped(*item) for item in items]
        if paths is not None:
            return {path: found.get(path, []) for path in paths}
        return found

    def span(self, path: str) -> tuple[int, int]:
        """The ids of `path`'s block: from its base up to the next path's (a path added between two
        took the middle of their gap, so a block may be shorter than STRIDE)."""
        base = self.bases[path]
        place = bisect.bisect_right(self.paths, path)
        return base, self.bases[self.paths[place]] if place < len(self.paths) else base + STRIDE

    def block(self, path: str) -> list[tuple[int, int, Fact]]:
        """(id, ordinal, fact) of the settled facts located at `path`, in canonical order."""
        if path not in self.bases:
            return []
        rows = self.store._rows("SELECT id, ordinal, fact FROM linked_facts WHERE id >= ? AND id < ? ORDER BY id", self.span(path))
        decoded = self.store._decoded([(number, text) for number, _, text in rows])
        return [(number, ordinal, fact) for (number, fact), (_, ordinal, _) in zip(decoded, rows)]

    def unsettled(self, path: str) -> str:
        rows = self.store._rows("SELECT unsettled FROM linked_paths WHERE path = ?", (path,))
        return rows[0][0] if rows and isinstance(rows[0][0], str) else ""

    def unsettled_naming(self, tables: Iterable[str], leaving: set[str]) -> dict[str, list[Fact]]:
        """The unsettled facts of every path but `leaving` whose stored text names one of `tables`."""
        tokens = [json.dumps(table) for table in tables]
        found = {}
        for path, text in self.store._rows("SELECT path, unsettled FROM linked_paths WHERE unsettled != ''", ()):
            if path not in leaving and any(token in text for token in tokens):
                found[path] = decode_facts(text)
        return found

    def catalog_input(self, leaving: set[str]) -> dict[str, list[Fact]]:
        """The stored catalog facts by path, each path's in link order, but those of `leaving`."""
        found: dict[str, list[Fact]] = {}
        try:  # each row decoded as it is read (their JSON is never held whole: 140 MB less at 1M lines)
            rows = self.store.db.execute("SELECT fact FROM linked_facts WHERE ordinal >= 0 ORDER BY ordinal")
            for fact in facts_of_rows(text for text, in rows):
                self.store.decoded += 1
                if fact.location.path not in leaving:
                    found.setdefault(fact.location.path, []).append(fact)
        except sqlite3.Error as error:
            self.store.damaged = True
            raise StoreDamaged(str(error)) from None
        except (ValueError, TypeError, RecursionError) as error:
            self.store.damaged = True
            raise StoreDamaged(f"a stored fact ({error})") from None
        return found

    def still_named(self, table: str, leaving: set[str]) -> bool:
        """Whether a fact outside `leaving` puts `table` in the graph."""
        spans = [self.span(path) for path in leaving if path in self.bases]
        for number, text in self.store._rows("SELECT f.id, f.fact FROM linked_names n JOIN linked_facts f ON f.id = n.id WHERE n.name = ?", (f"t:{table}",)):
            if any(low <= number < high for low, high in spans):
                continue
            if table in DependencyGraph.tables_of(fact for _, fact in self.store._decoded([(number, text)])):
                return True
        return False


class StoredLinks(Mapping[str, list[Fact]]):
    """The last link's facts by located path, read from the rows as asked (the relink reads those
    of the changed files alone, and which paths hold facts)."""

    def __init__(self, state: StoredState) -> None:
        self.state = state

    def __getitem__(self, path: str) -> list[Fact]:
        if path not in self.state.bases:
            raise KeyError(path)
        return [fact for _, _, fact in self.state.block(path)]

    def __contains__(self, path: object) -> bool:
        return path in self.state.bases

    def __iter__(self) -> Iterator[str]:
        return iter(self.state.paths)

    def __len__(self) -> int:
        return len(self.state.paths)


@dataclass
class RowUpdate:
    """The rows one relink changes, and the key they are stored under."""

    old_key: str
    key: str
    blocks: dict[str, tuple[list[Fact], str]] = field(default_factory=dict)  # path -> (unsettled facts, their stored text); [] deletes
    old_ids: dict[str, list[tuple[int, Fact]]] = field(default_factory=dict)  # the rows replaced
    summary: dict[str, Any] = field(default_factory=dict)
    catalog: Any = None  # the catalog, when it was built again
    delta: Any = None  # else the changed tables alone (`catalog_delta.CatalogDelta`), when their definitions changed
    settled: dict[str, list[Fact]] = field(default_factory=dict)  # path -> the facts to store, in canonical order
    ordinals: dict[str, dict[int, int]] = field(default_factory=dict)  # path -> id(fact) -> place among its catalog facts
    files: list[tuple[str, str, str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)

    def write(self, db: sqlite3.Connection, bases: dict[str, int], paths: list[str]) -> bool:
        """Apply, in the caller's transaction; False (nothing written) when the stored key moved.
        Raises TooCrowded when a new path finds no room between its neighbours."""
        row = db.execute("SELECT value FROM linked_meta WHERE name = 'key'").fetchone()
        if row is None or row[0] != self.old_key:
            return False
        bases = dict(bases)
        paths = list(paths)
        for path, old in self.old_ids.items():
            db.executemany("DELETE FROM linked_names WHERE name = ? AND id = ?", [(name, number) for number, fact in old for name in names_of(fact)])
            db.executemany("DELETE FROM linked_facts WHERE id = ?", [(number,) for number, _ in old])
        for path, (_, text) in sorted(self.blocks.items()):
            facts = self.settled.get(path, [])
            if not facts and not text:
                if path in bases:
                    db.execute("DELETE FROM linked_paths WHERE path = ?", (path,))
                    paths.remove(path)
                    del bases[path]
                continue
            base = bases.get(path)
            if base is None:
                base = _room(paths, bases, path)
                bisect.insort(paths, path)
                bases[path] = base
            upper = bases[paths[paths.index(path) + 1]] if paths.index(path) + 1 < len(paths) else None
            if upper is not None and base + len(facts) >= upper:
                raise TooCrowded(path)
            db.execute("INSERT OR REPLACE INTO linked_paths VALUES (?, ?, ?)", (path, base, text))
            ordinals = self.ordinals.get(path, {})
            db.executemany("INSERT INTO linked_facts VALUES (?, ?, ?, ?)",
                           [(base + n, fact.kind, base + ordinals[id(fact)] if id(fact) in ordinals else -1, encode_row(fact)) for n, fact in enumerate(facts)])
            db.executemany("INSERT INTO linked_names VALUES (?, ?)", [(name, base + n) for n, fact in enumerate(facts) for name in names_of(fact)])
        if self.catalog is not None:
            self.summary.update(catalog_summary(db, self.catalog))
        elif self.delta is not None:
            self.summary.update(self.delta.write_ops(db))
        before = [fact for old in self.old_ids.values() for _, fact in old]
        after = [fact for facts in self.settled.values() for fact in facts]
        refresh_spans(db, self.old_key, self.key, before, after)
        refresh_tables(db, self.catalog or self.delta, before, after)
        refresh_model_names(db, before, after)
        db.executemany("DELETE FROM linked_files WHERE path = ?", [(path,) for path in self.gone])
        project_facts.forget(db, self.gone)
        db.executemany("INSERT OR REPLACE INTO linked_files VALUES (?, ?, ?, ?)", self.files)
        project_facts.write_rows(db, self.files, replace=True)
        write_summary(db, self.key, self.summary)
        return True


def _room(paths: list[str], bases: dict[str, int], path: str) -> int:
    """A base for a new path: the middle of the gap its neighbours leave."""
    place = bisect.bisect_left(paths, path)
    low = bases[paths[place - 1]] if place > 0 else 0
    if place == len(paths):
        return low + STRIDE
    high = bases[paths[place]]
    base = (low + high) // 2
    if base - low < STRIDE // 4096 or high - base < STRIDE // 4096:  # a million facts each side
        raise TooCrowded(path)
    return base


def settle_block(facts: list[Fact], schema: Mapping[str, frozenset[str]]) -> list[Fact]:
    return sorted_facts(settle_candidates(facts, schema))


def catalog_ordinals_of(facts: list[Fact]) -> dict[int, int]:
    """id(fact) -> its place among the catalog facts of one path's unsettled facts (link order)."""
    return {id(fact): n for n, fact in enumerate(fact for fact in facts if fact.kind in CATALOG_KINDS)}


def graph_tables(facts: Iterable[Fact]) -> set[str]:
    return set(DependencyGraph.tables_of(facts))


def access_counts(facts: Iterable[Fact]) -> dict[str, int]:
    counts = {"read": 0, "write": 0}
    for fact in facts:
        if fact.kind == ACCESS and fact.access in counts:
            counts[fact.access] += 1
    return counts
