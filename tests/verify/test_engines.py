"""The throwaway engines on real servers: what they are, that they work, that nothing outlives them."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from depmap.verify import engines
from depmap.verify.engines import (
    Database,
    EngineMissing,
    UnsafeDatabase,
    find_postgres,
    throwaway_postgres,
    throwaway_sqlite,
    user_database,
)

REPO = Path(__file__).resolve().parents[2]


def leftover_processes(data: str) -> list[str]:
    """Processes whose command line names `data`, as `pgrep -f` sees them (or /proc without it)."""
    if shutil.which("pgrep"):
        done = subprocess.run(["pgrep", "-a", "-f", data], capture_output=True, text=True)
        return [line for line in done.stdout.splitlines() if not line.split()[1:2] == ["pgrep"]]
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if data.encode() in (entry / "cmdline").read_bytes():
                found.append(entry.name)
        except OSError:
            continue
    return found


def running(pid: int) -> bool:
    """Whether `pid` still runs. An exited postmaster whose parent (pg_ctl) is gone is reparented
    to PID 1, and a container's PID 1 may never reap it: such a zombie has exited."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def server_files(database: Database) -> tuple[str, int]:
    """The server's data folder and its postmaster's pid."""
    with database.connect() as connection:
        (data,) = connection.execute("SHOW data_directory").fetchone()
    return data, int(Path(data, "postmaster.pid").read_text().split()[0])


# -- what the engines are ------------------------------------------------------------------


def test_postgres_reports_the_version_of_the_installed_server(postgres):
    shown = subprocess.run([str(find_postgres() / "postgres"), "--version"], capture_output=True, text=True).stdout
    installed = re.search(r"\(PostgreSQL\) (\d+)\.(\d+)", shown)
    assert postgres.engine == "postgres"
    assert postgres.version == (int(installed[1]), int(installed[2]))
    assert postgres.label() == f"PostgreSQL {installed[1]}.{installed[2]}"


def test_sqlite_reports_the_linked_library_version(sqlite_db):
    assert sqlite_db.engine == "sqlite"
    assert sqlite_db.version == sqlite3.sqlite_version_info
    assert sqlite_db.label() == f"SQLite {sqlite3.sqlite_version}"
    assert Database("postgres", (15, 8), "host=/tmp").label() == "PostgreSQL 15.8"


def test_postgres_is_a_throwaway_server_reachable_only_through_its_socket(postgres):
    with postgres.connect() as connection:
        assert connection.execute("SELECT 6 * 7").fetchone() == (42,)
        settings = dict(connection.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN ('listen_addresses', 'fsync', 'full_page_writes', "
            "'synchronous_commit', 'unix_socket_directories', 'server_encoding', 'lc_collate')"))
        application = connection.execute("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()").fetchone()
        host = connection.info.host
    assert settings == {"listen_addresses": "", "fsync": "off", "full_page_writes": "off", "synchronous_commit": "off",
                        "unix_socket_directories": host, "server_encoding": "UTF8", "lc_collate": "C"}
    assert host.startswith("/") and Path(host, ".s.PGSQL.5432").is_socket()
    assert application == ("depmap-verify",)


def test_a_second_postgres_connection_sees_the_first_ones_table(postgres):
    with postgres.connect(autocommit=True) as writer, postgres.connect(application_name="depmap-verify-monitor") as reader:
        writer.execute("CREATE TABLE seen_by_others (id integer PRIMARY KEY, note text NOT NULL)")
        writer.execute("INSERT INTO seen_by_others VALUES (1, 'first'), (2, 'second')")
        try:
            assert reader.execute("SELECT id, note FROM seen_by_others ORDER BY id").fetchall() == [(1, "first"), (2, "second")]
            assert reader.execute("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()").fetchone() == (
                "depmap-verify-monitor",)
        finally:
            reader.rollback()
            writer.execute("DROP TABLE seen_by_others")


def test_a_second_sqlite_connection_sees_the_first_ones_table(sqlite_db):
    writer, reader = sqlite_db.connect(autocommit=True), sqlite_db.connect()
    writer.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, total NUMERIC NOT NULL)")
    writer.execute("INSERT INTO orders (total) VALUES (9.5), (12)")
    assert reader.execute("SELECT id, total FROM orders ORDER BY id").fetchall() == [(1, 9.5), (2, 12)]
    writer.close(), reader.close()


# -- nothing outlives the context ------------------------------------------------------------


def test_postgres_is_stopped_and_deleted_on_a_normal_exit():
    with throwaway_postgres(port=6543) as database:
        data, pid = server_files(database)
        with database.connect() as connection:
            socket = Path(connection.info.host, ".s.PGSQL.6543")
        assert socket.is_socket() and leftover_processes(data) != []
    assert not Path(data).exists() and not socket.parent.exists()
    assert leftover_processes(data) == []
    assert not running(pid)


def test_postgres_is_stopped_and_deleted_when_the_body_raises():
    with pytest.raises(ZeroDivisionError):
        with throwaway_postgres() as database:
            data, pid = server_files(database)
            1 / 0
    assert not Path(data).exists()
    assert leftover_processes(data) == []


def test_sqlite_file_is_removed_on_exit():
    with throwaway_sqlite() as database:
        connection = database.connect()
        connection.execute("CREATE TABLE t (x)")
        connection.close()
        assert Path(database.dsn).is_file()
    assert not Path(database.dsn).exists() and not Path(database.dsn).parent.exists()


CHILD = textwrap.dedent("""
    import json, signal, sys, time
    from pathlib import Path
    from depmap.verify.engines import throwaway_postgres

    # Ctrl-C as in a terminal: a process started in the background inherits SIGINT ignored
    signal.signal(signal.SIGINT, signal.default_int_handler)

    try:
        with throwaway_postgres() as database:
            connection = database.connect(autocommit=True)
            data = connection.execute("SHOW data_directory").fetchone()[0]
            pid = int(Path(data, "postmaster.pid").read_text().split()[0])
            print(json.dumps({"data": data, "pid": pid}), flush=True)
            if sys.argv[1] == "query":
                connection.execute("SELECT pg_sleep(60)")
            else:
                time.sleep(60)
    finally:
        print("unwound", flush=True)
""")


@pytest.mark.parametrize(("sent", "while_in", "status"), [
    (signal.SIGINT, "sleep", -signal.SIGINT),  # Python's own way to die of Ctrl-C
    (signal.SIGINT, "query", -signal.SIGINT),
    (signal.SIGTERM, "sleep", 128 + signal.SIGTERM),
    (signal.SIGTERM, "query", 128 + signal.SIGTERM),
])
def test_a_signalled_process_leaves_no_server_and_no_folder(postgres, sent, while_in, status):
    child = subprocess.Popen([sys.executable, "-c", CHILD, while_in], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        started = json.loads(child.stdout.readline())
        deadline = time.monotonic() + 10  # a loaded machine may list the server's processes late
        while not leftover_processes(started["data"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert Path(started["data"]).is_dir() and leftover_processes(started["data"]) != []
        time.sleep(0.3)  # inside the sleep or the query
        child.send_signal(sent)
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == status, err
    assert out == "unwound\n"
    assert not Path(started["data"]).parent.exists()
    assert leftover_processes(started["data"]) == []
    assert not running(started["pid"])


# -- finding PostgreSQL ----------------------------------------------------------------------


def make_programs(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_text("#!/bin/sh\n")
        (folder / name).chmod(0o755)
    return folder


def test_find_postgres_returns_the_installed_bin_folder(postgres):
    folder = find_postgres()
    assert (folder / "initdb").is_file() and (folder / "pg_ctl").is_file()
    done = subprocess.run([str(folder / "pg_ctl"), "--version"], capture_output=True, text=True)
    assert done.stdout.startswith(f"pg_ctl (PostgreSQL) {postgres.version[0]}.")


def test_find_postgres_looks_on_path_first_and_follows_links(tmp_path, monkeypatch):
    real = make_programs(tmp_path / "lib" / "postgresql" / "16" / "bin", "initdb", "pg_ctl", "postgres")
    linked = tmp_path / "local-bin"
    linked.mkdir()
    for name in ("initdb", "pg_ctl"):
        (linked / name).symlink_to(real / name)
    monkeypatch.setenv("PATH", f"{linked}{os.pathsep}/usr/bin")
    monkeypatch.setattr(engines, "INSTALL_FOLDERS", (str(make_programs(tmp_path / "elsewhere", "initdb", "pg_ctl")),))
    assert find_postgres() == real


def test_find_postgres_falls_back_to_the_highest_installed_version(tmp_path, monkeypatch):
    for version in ("9.6", "13", "16"):
        make_programs(tmp_path / "postgresql" / version / "bin", "initdb", "pg_ctl")
    make_programs(tmp_path / "postgresql" / "17" / "bin", "initdb")  # a half-installed upgrade
    make_programs(tmp_path / "postgresql" / "common" / "bin", "initdb", "pg_ctl")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(engines, "INSTALL_FOLDERS", (str(tmp_path / "postgresql" / "*" / "bin"), "/usr/local/pgsql/bin"))
    assert find_postgres() == tmp_path / "postgresql" / "16" / "bin"


def test_a_missing_postgres_is_one_line_that_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(engines, "INSTALL_FOLDERS", ())
    assert find_postgres() is None
    with pytest.raises(EngineMissing) as missing:
        with throwaway_postgres():
            pass
    assert str(missing.value) == (
        "PostgreSQL's initdb and pg_ctl were found neither on PATH nor in /usr/lib/postgresql/*/bin, "
        "/usr/local/pgsql/bin or Homebrew: install PostgreSQL's server "
        "(Debian: apt-get install postgresql; macOS: brew install postgresql)")


def test_a_missing_driver_is_one_line_that_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # what an environment without the extra sees
    with pytest.raises(EngineMissing) as missing:
        with throwaway_postgres():
            pass
    assert str(missing.value) == 'the PostgreSQL driver psycopg is not installed: pip install "depmap-sql[verify]"'


# -- the user's own database -----------------------------------------------------------------


@pytest.fixture
def shop(postgres):
    """A database that stands in for the user's: the throwaway server's `shop`, holding `orders`."""
    psycopg = pytest.importorskip("psycopg")
    with postgres.connect(autocommit=True) as admin:
        admin.execute("CREATE DATABASE shop")
    dsn = psycopg.conninfo.make_conninfo(postgres.dsn, dbname="shop")
    with psycopg.connect(dsn, autocommit=True) as owner:
        owner.execute("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(10, 2) NOT NULL)")
    yield dsn
    with postgres.connect(autocommit=True) as admin:
        admin.execute("DROP DATABASE shop")


def objects(dsn: str) -> list[tuple[str, str]]:
    import psycopg

    with psycopg.connect(dsn) as connection:
        return connection.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' "
            "UNION ALL SELECT n.nspname, p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY 1, 2").fetchall()


def test_user_database_refuses_a_database_that_has_tables(shop, postgres):
    import psycopg

    url = f"postgresql://postgres:s3cret@/shop?host={psycopg.conninfo.conninfo_to_dict(shop)['host']}"
    with pytest.raises(UnsafeDatabase) as refused:
        with user_database(url):
            pass
    host = psycopg.conninfo.conninfo_to_dict(postgres.dsn)["host"]
    assert str(refused.value) == (
        f"database shop on {host} already has 1 table (orders): verify creates and drops tables there, "
        "so give it an empty, disposable database, or --i-own-this-database to use this one anyway")
    assert objects(shop) == [("public", "orders"), ("public", "orders_pkey")]


def test_user_database_with_i_own_it_drops_only_what_verify_created(shop):
    with user_database(shop, i_own_it=True) as database:
        assert database.engine == "postgres" and database.dsn == shop
        with database.connect(autocommit=True) as connection:
            connection.execute("CREATE TYPE order_state AS ENUM ('open', 'paid')")
            connection.execute("CREATE TABLE verify_orders (id bigserial PRIMARY KEY, state order_state NOT NULL)")
            connection.execute("CREATE INDEX orders_total_idx ON orders (total)")
            connection.execute("CREATE SCHEMA verify_scratch")
            connection.execute("CREATE VIEW verify_scratch.open_orders AS SELECT id FROM public.verify_orders")
            connection.execute("CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM orders'")
            assert len(objects(shop)) == 8
    assert objects(shop) == [("public", "orders"), ("public", "orders_pkey")]


def test_user_database_accepts_an_empty_database_without_i_own_it(postgres):
    with user_database(postgres.dsn) as database:
        assert database.version == postgres.version
        with database.connect(autocommit=True) as connection:
            connection.execute("CREATE TABLE accounts (id integer)")
    assert objects(postgres.dsn) == []


def test_user_sqlite_database_is_refused_with_tables_and_cleaned_with_i_own_it(tmp_path):
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    connection.close()
    with pytest.raises(UnsafeDatabase) as refused:
        with user_database(f"sqlite:///{path}"):
            pass
    assert str(refused.value).startswith(f"SQLite database {path} already has 1 table (orders): ")
    with user_database(f"sqlite:///{path}", i_own_it=True) as database:
        with database.connect(autocommit=True) as connection:
            connection.execute("CREATE TABLE verify_orders (id INTEGER PRIMARY KEY, total REAL)")
            connection.execute("CREATE INDEX orders_id_idx ON orders (id)")
        connection.close()
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT type, name FROM sqlite_master ORDER BY name").fetchall() == [("table", "orders")]
    connection.close()


def test_user_sqlite_database_that_did_not_exist_is_removed(tmp_path):
    path = tmp_path / "new.db"
    with user_database(f"sqlite:///{path}") as database:
        assert database.dsn == str(path) and path.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_server_that_will_not_start_is_one_line_and_leaves_no_folder(monkeypatch):
    folder = Path(tempfile.mkdtemp(prefix="fake-postgres-"))
    try:
        folder.chmod(0o755)  # as root the programs run as `nobody`, who must be able to reach them
        (folder / "initdb").write_text("#!/bin/sh\necho 'initdb: error: could not create directory \"data\": No space left on device' >&2\nexit 1\n")
        (folder / "pg_ctl").write_text("#!/bin/sh\nexit 1\n")
        for program in folder.iterdir():
            program.chmod(0o755)
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin")
        before = set(Path(tempfile.gettempdir()).glob("depmap-verify-pg-*"))
        with pytest.raises(engines.EngineFailed) as failed:
            with throwaway_postgres():
                pass
        assert str(failed.value) == (f"PostgreSQL's initdb failed in {folder}: "
                                     "initdb: error: could not create directory \"data\": No space left on device")
        assert isinstance(failed.value, EngineMissing)
        assert set(Path(tempfile.gettempdir()).glob("depmap-verify-pg-*")) == before
    finally:
        shutil.rmtree(folder)


def test_a_server_left_open_is_stopped_at_interpreter_exit():
    script = textwrap.dedent("""
        import json
        from pathlib import Path
        from depmap.verify.engines import throwaway_postgres

        opened = throwaway_postgres()
        database = opened.__enter__()  # never closed: the atexit fallback has to stop it
        data = database.connect().execute("SHOW data_directory").fetchone()[0]
        print(json.dumps({"data": data, "pid": int(Path(data, "postmaster.pid").read_text().split()[0])}), flush=True)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    started = json.loads(done.stdout)
    assert not Path(started["data"]).parent.exists()
    assert leftover_processes(started["data"]) == []
    assert not running(started["pid"])
