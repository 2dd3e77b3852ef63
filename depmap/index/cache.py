"""The scan cache: each file's facts in `.depmap/cache.sqlite`, so an unchanged file is never parsed twice.

A row is keyed by the file's path (relative, so a CI cache step can restore it on another machine),
its size, mtime and ctime (a hit without reading the file), and its content hash (a hit after a
checkout that only touched the stat).

When is the stat trusted? Size and mtime can be restored by hand (`os.utime`, `touch -r`, some
editors and sync tools) after a same-size edit; ctime cannot: the kernel sets it on every write and
every utime. So a file is read and hashed whenever its ctime moved even though size and mtime match,
and the row then takes the new stat. A warm run of an unchanged project compares three integers per
file and reads nothing; a checkout, a copy or a CI restore (new ctimes, same content) costs one hash
per file, once. A file written within RACY_NS of its scan is stored with an impossible size, so it
is hashed on the next run too: an edit in the same clock tick leaves even the ctime unchanged.

Rows also carry the scan context (dialect, dbt vars): the same file scans differently under
another dialect. The whole cache carries a stamp of depmap's version and its scanner sources, so
upgrading depmap empties it. Rows are JSON, never pickle: a cache file restored from somewhere else
is data, and data is checked before it is used. A table or row of the wrong shape or type discards
the file; a result that does not decode exactly (`depmap.index.cached_result`) is a miss; either
costs one warning and heals in the same run. Concurrent runs are safe: SQLite in WAL mode, one
short write transaction per run.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from depmap import __version__
from depmap.index.cached_result import decode_result, encode_result  # noqa: F401 (encode_result: the pool's)
from depmap.index.cache_folder import CACHE_DIR, CACHE_FILE, create_new, inspect, make_folder, open_existing
from depmap.model import ScanResult
from depmap.scan_context import ScanContext

FORMAT = "depmap-scan-cache"
SCHEMA = 2
_OLDER_SCHEMAS = ("1",)  # an earlier depmap's cache: replaced without a word, like a stale stamp
_LABEL = f"{CACHE_DIR}/{CACHE_FILE}"
RACY_NS = 2_000_000_000  # mtimes this close to the scan are not trusted (file systems tick coarsely)
_META_TABLE = "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
_FILES_TABLE = """CREATE TABLE IF NOT EXISTS files (
    path TEXT NOT NULL, context TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
    digest TEXT NOT NULL, result BLOB NOT NULL, PRIMARY KEY (path, context)
)"""
_TABLES = f"{_META_TABLE};\n{_FILES_TABLE};\n"


@lru_cache(maxsize=1)
def scanner_stamp() -> str:
    """depmap's version plus a hash of its own source, paths included: a changed, added or moved
    module invalidates every row. Remembered by the modules' stats (`depmap.index.stamp_memo`)."""
    from depmap.index.stamp_memo import remembered_stamp

    package = Path(__file__).resolve().parents[1]
    modules = _module_names(package)

    def hashed() -> str:
        digest = hashlib.blake2b(__version__.encode(), digest_size=16)
        for name in modules:
            digest.update(name.encode())
            digest.update((package / name).read_bytes())
        return digest.hexdigest()

    return remembered_stamp(package, modules, hashed)


def stamped_sources() -> list[Path]:
    """Every module of the depmap package, subpackages included (the scanners live in several)."""
    package = Path(__file__).resolve().parents[1]
    return [package / name for name in _module_names(package)]


def _module_names(package: Path) -> list[str]:
    """The modules' POSIX paths under `package`, in the order of their `Path`s. `os.walk` and
    strings: `Path.rglob` took a third of the stamp's time once the hash is remembered."""
    found = []
    for folder, _, names in os.walk(package):
        relative = os.path.relpath(folder, package).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        found += [prefix + name for name in names if name.endswith(".py")]
    return sorted(found, key=lambda name: name.split("/"))


def context_key(ctx: ScanContext) -> str:
    return hashlib.blake2b(json.dumps([ctx.dialect, ctx.dbt_vars]).encode(), digest_size=12).hexdigest()


def content_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


@dataclass
class Row:
    size: int
    mtime_ns: int
    ctime_ns: int
    digest: str
    result: bytes | None  # loaded on first use


@dataclass
class ScanCache:
    """One run's view of the cache: rows read up front, new results written once at the end."""

    path: Path
    context: str
    rows: dict[str, Row] = field(default_factory=dict)
    pending: list[tuple[str, int, int, int, str, bytes]] = field(default_factory=list)
    touched: list[tuple[int, int, int, str]] = field(default_factory=list)  # (size, mtime, ctime, path): same content, new stat
    warnings: list[str] = field(default_factory=list)
    stale: bool = False
    damaged: int = 0  # rows that did not decode this run: one warning says how many
    staging: Any = None  # where new rows wait for the save instead of `pending` (`staged_rows.stage`)
    _results_loaded: bool = False

    @classmethod
    def open(cls, root: Path, ctx: ScanContext) -> ScanCache:
        """The cache of `root`; a corrupt or foreign file is replaced, with a warning, never trusted;
        a link in `.depmap/` leaves the cache unusable (see `depmap.index.cache_folder`)."""
        cache = cls(root / CACHE_DIR / CACHE_FILE, context_key(ctx))
        usable, cache.warnings = inspect(root)
        if not usable:
            cache.path = Path()  # nothing is read or written
            return cache
        try:
            cache.rows = cache._load()
        except (sqlite3.Error, ValueError) as error:
            cache.rows = {}
            if (failure := cache._discard()) is None:
                cache.warnings.append(f"discarded the scan cache {_LABEL} ({_reason(error)}); rebuilding it")
            else:
                cache.warnings.append(f"the scan cache {_LABEL} is damaged ({_reason(error)}) and cannot be removed ({failure}); scanning without it")
                cache.path = Path()
        except OSError as error:
            cache.warnings.append(f"scan cache unavailable ({error.strerror or error}); scanning without it")
            cache.path = Path()  # nothing is written
        return cache

    @property
    def usable(self) -> bool:
        return self.path != Path()

    def _load(self) -> dict[str, Row]:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return {}  # none yet, or what a run killed before its first save leaves (`staged_rows.stage` opened it)
        with _connect(self.path) as db:
            if _layout(db, "meta") != _expected_layout("meta"):
                raise ValueError("not a depmap scan cache")
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("format") == FORMAT and meta.get("schema") in _OLDER_SCHEMAS:
                self.stale = True  # its files table is dropped and made again when this run saves
                return {}
            if meta.get("format") != FORMAT or meta.get("schema") != str(SCHEMA) or not isinstance(meta.get("stamp"), str):
                raise ValueError("not a depmap scan cache")
            if _layout(db, "files") != _expected_layout("files"):
                raise ValueError("its files table was changed")
            if meta["stamp"] != scanner_stamp():
                self.stale = True  # another depmap version: every row goes at the end of this run
                return {}
            query = "SELECT path, size, mtime_ns, ctime_ns, digest FROM files WHERE context = ?"
            found = db.execute(query, (self.context,)).fetchall()
            if any(set(map(type, column)) - {wanted} for column, wanted in zip(zip(*found), (str, int, int, int, str))):
                # checked a column at a time (in C): SQLite returns exactly these types, never a bool
                path = next(row[0] for row in found if tuple(map(type, row)) != (str, int, int, int, str))
                raise ValueError(f"a row holds values of the wrong type: {path!r}")
            return {path: Row(size, mtime_ns, ctime_ns, digest, None) for path, size, mtime_ns, ctime_ns, digest in found}

    def _load_results(self) -> None:
        """The stored facts, read in one query the first time a row is used (an unchanged project
        loaded through `depmap.index.store` never needs them)."""
        self._results_loaded = True
        try:
            with _connect(self.path) as db:
                for path, result in db.execute("SELECT path, result FROM files WHERE context = ?", (self.context,)):
                    row = self.rows.get(path)
                    if row is not None and row.result is None:
                        row.result = result
        except sqlite3.Error:
            pass  # rows without a result are misses

    def _load_result(self, path: str, row: Row) -> None:
        """One row's stored facts (a few files changed: reading every row's would cost more)."""
        try:
            with _connect(self.path) as db:
                found = db.execute("SELECT result FROM files WHERE path = ? AND context = ?", (path, self.context)).fetchone()
        except sqlite3.Error:
            return  # a row without a result is a miss
        if found is not None:
            row.result = found[0]

    def _discard(self) -> str | None:
        """Remove the file (the folder holds only depmap's own files); why not, when it cannot be."""
        try:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError as error:
            return error.strerror or str(error)
        return None

    def unchanged(self, files: Iterable[tuple[str, int, int, int]]) -> list[str] | None:
        """The content digest of every (path, size, mtime, ctime) when none changed since stored, else None."""
        digests = []
        for path, size, mtime_ns, ctime_ns in files:
            row = self.rows.get(path)
            if row is None or row.size != size or row.mtime_ns != mtime_ns or row.ctime_ns != ctime_ns:
                return None
            digests.append(row.digest)
        return digests

    def digest_of(self, path: str) -> str:
        row = self.rows.get(path)
        return row.digest if row is not None else ""

    def by_stat(self, path: str, size: int, mtime_ns: int, ctime_ns: int) -> ScanResult | None:
        """The cached result when the file's size, mtime and ctime are unchanged (no read needed)."""
        row = self.rows.get(path)
        if row is None or row.size != size or row.mtime_ns != mtime_ns or row.ctime_ns != ctime_ns:
            return None
        return self._decode(path, row)

    def by_content(self, path: str, size: int, mtime_ns: int, ctime_ns: int, digest: str) -> ScanResult | None:
        """The cached result when the content is unchanged although the stat is not."""
        row = self.rows.get(path)
        if row is None or row.digest != digest:
            return None
        result = self._decode(path, row, alone=True)
        if result is not None:
            self.touch(path, size, mtime_ns, ctime_ns, digest)
        return result

    def touch(self, path: str, size: int, mtime_ns: int, ctime_ns: int, digest: str) -> bool:
        """Keep the new stat of a file whose content is the row's (a checkout, a touch), without
        decoding its result; whether the row holds that content."""
        row = self.rows.get(path)
        if row is None or row.digest != digest:
            return False
        if time.time_ns() - mtime_ns >= RACY_NS:
            self.touched.append((size, mtime_ns, ctime_ns, path))
        return True

    def result_of(self, path: str) -> ScanResult | None:
        """The stored result of a file whose content the caller checked against the row's digest."""
        row = self.rows.get(path)
        return self._decode(path, row, alone=True) if row is not None else None

    def store(self, path: str, size: int, mtime_ns: int, ctime_ns: int, digest: str, result: ScanResult, blob: bytes | None = None) -> None:
        """Keep `result` (`blob`: already encoded by the worker that scanned the file)."""
        if time.time_ns() - mtime_ns < RACY_NS:
            size = -1  # written moments ago: a same-size edit could keep this mtime, so check content next time
        if blob is None:
            blob = encode_result(result)
        if self.staging is not None:
            self.staging.scan_row(path, size, mtime_ns, ctime_ns, digest, blob)
            self.rows[path] = Row(size, mtime_ns, ctime_ns, digest, None)  # read back from the staging, if asked
            return
        self.pending.append((path, size, mtime_ns, ctime_ns, digest, blob))
        self.rows[path] = Row(size, mtime_ns, ctime_ns, digest, blob)

    def _decode(self, path: str, row: Row, alone: bool = False) -> ScanResult | None:
        """The row's result; `alone`: read only this row's, not every row's at once."""
        if row.result is None and self.staging is not None and path in self.staging.scanned:
            row.result = self.staging.blob(path)
        if row.result is None and not self._results_loaded:
            self._load_result(path, row) if alone else self._load_results()
        try:
            return decode_result(row.result)
        except ValueError:
            self.rows.pop(path, None)
            self.damaged += 1
            return None  # a damaged row is a miss: the file is scanned again, its row replaced

    def save(self, present: Iterable[str], also: Callable[[sqlite3.Connection], None] | None = None) -> bool:
        """Write this run's results and forget files that are gone, in one transaction (with
        whatever `also` writes: the linked index, `depmap.index.linked_store`); whether the file
        now holds them (only then may the linked index be stored, keyed on its digests)."""
        if self.path == Path():
            return False
        if self.damaged:
            rows = "a damaged row" if self.damaged == 1 else f"{self.damaged} damaged rows"
            self.warnings.append(f"discarded {rows} of the scan cache {_LABEL}; scanned those files again")
        keep = set(present)
        gone = [path for path in self.rows if path not in keep]
        staged = self.staging
        if staged is not None:
            staged.flush()
            if staged.failed:
                self.warnings.append("could not stage the scan cache's rows (disk full?); the next run scans again")
                self.close()
                return False
        if not self.pending and not self.touched and not gone and not self.stale and also is None and self.path.exists() and not (staged and staged.scanned):
            self.close()
            return True
        try:
            if staged is None:
                make_folder(self.path.parents[1])
                real_file(self.path)
            with self._saving() as db:
                db.execute("BEGIN IMMEDIATE")
                if self.stale:  # another depmap's rows, perhaps in a table of other columns
                    db.execute("DROP TABLE files")
                    db.execute(_FILES_TABLE)
                db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                               [("format", FORMAT), ("schema", str(SCHEMA)), ("stamp", scanner_stamp())])
                db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                               [(path, self.context, *stat, blob) for path, *stat, blob in self.pending])
                if staged is not None:
                    staged.copy_scan(db, self.context)
                db.executemany("UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ? WHERE path = ? AND context = ?",
                               [(*stat, path, self.context) for *stat, path in self.touched])
                db.executemany("DELETE FROM files WHERE path = ?", [(path,) for path in gone])
                if also is not None:
                    also(db)
                db.execute("COMMIT")
            return True
        except (sqlite3.OperationalError, OSError) as error:  # locked, read-only, disk full: it may pass next time
            self.warnings.append(f"could not update the scan cache ({_reason(error)}); the next run scans again")
        except sqlite3.Error as error:  # the file itself is damaged: the next run starts a new one
            self._discard()
            self.warnings.append(f"discarded the scan cache {_LABEL} ({_reason(error)}); the next run rebuilds it")
        return False

    @contextmanager
    def _saving(self) -> Iterator[sqlite3.Connection]:
        """The connection to save with: the staging's (closed after: its rows are saved), else a new one."""
        if self.staging is None:
            with _connect(self.path, create=True) as db:
                yield db
            return
        try:
            db = self.staging.db
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_TABLES)
            yield db
        finally:
            self.close()

    def close(self) -> None:
        """Close the staging's connection, its rows with it (after the save, or when there is none)."""
        if self.staging is not None:
            self.staging.db.close()
            self.staging = None


@contextmanager
def _connect(path: Path, create: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection closed on leaving (sqlite3's own `with` only ends a transaction, and an open
    connection keeps its -wal and -shm files). Only writing (`create`) sets up tables and WAL mode:
    reading a file never changes it, whatever it turns out to be."""
    db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    try:
        if create:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_TABLES)
        yield db
    finally:
        db.close()


def _layout(db: sqlite3.Connection, table: str) -> list[tuple]:
    """A table's columns: name, type, NOT NULL, place in the primary key (empty when it is missing)."""
    return [(name, kind, notnull, key) for _, name, kind, notnull, _, key in db.execute(f"PRAGMA table_info({table})")]


@lru_cache(maxsize=None)
def _expected_layout(table: str) -> list[tuple]:
    """What depmap's own statements make: a table changed by hand is not read as if it were ours."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(_TABLES)
        return _layout(db, table)
    finally:
        db.close()


def real_file(path: Path) -> None:
    """Create the database file, or check it is still a regular file, without following a link:
    SQLite itself would follow one."""
    try:
        os.close(create_new(path))
    except FileExistsError:
        os.close(open_existing(path, os.O_RDWR))


def _reason(error: Exception) -> str:
    return str(error) or type(error).__name__
