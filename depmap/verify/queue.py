"""The lock queue, measured: what a waiting ALTER does to the queries behind it (PostgreSQL).

Three sessions, as in production during a deploy:
1. a long transaction that has read the table and not finished (an idle-in-transaction request,
   a report), holding ACCESS SHARE;
2. the ALTER, which needs ACCESS EXCLUSIVE and so waits for (1);
3. a plain SELECT of the table, arriving while (2) waits: PostgreSQL queues it behind (2), so it
   waits for (1) too, although (1) alone would never block it.
Run once as written and once after `SET lock_timeout`: with the timeout the ALTER gives up and
the SELECT goes through after at most that long. A statement that takes a weaker lock (CREATE
INDEX's SHARE, a foreign key's SHARE ROW EXCLUSIVE) waits for writers, not readers, and blocks
writers: then (1) is a transaction that wrote to the table and (3) a write (`writers=True`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from depmap.verify.schema_apply import error_message

_WAITING = "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = to_regclass(%s)"


@dataclass(frozen=True)
class QueueRun:
    lock_timeout_ms: int | None
    held_ms: int  # how long the long transaction held its lock
    alter_error: str | None  # the ALTER's error (a lock timeout), or None when it ran
    select_waited_ms: float  # how long the query behind the ALTER waited
    probe: str = "SELECT"  # the query that arrived behind it: "SELECT" (a reader) or "write"

    def to_json(self) -> dict[str, Any]:
        return {"lock_timeout_ms": self.lock_timeout_ms, "held_ms": self.held_ms, "alter_error": self.alter_error,
                "select_waited_ms": round(self.select_waited_ms, 1), "probe": self.probe}


def lock_queue(db: Any, table: str, alter: str, *, held_ms: int = 600, lock_timeout_ms: int | None = None,
               writers: bool = False) -> QueueRun:
    """One run of the three sessions; the ALTER is rolled back whatever happens."""
    import psycopg

    outcome: dict[str, Any] = {}
    with db.connect(autocommit=True) as holder, db.connect(autocommit=True) as altering, \
            db.connect(autocommit=True) as reader, db.connect(autocommit=True) as watcher:
        touch = f"DELETE FROM {table} WHERE false"  # a write's ROW EXCLUSIVE lock, no row changed
        holder.execute("BEGIN")
        holder.execute(touch if writers else f"SELECT 1 FROM {table} LIMIT 1")

        def run_alter() -> None:
            try:
                altering.execute("BEGIN")
                if lock_timeout_ms is not None:
                    altering.execute(f"SET LOCAL lock_timeout = '{int(lock_timeout_ms)}ms'")
                altering.execute(alter)
                outcome["alter"] = None
            except psycopg.Error as error:
                outcome["alter"] = error_message(error)
            finally:
                altering.execute("ROLLBACK")

        def run_select() -> None:
            started = time.perf_counter()
            reader.execute(touch if writers else f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1) AS one")
            outcome["select"] = (time.perf_counter() - started) * 1000

        alter_thread = threading.Thread(target=run_alter)
        alter_thread.start()
        _wait_for_waiters(watcher, table, 1, alter_thread)
        select_thread = threading.Thread(target=run_select)
        select_thread.start()
        time.sleep(held_ms / 1000)
        holder.execute("ROLLBACK")
        alter_thread.join(timeout=60)
        select_thread.join(timeout=60)
    return QueueRun(lock_timeout_ms, held_ms, outcome.get("alter"), outcome.get("select", float("nan")),
                    "write" if writers else "SELECT")


def lock_queues(db: Any, table: str, statement: str, lock_timeout_ms: int, *, writers: bool = False) -> list[QueueRun]:
    """The queue measured twice: as written, then with the lock timeout."""
    return [lock_queue(db, table, statement, writers=writers),
            lock_queue(db, table, statement, lock_timeout_ms=lock_timeout_ms, writers=writers)]


def _wait_for_waiters(conn: Any, table: str, count: int, thread: threading.Thread, limit_s: float = 10.0) -> None:
    """Until `count` sessions wait for a lock on the table (or the ALTER already ended)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and thread.is_alive():
        if conn.execute(_WAITING, (table,)).fetchone()[0] >= count:
            return
        time.sleep(0.005)
