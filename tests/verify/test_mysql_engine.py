"""The throwaway MariaDB on a real server: what it is, that it works, that nothing outlives it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest

from depmap.verify import mysql_engine
from depmap.verify.engines import EngineMissing, UnsafeDatabase
from depmap.verify.mysql_engine import find_server, throwaway_mysql, user_mysql_database as user_database
from tests.verify.test_engines import leftover_processes, running

REPO = Path(__file__).resolve().parents[2]


def server_files(database) -> tuple[Path, int]:
    """The server's temporary folder and its process id."""
    with database.connect() as connection:
        data = connection.execute("SELECT @@datadir").fetchone()[0]
        pid = int(Path(connection.execute("SELECT @@pid_file").fetchone()[0]).read_text().split()[0])
    return Path(data).parent, pid


def test_mariadb_is_a_throwaway_server_reachable_only_through_its_socket(mariadb):
    with mariadb.connect() as connection:
        assert connection.execute("SELECT 6 * 7").fetchone() == (42,)
        settings = connection.execute(
            "SELECT @@skip_networking, @@port, @@socket, @@innodb_flush_log_at_trx_commit, @@performance_schema, "
            "@@character_set_server, DATABASE()").fetchone()
        instrument = connection.execute("SELECT enabled FROM performance_schema.setup_instruments "
                                        "WHERE name = 'wait/lock/metadata/sql/mdl'").fetchone()
    skip_networking, port, socket, flush, performance_schema, charset, database = settings
    assert (skip_networking, port, flush, performance_schema, charset, database) == (1, 0, 0, 1, "utf8mb4", "depmap")
    assert Path(socket).is_socket() and Path(socket).parent.name.startswith("depmap-verify-mysql-")
    assert mariadb.dsn == f"mysql://root@localhost/depmap?unix_socket={socket}"
    assert instrument == ("YES",)


def test_mariadb_reports_the_version_of_the_installed_server(mariadb):
    with mariadb.connect() as connection:
        version = connection.execute("SELECT VERSION()").fetchone()[0]
    assert version.startswith(".".join(map(str, mariadb.version)) + "-")
    assert mariadb.label() == f"MariaDB {'.'.join(map(str, mariadb.version))}"
    assert replace(mariadb, version=(8, 0, 36)).label() == "MySQL 8.0.36"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the server to an unprivileged user")
def test_as_root_the_server_runs_as_nobody(mariadb):
    folder, pid = server_files(mariadb)
    owner = Path(f"/proc/{pid}/status").read_text().split("Uid:")[1].split()[0]
    import pwd

    assert int(owner) == pwd.getpwnam("nobody").pw_uid
    assert folder.stat().st_uid == pwd.getpwnam("nobody").pw_uid


def test_mariadb_is_stopped_and_deleted_on_a_normal_exit():
    with throwaway_mysql() as database:
        folder, pid = server_files(database)
        assert running(pid) and leftover_processes(str(folder / "data")) != []
    assert not folder.exists()
    assert leftover_processes(str(folder / "data")) == []
    assert not running(pid)


def test_mariadb_is_stopped_and_deleted_when_the_body_raises():
    with pytest.raises(ZeroDivisionError):
        with throwaway_mysql() as database:
            folder, pid = server_files(database)
            1 / 0
    assert not folder.exists()
    assert not running(pid)


CHILD = textwrap.dedent("""
    import json, signal, sys, time
    from pathlib import Path
    from depmap.verify.mysql_engine import throwaway_mysql

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with throwaway_mysql() as database:
            connection = database.connect(autocommit=True)
            data = connection.execute("SELECT @@datadir").fetchone()[0]
            pid = int(Path(connection.execute("SELECT @@pid_file").fetchone()[0]).read_text().split()[0])
            print(json.dumps({"folder": str(Path(data).parent), "pid": pid}), flush=True)
            if sys.argv[1] == "query":
                connection.execute("SELECT SLEEP(60)")
            else:
                time.sleep(60)
    finally:
        print("unwound", flush=True)
""")


@pytest.mark.parametrize(("sent", "while_in", "status"), [
    (signal.SIGINT, "query", -signal.SIGINT),  # Ctrl-C while the server answers a query
    (signal.SIGTERM, "sleep", 128 + signal.SIGTERM),
])
def test_a_signalled_process_leaves_no_mariadb_and_no_folder(mariadb, sent, while_in, status):
    child = subprocess.Popen([sys.executable, "-c", CHILD, while_in], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        started = json.loads(child.stdout.readline())
        time.sleep(0.3)  # inside the sleep or the query
        child.send_signal(sent)
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == status, err
    assert out == "unwound\n"
    assert not Path(started["folder"]).exists()
    assert leftover_processes(started["folder"]) == []
    assert not running(started["pid"])


def test_a_server_left_open_is_stopped_at_interpreter_exit(mariadb):
    script = textwrap.dedent("""
        import json
        from pathlib import Path
        from depmap.verify.mysql_engine import throwaway_mysql

        opened = throwaway_mysql()
        database = opened.__enter__()  # never closed: the atexit fallback has to stop it
        connection = database.connect()
        data = connection.execute("SELECT @@datadir").fetchone()[0]
        pid = int(Path(connection.execute("SELECT @@pid_file").fetchone()[0]).read_text().split()[0])
        print(json.dumps({"folder": str(Path(data).parent), "pid": pid}), flush=True)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    started = json.loads(done.stdout)
    assert not Path(started["folder"]).exists()
    assert not running(started["pid"])


# -- finding the server ----------------------------------------------------------------------


def make_programs(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_text("#!/bin/sh\n")
        (folder / name).chmod(0o755)
    return folder


def test_find_server_looks_on_path_first_then_in_the_usual_folders(tmp_path, monkeypatch):
    on_path = make_programs(tmp_path / "bin", "mysqld", "mysql_install_db")
    sbin = make_programs(tmp_path / "sbin", "mariadbd", "mariadb-install-db")
    monkeypatch.setattr(mysql_engine, "FOLDERS", (str(sbin),))
    monkeypatch.setenv("PATH", str(on_path))
    assert find_server() == (on_path / "mysqld", on_path / "mysql_install_db")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert find_server() == (sbin / "mariadbd", sbin / "mariadb-install-db")


def test_a_missing_server_is_one_line_that_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(mysql_engine, "FOLDERS", (str(tmp_path / "sbin"), str(tmp_path / "bin")))
    with pytest.raises(EngineMissing) as missing:
        with throwaway_mysql():
            pass
    assert str(missing.value) == (
        f"MariaDB's mariadbd and mariadb-install-db (or MySQL's mysqld and mysql_install_db) were found neither on PATH "
        f"nor in {tmp_path}/sbin, {tmp_path}/bin: install MariaDB's server "
        "(Debian: apt-get install mariadb-server; macOS: brew install mariadb)")


def test_a_missing_driver_is_one_line_that_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pymysql", None)
    with pytest.raises(EngineMissing) as missing:
        with throwaway_mysql():
            pass
    assert str(missing.value) == 'the MySQL driver PyMySQL is not installed: pip install "depmap-sql[verify]"'


# -- the user's own database -----------------------------------------------------------------


def test_a_mysql_dsn_with_tables_is_refused_and_with_i_own_it_only_what_verify_created_is_dropped(mysql_database):
    with mysql_database.connect(autocommit=True) as owner:
        owner.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, total DECIMAL(10, 2) NOT NULL)")
        owner.execute("CREATE VIEW big_orders AS SELECT id FROM orders WHERE total > 100")
    name = mysql_database.dsn.split("/")[3].split("?")[0]
    socket = mysql_database.dsn.split("unix_socket=")[1]
    with pytest.raises(UnsafeDatabase) as refused:
        with user_database(mysql_database.dsn):
            pass
    assert str(refused.value) == (
        f"database {name} on {socket} already has 2 tables (big_orders, orders): verify creates and drops tables "
        "there, so give it an empty, disposable database, or --i-own-this-database to use this one anyway")
    with user_database(mysql_database.dsn, i_own_it=True) as database:
        assert database.engine == "mysql" and database.label().startswith("MariaDB ")
        with database.connect(autocommit=True) as connection:
            connection.execute("CREATE TABLE customers (id BIGINT PRIMARY KEY)")
            connection.execute("CREATE TABLE payments (id BIGINT PRIMARY KEY, customer_id BIGINT REFERENCES customers (id))")
    with mysql_database.connect() as connection:
        left = connection.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                                  "ORDER BY 1").fetchall()
    assert left == (("big_orders",), ("orders",))


def test_a_mysql_dsn_without_a_database_is_one_line(mariadb):
    dsn = mariadb.dsn.replace("/depmap?", "/?")
    with pytest.raises(EngineMissing) as failed:
        with user_database(dsn):
            pass
    assert str(failed.value) == f"database ? on {dsn.split('unix_socket=')[1]} names no database: add it to the URL (mysql://user@host/database)"
