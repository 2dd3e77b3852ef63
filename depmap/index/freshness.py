"""Freshness by stat: a warm run reuses the last discovery instead of walking the tree again.

Discovery (the walk, .gitignore matching, include/exclude globs) and dialect detection cost about
0.8 s at a million lines, on every run, to find out that nothing changed. What discovery's answer
depends on is a short list: the listing of every folder it walked (a file added, deleted or
renamed moves its folder's mtime and ctime), the content of every ignore file it read, the
configuration, whether a folder named like a virtualenv holds an activate script, and the size of
files at the size limit. Dialect detection reads a few files more (settings, compose files,
requirements). A snapshot records all of that with the discovered file list; a later run that
finds every recorded stat unchanged takes the file list from it (with each file's current stat,
so the scan cache still sees every edit) and skips the walk.

Any doubt means the normal walk: a symbolic link anywhere in the tree (its target may change
without its folder knowing), a folder that could not be listed, a file that could not be read, a
changed depmap, configuration or --dialect. A folder or ignore file modified within RACY_NS of the
walk is not trusted (a second change in the same clock tick would leave its mtime unchanged): no
snapshot is stored, and the next run walks again.

The walk records the files the mention search reads too (`depmap.mentions.files.searched`, a
superset of the scanned files), so a warm query needs no walk at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from stat import S_ISREG
from typing import Any

from depmap.config import Config
from depmap.discover import SCANNED_KINDS, Discovery, SourceFile, _VENV_NAMES, _Walker
from depmap.index import fast_json
from depmap.model import Skipped

RACY_NS = 2_000_000_000  # as the scan cache's: mtimes this close to the walk are not trusted
_TOO_LARGE = "larger than "
Stat = tuple[int, int, int]  # size, mtime_ns, ctime_ns


@dataclass
class Snapshot:
    """What one walk found and what it depended on (paths relative to the root, POSIX)."""

    settings: str  # depmap's stamp, the configuration, the --dialect option
    folders: list[tuple[str, int, int]] = field(default_factory=list)  # (folder, mtime_ns, ctime_ns)
    watched: list[tuple[str, Stat | None]] = field(default_factory=list)  # ignore files, activate scripts, files too large
    files: list[tuple[str, str, int, int, int, bool]] = field(default_factory=list)  # path, kind, size, mtime, ctime, searched
    skipped: list[tuple[str, str, bool, bool]] = field(default_factory=list)  # path, reason, scanned, searched
    read_by_detection: list[tuple[str, Stat | None]] = field(default_factory=list)
    # The folders detection listed for files discovery does not list (alembic.ini, requirements):
    # (folder, mtime_ns, ctime_ns), -1 for one it could not stat; and what it found in them.
    detection_folders: list[tuple[str, int, int]] = field(default_factory=list)
    unscanned: list[str] = field(default_factory=list)
    choice: dict[str, Any] = field(default_factory=dict)  # the DialectChoice made from them

    def to_json(self) -> str:
        # the fields as they are: `asdict` deep-copies 100,000 tuples at a million lines (0.2 s)
        return json.dumps({name: getattr(self, name) for name in self.__dataclass_fields__}, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Snapshot":
        """The snapshot stored as `text`; ValueError when it is not exactly what `to_json` writes."""
        data = fast_json.loads(text)  # 2 MB at a million lines: orjson reads it in half the time
        if not isinstance(data, dict) or set(data) != {f for f in cls.__dataclass_fields__}:
            raise ValueError("a discovery snapshot of the wrong shape")
        snapshot = cls(**data)
        _check_rows(snapshot.folders, (str, int, int))
        _check_rows(snapshot.detection_folders, (str, int, int))
        if not isinstance(snapshot.unscanned, list) or set(map(type, snapshot.unscanned)) - {str}:
            raise ValueError("a discovery snapshot of the wrong shape")
        _check_rows(snapshot.files, (str, str, int, int, int, bool))
        _check_rows(snapshot.skipped, (str, str, bool, bool))
        for path, stat in [*snapshot.watched, *snapshot.read_by_detection]:
            if not isinstance(path, str) or not (stat is None or (isinstance(stat, list) and len(stat) == 3 and all(_is_int(v) for v in stat))):
                raise ValueError("a discovery snapshot of the wrong shape")
        if not isinstance(snapshot.settings, str) or not isinstance(snapshot.choice, dict):
            raise ValueError("a discovery snapshot of the wrong shape")
        return snapshot


def settings_key(stamp: str, config: Config, option: str | None) -> str:
    """What discovery and detection depend on besides the tree: depmap, the configuration, --dialect."""
    return hashlib.blake2b(f"{stamp}\0{config!r}\0{option!r}".encode(), digest_size=16).hexdigest()


class _WatchingWalker(_Walker):
    """Discovery's walk, wanting both the scanned and the searched files, noting which is which
    and what its answer depends on."""

    def __init__(self, root: Path, config: Config) -> None:
        from depmap.discover import scanned_kind
        from depmap.mentions.files import searched

        super().__init__(root, config, lambda name: scanned_kind(name) or searched(name))
        self.searched = searched
        self.folders: list[tuple[str, int, int]] = []
        self.watched: list[tuple[str, Stat | None]] = []
        self.by_search: set[str] = set()  # what `files_to_search` lists (or skips) of the files found
        self.doubt = False

    def _first_visit(self, directory: Any) -> bool:
        first = super()._first_visit(directory)
        if first:
            if directory.via_link:
                self.doubt = True
            info = _stat(directory.path)
            if info is None:
                self.doubt = True
            else:
                self.folders.append((directory.rel, info[1], info[2]))
        return first

    def _read_ignore_file(self, path: str, rel: str) -> Any:
        self.watched.append((rel, _stat(path)))  # before reading: a change after this is seen next time
        return super()._read_ignore_file(path, rel)

    def _is_virtualenv(self, path: str, rel: str, names: set[str]) -> bool:
        if os.path.basename(rel) in _VENV_NAMES:
            for scripts in ("bin", "Scripts"):
                self.watched.append((f"{rel}/{scripts}/activate", _stat(os.path.join(path, scripts, "activate"))))
        return _Walker._is_virtualenv(path, rel, names)

    def _visit_symlink(self, entry: Any, rel: str, layers: Any) -> None:
        """A link to a file inside the tree (`CLAUDE.md -> AGENTS.md`) is watched by the stat of
        its target: a target edited, deleted or replaced by a folder changes it, and the link
        retargeted changes its own folder. Any other link (to a folder, outside the tree,
        broken) is a doubt: its target can change where no walked folder sees it."""
        from depmap.tree_boundary import is_within

        try:
            info = os.stat(entry.path)  # the target's
        except OSError:
            info = None
        if info is not None and S_ISREG(info.st_mode) and is_within(os.path.realpath(entry.path), self.root_real):
            self.watched.append((rel, (info.st_size, info.st_mtime_ns, info.st_ctime_ns)))
        else:
            self.doubt = True
        super()._visit_symlink(entry, rel, layers)

    def _add_file(self, path: str, rel: str, kind: str, info: os.stat_result) -> None:
        if info.st_size > self.config.max_file_bytes:
            self.watched.append((rel, (info.st_size, info.st_mtime_ns, info.st_ctime_ns)))
        if self._configured_kind(rel) is not None or self.searched(rel.rsplit("/", 1)[-1]):
            self.by_search.add(rel)
        super()._add_file(path, rel, kind, info)


def walk(root: Path, config: Config, settings: str) -> tuple[Snapshot, bool]:
    """The snapshot of one walk, and whether it may be stored (False: a doubt, see above)."""
    walker = _WatchingWalker(root, config)
    found = walker.run()
    snapshot = Snapshot(settings, walker.folders, walker.watched)
    snapshot.files = [(f.path, f.kind, f.size, f.mtime_ns, f.ctime_ns, f.path in walker.by_search) for f in found.files]
    odd = [item for item in found.skipped if not item.reason.startswith(_TOO_LARGE)]
    snapshot.skipped = [(item.path, item.reason, False, False) for item in found.skipped]
    if walker.doubt or odd:
        return snapshot, False
    too_large = {rel for rel, _ in walker.watched}
    snapshot.skipped = [(item.path, item.reason, _scanned_kind_of(walker, item.path), item.path in walker.by_search)
                        for item in found.skipped if item.path in too_large]
    return snapshot, True


def _scanned_kind_of(walker: "_WatchingWalker", rel: str) -> bool:
    from depmap.discover import classify

    return (walker._configured_kind(rel) or classify(rel.rsplit("/", 1)[-1])) in SCANNED_KINDS


def scanned_discovery(snapshot: Snapshot, files: list[SourceFile]) -> Discovery:
    """What `discover` (the scan's walk) finds. A file a `python-files`/`sql-files` glob names has
    a scanned kind; any other file is listed by the scan's walk exactly when its name has one."""
    return Discovery(files=[f for f in files if f.kind in SCANNED_KINDS],
                     skipped=[Skipped(path, reason) for path, reason, scanned, _ in snapshot.skipped if scanned])


def searched_discovery(snapshot: Snapshot, files: list[SourceFile]) -> Discovery:
    """What `files_to_search` (the mention search's walk) finds."""
    wanted = {row[0] for row in snapshot.files if row[5]}
    return Discovery(files=[f for f in files if f.path in wanted],
                     skipped=[Skipped(path, reason) for path, reason, _, searched in snapshot.skipped if searched])


def reuse(root: Path, snapshot: Snapshot, settings: str, max_file_bytes: int) -> tuple[list[SourceFile], bool] | None:
    """The searched files with their current stats when the snapshot still holds, else None; and
    whether any file's stat differs from the snapshot's (then `with_stats` records the new ones)."""
    if snapshot.settings != settings:
        return None
    prefix = os.path.join(str(root), "")  # joined by hand: `os.path.join` per file was a fifth of this pass
    folders = [prefix + rel if rel else str(root) for rel, _, _ in snapshot.folders]
    if _times_of(folders) != [(mtime_ns, ctime_ns) for _, mtime_ns, ctime_ns in snapshot.folders]:
        return None
    for rel, stat in snapshot.watched:
        if _stat(prefix + rel) != (tuple(stat) if stat is not None else None):
            return None
    paths = [prefix + row[0] for row in snapshot.files]
    try:
        infos = list(map(os.stat, paths))  # the pass in C: a third of a loop's time at a million lines
    except OSError:
        return None  # a file gone or unreadable: discovery must look again
    if list(map(_SIZE_AND_TIMES, infos)) == [(size, mtime_ns, ctime_ns) for _, _, size, mtime_ns, ctime_ns, _ in snapshot.files]:
        return [SourceFile(path, kind, size, mtime_ns, ctime_ns) for path, kind, size, mtime_ns, ctime_ns, _ in snapshot.files], False
    files = []
    for (path, kind, size, mtime_ns, ctime_ns, _searched), info, full in zip(snapshot.files, infos, paths):
        if info.st_size > max_file_bytes:
            return None
        if info.st_ctime_ns != ctime_ns and not os.access(full, os.R_OK):
            return None  # its mode may have changed: discovery would call it unreadable
        files.append(SourceFile(path, kind, info.st_size, info.st_mtime_ns, info.st_ctime_ns))
    return files, True  # some stat differs (the comparison above)


_SIZE_AND_TIMES = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns")
_TIMES = attrgetter("st_mtime_ns", "st_ctime_ns")


def _times_of(paths: list[str]) -> list[tuple[int, int]] | None:
    """Every folder's mtime and ctime, None when one cannot be taken (`map` runs the pass in C)."""
    try:
        return list(map(_TIMES, map(os.stat, paths)))
    except OSError:
        return None


def with_stats(snapshot: Snapshot, files: list[SourceFile]) -> None:
    """Record `files`' current stats in the reused snapshot (the same files in the same order), so
    that a stored snapshot always holds the stats of the tree it was stored for: what lets a warm
    query take `depmap.index.warm_state`'s shortcut."""
    snapshot.files = [(f.path, f.kind, f.size, f.mtime_ns, f.ctime_ns, row[5]) for f, row in zip(files, snapshot.files)]


def detection_unchanged(root: Path, snapshot: Snapshot) -> bool:
    """Whether the files dialect detection reads are those it read, unchanged. The snapshot's
    scanned files are the ones detection was noted for (`note_detection`), so only the files it
    read then are looked at again."""
    from depmap.dialects.detect import read_again_by_detection

    scanned = {p for p, k, _, _, _, _ in snapshot.files if k in SCANNED_KINDS}
    base = str(root)
    listed = all((_stat(os.path.join(base, rel) if rel else base) or (0, None, None))[1:] == (mtime_ns, ctime_ns)
                 for rel, mtime_ns, ctime_ns in snapshot.detection_folders)
    paths = read_again_by_detection(root, scanned, [path for path, _ in snapshot.read_by_detection],
                                    snapshot.unscanned if listed and snapshot.detection_folders else None)
    return [[path, _stat(os.path.join(str(root), path))] for path in paths] == [[p, tuple(s) if s else None] for p, s in snapshot.read_by_detection]


def note_detection(root: Path, snapshot: Snapshot, found: Discovery, choice: Any) -> Snapshot | None:
    """The snapshot with the files detection read and what it chose; None when one is too recent."""
    from depmap.dialects.detect import read_by_detection, unscanned_files

    now = time.time_ns()
    folders: list[tuple[str, int, int]] = []

    def listed(path: str, rel: str) -> None:  # before the folder is listed: a later change is seen next time
        folders.append((rel, *(_stat(path) or (0, -1, -1))[1:]))

    snapshot.unscanned = sorted(unscanned_files(root, listed))
    snapshot.detection_folders = folders
    snapshot.read_by_detection = [(path, _stat(os.path.join(str(root), path))) for path in read_by_detection(root, found, snapshot.unscanned)]
    snapshot.choice = {"dialect": choice.dialect, "source": choice.source, "server_version": choice.server_version,
                       "server_version_source": choice.server_version_source, "notes": list(choice.notes)}
    recent = [mtime for _, mtime, _ in [*snapshot.folders, *snapshot.detection_folders]]
    recent += [stat[1] for _, stat in [*snapshot.watched, *snapshot.read_by_detection] if stat is not None]
    if any(now - mtime < RACY_NS for mtime in recent):
        return None
    return snapshot


def _stat(path: str) -> Stat | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_rows(rows: Any, types: tuple[type, ...]) -> None:
    """Every row a list of values of exactly these types (an int is not a bool), checked a column
    at a time (`map(type, ...)` runs in C: a snapshot holds a row per file of the project)."""
    if not isinstance(rows, list) or set(map(type, rows)) - {list} or set(map(len, rows)) - {len(types)}:
        raise ValueError("a discovery snapshot of the wrong shape")
    for column, wanted in zip(zip(*rows), types):
        if set(map(type, column)) - {wanted}:
            raise ValueError("a discovery snapshot of the wrong shape")


@dataclass
class Fresh:
    """A run's discovery: scanned files, searched files, the dialect, and the snapshot to store
    (`changed`: it differs from the stored one; `snapshot` None then means forget that one). A
    snapshot holds every file's stat as this run found it: one stored and not `changed` is the
    tree as it is."""

    found: Discovery
    searched: Discovery
    choice: Any
    snapshot: str | None
    changed: bool


def discover_fresh(root: Path, config: Config, option: str | None, stored: str | None, choose: Any, remembered: Any) -> Fresh:
    """Discovery and the dialect choice (`choose` makes one, `remembered` rebuilds a stored one),
    from the stored snapshot when it still holds, else by a walk."""
    from depmap.discover import discover
    from depmap.mentions.files import files_to_search
    from depmap.index.cache import scanner_stamp

    settings = settings_key(scanner_stamp(), config, option)
    snapshot = None
    if stored is not None:
        try:
            snapshot = Snapshot.from_json(stored)
        except (ValueError, TypeError):
            snapshot = None
    reused = reuse(root, snapshot, settings, config.max_file_bytes) if snapshot is not None else None
    if snapshot is not None and reused is not None:
        files, moved = reused
        found, searched = scanned_discovery(snapshot, files), searched_discovery(snapshot, files)
        if moved:
            with_stats(snapshot, files)
        if detection_unchanged(root, snapshot):
            try:
                choice = remembered(**snapshot.choice)
            except TypeError:
                choice = None  # a choice of the wrong shape: choose again
            if choice is not None:
                text = snapshot.to_json() if moved else stored
                return Fresh(found, searched, choice, text, moved)
        choice = choose(root, found, config, option)
        noted = note_detection(root, snapshot, found, choice)
        text = noted.to_json() if noted is not None else None
        return Fresh(found, searched, choice, text, text != stored)
    walked, trusted = walk(root, config, settings)
    files = [SourceFile(p, k, s, m, c) for p, k, s, m, c, _ in walked.files]
    searched = searched_discovery(walked, files) if trusted else files_to_search(root, config)
    found = scanned_discovery(walked, files) if trusted else discover(root, config)
    choice = choose(root, found, config, option)
    noted = note_detection(root, walked, found, choice) if trusted else None
    text = noted.to_json() if noted is not None else None
    return Fresh(found, searched, choice, text, text != stored)
