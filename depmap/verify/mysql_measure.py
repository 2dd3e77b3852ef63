"""Run schema statements on MariaDB/MySQL and measure what each did to the table.

DDL is not transactional there (an ALTER TABLE commits), so the PostgreSQL way, reading the
statement's traces before its transaction ends, has no equivalent. Instead, for each ALTER TABLE:
- the algorithm InnoDB can use is found the way a DBA finds it: the statement is tried with
  `ALGORITHM=INSTANT`, then `ALGORITHM=INPLACE` (each refused at once when impossible, before any
  row is touched), then as written, which leaves only COPY;
- whether the table was rebuilt: its InnoDB table id (information_schema.INNODB_SYS_TABLES on
  MariaDB, INNODB_TABLES on MySQL) changes when the table is rebuilt, in place or by copy;
- rows read: the rows a COPY read (the session's Handler_read_rnd_next), or, for an in-place index
  build that did not rebuild, the table's rows, which that build reads by definition;
- the metadata locks it held: a second session samples performance_schema.metadata_locks for the
  ALTER's thread while it runs. MariaDB 10.11 shows a ticket with the type it was first granted
  (SHARED_UPGRADABLE for every ALTER), not the SHARED_NO_WRITE or EXCLUSIVE it is upgraded to, so
  the sample says which locks the ALTER took, not how far they went: the lock queue
  (`mysql_queue`) is what proves that it waits for, and blocks, the table's readers;
- its duration, and the engine's error.
`keep=False` undoes what the statement added (its foreign keys, columns, indexes and checks),
which stands in for the rollback: the proposal is measured on the same table as the plan.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any, Iterable

from depmap.verify.measure import Measurement
from depmap.verify.mysql_engine import error_text, quote

ALGORITHMS = ("INSTANT", "INPLACE")
# ER_ALTER_OPERATION_NOT_SUPPORTED and ..._REASON: "ALGORITHM=INSTANT is not supported ...".
NOT_SUPPORTED = (1845, 1846)
_ALTER = re.compile(r"^\s*ALTER\s+TABLE\b", re.I)
_HAS_ALGORITHM = re.compile(r"\bALGORITHM\s*=\s*(\w+)", re.I)
_SCHEMA_CHANGE = re.compile(r"^\s*(ALTER\s+TABLE|CREATE\s+(UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX|DROP\s+INDEX)\b", re.I)
_TABLE_ID = {True: "SELECT table_id FROM information_schema.innodb_sys_tables WHERE name = CONCAT(DATABASE(), '/', %s)",
             False: "SELECT table_id FROM information_schema.innodb_tables WHERE name = CONCAT(DATABASE(), '/', %s)"}
_LOCKS = """
SELECT DISTINCT lock_type FROM performance_schema.metadata_locks
WHERE owner_thread_id = %s AND object_schema = DATABASE() AND object_name = %s AND lock_status = 'GRANTED'
"""


def measure_mysql(db: Any, statements: Iterable[str], table: str, *, keep: bool = True) -> list[Measurement]:
    """Each statement measured on its own; what a statement added is undone unless `keep`."""
    results = []
    with db.connect(autocommit=True) as conn, db.connect(autocommit=True) as watcher:
        mariadb = db.version[:1] >= (10,)
        for statement in statements:
            text = statement.strip().rstrip(";")
            before = table_objects(conn, table) if not keep else None
            results.append(_measured(conn, watcher, text, table, mariadb))
            if before is not None:
                undo(conn, table, before)
    return results


def _measured(conn: Any, watcher: Any, statement: str, table: str, mariadb: bool) -> Measurement:
    import pymysql

    rows = _count(conn, table)
    indexes = _index_names(conn, table)
    identity = _table_id(conn, table, mariadb)
    written = _HAS_ALGORITHM.search(statement)
    attempts = [(f"{statement}, ALGORITHM={a}", a) for a in ALGORITHMS] if _is_plain_alter(statement) else []
    as_written = written.group(1).upper() if written and written.group(1).upper() in ("INSTANT", "INPLACE", "COPY") else None
    attempts.append((statement, "COPY" if attempts else as_written))
    sampler = _LockSampler(watcher, _thread_id(conn), table)
    for text, algorithm in attempts:
        read_before = _rows_read(conn)
        sampler.start()
        started = time.perf_counter()
        try:
            conn.execute(text)
        except pymysql.Error as error:
            seconds = time.perf_counter() - started
            sampler.stop()
            if error.args and error.args[0] in NOT_SUPPORTED and text != statement:
                continue
            return Measurement(statement, seconds, error=error_text(error))
        seconds = time.perf_counter() - started
        sampler.stop()
        if _SCHEMA_CHANGE.match(statement) is None:  # SET, UPDATE, ...: no table to rebuild
            return Measurement(statement, seconds)
        read = _rows_read(conn) - read_before
        rebuilt = None if identity is None else _table_id(conn, table, mariadb) != identity
        if algorithm in ("INPLACE", None) and not rebuilt and _index_names(conn, table) - indexes:
            read = rows  # an in-place index build reads every row of the table, outside the handler counters
        return Measurement(statement, seconds, rewrote=rebuilt, rows_read=read,
                           locks=tuple((table, f"MDL_{mode}") for mode in sampler.modes()), algorithm=algorithm)
    raise AssertionError("the statement as written is always the last attempt")


def _is_plain_alter(statement: str) -> bool:
    return _ALTER.match(statement) is not None and _HAS_ALGORITHM.search(statement) is None


def _table_id(conn: Any, table: str, mariadb: bool) -> int | None:
    try:
        row = conn.execute(_TABLE_ID[mariadb], (table,)).fetchone()
    except Exception:  # a server without the InnoDB information_schema tables
        return None
    return int(row[0]) if row else None


def _count(conn: Any, table: str) -> int:
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {quote(table)}").fetchone()[0])
    except Exception:  # a statement on a table that does not exist yet: it reports its own error
        return 0


def _rows_read(conn: Any) -> int:
    row = conn.execute("SHOW SESSION STATUS LIKE 'Handler_read_rnd_next'").fetchone()
    return int(row[1]) if row else 0


def _thread_id(conn: Any) -> int | None:
    try:
        row = conn.execute("SELECT thread_id FROM performance_schema.threads WHERE processlist_id = CONNECTION_ID()").fetchone()
    except Exception:  # performance_schema is off (a server the user gave)
        return None
    return int(row[0]) if row else None


class _LockSampler:
    """Polls the ALTER's granted metadata locks on the table from a second session."""

    def __init__(self, watcher: Any, thread_id: int | None, table: str) -> None:
        self.watcher, self.thread_id, self.table = watcher, thread_id, table
        self.seen: set[str] = set()
        self.running = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if self.thread_id is None:
            return
        self.running.set()
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()

    def _poll(self) -> None:
        while self.running.is_set():
            try:
                self.seen.update(row[0] for row in self.watcher.execute(_LOCKS, (self.thread_id, self.table)).fetchall())
            except Exception:  # the sampler never fails a measurement
                return
            time.sleep(0.0005)

    def stop(self) -> None:
        self.running.clear()
        if self.thread is not None:
            self.thread.join(timeout=10)
            self.thread = None

    def modes(self) -> list[str]:
        return sorted(self.seen)


# -- undoing a statement ---------------------------------------------------------------------


def table_objects(conn: Any, table: str) -> dict[str, set[str]]:
    """The table's columns, indexes, foreign keys and checks, by name."""
    def names(query: str) -> set[str]:
        return {str(row[0]) for row in conn.execute(query, (table,)).fetchall()}

    return {
        "columns": names("SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = %s"),
        "indexes": _index_names(conn, table),
        "foreign_keys": names("SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = DATABASE() "
                              "AND table_name = %s AND constraint_type = 'FOREIGN KEY'"),
        "checks": names("SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = DATABASE() "
                        "AND table_name = %s AND constraint_type = 'CHECK'"),
    }


def _index_names(conn: Any, table: str) -> set[str]:
    rows = conn.execute("SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() "
                        "AND table_name = %s", (table,)).fetchall()
    return {str(row[0]) for row in rows}


def undo(conn: Any, table: str, before: dict[str, set[str]]) -> None:
    """Drop what appeared on the table since `before`: foreign keys first (they pin their
    columns' indexes), then columns (with their indexes and checks), then the rest."""
    now = table_objects(conn, table)
    _alter_each(conn, table, [f"DROP FOREIGN KEY {quote(n)}" for n in sorted(now["foreign_keys"] - before["foreign_keys"])]
                + [f"DROP COLUMN {quote(n)}" for n in sorted(now["columns"] - before["columns"])])
    now = table_objects(conn, table)
    _alter_each(conn, table, [f"DROP INDEX {quote(n)}" for n in sorted(now["indexes"] - before["indexes"])]
                + [f"DROP CONSTRAINT {quote(n)}" for n in sorted(now["checks"] - before["checks"])])


def _alter_each(conn: Any, table: str, clauses: list[str]) -> None:
    """Each clause in its own ALTER TABLE; one the server refuses (gone with an earlier one) is skipped."""
    import pymysql

    for clause in clauses:
        try:
            conn.execute(f"ALTER TABLE {quote(table)} {clause}")
        except pymysql.Error:
            continue
