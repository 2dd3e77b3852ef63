"""The code's statements on a table, found again whole for `depmap verify` to run them."""

from __future__ import annotations

from pathlib import Path

import pytest

from depmap.index.build import build_index
from depmap.verify.statements import _binds, collect

SHOP = Path(__file__).resolve().parents[2] / "samples" / "shop_sql"


@pytest.mark.parametrize(("written", "postgres", "sqlite"), [
    ("SELECT * FROM orders WHERE id = %s AND status = %s", "SELECT * FROM orders WHERE id = $1 AND status = $2",
     "SELECT * FROM orders WHERE id = ? AND status = ?"),
    ("UPDATE t SET a = %(a)s WHERE id = %(id)s OR parent = %(id)s;", "UPDATE t SET a = $1 WHERE id = $2 OR parent = $2",
     "UPDATE t SET a = ? WHERE id = ? OR parent = ?"),
    ("SELECT x::text FROM t WHERE y = :y", "SELECT x::text FROM t WHERE y = $1", "SELECT x::text FROM t WHERE y = ?"),
    ("SELECT * FROM t WHERE a = ? AND data ? 'key'", "SELECT * FROM t WHERE a = $1 AND data ? 'key'",
     "SELECT * FROM t WHERE a = ? AND data ? 'key'"),
])
def test_bind_parameters_become_the_engines_own(written: str, postgres: str, sqlite: str) -> None:
    assert _binds(written, "postgres") == postgres
    assert _binds(written, "sqlite") == sqlite


def test_every_sql_statement_on_the_table_comes_back_whole() -> None:
    """Python strings through the analysis that found them, `.sql` files through the splitter;
    statements built at run time are marked, the ORM and the migrations are not re-run."""
    found = collect(build_index(SHOP), "orders", "postgres")
    assert [(s.path, s.line, s.last_line, s.writes, s.dynamic) for s in found] == [
        ("shop/reports/queries/monthly_revenue.sql", 5, 13, False, False),
        ("shop/reports/sales.py", 12, 39, False, False),
        ("shop/reports/sales.py", 42, 54, False, False),
        ("shop/reports/sales.py", 71, 81, False, False),
        ("shop/reports/sales.py", 98, 98, False, False),
        ("shop/repositories/customers.py", 79, 85, False, False),
        ("shop/repositories/customers.py", 94, 105, False, False),
        ("shop/repositories/orders.py", 21, 26, False, False),
        ("shop/repositories/orders.py", 51, 55, True, False),
        ("shop/repositories/orders.py", 60, 60, True, False),
        ("shop/repositories/orders.py", 81, 81, False, False),
        ("shop/repositories/orders.py", 102, 113, False, True),
        ("shop/repositories/orders.py", 126, 132, False, True),
        ("shop/repositories/orders.py", 149, 156, True, False),
        ("shop/repositories/orders.py", 169, 170, True, False),
        ("shop/repositories/orders.py", 180, 186, False, False),
        ("shop/repositories/orders.py", 196, 196, True, False),
    ]
    insert = next(s for s in found if s.line == 51)
    assert insert.text.startswith("INSERT INTO orders (customer_id, status, total_cents, currency, placed_at)")
    assert "VALUES ($1, 'pending', $2, $3, now())" in insert.text and "%s" not in insert.text
