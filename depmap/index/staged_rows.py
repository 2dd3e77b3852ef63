"""A cold scan's per-file rows, written as each file's result arrives instead of held until the end.

Each scanned file brings its scan cache row (encoded by its worker), its `linked_files` row, the
`linked_context`/`linked_callees` rows of its project-level facts and its `mention_words` row
(`worker_rows.FileParts`). Held until the index was written after linking, they were 50 MB of
bytes at a million lines, alive at the highest point of a cold scan's memory. So they go, a batch
at a time, into TEMP tables of the connection that saves the cache (`ScanCache.save`), and that
save copies them into the real tables, in C, inside its one transaction.

Temporary tables belong to that connection alone: no lock on the cache file is taken before the
save (a concurrent run never waits on this one's scan), and a run killed at any point leaves
nothing of them, so the stored rows and the key of the linked index still change together or not
at all. Copied in the order of the files, the rows are the ones a whole write makes, row for row.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from depmap.discover import SourceFile
from depmap.model import ScanResult

if TYPE_CHECKING:
    from depmap.index.cache import ScanCache
    from depmap.index.packed_rows import PackedParts
    from depmap.index.worker_rows import FileParts
    from depmap.index.word_store import Stat, WordRow

_BATCH = 200  # files per write: a batch's texts are the only ones held
_TABLES = (
    "CREATE TEMP TABLE staged_scan (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, digest TEXT, result BLOB)",
    "CREATE TEMP TABLE staged_files (path TEXT PRIMARY KEY, digest TEXT, project TEXT, skipped TEXT)",
    "CREATE TEMP TABLE staged_context (path TEXT, name TEXT, facts TEXT)",
    "CREATE INDEX temp.staged_context_by_path ON staged_context (path)",
    "CREATE TEMP TABLE staged_callees (callee TEXT, path TEXT, caller TEXT)",
    "CREATE INDEX temp.staged_callees_by_path ON staged_callees (path)",
    "CREATE TEMP TABLE staged_words (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, content INTEGER, words TEXT)",
    "CREATE TEMP TABLE staged_order (position INTEGER PRIMARY KEY, path TEXT NOT NULL)",
)


def stage(cache: "ScanCache") -> "StagedRows | None":
    """Open the connection `cache` will save with, its TEMP tables taking this run's rows as they
    come; None when it cannot be opened (they are then held until the save, as without it)."""
    from depmap.index.cache import real_file
    from depmap.index.cache_folder import make_folder

    if not cache.usable or cache.staging is not None:
        return cache.staging
    try:
        make_folder(cache.path.parents[1])
        real_file(cache.path)
        db = sqlite3.connect(str(cache.path), timeout=30, isolation_level=None)
    except (sqlite3.Error, OSError):
        return None
    try:
        cache.staging = StagedRows(db)
    except sqlite3.Error:
        db.close()
    return cache.staging


class StagedRows:
    """This run's per-file rows in the TEMP tables of `db` (the connection the cache saves with)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        db.execute("PRAGMA temp_store = FILE")  # spilled to a file past the page cache, never held whole
        for statement in _TABLES:
            db.execute(statement)
        self.failed = False
        self.scanned: set[str] = set()  # paths with a scan cache row staged
        self.digests: dict[str, str] = {}  # path -> the content its staged file rows were made from
        self.word_stats: dict[str, "Stat | None"] = {}  # path -> the stat of its staged words (None: none made)
        self._scan: list[tuple] = []
        self._files: list[tuple[str, str, str, str]] = []
        self._context: list[tuple[str, str, str]] = []
        self._callees: list[tuple[str, str, str]] = []
        self._words: list["WordRow"] = []
        self._renewed: list[tuple[str]] = []  # paths whose earlier file rows go first

    def scan_row(self, path: str, size: int, mtime_ns: int, ctime_ns: int, digest: str, blob: bytes) -> None:
        """A scan cache row (`ScanCache.store`)."""
        self._scan.append((path, size, mtime_ns, ctime_ns, digest, blob))
        self.scanned.add(path)
        self._batched()

    def file_parts(self, path: str, parts: "FileParts") -> None:
        """The rows a scan worker made of a file (`worker_rows.parts_of`)."""
        context, callees = parts.groups
        self._add_file(path, parts.digest, parts.project, parts.skipped, context, callees)
        self.word_stats[path] = tuple(parts.words[1:4]) if parts.words is not None else None  # type: ignore[assignment]
        if parts.words is not None:
            self._words.append(parts.words)
        self._batched()

    def file_row(self, path: str, digest: str, project: str, skipped: str) -> None:
        """A file's rows made in this process (read from the scan cache, or a worker's made of
        other content), replacing any staged before."""
        from depmap.index import project_facts

        context, callees = project_facts.rows_of(path, project) if project != "[]" else ([], [])
        if path in self.digests:
            self._renewed.append((path,))
        self._add_file(path, digest, project, skipped, context, callees)
        self._batched()

    def _add_file(self, path: str, digest: str, project: str, skipped: str, context: list, callees: list) -> None:
        self.digests[path] = digest
        self._files.append((path, digest, project, skipped))
        self._context.extend(context)
        self._callees.extend(callees)

    def _batched(self) -> None:
        if len(self._scan) + len(self._files) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered, in one transaction of the TEMP tables alone."""
        if not (self._scan or self._files or self._words or self._renewed) or self.failed:
            return
        try:
            self.db.execute("BEGIN")
            self.db.executemany("DELETE FROM temp.staged_context WHERE path = ?", self._renewed)
            self.db.executemany("DELETE FROM temp.staged_callees WHERE path = ?", self._renewed)
            self.db.executemany("INSERT OR REPLACE INTO temp.staged_scan VALUES (?, ?, ?, ?, ?, ?)", self._scan)
            self.db.executemany("INSERT OR REPLACE INTO temp.staged_files VALUES (?, ?, ?, ?)", self._files)
            self.db.executemany("INSERT INTO temp.staged_context VALUES (?, ?, ?)", self._context)
            self.db.executemany("INSERT INTO temp.staged_callees VALUES (?, ?, ?)", self._callees)
            self.db.executemany("INSERT OR REPLACE INTO temp.staged_words VALUES (?, ?, ?, ?, ?, ?)", self._words)
            self.db.execute("COMMIT")
        except sqlite3.Error:
            self.failed = True
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        for buffer in (self._scan, self._files, self._context, self._callees, self._words, self._renewed):
            buffer.clear()

    def blob(self, path: str) -> bytes | None:
        """The staged scan cache row's encoded result of `path`."""
        self.flush()
        found = self.db.execute("SELECT result FROM temp.staged_scan WHERE path = ?", (path,)).fetchone()
        return found[0] if found is not None else None

    def copy_scan(self, db: sqlite3.Connection, context: str) -> None:
        """Into `files`, inside the caller's transaction (`ScanCache.save`)."""
        if self.scanned:
            db.execute("INSERT OR REPLACE INTO files SELECT path, ?, size, mtime_ns, ctime_ns, digest, result FROM temp.staged_scan",
                       (context,))

    def copy_words(self, db: sqlite3.Connection, rows: list["WordRow"], paths: list[str]) -> None:
        """`rows` and the staged `mention_words` rows, those of `paths` in their order, inside the caller's transaction."""
        db.executemany("INSERT OR REPLACE INTO temp.staged_words VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT OR REPLACE INTO mention_words SELECT * FROM temp.staged_words WHERE path = ?", [(path,) for path in paths])


class StagedFiles:
    """Every file's `linked_files` row and groups, staged (`StagedRows`), to copy in file order:
    what `row_update.write_relink_state` writes of a cold scan."""

    def __init__(self, staged: StagedRows, paths: list[str]) -> None:
        self.staged = staged
        self.paths = paths

    def __len__(self) -> int:
        return len(self.paths)

    def copy_into(self, db: sqlite3.Connection) -> None:
        """Inside the caller's transaction: the rows of every file, ordered as the files are."""
        db.execute("DELETE FROM temp.staged_order")
        db.executemany("INSERT INTO temp.staged_order VALUES (?, ?)", enumerate(self.paths))
        ordered = "FROM temp.staged_order AS o JOIN temp.{} AS s ON s.path = o.path ORDER BY o.position, s.rowid"
        db.execute("INSERT OR REPLACE INTO linked_files SELECT s.path, s.digest, s.project, s.skipped " + ordered.format("staged_files"))
        db.execute("INSERT INTO linked_context SELECT s.path, s.name, s.facts " + ordered.format("staged_context"))
        db.execute("INSERT INTO linked_callees SELECT s.callee, s.path, s.caller " + ordered.format("staged_callees"))


def staged_file_rows(staged: StagedRows, files: Iterable[SourceFile], digests: Iterable[str], results: Iterable[ScanResult]) -> StagedFiles | None:
    """Every file's `linked_files` row after a scan of them all, staged: a file whose worker's rows
    were made of its content (its digest) as they are, the others made here (`packed_rows`'s
    rule); None when staging failed (the index is then not stored)."""
    from depmap.index.relink import project_level
    from depmap.index.row_update import file_row

    staged.flush()  # a row made here replaces a worker's already written
    paths = []
    for file, digest, result in zip(files, digests, results):
        if staged.digests.get(file.path) != digest:
            staged.file_row(*file_row(file.path, digest, project_level(file.path, result.facts), list(result.skipped)))
        paths.append(file.path)
    staged.flush()
    return None if staged.failed else StagedFiles(staged, paths)


def file_rows(staged: StagedRows | None, files: list[SourceFile], digests: list[str], results: list[ScanResult],
              parts: "Mapping[str, PackedParts]") -> Any:
    """Every file's `linked_files` rows after a scan of them all: staged (`staged_file_rows`), or
    without a staging, held (`packed_rows.packed_file_rows`, of the workers' `parts`)."""
    from depmap.index.packed_rows import packed_file_rows

    return staged_file_rows(staged, files, digests, results) if staged is not None else packed_file_rows(files, digests, results, parts)


def known_words(staged: StagedRows | None, parts: "Mapping[str, PackedParts]") -> tuple[dict[str, Any], dict[str, "Stat"]]:
    """What the scan workers made of the searched files' words (`word_store.rows_to_write`): every
    file they scanned (its row, or None: not read again), and the stat of each staged row."""
    if staged is None:
        return {path: part.words for path, part in parts.items()}, {}
    return dict.fromkeys(staged.word_stats), {path: stat for path, stat in staged.word_stats.items() if stat is not None}
