"""UPDATE, DELETE and MERGE: the written target, SET columns, and every column read on the way.

`SET col = ...` is a write of `col`; the right-hand side, WHERE, joins and RETURNING are reads.
Postgres `FROM`/`USING` and MySQL multi-table forms resolve aliases like a SELECT does.
"""

from __future__ import annotations

from .helpers import A, FLOW, H, PERR, R, W, L, check, extra, find


def test_update_set_where_returning() -> None:
    check(
        "UPDATE orders SET status = 'paid', paid_at = now() WHERE id = 1 RETURNING total",
        [
            (A, "orders", ("status", "paid_at"), W, "update", H),
            (A, "orders", ("id", "total"), R, "update", H),
        ],
        kind="update",
    )


def test_update_reads_the_columns_of_its_own_set_values() -> None:
    check(
        "UPDATE orders SET total = total * 1.2, version = version + 1",
        [
            (A, "orders", ("total", "version"), W, "update", H),
            (A, "orders", ("total", "version"), R, "update", H),
        ],
    )


def test_update_from_with_aliases() -> None:
    check(
        "UPDATE orders o SET total = o.total + p.amount FROM payments p WHERE p.order_id = o.id",
        [
            (A, "orders", ("total",), W, "update", H),
            (A, "orders", ("total", "id"), R, "update", H),
            (A, "payments", ("amount", "order_id"), R, "update", H),
        ],
    )


def test_update_from_join_reads_every_joined_table() -> None:
    check(
        "UPDATE t SET x = a.v FROM a JOIN b ON b.id = a.bid WHERE a.tid = t.id",
        [
            (A, "t", ("x",), W, "update", H),
            (A, "t", ("id",), R, "update", H),
            (A, "a", ("v", "tid", "bid"), R, "update", H),
            (A, "b", ("id",), R, "update", H),
        ],
    )


def test_update_from_table_without_named_columns_is_still_read() -> None:
    check(
        "UPDATE orders SET flagged = true FROM blocklist WHERE orders.id = 5",
        [
            (A, "orders", ("flagged",), W, "update", H),
            (A, "orders", ("id",), R, "update", H),
            (A, "blocklist", (), R, "update", H),
        ],
    )


def test_update_from_a_cte_traces_columns_to_the_base_table() -> None:
    check(
        """
        WITH p AS (SELECT order_id, sum(amount) AS paid FROM payments GROUP BY order_id)
        UPDATE orders o SET paid = p.paid FROM p WHERE p.order_id = o.id
        """,
        [
            (A, "payments", ("order_id", "amount"), R, "select", H),
            (A, "payments", ("order_id",), R, "update", H),
            (A, "orders", ("paid",), W, "update", H),
            (A, "orders", ("id",), R, "update", H),
        ],
    )


def test_update_with_correlated_subquery() -> None:
    check(
        "UPDATE orders SET customer_id = (SELECT c.id FROM customers c WHERE c.email = orders.email)",
        [
            (A, "orders", ("customer_id",), W, "update", H),
            (A, "orders", ("email",), R, "select", H),
            (A, "customers", ("id", "email"), R, "select", H),
        ],
    )


def test_mysql_multi_table_update() -> None:
    check(
        "UPDATE orders o JOIN customers c ON c.id = o.customer_id SET o.vip = c.vip WHERE c.country = 'FR'",
        [
            (A, "orders", ("vip",), W, "update", H),
            (A, "orders", ("customer_id",), R, "update", H),
            (A, "customers", ("vip", "country", "id"), R, "update", H),
        ],
        dialect="mysql",
    )


def test_mysql_update_order_by_limit() -> None:
    check(
        "UPDATE orders SET status = 'x' ORDER BY created_at LIMIT 10",
        [
            (A, "orders", ("status",), W, "update", H),
            (A, "orders", ("created_at",), R, "update", H),
        ],
        dialect="mysql",
    )


def test_update_from_without_set_is_unparsed() -> None:
    result = check(
        "UPDATE orders FROM payments",
        [
            (PERR, "", (), None, "unparsed", L),
            (A, "orders", (), W, "unparsed", L),
            (A, "payments", (), R, "unparsed", L),
        ],
        kind="unparsed",
    )
    assert result.error


def test_delete_where() -> None:
    check(
        "DELETE FROM orders WHERE status = 'void'",
        [(A, "orders", (), W, "delete", H), (A, "orders", ("status",), R, "delete", H)],
        kind="delete",
    )


def test_delete_without_where() -> None:
    check("DELETE FROM sessions", [(A, "sessions", (), W, "delete", H)], kind="delete")


def test_delete_using_returning() -> None:
    check(
        "DELETE FROM orders o USING customers c WHERE c.id = o.customer_id AND c.banned RETURNING o.id",
        [
            (A, "orders", (), W, "delete", H),
            (A, "orders", ("customer_id", "id"), R, "delete", H),
            (A, "customers", ("banned", "id"), R, "delete", H),
        ],
    )


def test_delete_with_cte_and_subquery() -> None:
    check(
        "WITH old AS (SELECT id FROM orders WHERE created_at < now()) "
        "DELETE FROM orders WHERE id IN (SELECT id FROM old)",
        [
            (A, "orders", (), W, "delete", H),
            (A, "orders", ("id",), R, "delete", H),
            (A, "orders", ("id", "created_at"), R, "select", H),
        ],
    )


def test_mysql_delete_alias_from_join() -> None:
    check(
        "DELETE o FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.banned = 1",
        [
            (A, "orders", (), W, "delete", H),
            (A, "orders", ("customer_id",), R, "delete", H),
            (A, "customers", ("banned", "id"), R, "delete", H),
        ],
        dialect="mysql",
    )


def test_merge() -> None:
    result = check(
        """
        MERGE INTO orders t USING staging s ON t.id = s.id
        WHEN MATCHED AND s.deleted THEN DELETE
        WHEN MATCHED THEN UPDATE SET total = s.total, status = s.status
        WHEN NOT MATCHED THEN INSERT (id, total) VALUES (s.id, s.total)
        """,
        [
            (A, "orders", ("total", "status", "id"), W, "merge", H),
            (A, "orders", ("id",), R, "merge", H),
            (A, "staging", ("id", "deleted", "total", "status"), R, "merge", H),
            (FLOW, "staging", (), None, "table", H),
        ],
        kind="merge",
    )
    assert extra(find(result, "staging", "table", kind=FLOW)) == {"to": "orders"}


def test_merge_using_a_subquery() -> None:
    check(
        """
        MERGE INTO orders t USING (SELECT id, total FROM staging WHERE ok) s ON t.id = s.id
        WHEN MATCHED THEN UPDATE SET total = s.total
        """,
        [
            (A, "orders", ("total",), W, "merge", H),
            (A, "orders", ("id",), R, "merge", H),
            (A, "staging", ("id", "total", "ok"), R, "select", H),
            (A, "staging", ("id", "total"), R, "merge", H),
            (FLOW, "staging", (), None, "table", H),
        ],
    )
