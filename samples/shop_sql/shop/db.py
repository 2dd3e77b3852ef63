"""Database access helpers.

Connections come from one process-wide psycopg pool. Repositories take a
connection argument so that a service can run several of them inside a
single transaction (see ``shop.services.checkout``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from psycopg import Connection
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

logger = logging.getLogger(__name__)

DATABASE_URL = os.environ.get("ACME_DATABASE_URL", "postgresql://acme@localhost:5432/acme")

Params = Sequence[Any] | Mapping[str, Any] | None

_pool: ConnectionPool | None = None


def get_pool() -> ConnectionPool:
    """Return the shared pool, opening it on first use."""
    global _pool
    if _pool is None:
        logger.info("opening connection pool to %s", DATABASE_URL.rsplit("@", 1)[-1])
        _pool = ConnectionPool(DATABASE_URL, min_size=1, max_size=10, open=True)
    return _pool


@contextmanager
def connection() -> Iterator[Connection]:
    """Borrow a pooled connection; commits on success, rolls back on error."""
    with get_pool().connection() as conn:
        yield conn


def fetch_all(sql: str, params: Params = None) -> list[dict[str, Any]]:
    """Run a read-only query on a fresh connection and return every row as a dict."""
    with connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def fetch_one(sql: str, params: Params = None) -> dict[str, Any] | None:
    """Like :func:`fetch_all` but for queries that return at most one row."""
    with connection() as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(sql, params)
        return cur.fetchone()


def ping() -> bool:
    """Health check used by the load balancer probe."""
    row = fetch_one("SELECT 1 AS ok")
    return bool(row and row["ok"] == 1)
