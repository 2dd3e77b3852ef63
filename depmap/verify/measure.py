"""Run schema statements on a real engine and measure what each did to the table.

PostgreSQL: each statement runs in a transaction of its own, and before it commits the same
session reads what the statement left behind:
- the locks its transaction holds (`pg_locks` of its own backend, on the project's relations):
  the exact modes, not a sample a fast statement could slip between;
- whether the table was rewritten (its `relfilenode` changed);
- how many rows a sequential scan read inside the transaction (`pg_stat_xact_user_tables`),
  which tells a validation scan (a CHECK, SET NOT NULL, a UNIQUE index build) from a change to
  the catalog only;
- its duration, and the engine's error if it failed.
Statements PostgreSQL refuses in a transaction block (CONCURRENTLY) run on their own, with
duration and error only. `keep=False` rolls every statement back: the proposal as written is
measured on the same data as the plan that follows it.

SQLite: the duration, the error, and whether the table's b-tree moved (`rootpage`).
MariaDB/MySQL: `mysql_measure`, into the same Measurement (with the ALTER's algorithm).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any, Iterable

from depmap.verify.schema_apply import error_message

_OUTSIDE_TRANSACTION = re.compile(r"\bCONCURRENTLY\b|^\s*VACUUM\b", re.I)
_LOCKS = """
SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END, l.mode
FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = pg_backend_pid() AND l.granted AND left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema'
ORDER BY 1, 2
"""
# Strongest first: the PostgreSQL table-level lock modes (explicit-locking.html), then MariaDB/MySQL's
# metadata lock types (performance_schema.metadata_locks.LOCK_TYPE, with MariaDB's MDL_ prefix).
LOCK_MODES = ("AccessExclusiveLock", "ExclusiveLock", "ShareRowExclusiveLock", "ShareLock",
              "ShareUpdateExclusiveLock", "RowExclusiveLock", "RowShareLock", "AccessShareLock",
              "MDL_EXCLUSIVE", "MDL_SHARED_NO_READ_WRITE", "MDL_SHARED_NO_WRITE", "MDL_SHARED_UPGRADABLE",
              "MDL_SHARED_WRITE", "MDL_SHARED_READ", "MDL_SHARED")
# What each mode blocks, in the words of the PostgreSQL manual's conflict table.
BLOCKS = {"AccessExclusiveLock": "reads and writes", "ExclusiveLock": "writes", "ShareRowExclusiveLock": "writes",
          "ShareLock": "writes", "ShareUpdateExclusiveLock": "other schema changes and VACUUM",
          "RowExclusiveLock": "SHARE and stronger locks", "RowShareLock": "EXCLUSIVE locks", "AccessShareLock": "ACCESS EXCLUSIVE locks",
          "MDL_EXCLUSIVE": "reads and writes", "MDL_SHARED_NO_READ_WRITE": "reads and writes", "MDL_SHARED_NO_WRITE": "writes",
          "MDL_SHARED_UPGRADABLE": "other schema changes"}


@dataclass(frozen=True)
class Measurement:
    statement: str
    seconds: float
    error: str | None = None
    rewrote: bool | None = None  # None: not measurable here
    rows_read: int | None = None  # rows sequential scans read on the table within the statement
    locks: tuple[tuple[str, str], ...] = ()  # (relation, mode) held when the statement ended
    transaction: bool = True  # ran in a transaction of its own (False: CONCURRENTLY and the like)
    algorithm: str | None = None  # MariaDB/MySQL: INSTANT, INPLACE or COPY, the one the ALTER could use

    @property
    def scanned(self) -> bool | None:
        """Read every row without rewriting the table (a validation)."""
        if self.rows_read is None or self.rewrote is None:
            return None
        return self.rows_read > 0 and not self.rewrote

    def strongest_lock(self, table: str) -> str | None:
        modes = {mode for relation, mode in self.locks if relation == table}
        return next((mode for mode in LOCK_MODES if mode in modes), None)

    def to_json(self) -> dict[str, Any]:
        return {"statement": self.statement, "seconds": round(self.seconds, 4), "error": self.error,
                "rewrote": self.rewrote, "rows_read": self.rows_read,
                "locks": [{"relation": relation, "mode": mode} for relation, mode in self.locks],
                "transaction": self.transaction} | ({"algorithm": self.algorithm} if self.algorithm else {})


def measure_postgres(conn: Any, statements: Iterable[str], table: str, *, keep: bool = True) -> list[Measurement]:
    """Each statement measured in its own transaction, committed (`keep`) or rolled back."""
    conn.autocommit = True
    results = []
    for statement in statements:
        if _OUTSIDE_TRANSACTION.search(statement):
            results.append(_timed_alone(conn, statement))
            continue
        results.append(_in_transaction(conn, statement, table, keep))
    return results


def _in_transaction(conn: Any, statement: str, table: str, keep: bool) -> Measurement:
    import psycopg

    with conn.cursor() as cur:
        cur.execute("BEGIN")
        try:
            before = _storage(cur, table)
            read_before = _rows_read(cur, table)
            started = time.perf_counter()
            cur.execute(statement)
            seconds = time.perf_counter() - started
            after = _storage(cur, table)
            read = _rows_read(cur, table) - read_before
            locks = tuple(cur.execute(_LOCKS).fetchall())
        except psycopg.Error as error:
            cur.execute("ROLLBACK")
            return Measurement(statement, 0.0, error=error_message(error))
        cur.execute("COMMIT" if keep else "ROLLBACK")
    return Measurement(statement, seconds, rewrote=before is not None and after != before, rows_read=read, locks=locks)


def _timed_alone(conn: Any, statement: str) -> Measurement:
    import psycopg

    started = time.perf_counter()
    try:
        conn.execute(statement)
    except psycopg.Error as error:
        return Measurement(statement, time.perf_counter() - started, error=error_message(error), transaction=False)
    return Measurement(statement, time.perf_counter() - started, transaction=False)


def _storage(cur: Any, table: str) -> int | None:
    row = cur.execute("SELECT relfilenode FROM pg_class WHERE oid = to_regclass(%s)", (table,)).fetchone()
    return row[0] if row else None


def _rows_read(cur: Any, table: str) -> int:
    row = cur.execute("SELECT coalesce(seq_tup_read, 0) FROM pg_stat_xact_user_tables WHERE relid = to_regclass(%s)",
                      (table,)).fetchone()
    return int(row[0]) if row else 0


def measure_sqlite(conn: Any, statements: Iterable[str], table: str, *, keep: bool = True) -> list[Measurement]:
    """Each statement in its own transaction: duration, error, and whether the b-tree moved."""
    import sqlite3

    from depmap.impact.sqlite_rebuild import SEPARATOR

    conn.isolation_level = None  # explicit BEGIN/COMMIT: ALTER TABLE is transactional in SQLite
    results = []
    for statement in statements:
        if SEPARATOR in statement:
            results.append(_sqlite_script(conn, statement, table, keep))
            continue
        conn.execute("BEGIN")
        before = _rootpage(conn, table)
        started = time.perf_counter()
        try:
            conn.execute(statement)
        except sqlite3.Error as error:
            conn.execute("ROLLBACK")
            results.append(Measurement(statement, time.perf_counter() - started, error=error_message(error)))
            continue
        seconds = time.perf_counter() - started
        after = _rootpage(conn, table)
        conn.execute("COMMIT" if keep else "ROLLBACK")
        results.append(Measurement(statement, seconds, rewrote=before is not None and after != before))
    return results


def _sqlite_script(conn: Any, script: str, table: str, keep: bool) -> Measurement:
    """A script with its own BEGIN and COMMIT (SQLite's rebuild of a table), measured whole: the
    b-tree is compared just before its COMMIT, which becomes a ROLLBACK unless `keep`. A failed
    PRAGMA foreign_key_check fails it, as the procedure says; foreign keys are put back as they were."""
    import sqlite3

    from depmap.impact.sqlite_rebuild import split

    foreign_keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    before, after = _rootpage(conn, table), None
    started = time.perf_counter()
    try:
        for part in split(script):
            if part.strip().upper() == "COMMIT":
                after = _rootpage(conn, table)
                conn.execute("COMMIT" if keep else "ROLLBACK")
                continue
            rows = conn.execute(part).fetchall()
            if part.strip().upper() == "PRAGMA FOREIGN_KEY_CHECK" and rows:
                raise sqlite3.IntegrityError(f"PRAGMA foreign_key_check found {len(rows)} row(s) whose parent is missing")
    except sqlite3.Error as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        return Measurement(script, time.perf_counter() - started, error=error_message(error))
    finally:
        conn.execute(f"PRAGMA foreign_keys = {foreign_keys}")
    return Measurement(script, time.perf_counter() - started, rewrote=before is not None and after is not None and after != before)


def _rootpage(conn: Any, table: str) -> int | None:
    row = conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    return row[0] if row else None
