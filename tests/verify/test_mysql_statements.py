"""The code's own statements before and after a change, on MariaDB: server-side prepared statements."""

from __future__ import annotations

from pathlib import Path

import pytest

from depmap.index.build import build_index
from depmap.verify.fill import fill
from depmap.verify.schema_sql import apply_schema, schema_statements
from depmap.verify.statements import _binds, collect, recheck

FIXTURE = Path(__file__).parent / "fixtures" / "mysql_shop"


@pytest.fixture(scope="module")
def mysql_shop():
    return build_index(FIXTURE)


@pytest.fixture
def loaded(mysql_shop, mysql_database):
    plan = schema_statements(mysql_shop.catalog, ["orders", "customers"], "mysql", root=mysql_shop.root, dialect="mysql")
    assert apply_schema(mysql_database, plan.statements) == []
    assert fill(mysql_database, mysql_shop.catalog, "orders", 2_000).failed == {}
    return mysql_database


def test_bind_parameters_become_question_marks():
    assert _binds("SELECT * FROM orders WHERE id = %s AND status = %(status)s;", "mysql") == (
        "SELECT * FROM orders WHERE id = ? AND status = ?")


def test_the_fixtures_three_statements_come_back_with_question_marks(mysql_shop):
    found = collect(mysql_shop, "orders", "mysql")
    assert [(s.path, s.line, s.last_line, s.writes, s.text) for s in found] == [
        ("shop/orders.py", 7, 7, True, "INSERT INTO orders VALUES (NULL, ?, 'pending', ?, NULL, 0, NOW())"),
        ("shop/orders.py", 15, 15, True,
         "INSERT INTO orders (customer_id, status, total_cents, placed_at) VALUES (?, 'paid', ?, NOW())"),
        ("shop/orders.py", 22, 22, False, "SELECT * FROM orders WHERE customer_id = ? ORDER BY placed_at DESC LIMIT 20"),
    ]


def test_a_prepared_positional_insert_fails_after_add_column_and_the_rest_run(mysql_shop, loaded):
    statements = collect(mysql_shop, "orders", "mysql")
    checks = recheck(loaded, statements, ["ALTER TABLE orders ADD COLUMN gift_message TEXT"],
                     ["ALTER TABLE orders DROP COLUMN gift_message"])
    assert [(c.statement.line, c.status, c.before, c.after) for c in checks] == [
        (7, "fails after the change", None, "Column count doesn't match value count at row 1"),
        (15, "unaffected", None, None),
        (22, "changes after the change", None, None),  # MariaDB re-prepares a SELECT * whose table changed ...
    ]
    assert checks[2].changed.startswith("returns 8 columns instead of 7 (adds gift_message at the end")  # ... and it grows
    with loaded.connect() as conn:  # the change was undone, and the writers' rows rolled back
        columns = [row[0] for row in conn.execute("SELECT column_name FROM information_schema.columns WHERE "
                                                  "table_schema = DATABASE() AND table_name = 'orders' ORDER BY ordinal_position")]
        assert conn.execute("SELECT COUNT(*) FROM orders").fetchone() == (2000,)
    assert columns == ["id", "customer_id", "status", "total_cents", "note", "is_gift", "placed_at"]


def test_an_insert_that_omits_a_new_not_null_column_fails_in_strict_mode(mysql_shop, loaded):
    statements = collect(mysql_shop, "orders", "mysql")
    checks = recheck(loaded, statements, ["ALTER TABLE orders ADD COLUMN gift_message VARCHAR(200) NOT NULL"],
                     ["ALTER TABLE orders DROP COLUMN gift_message"])
    assert [(c.statement.line, c.status, c.after) for c in checks] == [
        (7, "fails after the change", "Column count doesn't match value count at row 1"),
        (15, "fails after the change", "Field 'gift_message' doesn't have a default value"),
        (22, "changes after the change", None),
    ]
