"""The databases `depmap verify` runs on: a throwaway PostgreSQL or SQLite, or one the user hands over.

A throwaway PostgreSQL is a fresh `initdb` in a temporary folder, started by `pg_ctl` and reachable
only through a Unix socket in another temporary folder: no TCP port, no traffic beyond this
machine. It is stopped and deleted on every way out: a normal exit, an exception, Ctrl-C (SIGINT),
SIGTERM or SIGHUP, and at interpreter exit as a last resort. The user's own database is touched
only through `user_database`, which refuses one that already holds tables (unless told the user
owns it) and drops what verify created there.

psycopg is an optional dependency (the `verify` extra): it is imported only when a PostgreSQL
database is opened, so the rest of depmap never needs it.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

INSTALL_POSTGRES = "install PostgreSQL's server (Debian: apt-get install postgresql; macOS: brew install postgresql)"
INSTALL_DRIVER = 'pip install "depmap-sql[verify]"'

#: Where PostgreSQL's server programs live when they are not on PATH, in the order tried. A `*`
#: stands for a version number: the highest installed version wins.
INSTALL_FOLDERS: tuple[str, ...] = (
    "/usr/lib/postgresql/*/bin",  # Debian, Ubuntu
    "/usr/local/pgsql/bin",  # built from source
    "/opt/homebrew/opt/postgresql@*/bin",  # Homebrew on Apple silicon
    "/opt/homebrew/opt/postgresql/bin",
    "/usr/local/opt/postgresql@*/bin",  # Homebrew on Intel
    "/usr/local/opt/postgresql/bin",
)

SUPERUSER = "postgres"
START_TIMEOUT_S = 60

#: Settings of the throwaway server. Durability is switched off because the cluster is deleted
#: when verify ends: nothing in it has to survive a crash, and skipping fsync, full-page images,
#: commit flushes and (with wal_level=minimal) the WAL of bulk loads into new tables is what lets
#: a million rows load in seconds. None of these change which locks a statement takes or whether
#: it rewrites a table, which is what verify measures.
SERVER_SETTINGS: dict[str, str] = {
    "listen_addresses": "''",  # no TCP socket at all: the Unix socket below is the only way in
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "1GB",  # no checkpoint in the middle of a bulk load
    "shared_buffers": "128MB",
    "max_connections": "20",
    "logging_collector": "off",
}


class EngineMissing(Exception):
    """A database engine or its driver is not installed; the message says how to install it."""


class EngineFailed(EngineMissing):
    """The engine is installed but would not start. A kind of EngineMissing, so a caller that
    reports a missing engine reports this the same way (one line)."""


class UnsafeDatabase(Exception):
    """A database given with --dsn already holds tables depmap did not create."""


@dataclass(frozen=True)
class Database:
    """One database verify may write to, and how to reach it."""

    engine: str  # "postgres" | "sqlite" | "mysql"
    version: tuple[int, ...]  # (15, 8); sqlite3.sqlite_version_info for SQLite; (10, 11, 19) for MariaDB
    dsn: str  # libpq conninfo or URL for PostgreSQL, the file's path for SQLite, a mysql:// URL for MySQL
    # How to open a connection to an engine this module does not drive itself (MariaDB/MySQL:
    # mysql_engine.connect, given by the module that made the Database).
    opener: Callable[..., Any] | None = field(default=None, compare=False, repr=False)

    def connect(self, *, autocommit: bool = False, application_name: str = "depmap-verify") -> Any:
        """A new connection: psycopg.Connection for PostgreSQL, sqlite3.Connection for SQLite,
        mysql_engine.MySQLConnection for MariaDB/MySQL. The application name shows in
        pg_stat_activity, which is how a monitoring session tells verify's sessions apart."""
        if self.opener is not None:
            return self.opener(self.dsn, autocommit=autocommit)
        if self.engine == "sqlite":
            return sqlite3.connect(self.dsn, isolation_level=None if autocommit else "DEFERRED")
        # prepare_threshold=None: psycopg's own prepared statements stay off, else the first
        # "cached plan must not change result type" makes it send DEALLOCATE ALL, which also
        # drops the statements verify PREPAREd before the change.
        return _psycopg().connect(self.dsn, autocommit=autocommit, application_name=application_name, prepare_threshold=None)

    def label(self) -> str:
        if self.engine == "mysql":  # MariaDB numbers its releases from 10 on, MySQL stays below
            return f"{'MariaDB' if self.version[:1] >= (10,) else 'MySQL'} {'.'.join(map(str, self.version))}"
        name = {"postgres": "PostgreSQL", "sqlite": "SQLite"}[self.engine]
        return f"{name} {'.'.join(map(str, self.version))}"


# -- finding PostgreSQL -----------------------------------------------------------------------


def find_postgres() -> Path | None:
    """The folder holding PostgreSQL's `initdb` and `pg_ctl`: PATH first, then INSTALL_FOLDERS.
    A folder on PATH that only holds links (e.g. /usr/local/bin/initdb) gives the real folder."""
    on_path = shutil.which("initdb")
    if on_path:
        for folder in (Path(on_path).resolve().parent, Path(on_path).parent):
            if _has_server_programs(folder):
                return folder
    for pattern in INSTALL_FOLDERS:
        for folder in _by_version_descending(pattern):
            if _has_server_programs(folder):
                return folder
    return None


def _has_server_programs(folder: Path) -> bool:
    return all(os.access(folder / program, os.X_OK) for program in ("initdb", "pg_ctl"))


def _by_version_descending(pattern: str) -> list[Path]:
    """The folders matching `pattern`, the highest version (the `*` part) first."""
    prefix, star, suffix = pattern.partition("*")
    if not star:
        return [Path(pattern)]
    versions = []
    for match in glob.glob(pattern):
        text = match[len(prefix): len(match) - len(suffix)]
        if re.fullmatch(r"\d+(\.\d+)*", text):
            versions.append((tuple(int(part) for part in text.split(".")), Path(match)))
    return [folder for _, folder in sorted(versions, reverse=True)]


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise EngineMissing(f"the PostgreSQL driver psycopg is not installed: {INSTALL_DRIVER}") from None
    return psycopg


# -- stopping on every way out ------------------------------------------------------------------

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_live: list[Callable[[], None]] = []  # stops of the throwaway servers still running
_guards = 0  # open contexts that want SIGTERM/SIGHUP to unwind (run their `finally`)
_previous: dict[int, Any] = {}
_atexit_registered = False


@contextmanager
def _guarded(stop: Callable[[], None] | None = None) -> Iterator[None]:
    """While open, SIGINT, SIGTERM and SIGHUP raise (KeyboardInterrupt, or SystemExit(128 +
    signal)) so every `finally` runs, `stop` among them; SIGTERM and SIGHUP run every live server's
    `stop` first. `stop` also runs on normal exit, on exceptions and, failing all that, at exit."""
    global _guards, _atexit_registered
    if not _atexit_registered:
        atexit.register(_stop_all)
        _atexit_registered = True
    if stop:
        _live.append(stop)
    if _guards == 0:
        _install_handlers()
    _guards += 1
    try:
        yield
    finally:
        with _signals_blocked():  # a second Ctrl-C must not interrupt the clean-up itself
            _guards -= 1
            if stop:
                stop()
                if stop in _live:
                    _live.remove(stop)
            if _guards == 0:
                _restore_handlers()


def _install_handlers() -> None:
    for number in _STOP_SIGNALS:
        try:
            if signal.getsignal(number) != signal.SIG_IGN:  # e.g. SIGHUP under nohup stays ignored
                _previous[number] = signal.signal(number, _on_signal)
        except ValueError:  # not the main thread: `finally` and atexit still clean up
            return


def _restore_handlers() -> None:
    for number, handler in list(_previous.items()):
        try:
            signal.signal(number, handler)
        except ValueError:
            pass
        del _previous[number]


def _on_signal(number: int, frame: Any) -> None:
    """SIGTERM and SIGHUP stop the servers at once (an exception could still be swallowed), then
    become SystemExit so the `finally` of every open context runs on the way out. SIGINT only
    raises KeyboardInterrupt, as Python's own handler does, and the servers stop while it unwinds:
    psycopg answers Ctrl-C during a query by cancelling the query on the server, and a server
    already gone would turn the user's Ctrl-C into a connection error."""
    if number != signal.SIGINT:
        _stop_all()
    previous = _previous.get(number)
    if callable(previous):
        previous(number, frame)
    elif number == signal.SIGINT:
        raise KeyboardInterrupt
    else:
        raise SystemExit(128 + number)


def _stop_all() -> None:
    with _signals_blocked():
        for stop in reversed(list(_live)):
            stop()


@contextmanager
def _signals_blocked() -> Iterator[None]:
    try:
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    except (AttributeError, ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


# -- the throwaway PostgreSQL -------------------------------------------------------------------


@contextmanager
def throwaway_postgres(*, port: int | None = None) -> Iterator[Database]:
    """A new PostgreSQL cluster in a temporary folder, listening only on a Unix socket, deleted on
    exit. Root may not run PostgreSQL, so as root the server runs as the unprivileged `nobody`."""
    _psycopg()
    folder = find_postgres()
    if folder is None:
        raise EngineMissing(f"PostgreSQL's initdb and pg_ctl were found neither on PATH nor in "
                            f"/usr/lib/postgresql/*/bin, /usr/local/pgsql/bin or Homebrew: {INSTALL_POSTGRES}")
    server = _Server(folder, port or 5432)
    with _guarded(server.stop):
        server.start()
        yield Database("postgres", server.version, server.dsn)


class _Server:
    """One throwaway cluster: its folders, the user it runs as, and how to start and stop it."""

    def __init__(self, bin_folder: Path, port: int) -> None:
        self.bin, self.port = bin_folder, port
        self.owner = _unprivileged_user() if os.geteuid() == 0 else None
        self.root: Path | None = None
        self.version: tuple[int, ...] = ()
        self.dsn = ""
        self.stopped = False

    def start(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="depmap-verify-pg-"))
        self.data, sockets, self.log = self.root / "data", self.root / "socket", self.root / "server.log"
        sockets.mkdir()
        if self.owner:
            for path in (self.root, sockets):
                os.chown(path, *self.owner)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "--no-sync", "-E", "UTF8",
                  "--locale=C", "-U", SUPERUSER)
        settings = {**SERVER_SETTINGS, "port": str(self.port), "unix_socket_directories": f"'{sockets}'"}
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# depmap verify: a throwaway cluster\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(START_TIMEOUT_S))
        self.dsn = _psycopg().conninfo.make_conninfo(host=str(sockets), port=self.port, user=SUPERUSER, dbname="postgres")
        with _psycopg().connect(self.dsn, connect_timeout=10) as connection:
            self.version = _postgres_version(connection.info.server_version)

    def stop(self) -> None:
        """Stop at once (nothing in the cluster is worth a clean shutdown) and delete the folders.
        Safe to call twice, and from a signal handler."""
        if self.stopped or self.root is None:
            return
        self.stopped = True
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w", "-t", "30", check=False)
        _kill_processes_using(self.data)
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *arguments: str, check: bool = True) -> None:
        env = {name: value for name, value in os.environ.items() if not name.startswith("PG")}
        env.update(LC_ALL="C", LANG="C", HOME=str(self.root))
        owner = {"user": self.owner[0], "group": self.owner[1], "extra_groups": []} if self.owner else {}
        try:
            done = subprocess.run([str(self.bin / program), *arguments], cwd=self.root, env=env, capture_output=True,
                                  text=True, errors="replace", timeout=START_TIMEOUT_S + 30, **owner)
        except (OSError, subprocess.SubprocessError) as error:
            if not check:
                return
            raise EngineFailed(f"PostgreSQL's {program} could not run from {self.bin}: {error}") from None
        if check and done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            lines = [line.strip() for line in (done.stderr + log).splitlines() if line.strip()]
            reason = lines[-1] if lines else f"exit status {done.returncode}"
            raise EngineFailed(f"PostgreSQL's {program} failed in {self.bin}: {reason}")


def _postgres_version(number: int) -> tuple[int, ...]:
    """150008 -> (15, 8); before version 10 the second number was part of the major: 90624 -> (9, 6, 24)."""
    return (number // 10000, number % 10000) if number >= 100000 else (number // 10000, number // 100 % 100, number % 100)


def _unprivileged_user() -> tuple[int, int]:
    """The uid and gid of `nobody`, which runs the server when depmap runs as root."""
    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:
        raise EngineFailed("PostgreSQL refuses to run as root and there is no user 'nobody' to run it as: "
                           "run depmap verify as an ordinary user") from None
    return entry.pw_uid, entry.pw_gid


def _kill_processes_using(data: Path) -> None:
    """Kill any postmaster still started on `data` (its command line names the folder): one that
    pg_ctl could not stop, or one still starting when Ctrl-C came. Its children exit with it."""
    for pid in _processes_using(data):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            continue
    deadline = time.monotonic() + 5
    while _processes_using(data) and time.monotonic() < deadline:
        time.sleep(0.05)


def _processes_using(data: Path) -> list[int]:
    """The processes (other than this one) whose command line names `data`; none without /proc."""
    needle, found = str(data).encode(), []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if int(entry.name) != os.getpid() and needle in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except (OSError, ValueError):
            continue
    return found


# -- SQLite ---------------------------------------------------------------------------------


@contextmanager
def throwaway_sqlite() -> Iterator[Database]:
    """A new SQLite database file in a temporary folder (with its journal), removed on exit."""
    folder = Path(tempfile.mkdtemp(prefix="depmap-verify-sqlite-"))
    try:
        with _guarded():
            yield Database("sqlite", tuple(sqlite3.sqlite_version_info), str(folder / "verify.sqlite3"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- the user's own database ----------------------------------------------------------------


@contextmanager
def user_database(dsn: str, *, i_own_it: bool = False) -> Iterator[Database]:
    """A database the user provides (`--dsn`): a PostgreSQL conninfo/URL, or `sqlite:///path`
    (`mysql://user@host/database` is mysql_engine.user_mysql_database's, with the same refusal).
    Refused when its public schema already has tables, unless `i_own_it`; on exit, every schema,
    table, view, index, sequence, type, function and extension that appeared meanwhile is dropped.
    Changes to objects that were there before (with `i_own_it`) are not undone."""
    if dsn.startswith("sqlite:"):
        with _user_sqlite(_sqlite_path(dsn), i_own_it) as database:
            yield database
        return
    psycopg = _psycopg()
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=10, application_name="depmap-verify") as connection:
            number = connection.info.server_version
            tables = [row[0] for row in connection.execute(_PUBLIC_TABLES)]
            before = _postgres_objects(connection)
    except psycopg.Error as error:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise EngineFailed(f"could not use {_describe(dsn)}: {reason}") from None
    if tables and not i_own_it:
        raise UnsafeDatabase(_refusal(_describe(dsn), tables))
    version = _postgres_version(number)
    try:
        with _guarded():
            yield Database("postgres", version, dsn)
    finally:
        with _signals_blocked(), psycopg.connect(dsn, autocommit=True, connect_timeout=10) as connection:
            connection.execute("SET lock_timeout = '10s'")  # a session left open must not hang the way out
            created = _postgres_objects(connection).items() - before.items()
            for _, (kind, name) in sorted(created, key=lambda item: _DROP_ORDER.index(item[1][0])):
                try:
                    connection.execute(f"DROP {kind} IF EXISTS {name} CASCADE")
                except psycopg.Error:
                    continue  # gone with an earlier CASCADE, or an index that backs a constraint


_PUBLIC_TABLES = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname
"""

# Every object verify can create, keyed by catalog and oid, with what DROP needs: schemas first,
# so their contents go with them, then relations, functions, types and extensions.
_OBJECTS = """
SELECT 'n' || oid, 'SCHEMA', quote_ident(nspname) FROM pg_namespace
 WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
UNION ALL
SELECT 'c' || c.oid, CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
       WHEN 'i' THEN 'INDEX' WHEN 'I' THEN 'INDEX' WHEN 'c' THEN 'TYPE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
       c.oid::regclass::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND c.relkind <> 't'
UNION ALL
SELECT 'p' || p.oid, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, p.oid::regprocedure::text
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
   AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 't' || t.oid, CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype::text
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND t.typtype IN ('e', 'd', 'r')
UNION ALL
SELECT 'x' || oid, 'EXTENSION', quote_ident(extname) FROM pg_extension
"""


_DROP_ORDER = ("SCHEMA", "MATERIALIZED VIEW", "VIEW", "FOREIGN TABLE", "TABLE", "INDEX", "SEQUENCE",
               "PROCEDURE", "AGGREGATE", "FUNCTION", "DOMAIN", "TYPE", "EXTENSION")


def _postgres_objects(connection: Any) -> dict[str, tuple[str, str]]:
    return {key: (kind, name) for key, kind, name in connection.execute(_OBJECTS)}


def _describe(dsn: str) -> str:
    """The database a DSN names, without its password."""
    try:
        parts = _psycopg().conninfo.conninfo_to_dict(dsn)
    except Exception:
        return "the database given with --dsn"
    where = parts.get("host") or "localhost"
    return f"database {parts.get('dbname') or parts.get('user') or '?'} on {where}" + (f":{parts['port']}" if parts.get("port") else "")


def _refusal(database: str, tables: list[str]) -> str:
    shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
    return (f"{database} already has {len(tables)} table{'s' if len(tables) != 1 else ''} ({shown}): verify creates and "
            f"drops tables there, so give it an empty, disposable database, or --i-own-this-database to use this one anyway")


def _sqlite_path(dsn: str) -> Path:
    """`sqlite:///relative.db` or `sqlite:////absolute/path.db`, as SQLAlchemy writes them."""
    rest = dsn.removeprefix("sqlite:").removeprefix("//")
    return Path(rest[1:] if rest.startswith("/") else rest)


_SQLITE_OBJECTS = "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"


@contextmanager
def _user_sqlite(path: Path, i_own_it: bool) -> Iterator[Database]:
    existed = path.exists()
    try:
        connection = sqlite3.connect(path)
        before = set(connection.execute(_SQLITE_OBJECTS))
        connection.close()
    except sqlite3.Error as error:
        raise EngineFailed(f"could not open SQLite database {path}: {error}") from None
    tables = sorted(name for kind, name in before if kind in ("table", "view"))
    if tables and not i_own_it:
        raise UnsafeDatabase(_refusal(f"SQLite database {path}", tables))
    try:
        with _guarded():
            yield Database("sqlite", tuple(sqlite3.sqlite_version_info), str(path))
    finally:
        if not existed:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            connection = sqlite3.connect(path, isolation_level=None)
            now = set(connection.execute(_SQLITE_OBJECTS))
            for kind, name in sorted(now - before, key=lambda item: ("trigger", "view", "index", "table").index(item[0])):
                connection.execute(f'DROP {kind.upper()} IF EXISTS "{name.replace(chr(34), chr(34) * 2)}"')
            connection.close()
