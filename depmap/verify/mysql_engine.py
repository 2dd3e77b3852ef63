"""A throwaway MariaDB (or MySQL) server for `depmap verify`, and the user's own one (`--dsn mysql://...`).

The server is `mariadbd` (or `mysqld`) on a data folder that `mariadb-install-db` (or
`mysql_install_db`) initialises in a temporary folder. It listens only on a Unix socket in that
folder (`--skip-networking`), trusts every local client (`--skip-grant-tables`: the socket is
reachable only by this user), runs as `nobody` when depmap runs as root, with small buffers and
without durability (nothing in it has to survive a crash), and with the performance schema's
metadata-lock instrument on, which is how a second session sees the locks an ALTER takes. It is
stopped (SIGKILL: nothing is worth a clean shutdown) and deleted on every way out, through the same
guard as the throwaway PostgreSQL.

PyMySQL is an optional dependency (the `verify` extra), imported only when a MySQL database is
opened. `MySQLConnection` gives it the `execute()` the other engines' connections have, so the
shared code (schema, fill, backfill) speaks to all three the same way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from depmap.verify.engines import (INSTALL_DRIVER, Database, EngineFailed, EngineMissing, UnsafeDatabase, _guarded,
                                   _kill_processes_using, _refusal, _signals_blocked, _unprivileged_user)

INSTALL_MARIADB = "install MariaDB's server (Debian: apt-get install mariadb-server; macOS: brew install mariadb)"
DATABASE = "depmap"
START_TIMEOUT_S = 60

#: Programs tried, in order: MariaDB's names first, then MySQL's.
SERVERS = ("mariadbd", "mysqld")
INSTALLERS = ("mariadb-install-db", "mysql_install_db")
#: Where they live when they are not on PATH (Debian puts the server in /usr/sbin).
FOLDERS = ("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/local/mysql/bin",
           "/opt/homebrew/bin", "/opt/homebrew/sbin")

#: Server options. Durability is off for the reason the PostgreSQL engine gives; none of these
#: changes which algorithm an ALTER TABLE uses or which metadata locks it takes.
SERVER_OPTIONS: tuple[str, ...] = (
    "--skip-networking", "--skip-grant-tables", "--skip-log-bin", "--skip-name-resolve",
    "--innodb-buffer-pool-size=128M", "--innodb-log-file-size=64M", "--innodb-flush-log-at-trx-commit=0",
    "--innodb-doublewrite=0", "--sync-binlog=0", "--max-connections=30", "--max-allowed-packet=64M",
    "--performance-schema=ON", "--performance-schema-instrument=wait/lock/metadata/sql/mdl=ON",
    "--character-set-server=utf8mb4", "--collation-server=utf8mb4_bin", "--local-infile=0",
)


def find_server() -> tuple[Path, Path] | None:
    """The server program and the program that initialises a data folder: PATH first, then FOLDERS."""
    server = _find(SERVERS)
    installer = _find(INSTALLERS)
    return (server, installer) if server and installer else None


def _find(names: tuple[str, ...]) -> Path | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return Path(found)
    for folder in FOLDERS:
        for name in names:
            candidate = Path(folder) / name
            if os.access(candidate, os.X_OK) and candidate.is_file():
                return candidate
    return None


def _pymysql() -> Any:
    try:
        import pymysql
    except ImportError:
        raise EngineMissing(f"the MySQL driver PyMySQL is not installed: {INSTALL_DRIVER}") from None
    return pymysql


# -- connections ------------------------------------------------------------------------------


class MySQLConnection:
    """A PyMySQL connection with `execute()` returning its cursor, as psycopg's and sqlite3's do.
    Parameters are `%s` / `%(name)s`, as with psycopg; a context manager closes it."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, statement: str, parameters: Any = None) -> Any:
        cursor = self.raw.cursor()
        cursor.execute(statement, parameters)
        return cursor

    @property
    def autocommit(self) -> bool:
        return bool(self.raw.get_autocommit())

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        self.raw.autocommit(value)

    def commit(self) -> None:
        self.raw.commit()

    def rollback(self) -> None:
        self.raw.rollback()

    def thread_id(self) -> int:
        return int(self.raw.thread_id())

    def close(self) -> None:
        try:
            self.raw.close()
        except Exception:  # already closed, or the server went away: nothing left to release
            pass

    def __enter__(self) -> MySQLConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(dsn: str, *, autocommit: bool = False, timeout: int = 10) -> MySQLConnection:
    """A connection to `mysql://user:password@host:port/database?unix_socket=/path`."""
    pymysql = _pymysql()
    url = urlparse(dsn)
    query = parse_qs(url.query)
    options: dict[str, Any] = {
        "user": unquote(url.username or "root"), "password": unquote(url.password or ""),
        "database": unquote(url.path.lstrip("/")) or None, "autocommit": autocommit, "connect_timeout": timeout,
        "charset": "utf8mb4", "client_flag": pymysql.constants.CLIENT.MULTI_STATEMENTS,
    }
    if "unix_socket" in query:
        options["unix_socket"] = query["unix_socket"][0]
    else:
        options.update(host=url.hostname or "localhost", port=url.port or 3306)
    return MySQLConnection(pymysql.connect(**options))


def server_version(connection: MySQLConnection) -> tuple[int, ...]:
    """`10.11.19-MariaDB-0+deb12u1` -> (10, 11, 19)."""
    text = connection.execute("SELECT VERSION()").fetchone()[0]
    return tuple(int(part) for part in text.split("-", 1)[0].split(".") if part.isdigit())


# -- the throwaway server -----------------------------------------------------------------------


@contextmanager
def throwaway_mysql() -> Iterator[Database]:
    """A new MariaDB/MySQL server in a temporary folder, on a Unix socket only, deleted on exit."""
    _pymysql()
    found = find_server()
    if found is None:
        raise EngineMissing(f"MariaDB's mariadbd and mariadb-install-db (or MySQL's mysqld and mysql_install_db) were found "
                            f"neither on PATH nor in {', '.join(FOLDERS[:2])}: {INSTALL_MARIADB}")
    server = _Server(*found)
    with _guarded(server.stop):
        server.start()
        yield Database("mysql", server.version, server.dsn, opener=connect)


class _Server:
    def __init__(self, program: Path, installer: Path) -> None:
        self.program, self.installer = program, installer
        self.owner = _unprivileged_user() if os.geteuid() == 0 else None
        self.root: Path | None = None
        self.process: subprocess.Popen | None = None
        self.version: tuple[int, ...] = ()
        self.dsn = ""
        self.stopped = False

    def start(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="depmap-verify-mysql-"))
        self.data, self.tmp, self.log = self.root / "data", self.root / "tmp", self.root / "server.log"
        self.socket = self.root / "mysqld.sock"
        for folder in (self.data, self.tmp):
            folder.mkdir()
        if self.owner:
            for path in (self.root, self.data, self.tmp):
                os.chown(path, *self.owner)
        user = [f"--user={_user_name(self.owner)}"] if self.owner else []
        self._run([str(self.installer), "--no-defaults", f"--datadir={self.data}", "--auth-root-authentication-method=normal",
                   "--skip-test-db", "--skip-name-resolve", *user], "initialise a data folder")
        arguments = [str(self.program), "--no-defaults", f"--datadir={self.data}", f"--socket={self.socket}",
                     f"--pid-file={self.root / 'mysqld.pid'}", f"--tmpdir={self.tmp}", f"--log-error={self.log}",
                     *SERVER_OPTIONS, *user]
        self.process = subprocess.Popen(arguments, cwd=self.root, env=self._env(), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                        **self._as_owner())
        self.dsn = f"mysql://root@localhost/{DATABASE}?unix_socket={self.socket}"
        connection = self._wait_until_ready()
        with connection:
            connection.execute(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
            self.version = server_version(connection)

    def _wait_until_ready(self) -> MySQLConnection:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise EngineFailed(f"{self.program.name} stopped while starting: {self._last_log_line()}")
            if self.socket.exists():
                try:
                    return connect(f"mysql://root@localhost/?unix_socket={self.socket}", autocommit=True, timeout=5)
                except Exception:  # still starting: the socket exists before it accepts
                    pass
            if time.monotonic() > deadline:
                raise EngineFailed(f"{self.program.name} did not accept connections within {START_TIMEOUT_S} s: "
                                   f"{self._last_log_line()}")
            time.sleep(0.05)

    def stop(self) -> None:
        """Kill the server at once and delete the folder. Safe to call twice, and from a signal handler."""
        if self.stopped or self.root is None:
            return
        self.stopped = True
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        _kill_processes_using(self.data)
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, command: list[str], what: str) -> None:
        try:
            done = subprocess.run(command, cwd=self.root, env=self._env(), capture_output=True, text=True,
                                  errors="replace", timeout=START_TIMEOUT_S + 30, **self._as_owner())
        except (OSError, subprocess.SubprocessError) as error:
            raise EngineFailed(f"{Path(command[0]).name} could not {what}: {error}") from None
        if done.returncode != 0:
            lines = [line.strip() for line in (done.stdout + done.stderr).splitlines() if line.strip()]
            raise EngineFailed(f"{Path(command[0]).name} could not {what}: {lines[-1] if lines else done.returncode}")

    def _env(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if not name.startswith("MYSQL")}
        env.update(LC_ALL="C", LANG="C", HOME=str(self.root))
        return env

    def _as_owner(self) -> dict[str, Any]:
        return {"user": self.owner[0], "group": self.owner[1], "extra_groups": []} if self.owner else {}

    def _last_log_line(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        errors = [line.strip() for line in text.splitlines() if "[ERROR]" in line]
        return (errors or [line.strip() for line in text.splitlines() if line.strip()] or ["no log"])[-1]


def _user_name(owner: tuple[int, int] | None) -> str:
    import pwd

    return pwd.getpwuid(owner[0]).pw_name if owner else ""


# -- the user's own database ----------------------------------------------------------------


_TABLES = ("SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = DATABASE() "
           "ORDER BY table_name")


def is_mysql_dsn(dsn: str) -> bool:
    return dsn.startswith(("mysql:", "mariadb:"))


@contextmanager
def user_mysql_database(dsn: str, *, i_own_it: bool = False) -> Iterator[Database]:
    """A MariaDB/MySQL database the user provides: refused when it already holds tables (unless
    `i_own_it`); the tables and views that appeared meanwhile are dropped on exit."""
    pymysql = _pymysql()
    try:
        with connect(dsn, autocommit=True) as connection:
            if connection.execute("SELECT DATABASE()").fetchone()[0] is None:
                raise EngineFailed(f"{describe(dsn)} names no database: add it to the URL (mysql://user@host/database)")
            before = {tuple(row) for row in connection.execute(_TABLES)}
            version = server_version(connection)
    except pymysql.Error as error:
        raise EngineFailed(f"could not use {describe(dsn)}: {error_text(error)}") from None
    if before and not i_own_it:
        raise UnsafeDatabase(_refusal(describe(dsn), sorted(name for name, _ in before)))
    try:
        with _guarded():
            yield Database("mysql", version, dsn, opener=connect)
    finally:
        with _signals_blocked(), connect(dsn, autocommit=True) as connection:
            connection.execute("SET SESSION lock_wait_timeout = 10, foreign_key_checks = 0")
            created = {tuple(row) for row in connection.execute(_TABLES)} - before
            for name, kind in sorted(created, key=lambda item: item[1] != "VIEW"):
                try:
                    connection.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS {quote(name)}")
                except pymysql.Error:
                    continue


def describe(dsn: str) -> str:
    """The database a URL names, without its password."""
    url = urlparse(dsn)
    where = parse_qs(url.query).get("unix_socket", [None])[0] or f"{url.hostname or 'localhost'}" + (f":{url.port}" if url.port else "")
    return f"database {unquote(url.path.lstrip('/')) or '?'} on {where}"


def quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def error_text(error: BaseException) -> str:
    """PyMySQL's `(1136, "Column count doesn't match value count at row 1")` -> the message."""
    arguments = getattr(error, "args", ())
    if len(arguments) >= 2 and isinstance(arguments[0], int):
        return str(arguments[1]).strip().splitlines()[0] if str(arguments[1]).strip() else type(error).__name__
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
