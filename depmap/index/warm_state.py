"""A warm query's shortcut: what the last one proved of an unchanged tree, kept for the next.

A warm query at a million lines proved the project unchanged three times over its 17,800 files:
the discovery snapshot's stats against the tree (an edit moves only its own file's stat, so this
pass cannot be spared), the scan cache's stats (to find each file's content digest and the index
key) and each stored word row's stat (`word_store.stored_hits`). The last two can only repeat
what they found the last time they ran against the same stats. So once a warm query has made all
three against a snapshot holding the tree's stats (`freshness.Fresh`), it stores the snapshot's
digest, the index key and the searched files without a current word row (too recent, through a
link, unreadable: read at query time). A later query whose tree still holds that snapshot, with
that key stored, skips the scan cache and asks SQLite only for the word rows that may name its
table. The snapshot fixes the scan context too: its settings hold the configuration and the
--dialect option, its stats the dbt projects whose vars the context holds, and its dialect choice
is remembered.

It is stored only when no file was modified within `RACY_NS` of the proof (a second edit in the
same clock tick would leave a stat unchanged), inside a write transaction that reads the key, the
snapshot and the word rows it vouches for, so a concurrent run cannot slip a change between
them. Writing word rows forgets it (`WordRows.write`); a new snapshot or index key no longer
matches it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from depmap.discover import SourceFile

_NAME = "warm_state"


@dataclass(frozen=True)
class WarmState:
    """What a stored shortcut vouches for."""

    snapshot: str  # the digest of the discovery snapshot's text
    key: str  # the index key the store held for it
    unworded: frozenset[str]  # searched files without a word row of their stat
    rows: int  # how many word rows there were


def digest(snapshot_text: str) -> str:
    return hashlib.blake2b(snapshot_text.encode(), digest_size=16).hexdigest()


def stored(text: str | None) -> WarmState | None:
    """The shortcut stored as `text` (`LinkedStore.meta`); None when missing or of another shape."""
    try:
        data = json.loads(text) if text is not None else None
    except ValueError:
        return None
    if not (isinstance(data, dict) and set(data) == {"snapshot", "key", "unworded", "rows"}):
        return None
    unworded = data["unworded"]
    if not all(isinstance(data[name], str) for name in ("snapshot", "key")) or not isinstance(unworded, list) \
            or not all(isinstance(path, str) for path in unworded) or type(data["rows"]) is not int:
        return None
    return WarmState(data["snapshot"], data["key"], frozenset(unworded), data["rows"])


def holds(state: WarmState | None, snapshot_text: str | None, key: str | None) -> bool:
    """Whether `state` vouches for this run: its snapshot stored and unchanged (`Fresh.changed`
    false), the store holding its key."""
    return state is not None and snapshot_text is not None and key is not None and state.key == key \
        and state.snapshot == digest(snapshot_text)


WordStats = Callable[[sqlite3.Connection], "dict[str, tuple[int, int, int]] | None"]


def vouch(root: Path, snapshot_text: str | None, key: str, files: Iterable[SourceFile], searched: Iterable[SourceFile],
          word_stats: WordStats) -> None:
    """Store the shortcut for this run's proof (its snapshot and key; `files` scanned and
    `searched`; `word_stats` reads the stat of every well-formed word row,
    `word_store.current_rows`), unless a file was modified too recently or there is no snapshot
    to vouch for. It
    is written in its own transaction after the query's reads, which checks that the store still
    holds that key and snapshot; a file that cannot be written now (another run writing, read-only)
    only costs the next query its speed: the query never waits for it."""
    from depmap.index.cache import RACY_NS
    from depmap.index.cache_folder import CACHE_DIR, CACHE_FILE, inspect, open_existing

    if snapshot_text is None:
        return
    files, searched = list(files), list(searched)
    now = time.time_ns()
    if any(now - f.mtime_ns < RACY_NS for f in (*files, *searched)):  # as the scan cache trusts a stat
        return
    if not inspect(root)[0]:
        return
    path = root / CACHE_DIR / CACHE_FILE
    try:
        os.close(open_existing(path, os.O_RDWR))  # a regular file, not through a link
        db = sqlite3.connect(str(path), timeout=0.1, isolation_level=None)  # never wait on another run's writing: skip it
    except (OSError, sqlite3.Error):
        return
    try:
        db.execute("BEGIN IMMEDIATE")
        _write(db, snapshot_text, key, searched, word_stats)
        db.execute("COMMIT")
    except sqlite3.Error:
        pass
    finally:
        db.close()


def _write(db: sqlite3.Connection, snapshot_text: str, key: str, searched: list[SourceFile], word_stats: WordStats) -> None:
    found = dict(db.execute("SELECT name, value FROM linked_meta WHERE name IN ('key', 'discovery')").fetchall())
    worded = word_stats(db)
    if found.get("key") != key or found.get("discovery") != snapshot_text or worded is None:
        return  # another run changed them since this one read them
    unworded = sorted(f.path for f in searched if worded.get(f.path) != (f.size, f.mtime_ns, f.ctime_ns))
    rows = db.execute("SELECT count(*) FROM mention_words").fetchone()[0]
    value = {"snapshot": digest(snapshot_text), "key": key, "unworded": unworded, "rows": rows}
    db.execute("INSERT OR REPLACE INTO linked_meta VALUES (?, ?)", (_NAME, json.dumps(value, separators=(",", ":"))))


def forget(db: sqlite3.Connection) -> None:
    """Drop the shortcut, inside the caller's transaction (the word rows it vouched for changed)."""
    try:
        db.execute("DELETE FROM linked_meta WHERE name = ?", (_NAME,))
    except sqlite3.OperationalError:
        pass  # no linked_meta yet: nothing stored
