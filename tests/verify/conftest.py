"""Real engines for the verify tests, started by the tests themselves.

`postgres` is one throwaway PostgreSQL for the whole session, `mariadb` one throwaway MariaDB (or
MySQL); `sqlite_db` a new SQLite file per test. Without an engine (or psycopg) a test is skipped with the reason, except when
DEPMAP_REQUIRE_ENGINES=1 (set by .ci/run): then it fails, and so does any other verify test that
skips, because CI must never pass by silently not verifying.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from depmap.verify.engines import Database, EngineMissing, throwaway_postgres, throwaway_sqlite
from depmap.verify.mysql_engine import throwaway_mysql


def engines_required() -> bool:
    return os.environ.get("DEPMAP_REQUIRE_ENGINES") == "1"


def unavailable(reason: str) -> None:
    if engines_required():
        pytest.fail(f"{reason} (DEPMAP_REQUIRE_ENGINES=1: verify tests may not skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Database]:
    with ExitStack() as stack:
        try:
            database = stack.enter_context(throwaway_postgres())
        except EngineMissing as missing:
            unavailable(str(missing))
        yield database


@pytest.fixture(scope="session")
def mariadb() -> Iterator[Database]:
    with ExitStack() as stack:
        try:
            database = stack.enter_context(throwaway_mysql())
        except EngineMissing as missing:
            unavailable(str(missing))
        yield database


@pytest.fixture
def mysql_database(mariadb: Database) -> Iterator[Database]:
    """A fresh, empty database of its own on the session's MariaDB, dropped afterwards."""
    import uuid
    from dataclasses import replace
    from urllib.parse import urlparse

    name = f"test_{uuid.uuid4().hex[:12]}"
    with mariadb.connect(autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield replace(mariadb, dsn=urlparse(mariadb.dsn)._replace(path=f"/{name}").geturl())
    finally:
        with mariadb.connect(autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name}")


@pytest.fixture
def sqlite_db() -> Iterator[Database]:
    with throwaway_sqlite() as database:
        yield database


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Under DEPMAP_REQUIRE_ENGINES=1 a skipped verify test (importorskip, skipif, ...) fails."""
    outcome = yield
    report = outcome.get_result()
    if engines_required() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} was skipped, which DEPMAP_REQUIRE_ENGINES=1 forbids: {report.longrepr}"


@pytest.fixture
def pg_database(postgres: Database) -> Iterator[Database]:
    """A fresh, empty database of its own on the session's server, dropped afterwards: a test
    that builds tables leaves the shared `postgres` database as it found it."""
    import uuid
    from dataclasses import replace

    from psycopg.conninfo import make_conninfo

    name = f"test_{uuid.uuid4().hex[:12]}"
    with postgres.connect(autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield replace(postgres, dsn=make_conninfo(postgres.dsn, dbname=name))
    finally:
        with postgres.connect(autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
