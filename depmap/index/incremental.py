"""A scan after a few files changed: scan those, relink only what they reach, reuse the rest.

The last run's index is stored with what relinking needs (`RelinkState`): every file's content
digest, its linked facts before the catalog settled them, its project-level raw facts and what was
skipped in it. A run that finds some files changed scans only those (unchanged files are never
decoded from the scan cache unless a full link needs them), relinks (`depmap.index.relink`), and
rebuilds the catalog only when a changed file's table definitions or schema operations changed;
when the catalog's tables and columns are unchanged, the other files' settled facts are reused as
they are. The graph is built again from the facts (it keeps the facts' order in its adjacency).

The previous index is read in one place, `previous_linked`, so that where it is kept can change.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from depmap.catalog import Catalog
from depmap.discover import SourceFile
from depmap.graph import DependencyGraph
from depmap.index.attribution import settle_candidates
from depmap.index.cache_folder import INDEX_KEY_FILE, create_new, open_existing
from depmap.index.relink import Change, Relinked, catalog_facts, project_level, relink
from depmap.model import Fact, ScanResult, Skipped, sorted_facts
from depmap.scan_context import ScanContext

if TYPE_CHECKING:
    from depmap.index.cache import ScanCache
    from depmap.index.pool import Budget



@dataclass
class RelinkState:
    """What the next run needs to relink only what changed, as of one set of file contents."""

    scanned_as: str  # depmap's stamp and the scan context: under others, every file scans otherwise
    digests: dict[str, str]  # path -> content digest
    linked: dict[str, list[Fact]]  # located path -> linked facts, before settling, in link order
    project: dict[str, list[Fact]]  # path -> project-level raw facts
    skipped: dict[str, list[Skipped]] = field(default_factory=dict)  # path -> what its scan skipped


def relink_state(scanned_as: str, files: list[SourceFile], digests: list[str], results: list[ScanResult], linked: Iterable[Fact]) -> RelinkState:
    """The state of a full scan: `results` and `digests` in the order of `files`."""
    by_path: dict[str, list[Fact]] = {}
    for fact in linked:
        by_path.setdefault(fact.location.path, []).append(fact)
    return RelinkState(
        scanned_as=scanned_as,
        digests={file.path: digest for file, digest in zip(files, digests)},
        linked=by_path,
        project={file.path: facts for file, result in zip(files, results) if (facts := project_level(file.path, result.facts))},
        skipped={file.path: list(result.skipped) for file, result in zip(files, results) if result.skipped},
    )


def previous_linked(folder: Path) -> tuple | None:
    """The last stored index with its RelinkState, whatever files it was built from, or None."""
    from depmap.index import store

    try:  # data only, never through a link: the index it names is signed
        with os.fdopen(open_existing(folder / INDEX_KEY_FILE), "rb") as handle:
            key = handle.read(200).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    stored = store.load(folder, key)
    if not isinstance(stored, tuple) or len(stored) != 5 or not isinstance(stored[4], RelinkState):
        return None
    return stored


def remember_key(folder: Path, key: str) -> None:
    """Say which stored index is the last, atomically and never through a link (a failure only
    costs the next run its relink)."""
    partial = folder / f"{INDEX_KEY_FILE}.{os.getpid()}.tmp"
    try:
        with os.fdopen(create_new(partial), "wb") as handle:
            handle.write(key.encode("ascii"))
        os.replace(partial, folder / INDEX_KEY_FILE)
    except FileExistsError:
        pass  # another run writes it (or something planted is there): never ours to remove
    except OSError:
        partial.unlink(missing_ok=True)


def scanned_as(cache: "ScanCache") -> str:
    """What the facts of a file's content also depend on: depmap's own code and the scan context."""
    from depmap.index.cache import scanner_stamp

    return f"{scanner_stamp()} {cache.context}"


class _Unavailable(Exception):
    """A cached file's facts could not be read back: scan the project as usual."""


@dataclass
class Incremental:
    linked: tuple  # (facts, skipped, catalog, graph), as build_index's Linked
    state: RelinkState
    scanned: int
    mode: str
    relinked: int


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
    previous: tuple,
) -> Incremental | None:
    """The index after the files that changed since `previous` (from `previous_linked`); None
    when it cannot be had that way (a cached row that does not decode), to scan as usual."""
    started = time.perf_counter()
    old_facts, _old_skipped, old_catalog, _old_graph, state = previous
    if getattr(state, "scanned_as", None) != scanned_as(cache):
        return None  # another depmap (its state may lack fields) or dialect: the same contents give other facts
    order = [file.path for file in files]
    current = set(order)
    work = [file for file in files if not _unchanged(cache, file, state)]
    timings["cache"] += time.perf_counter() - started

    started = time.perf_counter()
    fresh = _scan(root, work, ctx, jobs, budget, cache, debug, progress, len(files))
    if fresh is None:
        return None
    scanned = sum(1 for _, _, parsed in fresh.values() if parsed)
    changes = [Change(path, state.project.get(path, []), result.facts) for path, (digest, result, _) in fresh.items() if digest != state.digests.get(path)]
    changes += [Change(path, state.project.get(path, []), None) for path in state.digests if path not in current]
    timings["scan"] = time.perf_counter() - started
    if not changes:  # only stats moved (a checkout, a touch): the last index holds
        timings["graph"] = 0.0
        digests = {path: state.digests[path] for path in order}
        return Incremental(tuple(previous[:4]), RelinkState(state.scanned_as, digests, state.linked, state.project, state.skipped), scanned, "unchanged", 0)

    started = time.perf_counter()
    try:
        relinked = relink(state.linked, changes, state.project, order, lambda paths: _raw(cache, files, paths, fresh))
    except _Unavailable:
        return None
    catalog, facts = _settled(relinked, state, old_catalog, old_facts, order)
    graph = DependencyGraph(facts)
    timings["graph"] = time.perf_counter() - started

    digests = dict(state.digests)
    project = dict(state.project)
    skipped = dict(state.skipped)
    for path in [change.path for change in changes]:
        digests.pop(path, None), project.pop(path, None), skipped.pop(path, None)
    for path, (digest, result, _) in fresh.items():
        digests[path] = digest
        if facts_here := project_level(path, result.facts):
            project[path] = facts_here
        if result.skipped:
            skipped[path] = list(result.skipped)
    new_state = RelinkState(state.scanned_as, {path: digests[path] for path in order}, relinked.by_path, project, skipped)
    scan_skipped = [item for path in order for item in skipped.get(path, ())]
    return Incremental((facts, scan_skipped, catalog, graph), new_state, scanned, relinked.mode, len(relinked.relinked))


def _unchanged(cache: "ScanCache", file: SourceFile, state: RelinkState) -> bool:
    """Same stat as the cache row, and the row's content is the one the state was linked from."""
    row = cache.rows.get(file.path)
    return (
        row is not None and row.size == file.size and row.mtime_ns == file.mtime_ns and row.ctime_ns == file.ctime_ns
        and row.digest == state.digests.get(file.path)
    )  # fmt: skip


def _scan(
    root: Path, work: list[SourceFile], ctx: ScanContext, jobs: int, budget: "Budget", cache: "ScanCache",
    debug: bool, progress: Callable[[int, int], None] | None, total: int,
) -> dict[str, tuple[str, ScanResult, bool]] | None:  # fmt: skip
    """path -> (digest, result, whether it was parsed) of each file in `work`, from the cache
    when only its stat changed, else scanned and stored (as `build._scan_all` does)."""
    from depmap.index.pool import read_and_scan, scan_files

    found: dict[str, tuple[str, ScanResult, bool]] = {}
    outcomes = scan_files(root, [(file, cache.digest_of(file.path)) for file in work], ctx, jobs, debug, True, budget)
    for done, (file, (digest, result, blob)) in enumerate(zip(work, outcomes), start=total - len(work) + 1):
        fresh = result is not None
        if result is None:
            result = cache.by_content(file.path, file.size, file.mtime_ns, file.ctime_ns, digest)
        if result is None:
            digest, result, blob = read_and_scan(root, file, "", ctx, True, debug)
            fresh = True
        assert result is not None
        if fresh and digest:
            cache.store(file.path, file.size, file.mtime_ns, file.ctime_ns, digest, result, blob)
        found[file.path] = (digest, result, fresh)
        if progress is not None:
            progress(done, total)
    return found


def _raw(cache: "ScanCache", files: list[SourceFile], paths: list[str], fresh: dict[str, tuple[str, ScanResult, bool]]) -> dict[str, list[Fact]]:
    """Every raw fact of unchanged files, decoded from the scan cache (or just read again)."""
    wanted = set(paths)
    raw = {}
    for file in files:
        if file.path in wanted:
            result = fresh[file.path][1] if file.path in fresh else cache.by_stat(file.path, file.size, file.mtime_ns, file.ctime_ns)
            if result is None:
                raise _Unavailable(file.path)
            raw[file.path] = result.facts
    return raw


def _settled(relinked: Relinked, state: RelinkState, old_catalog: Catalog, old_facts: list[Fact], order: list[str]) -> tuple[Catalog, list[Fact]]:
    """The catalog and the settled, sorted facts. When no relinked file's definitions changed,
    the catalog is the last one, and so is every other file's settled facts."""
    if relinked.linked is not None:  # a full link: as a scan without the index
        catalog = Catalog.from_facts(relinked.linked)
        return catalog, sorted_facts(settle_candidates(relinked.linked, catalog.schema()))
    again = set(relinked.relinked)
    if all(catalog_facts(state.linked.get(path, ())) == catalog_facts(relinked.by_path.get(path, ())) for path in again):
        catalog = old_catalog  # built from the same definitions, file by file in the same order
    else:
        catalog = Catalog.from_facts(relinked.facts(order))
        if catalog.schema() != old_catalog.schema():  # other files' columns may settle otherwise
            return catalog, sorted_facts(settle_candidates(relinked.facts(order), catalog.schema()))
    schema = catalog.schema()
    blocks: dict[str, list[Fact]] = {}
    for fact in old_facts:
        if fact.location.path not in again:
            blocks.setdefault(fact.location.path, []).append(fact)
    for path in again:
        if path in relinked.by_path:
            blocks[path] = sorted_facts(settle_candidates(relinked.by_path[path], schema))
    return catalog, [fact for path in sorted(blocks) for fact in blocks[path]]
