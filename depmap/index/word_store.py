"""The words of every file the mention search reads, stored at scan time: a warm query reads only
the files that may name its table.

A mention search tests each file's lower-cased bytes for the table's names before it decodes
anything (`depmap.mentions.words`). Reading 17,800 files for that test cost most of a warm
`who-reads` at a million lines, for the 3% that name the table. So each file's runs of word bytes
(`file_words`) are stored in `.depmap/cache.sqlite` with the stat they were read at and what the
file holds (binary, plain ASCII text, other text); a warm search asks SQLite which files' runs
hold a part of every needle, and reads only those where a run can be an occurrence (a plain file
whose bytes hold a needle only inside longer words is counted as read, as the bytes test would
count it). A file whose row is missing, of the wrong shape, or of another stat (an edit, a file
written too recently to trust its mtime, one reached through a link) is read as before, so a
stored row can only spare a read whose outcome it already knows.

The rows are written in the scan cache's own transaction (`ScanCache.save`), for the files whose
row is missing or stale: a killed run leaves the old rows, each still true of the stat it names.
They carry depmap's stamp: another depmap's rows are replaced, never read.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from depmap.discover import SourceFile
from depmap.index.cache import RACY_NS, scanner_stamp
from depmap.index.cache_folder import CACHE_DIR, CACHE_FILE, inspect, open_existing
from depmap.index.warm_state import WarmState, forget as forget_warm_state

_TABLES = (
    "CREATE TABLE IF NOT EXISTS mention_words (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, "
    "ctime_ns INTEGER NOT NULL, content INTEGER NOT NULL, words TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS mention_words_stamp (stamp TEXT NOT NULL)",
)

Stat = tuple[int, int, int]  # size, mtime_ns, ctime_ns
WordRow = tuple[str, int, int, int, int, str]  # path, size, mtime_ns, ctime_ns, content, words
# What a file holds: plain text (`depmap.mentions.files.plain_text`), binary, other text (another
# encoding, non-ASCII, minified: read whenever a needle is in its bytes).
PLAIN, BINARY_FILE, OTHER_TEXT = 0, 1, 2
# What `file_words` writes: text between spaces. A row of another shape is damaged: its file is read.
_WORDS_SHAPE = "(typeof(words) = 'text' AND substr(words, 1, 1) = ' ' AND substr(words, -1, 1) = ' ')"
_WELL_FORMED = (f"(typeof(path) = 'text' AND content IN (0, 1, 2) AND {_WORDS_SHAPE} AND typeof(size) = 'integer' "
                "AND typeof(mtime_ns) = 'integer' AND typeof(ctime_ns) = 'integer')")
# What a LIKE can rule a file out by: words written as text (a number stored in the TEXT column
# becomes text: hence the first space) of a known content (cheap: `_WORDS_SHAPE`'s last
# character costs a pass over the text, a third of a warm lookup).
_SEARCHABLE = "(typeof(path) = 'text' AND content IN (0, 1, 2) AND typeof(words) = 'text' AND substr(words, 1, 1) = ' ')"


@dataclass
class WordRows:
    """The rows one run writes: new or stale files' words, and the paths no longer searched."""

    rows: list[WordRow] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    restart: bool = False  # another depmap's (or a damaged) table: every row goes first
    staged: list[str] = field(default_factory=list)  # with `staging`: the paths of every row to write, in order
    staging: Any = None  # `staged_rows.StagedRows`, holding the rows its scan made

    def __bool__(self) -> bool:
        return bool(self.rows or self.gone or self.restart or self.staged)

    def write(self, db: sqlite3.Connection) -> None:
        """Store them, inside the caller's transaction (where another depmap may have replaced the
        rows since they were read: then only these are kept, under this depmap's stamp)."""
        try:
            self.restart = self.restart or _stamp(db) != scanner_stamp()
        except sqlite3.Error:
            self.restart = True
        if self.restart:
            db.execute("DROP TABLE IF EXISTS mention_words")
            db.execute("DROP TABLE IF EXISTS mention_words_stamp")
        for statement in _TABLES:
            db.execute(statement)
        if self.restart:
            db.execute("INSERT INTO mention_words_stamp VALUES (?)", (scanner_stamp(),))
        if self.staging is None:
            db.executemany("INSERT OR REPLACE INTO mention_words VALUES (?, ?, ?, ?, ?, ?)", self.rows)
        else:  # the rows read here join the staged ones, all copied in the files' order
            self.staging.copy_words(db, self.rows, self.staged)
        db.executemany("DELETE FROM mention_words WHERE path = ?", [(path,) for path in self.gone])
        forget_warm_state(db)  # it vouched for the rows before these


def rows_to_write(root: Path, files: Iterable[SourceFile], known: Mapping[str, WordRow | None] | None = None,
                  staged: Mapping[str, Stat] | None = None, staging: Any = None) -> WordRows:
    """The rows the searched `files` need: each file whose stored row is missing or not of its stat
    is read (never through a link) and its words taken; rows of other paths are dropped. `known`:
    the rows the scan workers already made (`worker_rows`; None for a file they could not read as
    a search does), used instead of reading those files again; `staged`: the stat of each row
    they made that waits in `staging` (`staged_rows.StagedRows`), copied from there."""
    from depmap.mentions.files import Reader

    files = list(files)
    known = known or {}
    staged = staged or {}
    stored = _stored_stats(root)
    update = WordRows(restart=stored is None, staging=staging)
    stored = stored or {}
    wanted = {file.path for file in files}
    update.gone = sorted(path for path in stored if path not in wanted)
    reader = Reader(root)
    now = time.time_ns()
    for file in files:
        stat = (file.size, file.mtime_ns, file.ctime_ns)
        if stored.get(file.path) == stat:
            continue
        if staged.get(file.path) == stat:
            update.staged.append(file.path)
            continue
        row = known[file.path] if file.path in known else word_row(root, reader, file, now)
        if row is not None and row[1:4] == stat:
            update.rows.append(row)
            update.staged.append(file.path)
    if staging is None:
        update.staged = []
    return update


def word_row(root: Path, reader: Any, file: SourceFile, now: int, read: tuple[bytes, Stat] | None = None) -> WordRow | None:
    """One file's row, read now (`reader`: a `mentions.files.Reader` of `root`), or taken from
    `read`, its bytes already read with the stat of the open file they came from; None when it is
    too recent to trust its stat, reached through a link, unreadable, or changed since discovery."""
    from depmap.mentions.files import is_binary, plain_text
    from depmap.mentions.words import file_words

    stat = (file.size, file.mtime_ns, file.ctime_ns)
    path = os.path.join(str(root), file.path)
    if now - file.mtime_ns < RACY_NS or reader.real_path(file.path) != path:
        return None  # too recent to trust the stat, or through a link: read at query time
    if read is None:
        try:
            with open(path, "rb") as handle:
                read = handle.read(), _stat_of(os.fstat(handle.fileno()))
        except OSError:
            return None
    data, read_stat = read
    if read_stat != stat:
        return None  # changed since discovery: the next run sees it again
    if is_binary(data):
        return (file.path, *stat, BINARY_FILE, " ")
    return (file.path, *stat, PLAIN if plain_text(file, data) else OTHER_TEXT, file_words(data))


def _stat_of(info: os.stat_result) -> Stat:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns


def _stored_stats(root: Path) -> dict[str, Stat] | None:
    """(size, mtime, ctime) of each stored row; None when the rows cannot be trusted (none yet,
    another depmap's, a table of another shape)."""
    db = _open(root)
    if db is None:
        return None
    try:
        return current_rows(db)
    finally:
        db.close()


def current_rows(db: sqlite3.Connection) -> dict[str, Stat] | None:
    """(size, mtime, ctime) of each well-formed row of this depmap's; None when the rows cannot be
    trusted (none yet, another depmap's, a table of another shape)."""
    rows = _well_formed_rows(db, "''")
    return None if rows is None else {path: stat for path, stat, _ in rows}


def current_words(root: Path, files: Iterable[SourceFile]) -> dict[str, str] | None:
    """path -> the stored words (`file_words`) of each of `files` whose row is of its current stat;
    None when the rows cannot be trusted (none, another depmap's, a table of another shape)."""
    db = _open(root)
    if db is None:
        return None
    try:
        rows = _well_formed_rows(db, "words")
    finally:
        db.close()
    if rows is None:
        return None
    current = {file.path: (file.size, file.mtime_ns, file.ctime_ns) for file in files}
    return {path: words for path, stat, words in rows if current.get(path) == stat}


def _well_formed_rows(db: sqlite3.Connection, words: str) -> list[tuple[str, Stat, str]] | None:
    """(path, stat, `words`: the column, or '' when only the stats are wanted) of every well-formed
    row of this depmap's (a damaged row is written again); None as `current_rows` says."""
    try:
        if _stamp(db) != scanner_stamp() or _layout(db) != _expected_layout():
            return None  # a table of other columns is made again: inserting into it would fail
        query = f"SELECT path, size, mtime_ns, ctime_ns, {words} FROM mention_words WHERE content IN (0, 1, 2) AND {_WORDS_SHAPE}"
        return [(path, (size, mtime_ns, ctime_ns), text) for path, size, mtime_ns, ctime_ns, text in db.execute(query)
                if isinstance(path, str) and all(_is_int(v) for v in (size, mtime_ns, ctime_ns))]
    except sqlite3.Error:
        return None


def stored_hits(db: sqlite3.Connection, files: Iterable[SourceFile], finder: Any, vouched: WarmState | None = None) -> dict[str, int | None] | None:
    """What the stored row of each of `files` of its current stat says for `finder`'s search
    (`depmap.mentions.words`): BINARY; NO_HIT, no needle in its bytes; COUNTED, a needle but, in
    a plain file, no run that can be an occurrence (the search counts it as read without reading
    it); HIT (or None, or missing), read it. None when the rows cannot answer (a needle of no word
    byte, no rows, another depmap's): then every file is read. SQLite picks the rows whose words
    hold a part of each needle (LIKE, a superset); Python decides on those.

    `vouched`: a warm state that holds (`depmap.index.warm_state`): every searched file
    but its `unworded` ones has a row of its current stat, `rows` rows in all. Then only the rows that may name the table, the binary files' and any row a LIKE cannot judge
    (words not text, an unknown content) are read, and every file not among them has NO_HIT (a
    `dict` answering `get` with NO_HIT by default, None for the `unworded`); a row read that is
    damaged otherwise is read as a file."""
    from depmap.mentions.words import BINARY, COUNTED, HIT, NO_HIT

    groups = finder.needle_parts()
    if not groups:
        return None
    wide = _widest(groups)
    like = " OR ".join("(" + " AND ".join("words LIKE ? ESCAPE '\\'" for _ in group) + ")" for group in wide)
    values = [f"%{_escaped(part)}%" for group in wide for part in group]
    columns = f"path, size, mtime_ns, ctime_ns, content, {_WELL_FORMED}"
    try:
        if _stamp(db) != scanner_stamp():
            return None
        if vouched is None:  # the words of a row that may name the table only, not 12 MB of them
            rows = db.execute(f"SELECT {columns}, CASE WHEN {like} THEN words END FROM mention_words", values).fetchall()
        else:
            if db.execute("SELECT count(*) FROM mention_words").fetchone()[0] != vouched.rows:
                return stored_hits(db, files, finder)  # rows added or removed behind the warm state's back
            # the few rows read: their words whole (a second LIKE on each was half the lookup)
            rows = db.execute(f"SELECT {columns}, words FROM mention_words WHERE NOT {_SEARCHABLE} OR content = {BINARY_FILE} OR {like}",
                              values).fetchall()
    except sqlite3.Error:
        return None
    current = {file.path: (file.size, file.mtime_ns, file.ctime_ns) for file in files} if vouched is None else None
    hits: dict[str, int | None] = {} if vouched is None else _NoHitUnless(dict.fromkeys(vouched.unworded), NO_HIT)
    for path, size, mtime_ns, ctime_ns, content, shaped, words in rows:
        if not (isinstance(path, str) and content in (PLAIN, BINARY_FILE, OTHER_TEXT) and shaped == 1):
            hits[path] = None  # a damaged row: the file is read
            continue
        if current is not None and current.get(path) != (size, mtime_ns, ctime_ns):
            continue
        if content == BINARY_FILE:
            hits[path] = BINARY
        elif words is None or not any(all(part in words for part in group) for group in groups):
            hits[path] = NO_HIT
        else:
            hits[path] = HIT if content == OTHER_TEXT or finder.may_name(words) else COUNTED
    return hits


class _NoHitUnless(dict):
    """Stored hits where a file not named has no needle in its bytes (see `stored_hits`): `get`
    answers `otherwise` for it, whatever default it is given."""

    def __init__(self, hits: dict[str, int | None], otherwise: int) -> None:
        super().__init__(hits)
        self.otherwise = otherwise

    def get(self, path: str, default: Any = None) -> Any:
        return super().get(path, self.otherwise)


def _widest(groups: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The groups SQLite needs to test: one whose rows another group's rows hold is left out (each
    part of that other group inside one of its parts: `account` holds every row `accounts` or
    `taxes_account` matches). A LIKE over every file's words per group was most of the lookup."""
    kept: list[tuple[str, ...]] = []
    for group in sorted(set(groups), key=lambda g: (sum(map(len, g)), g)):
        if not any(all(any(part in own for own in group) for part in other) for other in kept):
            kept.append(group)
    return kept


def _escaped(part: str) -> str:
    return part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _stamp(db: sqlite3.Connection) -> str | None:
    rows = db.execute("SELECT stamp FROM mention_words_stamp").fetchall()
    return rows[0][0] if len(rows) == 1 else None


def _layout(db: sqlite3.Connection) -> list[tuple]:
    return [tuple(row[1:]) for row in db.execute("PRAGMA table_info(mention_words)")]


@lru_cache(maxsize=1)
def _expected_layout() -> list[tuple]:
    db = sqlite3.connect(":memory:")
    try:
        db.execute(_TABLES[0])
        return _layout(db)
    finally:
        db.close()


def _open(root: Path) -> sqlite3.Connection | None:
    """A read-only connection to the scan cache file, when there is one of ours to read."""
    path = root / CACHE_DIR / CACHE_FILE
    if not inspect(root)[0]:
        return None
    try:
        os.close(open_existing(path))  # a regular file, not through a link
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    except (OSError, sqlite3.Error):
        return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def with_words(root: Path, searched: list[SourceFile], also: Callable[[Any], None] | None,
               known: Mapping[str, WordRow | None] | None = None, staged: Mapping[str, Stat] | None = None,
               staging: Any = None) -> Callable[[Any], None] | None:
    """`also`, writing too the words of the searched files whose stored words are missing or stale:
    every save of the scan cache brings them up to date (`known`, `staged`: as in `rows_to_write`)."""
    words = rows_to_write(root, searched, known, staged, staging)
    if not words:
        return also

    def both(db: Any) -> None:
        if also is not None:
            also(db)
        words.write(db)

    return both
