"""The lines each file's facts claim, stored by path next to the linked index: a warm mention
search learns which lines are already explained without decoding those files' facts.

The mention search lists the lines that name a table and that no fact of it claims
(`depmap.mentions.claims`). At a million lines the 467 files that name `accounts` hold 17,000
facts; decoding them to learn their line spans cost more than the rest of the query. So the spans
(`spans_of`: first and last line, role, table, where a flow leads, a parser's message) are
stored one row per path, as a JSON list in the facts' canonical order, written with the linked
rows and under their key, and after a relink written again for the paths the replaced facts
claim (`refresh_spans`: right after a change, a query at 849k lines decoded the facts of 1,000
files otherwise). Rows of another key or of the wrong shape are not read, and the caller decodes
the facts as before.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterable

from depmap.index import fast_json
from depmap.mentions.claims import spans_of
from depmap.model import Fact

_TABLES = (
    "CREATE TABLE IF NOT EXISTS linked_spans (path TEXT PRIMARY KEY, spans TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS linked_spans_stamp (key TEXT NOT NULL, paths INTEGER NOT NULL)",
)
_CHUNK = 500  # paths per query: under SQLite's limit of bound parameters


def write_spans(db: sqlite3.Connection, key: str, facts: Iterable[Fact]) -> None:
    """Replace the stored spans with those of `facts` (canonical order), inside the caller's transaction."""
    for statement in _TABLES:
        db.execute(statement)
    db.execute("DELETE FROM linked_spans")
    db.execute("DELETE FROM linked_spans_stamp")
    by_path: dict[str, list[tuple]] = {}
    for fact in facts:
        for span in spans_of(fact):
            by_path.setdefault(span[0], []).append(span[1:])
    paths = list(by_path)  # each path's spans made text as SQLite takes them, and let go
    db.executemany("INSERT INTO linked_spans VALUES (?, ?)", ((path, fast_json.dumps(by_path.pop(path))) for path in paths))
    db.execute("INSERT INTO linked_spans_stamp VALUES (?, ?)", (key, len(paths)))  # a path without a row claims nothing


def refresh_spans(db: sqlite3.Connection, old_key: str, key: str, before: Iterable[Fact], after: Iterable[Fact]) -> None:
    """After some files' rows were replaced (`before` by `after`, under `key` now): the row of
    each path their facts claim is written again from the stored facts named by that path (a fact
    is named by every path it has a span in: `linked_store.names_of`). Spans that were not those
    of `old_key` stay forgotten (the mention search decodes the facts until the whole index is
    stored again), as they are when a stored fact does not decode."""
    from depmap.index.fact_rows import fact_of_row
    from depmap.index.fast_json import loads

    for statement in _TABLES:
        db.execute(statement)
    stamp = db.execute("SELECT key FROM linked_spans_stamp").fetchall()
    db.execute("DELETE FROM linked_spans_stamp")
    if stamp != [(old_key,)]:
        return
    paths = sorted({span[0] for facts in (before, after) for fact in facts for span in spans_of(fact)})
    for path in paths:
        rows = db.execute("SELECT fact FROM linked_facts WHERE id IN (SELECT id FROM linked_names WHERE name = ?) ORDER BY id",
                          (f"p:{path}",)).fetchall()
        try:
            facts = [fact_of_row(loads(text), shared=False) for (text,) in rows]
        except (ValueError, TypeError, RecursionError):
            return  # a damaged row: forgotten, and the search meets the damage when it decodes
        spans = [span[1:] for fact in facts for span in spans_of(fact) if span[0] == path]
        if spans:
            db.execute("INSERT OR REPLACE INTO linked_spans VALUES (?, ?)", (path, json.dumps(spans, separators=(",", ":"))))
        else:
            db.execute("DELETE FROM linked_spans WHERE path = ?", (path,))
    count = db.execute("SELECT count(*) FROM linked_spans").fetchone()[0]
    db.execute("INSERT INTO linked_spans_stamp VALUES (?, ?)", (key, count))


def spans_at(db: sqlite3.Connection, key: str | None, paths: Iterable[str]) -> dict[str, list[list]] | None:
    """path -> the spans claimed in it, each a list as `write_spans` writes it (first and last
    line, role, table, where a flow leads, the parser's message), in its facts' order; None when
    the stored spans are not those of the linked index `key` or not what `write_spans` writes."""
    wanted = sorted(set(paths))
    try:
        stored = db.execute("SELECT key, paths FROM linked_spans_stamp").fetchall()
        if key is None or len(stored) != 1 or stored[0][0] != key:
            return None
        if db.execute("SELECT count(*) FROM linked_spans").fetchone()[0] != stored[0][1]:
            return None  # rows gone: a path without one would seem to claim nothing
        rows = []
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            rows += db.execute(f"SELECT path, spans FROM linked_spans WHERE path IN ({','.join('?' * len(chunk))})", chunk).fetchall()
    except sqlite3.Error:
        return None
    found: dict[str, list[list]] = {}
    for path, text in rows:
        try:
            spans = json.loads(text) if isinstance(path, str) and isinstance(text, str) else None
        except (ValueError, TypeError, RecursionError):
            return None
        if not _well_formed(spans):
            return None
        found[path] = spans
    return found


_NOTHING = type(None)
# Each column's types: first and last line, role, table, where a flow leads, the parser's message.
_COLUMNS = ({int}, {int}, {str}, {str, _NOTHING}, {str, _NOTHING}, {str, _NOTHING})


def _well_formed(spans: object) -> bool:
    """A list of lists of six, each column of its types (an int is not a bool), checked a column
    at a time: `map(type, ...)` runs in C, and a query at 849k lines reads 100,000 spans."""
    if not isinstance(spans, list) or set(map(type, spans)) - {list} or set(map(len, spans)) - {6}:
        return False
    return all(not set(map(type, column)) - wanted for column, wanted in zip(zip(*spans), _COLUMNS))
