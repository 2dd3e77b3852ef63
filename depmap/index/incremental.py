"""A scan after a few files changed: scan those, relink only what they reach, replace only their rows.

The stored rows (`depmap.index.linked_store`) carry what relinking needs, per file
(`linked_files`: the content digest its facts were linked from, its project-level raw facts, what
its scan skipped) and per located path (`linked_paths`: its block of facts, and its facts before
settling when the catalog can change them). A run that finds some files changed scans only those
(an unchanged file is never decoded from the scan cache unless a narrow or full link needs it),
relinks (`depmap.index.relink`), settles the relinked files' facts against the stored catalog, and
returns the rows to replace (`depmap.index.row_update.RowUpdate`). The catalog is built again only
when a changed file's table definitions or schema operations changed; when its tables or columns
changed too, the other paths whose facts it settles are settled again. A changed model relinks
the files that can reach it (`depmap.index.model_scope`, read from the stored words of each file);
a full link (an app config, a routine, a dbt relation, an Airflow task changed) stores the whole
index again.

Nothing here loads the whole index: the command that follows reads the rows it asks for.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from depmap.catalog import Catalog
from depmap.discover import SourceFile
from depmap.graph import DependencyGraph
from depmap.index.attribution import settle_candidates
from depmap.index.catalog_delta import catalog_delta
from depmap.index.cached_result import fact_from_json
from depmap.index.fact_rows import encode_row
from depmap.index.linked_store import LinkedStore, StoreDamaged, write_index
from depmap.index.row_update import (CATALOG_KINDS, RowUpdate, StoredLinks, StoredState, TooCrowded, access_counts, catalog_ordinals_of,
                                     file_row, graph_tables, settle_block, unsettled_text, write_relink_state)
from depmap.model import Fact, ScanResult, Skipped, sorted_facts
from depmap.scan_context import ScanContext

if TYPE_CHECKING:
    from depmap.index.cache import ScanCache
    from depmap.index.pool import Budget


def scanned_as(cache: "ScanCache") -> str:
    """What the facts of a file's content also depend on: depmap's own code and the scan context."""
    from depmap.index.cache import scanner_stamp

    return f"{scanner_stamp()} {cache.context}"


class _Unavailable(Exception):
    """A cached file's facts could not be read back: scan the project as usual."""


@dataclass
class Whole:
    """A full link's index, to store whole: (facts, skipped, catalog, graph or None: only its
    tables are stored, and they are read from the facts), the catalog's input
    in link order, the linked facts before settling, every file's `linked_files` row."""

    linked: tuple
    catalog_input: list[Fact]
    unsettled: list[Fact]
    files: Iterable[tuple[str, str, str, str]]  # a list, or `packed_rows.PackedRows`


@dataclass
class Incremental:
    scanned: int
    mode: str  # "unchanged" (only stats moved), or the relink's path
    relinked: int
    update: RowUpdate | None = None  # any path but FULL: the rows to replace
    whole: Whole | None = None  # FULL: the index to store whole
    bases: dict[str, int] | None = None  # the stored blocks the update was computed against
    paths: list[str] | None = None


def incremental(
    root: Path,
    files: list[SourceFile],
    ctx: ScanContext,
    jobs: int,
    budget: "Budget",
    cache: "ScanCache",
    debug: bool,
    progress: Callable[[int, int], None] | None,
    timings: dict[str, float],
) -> Incremental | None:
    """What changed since the stored rows were linked, relinked; None when the rows cannot be
    relinked from (none, another depmap or dialect, a damaged row, a cached row that does not
    decode): the caller scans and links as usual."""
    started = time.perf_counter()
    store = LinkedStore.open(root)
    if store is None:
        return None
    try:
        state = StoredState(store)
        if state.key is None or state.scanned_as != scanned_as(cache):
            return None  # another depmap or dialect: the same contents give other facts
        order = [file.path for file in files]
        current = set(order)
        work = [file for file in files if not _unchanged(cache, file, state.digests)]
        timings["cache"] += time.perf_counter() - started

        started = time.perf_counter()
        fresh = _scan(root, work, ctx, jobs, budget, cache, debug, progress, len(files), state.digests)
        scanned = sum(1 for _, _, parsed in fresh.values() if parsed)
        changed = [path for path, (digest, _, _) in fresh.items() if digest != state.digests.get(path)]
        gone = [path for path in state.digests if path not in current]
        timings["scan"] = time.perf_counter() - started
        if not changed and not gone:  # only stats moved (a checkout, a touch): the rows hold
            timings["graph"] = 0.0
            return Incremental(scanned, "unchanged", 0)
        from depmap.index.model_scope import mentioning
        from depmap.index.relink import FULL, Change, natural_keys_collide, relink  # the linkers: only a change needs them

        if natural_keys_collide(current | set(state.digests)):
            return None  # the catalog's ties follow the link order across files: link everything

        started = time.perf_counter()
        project = state.project_facts()  # read as the relink asks (`depmap.index.project_facts`)
        results = {path: fresh[path][1] for path in changed}
        changes = [Change(path, project.get(path, []), _as_stored(results[path].facts)) for path in changed]
        changes += [Change(path, project.get(path, []), None) for path in gone]
        relinked = relink(StoredLinks(state), changes, project, order, lambda paths: _raw(cache, files, paths, fresh),
                          lambda scope: mentioning(root, files, scope))
        digests = {path: (fresh[path][0] if path in fresh else state.digests[path]) for path in order}
        if relinked.mode == FULL:
            whole = _whole(relinked.linked or [], order, digests, dict(project.everything()), state, results, gone)
            timings["graph"] = time.perf_counter() - started
            return Incremental(scanned, FULL, len(relinked.relinked), whole=whole)
        update = _update(state, relinked.fresh, relinked.relinked, cache, order, digests)
        from depmap.index.relink import project_level

        for path in changed:
            update.files.append(file_row(path, digests[path], project_level(path, results[path].facts), list(results[path].skipped)))
        update.gone = gone
        old_skipped = state.skipped(set(changed) | set(gone))
        update.summary["skipped"] = _skipped(update.summary["skipped"], [item for path in (*changed, *gone) for item in old_skipped[path]],
                                             [item for path in changed for item in results[path].skipped])
        timings["graph"] = time.perf_counter() - started
        return Incremental(scanned, relinked.mode, len(relinked.relinked), update=update, bases=state.bases, paths=state.paths)
    except (StoreDamaged, _Unavailable):
        return None
    finally:
        store.close()


def _update(state: StoredState, fresh: dict[str, list[Fact]], again: tuple[str, ...], cache: "ScanCache",
            order: list[str], digests: dict[str, str]) -> RowUpdate:
    """The rows of a local or narrow relink: the relinked paths' blocks, settled against the
    catalog (the stored one unless their definitions changed), and the summary after them."""
    from depmap.index import store as index_store
    from depmap.index.cache import scanner_stamp

    key = index_store.index_key(scanner_stamp(), cache.context, ((path, digests[path]) for path in order), "")
    update = RowUpdate(old_key=state.key or "", key=key, summary=state.store.summary())
    replaced = set(again)
    old = {path: state.block(path) for path in sorted(replaced)}
    old_catalog = {path: [fact for _, ordinal, fact in sorted(rows, key=lambda row: row[1]) if ordinal >= 0] for path, rows in old.items()}
    blocks = {path: fresh.get(path, []) for path in replaced}
    schema = {name: frozenset(columns) for name, _, columns in update.summary["tables"]}
    new_catalog = {path: [fact for fact in blocks[path] if fact.kind in CATALOG_KINDS] for path in replaced}
    if any(list(map(encode_row, old_catalog[path])) != list(map(encode_row, new_catalog[path])) for path in replaced):
        update.delta = catalog_delta(state, old_catalog, new_catalog, update.summary)
        if update.delta is not None:
            new_schema = update.delta.schema()
        else:
            stored = state.catalog_input(replaced)
            stored.update((path, facts) for path, facts in new_catalog.items() if facts)
            update.catalog = Catalog.from_facts([fact for path in sorted(stored) for fact in stored[path]])
            new_schema = update.catalog.schema()
        moved = {name for name in schema.keys() | new_schema.keys() if schema.get(name) != new_schema.get(name)}
        for path, facts in state.unsettled_naming(moved, replaced).items():
            blocks[path] = facts
            old[path] = state.block(path)
        schema = new_schema
    for path, facts in blocks.items():
        update.blocks[path] = (facts, unsettled_text(facts))
        update.settled[path] = settle_block(facts, schema)
        update.ordinals[path] = catalog_ordinals_of(facts)
        update.old_ids[path] = [(number, fact) for number, _, fact in old.get(path, [])]
    leaving = set(blocks)
    before = [fact for rows in old.values() for _, _, fact in rows]
    after = [fact for facts in update.settled.values() for fact in facts]
    counts, minus, plus = update.summary["accesses"], access_counts(before), access_counts(after)
    update.summary["accesses"] = {name: counts[name] - minus[name] + plus[name] for name in ("read", "write")}
    tables, had, has = set(update.summary["graph_tables"]), graph_tables(before), graph_tables(after)
    tables |= has
    tables -= {table for table in had - has if not state.still_named(table, leaving)}
    update.summary["graph_tables"] = sorted(tables)
    return update


def _whole(linked: list[Fact], order: list[str], digests: dict[str, str], project: dict[str, list[Fact]], state: StoredState,
           results: dict[str, ScanResult], gone: list[str]) -> Whole:
    """A full link's index and every file's row, as a scan from scratch stores them."""
    from depmap.index.relink import project_level

    catalog = Catalog.from_facts(linked)
    facts = sorted_facts(settle_candidates(linked, catalog.schema()))
    skipped = state.skipped()
    for path, result in results.items():
        skipped[path] = list(result.skipped)
        project[path] = project_level(path, result.facts)
    scan_skipped = [item for path in order for item in skipped.get(path, ())]
    rows = [file_row(path, digests[path], project.get(path, []), skipped.get(path, [])) for path in order]
    return Whole((facts, scan_skipped, catalog, None), [f for f in linked if f.kind in CATALOG_KINDS], linked, rows)


def _skipped(stored: list, removed: list[Skipped], added: list[Skipped]) -> list[list[str]]:
    """The summary's skipped files with `removed` taken out (once each) and `added` put in."""
    rest = [tuple(item) for item in stored]
    for item in removed:
        if (item.path, item.reason) in rest:
            rest.remove((item.path, item.reason))
    return [list(item) for item in rest] + [[item.path, item.reason] for item in added]


def _as_stored(facts: list[Fact]) -> list[Fact]:
    """Facts as the rows give them back (JSON: a tuple in `extra` comes back a list), so that
    comparing a file's project-level facts before and after sees only real changes."""
    return [fact_from_json(json.loads(json.dumps(fact.to_json()))) for fact in facts]


def _unchanged(cache: "ScanCache", file: SourceFile, digests: dict[str, str]) -> bool:
    """Same stat as the cache row, and the row's content is the one the rows were linked from."""
    row = cache.rows.get(file.path)
    return (
        row is not None and row.size == file.size and row.mtime_ns == file.mtime_ns and row.ctime_ns == file.ctime_ns
        and row.digest == digests.get(file.path)
    )  # fmt: skip


def _scan(
    root: Path, work: list[SourceFile], ctx: ScanContext, jobs: int, budget: "Budget", cache: "ScanCache",
    debug: bool, progress: Callable[[int, int], None] | None, total: int, linked_from: dict[str, str],
) -> dict[str, tuple[str, ScanResult | None, bool]]:  # fmt: skip
    """path -> (digest, result, whether it was parsed) of each file in `work`: hashed, and scanned
    unless the content is what the cache holds; then its result is read only when the rows were
    linked from another content (`linked_from`: path -> digest), else it is None."""
    from depmap.index.pool import read_and_scan, scan_files

    found: dict[str, tuple[str, ScanResult | None, bool]] = {}
    work = [file for file in work if not _only_stat_moved(root, file, cache, linked_from, found)]
    outcomes = scan_files(root, [(file, cache.digest_of(file.path)) for file in work], ctx, jobs, debug, True, budget)
    for done, (file, (digest, result, blob)) in enumerate(zip(work, outcomes), start=total - len(work) + 1):
        if progress is not None:
            progress(done, total)
        fresh = result is not None
        if result is None and digest == linked_from.get(file.path) and cache.touch(file.path, file.size, file.mtime_ns, file.ctime_ns, digest):
            found[file.path] = (digest, None, False)  # only its stat moved
            continue
        if result is None:
            result = cache.by_content(file.path, file.size, file.mtime_ns, file.ctime_ns, digest)
        if result is None:
            digest, result, blob = read_and_scan(root, file, "", ctx, True, debug)
            fresh = True
        assert result is not None
        if fresh and digest:
            cache.store(file.path, file.size, file.mtime_ns, file.ctime_ns, digest, result, blob)
        if not digest:
            raise _Unavailable(file.path)  # a crash or a timeout leaves no digest to key the rows on
        found[file.path] = (digest, result, fresh)
    return found


def _only_stat_moved(root: Path, file: SourceFile, cache: "ScanCache", linked_from: dict[str, str],
                     found: dict[str, tuple[str, ScanResult | None, bool]]) -> bool:
    """Hash a file here (no scan worker started for it) when the cache and the rows hold one
    content for it: whether that is its content still (then only its new stat is kept)."""
    from depmap.discover import read_source
    from depmap.index.cache import content_digest

    known = cache.digest_of(file.path)
    if not known or known != linked_from.get(file.path):
        return False
    text = read_source(root, file)
    digest = f"unread:{file.size}:{file.mtime_ns}" if isinstance(text, Skipped) else content_digest(text)
    if digest != known or not cache.touch(file.path, file.size, file.mtime_ns, file.ctime_ns, digest):
        return False
    found[file.path] = (digest, None, False)
    return True


def _raw(cache: "ScanCache", files: list[SourceFile], paths: list[str], fresh: dict[str, tuple[str, ScanResult | None, bool]]) -> dict[str, list[Fact]]:
    """Every raw fact of the given files, decoded from the scan cache (or just scanned)."""
    wanted = set(paths)
    raw = {}
    for file in files:
        if file.path in wanted:
            if file.path in fresh:
                result = fresh[file.path][1] or cache.result_of(file.path)  # scanned, or the content the cache holds
            else:
                result = cache.by_stat(file.path, file.size, file.mtime_ns, file.ctime_ns)
            if result is None:
                raise _Unavailable(file.path)
            raw[file.path] = result.facts
    return raw


def file_rows(files: list[SourceFile], digests: list[str], results: list[ScanResult]) -> list[tuple[str, str, str, str]]:
    """Every file's `linked_files` row after a scan of them all (`digests` and `results` in the order of `files`)."""
    from depmap.index.relink import project_level

    return [file_row(file.path, digest, project_level(file.path, result.facts), list(result.skipped))
            for file, digest, result in zip(files, digests, results)]


def save_whole(cache: "ScanCache", paths: list[str], key: str | None, whole: Whole | None, snapshot: Callable[[Any], None] | None) -> bool:
    """Write the scan cache and, with `whole`, the whole stored index under `key`, in one
    transaction; whether the cache now holds this run's results."""

    def also(db: Any) -> None:
        if snapshot is not None:
            snapshot(db)
        if whole is not None and key is not None:
            _write_whole(db, key, whole, cache)

    return cache.save(paths, also=also if snapshot is not None or (whole is not None and key is not None) else None)


def _write_whole(db: Any, key: str, whole: Whole, cache: "ScanCache") -> None:
    from depmap.impact.engine import frameworks_of
    from depmap.index.span_store import write_spans
    from depmap.index.stored_names import write_model_names
    from depmap.index.stored_tables import write_tables

    facts, skipped, catalog, graph = whole.linked
    unsettled: dict[str, list[Fact]] = {}
    for fact in whole.unsettled:
        unsettled.setdefault(fact.location.path, []).append(fact)
    write_index(db, key, facts, whole.catalog_input, catalog, graph.tables() if graph is not None else DependencyGraph.tables_of(facts),
                skipped, extra_paths=unsettled)
    write_relink_state(db, scanned_as(cache), whole.files, unsettled)
    write_spans(db, key, facts)  # the lines each file's facts claim, for the mention search
    write_tables(db, catalog, frameworks_of(facts))  # what `impact` reads
    write_model_names(db, facts)  # the words models give tables, for the mention search


def save_relinked(root: Path, cache: "ScanCache", paths: list[str], done: Incremental, snapshot: Callable[[Any], None] | None) -> bool:
    """Write the scan cache and the relinked rows in one transaction; whether the rows now hold
    this run's files. The signed pickle of the last whole index is stale then: it is removed (the
    next command that needs the whole index writes it again, `build._whole_stored`)."""
    from depmap.index import store as index_store
    from depmap.index.cache import scanner_stamp

    written = [done.update is None and done.whole is None]  # only stats moved: the rows hold

    def also(db: Any) -> None:
        if snapshot is not None:
            snapshot(db)
        if done.whole is not None:
            key = index_store.index_key(scanner_stamp(), cache.context, ((path, cache.digest_of(path)) for path in paths), "")
            _write_whole(db, key, done.whole, cache)
            written[0] = True
        elif done.update is not None:
            db.execute("SAVEPOINT relinked")
            try:
                written[0] = done.update.write(db, done.bases or {}, done.paths or [])
            except TooCrowded:  # the next run links everything and stores the rows anew
                db.execute("ROLLBACK TO relinked")
                db.execute("DELETE FROM linked_meta WHERE name = 'key'")
            db.execute("RELEASE relinked")

    changes = snapshot is not None or done.update is not None or done.whole is not None
    saved = cache.save(paths, also=also if changes else None)
    if saved and written[0] and (done.update is not None or done.whole is not None):
        forget_pickle(root)
    return saved and written[0]


def forget_pickle(root: Path) -> None:
    """Remove the signed pickle of an index the rows no longer hold (a regular file only, never
    through a link); failing to costs the next whole-index command one load of it."""
    import os
    import stat

    from depmap.index.cache_folder import CACHE_DIR, INDEX_FILE

    path = root / CACHE_DIR / INDEX_FILE
    try:
        if stat.S_ISREG(os.lstat(path).st_mode):
            path.unlink()
    except OSError:
        pass
