"""The lock queue on MariaDB/MySQL: what a waiting ALTER does to the queries behind it.

The same three sessions as `queue` measures on PostgreSQL: a transaction that has read the table
and not finished holds a shared metadata lock; the ALTER needs an exclusive one (every ALTER TABLE
does, at least at its start and end, INSTANT included) and waits; a plain SELECT that arrives then
queues behind the waiting ALTER, because a pending exclusive metadata lock goes first. Measured as
written and with `lock_wait_timeout`, which is in whole seconds there. An ALTER that ran is undone.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from depmap.verify.mysql_engine import error_text, quote
from depmap.verify.mysql_measure import table_objects, undo
from depmap.verify.queue import QueueRun

HELD_MS = 1500  # longer than the shortest lock_wait_timeout (1 s), so the bounded run shows the difference
_WAITING = ("SELECT COUNT(*) FROM information_schema.processlist WHERE id = %s AND state LIKE 'Waiting for table metadata lock%%'")


def lock_queue(db: Any, table: str, alter: str, *, held_ms: int = HELD_MS, lock_timeout_s: int | None = None,
               restore: tuple[str, ...] | None = None) -> QueueRun:
    """One run of the queue; an ALTER that ran is undone by name (what it added), or by `restore`."""
    import pymysql

    outcome: dict[str, Any] = {}
    with db.connect(autocommit=True) as holder, db.connect(autocommit=True) as altering, \
            db.connect(autocommit=True) as reader, db.connect(autocommit=True) as watcher:
        before = table_objects(watcher, table)
        holder.execute("BEGIN")
        holder.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
        if lock_timeout_s is not None:
            altering.execute(f"SET SESSION lock_wait_timeout = {int(lock_timeout_s)}")

        def run_alter() -> None:
            try:
                altering.execute(alter)
                outcome["alter"] = None
            except pymysql.Error as error:
                outcome["alter"] = error_text(error)

        def run_select() -> None:
            started = time.perf_counter()
            reader.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {quote(table)} LIMIT 1) AS one").fetchall()
            outcome["select"] = (time.perf_counter() - started) * 1000

        alter_thread = threading.Thread(target=run_alter)
        alter_thread.start()
        _wait_for_waiter(watcher, altering.thread_id(), alter_thread)
        select_thread = threading.Thread(target=run_select)
        select_thread.start()
        time.sleep(held_ms / 1000)
        holder.execute("ROLLBACK")
        alter_thread.join(timeout=120)
        select_thread.join(timeout=120)
        if restore is None:
            undo(watcher, table, before)
        elif outcome.get("alter") is None:
            for statement in restore:
                watcher.execute(statement)
    timeout_ms = None if lock_timeout_s is None else lock_timeout_s * 1000
    return QueueRun(timeout_ms, held_ms, outcome.get("alter"), outcome.get("select", float("nan")))


def lock_queues(db: Any, table: str, statement: str, lock_timeout_ms: int,
                restore: tuple[str, ...] | None = None) -> list[QueueRun]:
    """As written, then with `lock_wait_timeout` (the requested milliseconds, rounded up to seconds)."""
    seconds = max(1, math.ceil(lock_timeout_ms / 1000))
    return [lock_queue(db, table, statement, restore=restore),
            lock_queue(db, table, statement, lock_timeout_s=seconds, restore=restore)]


def _wait_for_waiter(conn: Any, thread_id: int, thread: threading.Thread, limit_s: float = 10.0) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and thread.is_alive():
        if conn.execute(_WAITING, (thread_id,)).fetchone()[0]:
            return
        time.sleep(0.005)
