"""Build the index of a project: discover files, scan each, merge facts into catalog and graph.

Scanning is a pure function of (file text, context), so this is the one place that does I/O,
the place a cache and a process pool plug into, and the place that guarantees a scan always
completes: a scanner that fails on one file costs that file, with a reason, never the run.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator

from depmap.index.attribution import settle_candidates
from depmap.catalog import Catalog
from depmap.config import Config, load_config
from depmap.discover import SCANNED_KINDS, Discovery, SourceFile, discover, read_source
from depmap.graph import DependencyGraph
from depmap.model import PARSE_ERROR, Fact, ScanResult, Skipped, sorted_facts
from depmap.scan_context import ScanContext, dbt_project_vars

if TYPE_CHECKING:
    from depmap.index.cache import ScanCache
    from depmap.index.pool import Budget

DEFAULT_DIALECT = "postgres"


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


def _dbt_vars(root: Path, found: Discovery) -> tuple[tuple[str, str], ...]:
    """Vars of every dbt project, read before the models that use them are rendered."""
    import yaml

    from depmap.safe_yaml import YamlRefused, load_plain

    pairs = []
    for file in found.files:
        if file.kind != "dbt_project":
            continue
        text = read_source(root, file)
        try:
            data = load_plain(text) if isinstance(text, str) else None
        except (yaml.YAMLError, YamlRefused):
            continue  # the dbt scanner reports the broken file
        if (pair := dbt_project_vars(file.path, data)) is not None:
            pairs.append(pair)
    return tuple(sorted(pairs))


def build_index(
    root: Path,
    *,
    dialect: str | None = None,
    debug: bool = False,
    progress: Callable[[int, int], None] | None = None,
    jobs: int | None = None,
    use_cache: bool = False,
) -> Index:
    """Discover, scan (with use_cache, unchanged files come from .depmap/cache.sqlite; the rest run
    on `jobs` processes), link. The library leaves the cache off; the command line turns it on."""
    from depmap.index.pool import Budget, default_jobs

    root = root.resolve()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    config, warnings = load_config(root)
    found: Discovery = discover(root, config)
    choice = choose_dialect(root, found, config, dialect)
    chosen = choice.dialect
    timings["discover"] = time.perf_counter() - started

    sections = (config.python_section_start, config.python_section_end or config.python_section_start) if config.python_section_start else None
    ctx = ScanContext(dialect=chosen, dbt_vars=_dbt_vars(root, found), python_sections=sections)
    scannable = [f for f in found.files if f.kind in SCANNED_KINDS]
    with _collector_paused():
        budget = Budget(float(config.seconds_per_file), int(config.megabytes_per_file))
        linked, scanned, cache_notes, relinked = _linked_facts(root, scannable, ctx, jobs or default_jobs(), budget, use_cache, debug, progress, timings)
    facts, scan_skipped, catalog, graph = linked
    warnings += cache_notes
    skipped = list(found.skipped) + scan_skipped
    return Index(
        root=root,
        config=config,
        dialect=chosen,
        facts=facts,
        skipped=sorted(set(skipped)),
        catalog=catalog,
        graph=graph,
        files_scanned=len(scannable),
        warnings=warnings,
        dialect_notes=list(choice.notes),
        timings=timings,
        dialect_source=choice.source,
        server_version=choice.server_version,
        server_version_source=choice.server_version_source,
        files_parsed=scanned,
        relinked=relinked,
    )


Linked = tuple[list[Fact], list[Skipped], Catalog, DependencyGraph]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Decoding cached facts, loading the stored index, linking and building the graph allocate
    an object per fact and keep nearly all of them: collection passes find nothing and cost a
    third of a warm run. (Scan workers re-enable collection: syntax trees need it.) Afterwards the
    index is frozen out of the collector's reach (`gc.freeze`): it lives as long as the command,
    and the first full collection after loading a large one took 0.7 s at a million lines."""
    collecting = gc.isenabled()
    gc.unfreeze()  # a previous index (a library caller building several) may be collected again
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def _linked_facts(
    root: Path,
    files: list[SourceFile],
    ctx: ScanContext,
    jobs: int,
    budget: "Budget",
    use_cache: bool,
    debug: bool,
    progress: Callable[[int, int], None] | None,
    timings: dict[str, float],
) -> tuple[Linked, int, list[str], str]:
    """Facts of every file, linked, with the catalog and the graph. With the cache, an unchanged
    project loads all of it at once (`depmap.index.store`); after a change, only the changed files
    are scanned and linked again (`depmap.index.incremental`); otherwise unchanged files come from
    the scan cache, the rest are scanned, and linking runs. Returns (linked, files scanned, cache
    warnings, how relinking went)."""
    from depmap.index import store as index_store
    from depmap.index.cache import CACHE_DIR, ScanCache, scanner_stamp

    started = time.perf_counter()
    cache = ScanCache.open(root, ctx) if use_cache else None
    notes = cache.warnings if cache else []
    if cache is not None and not cache.usable:
        cache = None  # a link in .depmap/ (or no folder at all): scan without reading or writing it
    stats = [(f.path, f.size, f.mtime_ns, f.ctime_ns) for f in files]
    digests = cache.unchanged(stats) if cache else None
    if cache and digests is not None:
        key = index_store.index_key(scanner_stamp(), cache.context, zip((f.path for f in files), digests), "")
        stored = index_store.load(root / CACHE_DIR, key)
        if stored is not None:
            timings["cache"] = time.perf_counter() - started
            timings["scan"] = timings["graph"] = 0.0
            return stored[:4], 0, notes, ""
    timings["cache"] = time.perf_counter() - started
    if cache:
        changed = _changed_since_last(root, files, ctx, jobs, budget, cache, debug, progress, timings)
        if changed is not None:
            linked, scanned, relinked = changed
            return linked, scanned, notes, relinked
    results, scanned = _scan_all(root, files, ctx, jobs, budget, cache, debug, progress, timings)

    started = time.perf_counter()
    from depmap.registry import link_facts  # every family's code: only a scan that links needs it

    unsettled = link_facts([fact for result in results for fact in result.facts])
    catalog = Catalog.from_facts(unsettled)
    facts = sorted_facts(settle_candidates(unsettled, catalog.schema()))
    graph = DependencyGraph(facts)
    linked: Linked = (facts, [item for result in results for item in result.skipped], catalog, graph)
    timings["graph"] = time.perf_counter() - started
    if cache:
        from depmap.index.incremental import relink_state, scanned_as

        started = time.perf_counter()
        _save_index(root, cache, files, linked, lambda digests: relink_state(scanned_as(cache), files, digests, results, unsettled))
        timings["cache"] += time.perf_counter() - started
    return linked, scanned, notes, ""


def _changed_since_last(
    root: Path,
    files: list[SourceFile],
    ctx: ScanContext,
    jobs: int,
    budget: "Budget",
    cache: "ScanCache",
    debug: bool,
    progress: Callable[[int, int], None] | None,
    timings: dict[str, float],
) -> tuple[Linked, int, str] | None:
    """After a change, the index from the last one: only changed files scanned and relinked
    (`depmap.index.incremental`); None when there is no last index to start from."""
    from depmap.index.cache import CACHE_DIR
    from depmap.index.incremental import incremental, previous_linked

    started = time.perf_counter()
    previous = previous_linked(root / CACHE_DIR)
    timings["cache"] += time.perf_counter() - started
    if previous is None:
        return None
    done = incremental(root, files, ctx, jobs, budget, cache, debug, progress, timings, previous)
    if done is None:
        return None
    started = time.perf_counter()
    _save_index(root, cache, files, done.linked, lambda digests: done.state)
    timings["cache"] += time.perf_counter() - started
    return done.linked, done.scanned, f"{done.mode}: {done.relinked} of {len(files)} files linked again"


def _save_index(root: Path, cache: "ScanCache", files: list[SourceFile], linked: Linked, state: Callable[[list[str]], object]) -> None:
    """Write the scan cache, then the linked index with what the next run relinks from, keyed on
    every file's digest (only when the cache holds them all)."""
    from depmap.index import store as index_store
    from depmap.index.cache import CACHE_DIR, scanner_stamp
    from depmap.index.incremental import remember_key

    saved = cache.save(f.path for f in files)
    digests = [cache.digest_of(f.path) for f in files]
    if saved and all(digests):
        key = index_store.index_key(scanner_stamp(), cache.context, zip((f.path for f in files), digests), "")
        index_store.save(root / CACHE_DIR, key, (*linked, state(digests)))
        remember_key(root / CACHE_DIR, key)


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
) -> tuple[list[ScanResult], int]:
    """Each file's result in discovery order: from the cache when its stat or content is unchanged,
    else scanned (on `jobs` processes) and stored. Returns (results, files scanned)."""
    from depmap.index.pool import read_and_scan, scan_files

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
    outcomes = scan_files(root, [(file, known) for _, file, known in work], ctx, jobs, debug, cache is not None, budget)
    for (position, file, _known), (digest, result, blob) in zip(work, outcomes):
        fresh = result is not None
        if result is None:  # the content is what the cache holds: only the stat changed
            result = cache.by_content(file.path, file.size, file.mtime_ns, file.ctime_ns, digest) if cache else None
        if result is None:  # a damaged cache row: scan the file here after all
            digest, result, blob = read_and_scan(root, file, "", ctx, cache is not None, debug)
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


@dataclass(frozen=True)
class DialectChoice:
    dialect: str
    source: str
    server_version: str | None = None
    server_version_source: str | None = None
    notes: list[str] = field(default_factory=list)


def choose_dialect(root: Path, found: Discovery, config: Config, option: str | None = None) -> DialectChoice:
    """The dialect: the command-line option, else `[tool.depmap] dialect`, else what the code
    says (Django settings, database URLs, dbt profiles, compose images), else postgres. The
    server version: `[tool.depmap] server_version`, else the chosen database's image tag."""
    from depmap.dialects.detect import detect

    if option or config.dialect:
        name, source = (option, "option") if option else (config.dialect, "config")
        if config.server_version:
            return DialectChoice(name, source, config.server_version, "config")
        detected = detect(root, found, dialect=name)
        return DialectChoice(name, source, detected.version, detected.version_source, detected.notes)
    detected = detect(root, found)
    name, source = (detected.dialect, detected.source) if detected.dialect and detected.source else (DEFAULT_DIALECT, "default")
    if config.server_version:
        return DialectChoice(name, source, config.server_version, "config", detected.notes)
    return DialectChoice(name, source, detected.version, detected.version_source, detected.notes)
