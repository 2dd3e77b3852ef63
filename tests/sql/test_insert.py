"""INSERT: column lists, positional VALUES, INSERT ... SELECT (and `*`), upserts, RETURNING.

A missing column list is the hazard the impact rules look for: `positional_insert` when values
go in by position, `insert_select_star` when a `*` feeds the target (on both the written target
and the read source).
"""

from __future__ import annotations

from .helpers import A, FLOW, H, R, W, check, extra, find


def test_insert_with_column_list() -> None:
    check(
        "INSERT INTO orders (id, total) VALUES (1, 2.5), (2, 3.5)",
        [(A, "orders", ("id", "total"), W, "insert", H)],
        kind="insert",
    )


def test_insert_values_without_column_list_is_positional() -> None:
    check("INSERT INTO orders VALUES (1, 2.5)", [(A, "orders", (), W, "positional_insert", H)], kind="insert")


def test_insert_select_without_column_list_is_positional() -> None:
    result = check(
        "INSERT INTO archive SELECT id, total FROM orders WHERE status = 'done'",
        [
            (A, "archive", (), W, "positional_insert", H),
            (A, "orders", ("id", "total", "status"), R, "select", H),
            (FLOW, "orders", (), None, "table", H),
            (FLOW, "orders", ("id",), None, "column", H),
            (FLOW, "orders", ("total",), None, "column", H),
        ],
    )
    assert extra(find(result, "orders", "table", kind=FLOW)) == {"to": "archive"}


def test_insert_select_with_column_list() -> None:
    check(
        "INSERT INTO archive (id, total) SELECT id, total FROM orders",
        [
            (A, "archive", ("id", "total"), W, "insert", H),
            (A, "orders", ("id", "total"), R, "select", H),
            (FLOW, "orders", (), None, "table", H),
            (FLOW, "orders", ("id",), None, "column", H),
            (FLOW, "orders", ("total",), None, "column", H),
        ],
    )


def test_insert_select_star_marks_target_and_source() -> None:
    check(
        "INSERT INTO archive SELECT * FROM orders",
        [
            (A, "archive", (), W, "insert_select_star", H),
            (A, "orders", (), R, "select", H),
            (A, "orders", (), R, "insert_select_star", H),
            (FLOW, "orders", (), None, "table", H),
            (FLOW, "orders", (), None, "star", H),
        ],
    )


def test_insert_with_column_list_from_select_star_still_reads_star() -> None:
    check(
        "INSERT INTO archive (id, total) SELECT * FROM orders",
        [
            (A, "archive", ("id", "total"), W, "insert", H),
            (A, "orders", (), R, "select", H),
            (A, "orders", (), R, "insert_select_star", H),
            (FLOW, "orders", (), None, "table", H),
            (FLOW, "orders", (), None, "star", H),
        ],
    )


def test_insert_select_star_through_a_cte_reaches_the_base_table() -> None:
    check(
        "WITH src AS (SELECT * FROM staging WHERE ok) INSERT INTO orders SELECT * FROM src",
        [
            (A, "orders", (), W, "insert_select_star", H),
            (A, "staging", ("ok",), R, "select", H),
            (A, "staging", (), R, "insert_select_star", H),
            (FLOW, "staging", (), None, "table", H),
            (FLOW, "staging", (), None, "star", H),
        ],
    )


def test_insert_select_star_of_one_join_side() -> None:
    check(
        "INSERT INTO archive SELECT o.* FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.gone",
        [
            (A, "archive", (), W, "insert_select_star", H),
            (A, "orders", ("customer_id",), R, "select", H),
            (A, "orders", (), R, "insert_select_star", H),
            (A, "customers", ("id", "gone"), R, "select", H),
            (FLOW, "orders", (), None, "table", H),
            (FLOW, "customers", (), None, "table", H),
            (FLOW, "orders", (), None, "star", H),
        ],
    )


def test_on_conflict_do_update() -> None:
    check(
        """
        INSERT INTO orders (id, status) VALUES (1, 'new')
        ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, updated_at = now()
        """,
        [
            (A, "orders", ("id", "status", "updated_at"), W, "insert", H),
            (A, "orders", ("id",), R, "insert", H),
        ],
    )


def test_on_conflict_do_update_reads_current_row() -> None:
    check(
        "INSERT INTO counters (name, hits) VALUES ('a', 1) "
        "ON CONFLICT (name) DO UPDATE SET hits = counters.hits + EXCLUDED.hits",
        [
            (A, "counters", ("name", "hits"), W, "insert", H),
            (A, "counters", ("name", "hits"), R, "insert", H),
        ],
    )


def test_on_conflict_do_nothing() -> None:
    check(
        "INSERT INTO orders (id, status) VALUES (1, 'new') ON CONFLICT DO NOTHING",
        [(A, "orders", ("id", "status"), W, "insert", H)],
    )


def test_mysql_on_duplicate_key_update() -> None:
    check(
        "INSERT INTO counters (name, hits) VALUES ('a', 1) "
        "ON DUPLICATE KEY UPDATE hits = hits + VALUES(hits), seen_at = NOW()",
        [
            (A, "counters", ("name", "hits", "seen_at"), W, "insert", H),
            (A, "counters", ("hits",), R, "insert", H),
        ],
        dialect="mysql",
    )


def test_returning_is_a_read_of_the_target() -> None:
    check(
        "INSERT INTO orders (id, status) VALUES (1, 'new') RETURNING id, created_at",
        [
            (A, "orders", ("id", "status"), W, "insert", H),
            (A, "orders", ("id", "created_at"), R, "insert", H),
        ],
    )


def test_subquery_in_values_is_read() -> None:
    check(
        "INSERT INTO orders (id, customer_id) VALUES (1, (SELECT id FROM customers WHERE email = 'a@b'))",
        [
            (A, "orders", ("id", "customer_id"), W, "insert", H),
            (A, "customers", ("id", "email"), R, "select", H),
        ],
    )


def test_insert_default_values() -> None:
    check("INSERT INTO audit DEFAULT VALUES", [(A, "audit", (), W, "insert", H)], kind="insert")
