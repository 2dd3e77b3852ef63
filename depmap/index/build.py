"""Build the index of a project: discover files, scan each, merge facts into catalog and graph.

Scanning is a pure function of (file text, context), so this is the one place that does I/O,
the place a cache and a process pool plug into, and the place that guarantees a scan always
completes: a scanner that fails on one file costs that file, with a reason, never the run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from depmap.index.attribution import settle_candidates
from depmap.index.dialect_choice import DialectChoice, choose_dialect
from depmap.catalog import Catalog
from depmap.collector import collection_paused
from depmap.config import Config, load_config
from depmap.discover import SCANNED_KINDS, Discovery, SourceFile, discover
from depmap.graph import DependencyGraph
from depmap.model import ACCESS, COLUMN_DEF, PARSE_ERROR, SCHEMA_OP, TABLE_DEF, Fact, ScanResult, Skipped, sorted_facts
from depmap.scan_context import ScanContext, dbt_vars_of

if TYPE_CHECKING:
    from depmap.index.cache import ScanCache
    from depmap.index.pool import Budget


@dataclass
class Index:
    root: Path
    config: Config
    dialect: str
    facts: list[Fact]
    skipped: list[Skipped]
    catalog: Catalog
    graph: DependencyGraph
    files_scanned: int
    warnings: list[str] = field(default_factory=list)
    dialect_notes: list[str] = field(default_factory=list)  # what else the code says about the database (shown once per project)
    timings: dict[str, float] = field(default_factory=dict)
    dialect_source: str = "default"  # "option", "config", "path:line" the code says it in, or "default"
    server_version: str | None = None  # [tool.depmap] server_version, else detected, else unknown
    server_version_source: str | None = None
    files_parsed: int = 0  # files scanned in this run (the rest came from the cache)
    relinked: str = ""  # after a change: how linking went ("local: 1 of 1822 files linked again")
    searched: Discovery | None = None  # the files the mention search reads, when this run walked or reused them
    store: Any = None  # a warm query's stored index (`depmap.index.stored_index`): facts load as asked

    def focused(self, tables: Iterable[str]) -> "Index":
        """This index, or for a warm query's partial index, one that holds the facts of `tables`,
        of their former names and of every table downstream of them (see `stored_index`)."""
        if self.store is None:
            return self
        from depmap.index.linked_store import StoreDamaged
        from depmap.index.stored_index import PartialGraph, focused_facts

        try:
            found = dict(focused_facts(self.store, self.catalog, tables))
        except StoreDamaged:  # a row that is not ours: link again (which stores the rows anew)
            return self.whole()
        facts = [fact for _, fact in sorted({**self.store.every_query, **found}.items())]
        return replace(self, facts=facts, graph=PartialGraph(facts, self.graph.tables()))

    def for_impact(self, table: str) -> "Index":
        """This index, or for a warm query's partial index, what `impact` on `table` reads
        (`stored_index.impact_index`); the whole index when a stored row is damaged."""
        if self.store is None:
            return self
        from depmap.index.linked_store import StoreDamaged
        from depmap.index.stored_index import impact_index

        try:
            return impact_index(self, table)
        except StoreDamaged:
            return self.whole()

    def around(self, tables: list[str], column: str | None, depth: int) -> tuple["Index", set[str]]:
        """The nodes within `depth` hops of the tables (`DependencyGraph.around`), and the index
        whose graph holds their edges: for a warm query's partial index, one that read only the
        facts of the tables and files on the way (`stored_index.neighbourhood`)."""
        if self.store is None:
            return self, self.graph.around(tables, column, depth)
        from depmap.index.linked_store import StoreDamaged
        from depmap.index.stored_index import neighbourhood

        try:
            return neighbourhood(self, tables, column, depth)
        except StoreDamaged:
            whole = self.whole()
            return whole, whole.graph.around(tables, column, depth)

    def whole(self) -> "Index":
        """The whole index of a warm query's partial one, linked again: its store had a damaged
        row, which forgetting the stored key makes the next build replace."""
        if self.store is None:
            return self
        from depmap.index.linked_store import forget_index

        self.store.close()
        forget_index(self.root)
        option = self.dialect if self.dialect_source == "option" else None
        return build_index(self.root, dialect=option, use_cache=True)

    def whole_catalog(self) -> Catalog:
        """The catalog with every table in full: for a warm query's partial index, read from the
        stored rows (`stored_tables.stored_catalog`), linked again when one is damaged."""
        if self.store is None:
            return self.catalog
        from depmap.index.linked_store import StoreDamaged
        from depmap.index.stored_tables import stored_catalog

        try:
            return stored_catalog(self.store, self.catalog)
        except StoreDamaged:
            return self.whole().catalog

    def registry(self) -> Any:
        """The model registry of the facts. A warm query's index builds it once, of the stored
        model facts (`LinkedStore.always`)."""
        from depmap.orm.registry import Registry

        if self.store is None:
            return Registry.build(self.facts)
        if self.store.registry is None:
            self.store.registry = Registry.build(self.store.always.values())
        return self.store.registry

    def model_class_names(self) -> frozenset[str]:
        """The class names of every model: stored for a warm query (`depmap.index.stored_names`)."""
        from depmap.index.stored_names import class_names_of

        return class_names_of(self)

    def model_forms(self, tables: Iterable[str]) -> list[Any]:
        """The words the models give `tables` (`mentions.names.model_forms`): stored for a warm query."""
        from depmap.index.stored_names import model_forms_of

        return model_forms_of(self, tables)

    def facts_at(self, paths: Iterable[str]) -> list[Fact]:
        """Facts that may hold a line of these files (at least those; all of them when not stored)."""
        if self.store is None:
            return self.facts
        return [fact for _, fact in self.store.facts_named(f"p:{path}" for path in paths)]

    def facts_of_kinds(self, kinds: Iterable[str]) -> list[Fact]:
        """Every fact of these kinds, in canonical order: for a warm query, read from their rows."""
        wanted = frozenset(kinds)
        if self.store is None:
            return [fact for fact in self.facts if fact.kind in wanted]
        return [fact for _, fact in self.store.facts_of_kinds(wanted)]

    def spans_at(self, paths: Iterable[str]) -> dict[str, list[list]] | None:
        """For a warm query, the line spans the facts of these files claim, by path (`span_store.spans_at`);
        None otherwise, or when they are not stored: the caller reads `facts_at`."""
        if self.store is None:
            return None
        from depmap.index.span_store import spans_at

        return spans_at(self.store.db, self.store.meta("key"), paths)

    def word_hits(self, finder: Any) -> dict[str, int] | None:
        """For a warm query, what the stored words say of each searched file for `finder`'s search
        (`word_store.stored_hits`); None otherwise: the mention search then reads every file."""
        if self.store is None or self.searched is None:
            return None
        from depmap.index.word_store import stored_hits

        return stored_hits(self.store.db, self.searched.files, finder, self.store.warm)

    def access_counts(self) -> dict[str, int]:
        """How many reads and writes the index holds (`scan`'s summary): counted, or for a warm
        query's partial index, as the store counted them."""
        if self.store is not None:
            from depmap.index.linked_store import StoreDamaged

            try:
                counts = self.store.summary()["accesses"]
                return {"read": int(counts["read"]), "write": int(counts["write"])}
            except (StoreDamaged, KeyError, TypeError, ValueError):
                pass  # counted from the whole index below
            option = self.dialect if self.dialect_source == "option" else None
            self.store.close()
            from depmap.index.linked_store import forget_index

            forget_index(self.root)
            return build_index(self.root, dialect=option, use_cache=True).access_counts()
        counts = {"read": 0, "write": 0}
        for fact in self.facts:
            if fact.kind == ACCESS and fact.access in counts:
                counts[fact.access] += 1
        return counts

    def unparsed(self) -> list[Fact]:
        return [f for f in self.facts if f.kind == PARSE_ERROR]

    def skipped_with_unparsed(self) -> list[Skipped]:
        """Files skipped whole, and statements that could not be parsed, for every report."""
        parts = [
            Skipped(f.location.path, f"line {f.location.line}: {_not_parsed(f.extra.get('error', 'invalid SQL'))}")
            for f in self.unparsed()
        ]
        return sorted(set(self.skipped) | set(parts), key=_skipped_key)


def _not_parsed(error: str) -> str:
    """The reason of a parse error fact: SQL unless the error names what else failed (dbt YAML
    and Jinja errors say so themselves)."""
    return error if error.startswith(("YAML not parsed", "dbt Jinja not rendered")) else f"SQL not parsed: {error}"


def _skipped_key(item: Skipped) -> tuple:
    line = item.reason.split(":", 1)[0]
    number = int(line[5:]) if line.startswith("line ") and line[5:].isdigit() else 0
    return (item.path, number, item.reason)


def build_index(
    root: Path,
    *,
    dialect: str | None = None,
    debug: bool = False,
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = None,
    use_cache: bool = False,
    partial: bool = False,
) -> Index:
    """Discover, scan (with use_cache, unchanged files come from .depmap/cache.sqlite; the rest run
    on `jobs` processes), link. The library leaves the cache off; the command line turns it on.
    `partial`: the caller asks about some tables only (`Index.focused`), so an unchanged project
    may answer from the stored index's rows (`depmap.index.stored_index`) instead of loading it."""
    from depmap.index.linked_store import LinkedStore
    from depmap.index.pool import Budget, default_jobs
    from depmap.index.warm_query import proved_partial, vouched_partial

    root = root.resolve()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    config, warnings = load_config(root)
    store = LinkedStore.open(root, warnings) if use_cache else None
    if use_cache:
        from depmap.index.freshness import discover_fresh

        fresh = discover_fresh(root, config, dialect, store.meta("discovery") if store else None, choose_dialect, DialectChoice)
        found, searched, choice = fresh.found, fresh.searched, fresh.choice
    else:
        fresh, searched = None, None
        found = discover(root, config)
        choice = choose_dialect(root, found, config, dialect)
    chosen = choice.dialect
    timings["discover"] = time.perf_counter() - started

    scannable = [f for f in found.files if f.kind in SCANNED_KINDS]
    index = Index(
        root=root, config=config, dialect=chosen, facts=[], skipped=sorted(set(found.skipped)), catalog=Catalog(),
        graph=DependencyGraph([]), files_scanned=len(scannable), warnings=warnings, dialect_notes=list(choice.notes),
        timings=timings, dialect_source=choice.source, server_version=choice.server_version,
        server_version_source=choice.server_version_source, searched=searched,
    )
    if partial and store is not None and fresh is not None:
        vouched = vouched_partial(index, store, fresh)
        if vouched is not None:
            return vouched
    sections = (config.python_section_start, config.python_section_end or config.python_section_start) if config.python_section_start else None
    ctx = ScanContext(dialect=chosen, dbt_vars=dbt_vars_of(root, found.files), python_sections=sections)
    cache = _open_cache(root, ctx, warnings) if use_cache else None
    if partial and store is not None and fresh is not None and cache is not None:
        warm = proved_partial(index, scannable, cache, store, fresh)
        if warm is not None:
            return warm
    if store is not None:
        store.close()  # this run writes: no read transaction of ours may hold the file
    with _collector_paused():
        budget = Budget(float(config.seconds_per_file), int(config.megabytes_per_file))
        relinked = _relinked_stored(root, scannable, ctx, jobs or default_jobs(), budget, debug, progress, timings, fresh, cache) if cache else None
        if relinked is not None:
            key, scanned, how = relinked
            served = _served_from_rows(index, key, partial)
            if served is not None:
                return replace(served, files_parsed=scanned, relinked=how)
        linked, scanned = _linked_facts(root, scannable, ctx, jobs or default_jobs(), budget, cache, debug, progress, timings, fresh,
                                        whole=not partial)
        if isinstance(linked, str):  # stored as rows, and not kept: a partial index reads them
            served = _served_from_rows(index, linked, partial)
            if served is not None:
                return replace(served, files_parsed=scanned)
            # another run stored other rows since (the tree changed meanwhile): link it again, whole
            return build_index(root, dialect=dialect, debug=debug, progress=progress, jobs=jobs, use_cache=True)
    facts, scan_skipped, catalog, graph = linked
    skipped = list(found.skipped) + scan_skipped
    return replace(index, facts=facts, skipped=sorted(set(skipped)), catalog=catalog, graph=graph,
                   files_parsed=scanned)


def _served_from_rows(index: Index, key: str, partial: bool) -> Index | None:
    """After the rows were brought up to date: the partial index a warm query reads, or the whole
    stored index (`_whole_stored`); None when the rows do not hold `key` after all."""
    from depmap.index.linked_store import LinkedStore, StoreDamaged, forget_index
    from depmap.index.stored_index import partial_index

    if not partial:
        whole = _whole_stored(index.root, key)
        if whole is None:
            return None
        facts, scan_skipped, catalog, graph = whole
        return replace(index, facts=facts, skipped=sorted(set(index.skipped) | set(scan_skipped)), catalog=catalog, graph=graph)
    store = LinkedStore.open(index.root)
    if store is None:
        return None
    if store.meta("key") != key:
        store.close()
        return None
    try:
        return partial_index(index, store)
    except StoreDamaged:
        store.close()
        forget_index(index.root)
        return None


def _open_cache(root: Path, ctx: ScanContext, warnings: list[str]) -> "ScanCache | None":
    """The scan cache, opened once per run (what opening it found is said once, in `warnings`);
    None when it cannot be used (a link in .depmap/, a damaged file that cannot be removed)."""
    from depmap.index.cache import ScanCache

    cache = ScanCache.open(root, ctx)
    warnings.extend(cache.warnings)
    cache.warnings = warnings  # what saving it finds goes to the same list
    return cache if cache.usable else None


Linked = tuple[list[Fact], list[Skipped], Catalog, DependencyGraph]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Decoding cached facts, loading the stored index, linking and building the graph allocate
    an object per fact and keep nearly all of them: collection passes find nothing and cost a
    third of a warm run. (Scan workers re-enable collection: syntax trees need it.) Afterwards the
    index is frozen out of the collector's reach (`gc.freeze`): it lives as long as the command,
    and the first full collection after loading a large one took 0.7 s at a million lines."""
    with collection_paused(freeze=True):  # a previous index (a library caller building several) may be collected again
        yield


def _linked_facts(
    root: Path,
    files: list[SourceFile],
    ctx: ScanContext,
    jobs: int,
    budget: "Budget",
    cache: "ScanCache | None",
    debug: bool,
    progress: Callable[[int, int], None] | None,
    timings: dict[str, float],
    fresh: Any = None,
    whole: bool = True,
) -> tuple[Linked | str, int]:
    """Facts of every file, linked, with the catalog and the graph. With the cache, an unchanged
    project loads all of it at once (the signed pickle of `depmap.index.store`, else the stored
    rows of `depmap.index.linked_store`); otherwise unchanged files come from the scan cache, the
    rest are scanned, and linking runs, unless every file's content is what the stored index was
    linked from (a CI cache restored on a new runner: new stats, same files). Returns (linked,
    files scanned). Without `whole` (the caller reads the stored rows, `Index.focused`), a link
    whose rows were stored returns their key instead: the graph is never built and the pickle
    never written (together a sixth of a cold scan's memory at a million lines)."""
    from depmap.index import store as index_store
    from depmap.index.cache import CACHE_DIR, scanner_stamp
    from depmap.index.linked_store import write_snapshot
    from depmap.index.word_store import with_words

    started = time.perf_counter()
    stats = [(f.path, f.size, f.mtime_ns, f.ctime_ns) for f in files]
    paths = [f.path for f in files]
    digests = cache.unchanged(stats) if cache else None
    stored_key = _stored_key(root) if cache else None
    discovered = (lambda db: write_snapshot(db, fresh.snapshot)) if cache and fresh is not None and fresh.changed else None
    if cache and digests is not None:
        key = index_store.index_key(scanner_stamp(), cache.context, zip(paths, digests), "")
        stored = _whole_stored(root, key) if stored_key == key else None
        if stored is None:
            stored_key = None  # missing or damaged rows: store them again
        else:
            snapshot = with_words(root, fresh.searched.files, discovered) if fresh is not None else discovered
            if snapshot is not None:
                cache.save(paths, also=snapshot)
            timings["cache"] = time.perf_counter() - started
            timings["scan"] = timings["graph"] = 0.0
            return stored, 0
    timings["cache"] = time.perf_counter() - started
    from depmap.index.staged_rows import file_rows, known_words, stage

    staging = stage(cache) if cache else None  # each scanned file's rows written as they come
    parts: dict[str, Any] = {}  # else held: each scanned file's other rows, made by its worker (`worker_rows`)
    results, scanned = _scan_all(root, files, ctx, jobs, budget, cache, debug, progress, timings, parts, staging)

    started = time.perf_counter()
    words, staged_words = known_words(staging, parts)  # the words of the files scanned: read by their workers
    snapshot = with_words(root, fresh.searched.files, discovered, words, staged_words, staging) if cache and fresh is not None else discovered
    digests = [cache.digest_of(path) for path in paths] if cache else []
    key = index_store.index_key(scanner_stamp(), cache.context, zip(paths, digests), "") if cache and all(digests) else None
    if cache and scanned == 0 and key is not None and key == stored_key and (restored := _from_store(root, key)) is not None:
        if cache.save(paths, also=snapshot):  # the new stats of the hashed files
            index_store.save(root / CACHE_DIR, key, restored)
        timings["graph"] = time.perf_counter() - started
        return restored, 0

    from depmap.linking import link_facts  # the linkers alone: the scanners stay in the workers

    storing = cache is not None and key is not None and key != stored_key
    rows = file_rows(staging, files, digests, results, parts) if storing else None
    scan_skipped = [item for result in results for item in result.skipped]
    unsettled = link_facts(_handed_over(results), consume=True)
    catalog = Catalog.from_facts(unsettled)
    catalog_input = [fact for fact in unsettled if fact.kind in CATALOG_KINDS]
    facts = sorted_facts(settle_candidates(unsettled, catalog.schema()))
    rows_only = not whole and storing and rows is not None  # the caller reads the rows: no graph, no pickle
    linked: Linked = (facts, scan_skipped, catalog, None if rows_only else DependencyGraph(facts))  # type: ignore[assignment]
    timings["graph"] = time.perf_counter() - started
    if cache:
        from depmap.index.incremental import Whole, save_whole

        started = time.perf_counter()
        stored = Whole(linked, catalog_input, unsettled, rows) if storing and rows is not None else None
        del unsettled, catalog_input, rows  # held by `stored` alone: freed once written, before the pickle is
        saved = save_whole(cache, paths, key, stored, snapshot)
        del stored
        if saved and key is not None and not rows_only:
            index_store.save(root / CACHE_DIR, key, linked)
        timings["cache"] += time.perf_counter() - started
        if saved and key is not None and rows_only:
            return key, scanned
    if linked[3] is None:  # the rows could not be written after all: the caller gets the whole index
        linked = (facts, scan_skipped, catalog, DependencyGraph(facts))
    return linked, scanned


def _relinked_stored(
    root: Path,
    files: list[SourceFile],
    ctx: ScanContext,
    jobs: int,
    budget: "Budget",
    debug: bool,
    progress: Callable[[int, int], None] | None,
    timings: dict[str, float],
    fresh: Any,
    cache: "ScanCache",
) -> tuple[str, int, str] | None:
    """After a change, the stored rows brought up to date: only the changed files scanned, relinked
    and their rows replaced (`depmap.index.incremental`). Returns (the rows' key, files scanned,
    how relinking went), or None when there are no rows to relink from (link as usual)."""
    from depmap.index import store as index_store
    from depmap.index.cache import scanner_stamp
    from depmap.index.incremental import incremental, save_relinked
    from depmap.index.linked_store import write_snapshot
    from depmap.index.word_store import with_words

    paths = [f.path for f in files]
    digests = cache.unchanged((f.path, f.size, f.mtime_ns, f.ctime_ns) for f in files)
    if digests is not None and index_store.index_key(scanner_stamp(), cache.context, zip(paths, digests), "") == _stored_key(root):
        return None  # nothing moved: the stored index is loaded whole (`_linked_facts`)
    timings["cache"] = 0.0
    done = incremental(root, files, ctx, jobs, budget, cache, debug, progress, timings)
    if done is None:
        return None
    started = time.perf_counter()
    snapshot = (lambda db: write_snapshot(db, fresh.snapshot)) if fresh is not None and fresh.changed else None
    if fresh is not None:
        snapshot = with_words(root, fresh.searched.files, snapshot)
    if not save_relinked(root, cache, paths, done, snapshot):
        return None
    timings["cache"] += time.perf_counter() - started
    key = index_store.index_key(scanner_stamp(), cache.context, ((path, cache.digest_of(path)) for path in paths), "")
    return key, done.scanned, f"{done.mode}: {done.relinked} of {len(files)} files linked again"


def _whole_stored(root: Path, key: str) -> Linked | None:
    """The whole stored index for `key`: the signed pickle, else the rows (and then the pickle is
    written from them, for the next command that needs the whole index)."""
    from depmap.index import store as index_store
    from depmap.index.cache import CACHE_DIR

    stored = index_store.load(root / CACHE_DIR, key)
    if stored is None and (stored := _from_store(root, key)) is not None:
        index_store.save(root / CACHE_DIR, key, stored)
    return stored


def _handed_over(results: list[ScanResult]) -> list[Fact]:
    """Every raw fact, `results` emptied: the list the linkers get is held by them alone, so each
    linker's input (the raw facts it replaced) is freed as soon as it returns its output, instead
    of every raw fact living beside the linked ones until the end (110 MB at a million lines), and
    the ORM linker may let each go as it resolves it (`link_facts(..., consume=True)`)."""
    raw = [fact for result in results for fact in result.facts]
    results.clear()
    return raw


CATALOG_KINDS = frozenset({SCHEMA_OP, TABLE_DEF, COLUMN_DEF})  # what `Catalog.from_facts` reads


def _stored_key(root: Path) -> str | None:
    """The key of the index stored in the scan cache's rows, if any."""
    from depmap.index.linked_store import LinkedStore

    store = LinkedStore.open(root)
    if store is None:
        return None
    try:
        return store.meta("key")
    finally:
        store.close()


def _from_store(root: Path, key: str) -> Linked | None:
    """The whole linked index from the stored rows (no linking), when they hold `key`'s."""
    from depmap.index.linked_store import LinkedStore, StoreDamaged

    store = LinkedStore.open(root)
    if store is None:
        return None
    try:
        if store.meta("key") != key:
            return None
        facts, catalog_input = store.all_facts()
        skipped = [Skipped(str(path), str(reason)) for path, reason in store.summary()["skipped"]]
    except (StoreDamaged, TypeError, ValueError):
        return None
    finally:
        store.close()
    return facts, skipped, Catalog.from_facts(catalog_input), DependencyGraph(facts)


def _scan_all(
    root: Path,
    files: list[SourceFile],
    ctx: ScanContext,
    jobs: int,
    budget: "Budget",
    cache: "ScanCache | None",
    debug: bool,
    progress: Callable[[int, int], None] | None,
    timings: dict[str, float],
    parts: dict[str, Any] | None = None,
    staging: Any = None,
) -> tuple[list[ScanResult], int]:
    """Each file's result in discovery order: from the cache when its stat or content is unchanged,
    else scanned (on `jobs` processes) and stored. Returns (results, files scanned); with the cache,
    `parts` receives each scanned file's other rows, made by its worker (`worker_rows.FileParts`) and packed to be held,
    or `staging` (`staged_rows.StagedRows`) writes them as they come."""
    from depmap.index.packed_rows import packed_parts
    from depmap.index.pool import read_and_scan, scan_files
    from depmap.index.shared_values import shared_result

    started = time.perf_counter()
    results: list[ScanResult | None] = [None] * len(files)
    work: list[tuple[int, SourceFile, str]] = []  # (position, file, digest the cache holds)
    for position, file in enumerate(files):
        hit = cache.by_stat(file.path, file.size, file.mtime_ns, file.ctime_ns) if cache else None
        if hit is None:
            work.append((position, file, cache.digest_of(file.path) if cache else ""))
        else:
            results[position] = hit
    timings["cache"] += time.perf_counter() - started

    started = time.perf_counter()
    done, parsed = len(files) - len(work), 0
    outcomes = scan_files(root, [(file, known) for _, file, known in work], ctx, jobs, debug, cache is not None, budget, parts=cache is not None)
    for (position, file, _known), (digest, result, blob, *made) in zip(work, outcomes):
        if made and made[0] is not None and staging is not None:
            staging.file_parts(file.path, made[0])
        elif made and made[0] is not None and parts is not None:
            parts[file.path] = packed_parts(made[0])
        fresh = result is not None
        if result is None:  # the content is what the cache holds: only the stat changed
            result = cache.by_content(file.path, file.size, file.mtime_ns, file.ctime_ns, digest) if cache else None
        if result is None:  # a damaged cache row: scan the file here after all
            digest, result, blob = read_and_scan(root, file, "", ctx, cache is not None, debug)
            result = shared_result(result)  # as a worker's and the cache's facts: equal values held once
            fresh = True
        assert result is not None
        if fresh:
            parsed += 1
            if cache is not None and digest:  # a crash or a timeout is not remembered: the next run tries again
                cache.store(file.path, file.size, file.mtime_ns, file.ctime_ns, digest, result, blob)
        results[position] = result
        done += 1
        if progress is not None:
            progress(done, len(files))
    timings["scan"] = time.perf_counter() - started
    return [r for r in results if r is not None], parsed
