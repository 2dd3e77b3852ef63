"""Fixtures for the schema and fill tests: the indexed shop sample and fresh databases.

One throwaway PostgreSQL server serves a whole test module; each test gets a database of its own
on it (CREATE DATABASE is quick, starting a server is not). Without PostgreSQL installed the tests
that need it skip, saying why.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from depmap.index.build import Index, build_index
from depmap.verify.engines import Database, EngineMissing, throwaway_postgres, throwaway_sqlite

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def shop_index() -> Index:
    return build_index(SAMPLES / "shop_sql")


@pytest.fixture(scope="module")
def postgres_server():
    try:
        with throwaway_postgres() as server:
            yield server
    except EngineMissing as missing:
        pytest.skip(f"PostgreSQL is not available here: {missing}")


@pytest.fixture
def pg_db(postgres_server: Database):
    """A new, empty database on the module's PostgreSQL server, dropped after the test."""
    name = f"verify_data_{next(_numbers)}"
    admin = postgres_server.connect(autocommit=True)
    admin.execute(f"CREATE DATABASE {name}")
    from psycopg.conninfo import make_conninfo

    yield Database("postgres", postgres_server.version, make_conninfo(postgres_server.dsn, dbname=name))
    admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()


@pytest.fixture
def lite_db():
    with throwaway_sqlite() as database:
        yield database


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request: pytest.FixtureRequest):
    """The test once on SQLite and once on PostgreSQL."""
    yield request.getfixturevalue("lite_db" if request.param == "sqlite" else "pg_db")
