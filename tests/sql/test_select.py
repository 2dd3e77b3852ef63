"""SELECT: aliases, CTEs, subqueries, derived tables, set operations, windows, every join kind.

Reads come from the select list, WHERE, JOIN ON, GROUP BY, ORDER BY and HAVING; a select alias
used in ORDER BY / GROUP BY / HAVING is not a column read; `*` is a `select_star` read.
"""

from __future__ import annotations

from .helpers import A, FLOW, H, L, R, check, extra, find, one


def test_table_and_column_aliases_resolve_to_the_table() -> None:
    check(
        "SELECT o.id, o.total AS amount FROM orders o WHERE o.status = 'paid' ORDER BY amount",
        [(A, "orders", ("id", "total", "status"), R, "select", H)],
        kind="select",
    )


def test_reads_from_every_clause() -> None:
    check(
        """
        SELECT c.name, count(*) FROM orders AS o
        JOIN customers AS c ON c.id = o.customer_id
        WHERE o.created_at > now()
        GROUP BY c.name HAVING sum(o.total) > 10
        ORDER BY c.region
        """,
        [
            (A, "orders", ("customer_id", "created_at", "total"), R, "select", H),
            (A, "customers", ("name", "id", "region"), R, "select", H),
        ],
    )


def test_unqualified_having_column_is_read() -> None:
    check(
        "SELECT status FROM orders GROUP BY status HAVING max(total) > 10",
        [(A, "orders", ("status", "total"), R, "select", H)],
    )


def test_select_alias_in_order_group_having_is_not_a_column() -> None:
    check(
        "SELECT status AS s, max(total) AS m FROM orders GROUP BY s HAVING m > 1 ORDER BY m DESC, s",
        [(A, "orders", ("status", "total"), R, "select", H)],
    )


def test_order_by_a_real_column_next_to_an_alias() -> None:
    check(
        "SELECT id, total AS t FROM orders ORDER BY t, created_at",
        [(A, "orders", ("id", "total", "created_at"), R, "select", H)],
    )


def test_cte_columns_trace_to_the_base_table() -> None:
    check(
        """
        WITH recent AS (SELECT id, customer_id FROM orders WHERE created_at > now())
        SELECT r.id, c.email FROM recent r JOIN customers c ON c.id = r.customer_id
        """,
        [
            (A, "orders", ("id", "customer_id", "created_at"), R, "select", H),
            (A, "customers", ("email", "id"), R, "select", H),
        ],
    )


def test_cte_renamed_column_reads_the_source_name() -> None:
    check(
        "WITH t AS (SELECT total AS amount FROM orders) SELECT amount FROM t WHERE amount > 0",
        [(A, "orders", ("total",), R, "select", H)],
    )


def test_recursive_cte() -> None:
    check(
        """
        WITH RECURSIVE tree AS (
            SELECT id, parent_id FROM categories WHERE parent_id IS NULL
            UNION ALL
            SELECT c.id, c.parent_id FROM categories c JOIN tree t ON c.parent_id = t.id
        )
        SELECT id FROM tree
        """,
        [(A, "categories", ("id", "parent_id"), R, "select", H)],
    )


def test_where_in_subquery() -> None:
    check(
        "SELECT id FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE vip)",
        [
            (A, "orders", ("id", "customer_id"), R, "select", H),
            (A, "customers", ("id", "vip"), R, "select", H),
        ],
    )


def test_correlated_exists() -> None:
    check(
        "SELECT o.id FROM orders o WHERE EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = o.id)",
        [
            (A, "orders", ("id",), R, "select", H),
            (A, "refunds", ("order_id",), R, "select", H),
        ],
    )


def test_scalar_subquery_in_select_list() -> None:
    check(
        "SELECT o.id, (SELECT max(r.amount) FROM refunds r WHERE r.order_id = o.id) AS biggest FROM orders o",
        [
            (A, "orders", ("id",), R, "select", H),
            (A, "refunds", ("amount", "order_id"), R, "select", H),
        ],
    )


def test_derived_table_columns_trace_through_aliases() -> None:
    check(
        """
        SELECT t.cid, t.n FROM (
            SELECT customer_id AS cid, count(*) AS n FROM orders GROUP BY customer_id
        ) AS t WHERE t.n > 1
        """,
        [(A, "orders", ("customer_id",), R, "select", H)],
    )


def test_derived_table_star_passes_columns_through() -> None:
    check(
        "SELECT x.email FROM (SELECT * FROM customers) x WHERE x.active",
        [
            (A, "customers", ("email", "active"), R, "select", H),
            (A, "customers", (), R, "select_star", H),
        ],
    )


def test_union() -> None:
    check(
        "SELECT id, email FROM customers UNION SELECT id, email FROM leads ORDER BY email",
        [
            (A, "customers", ("id", "email"), R, "select", H),
            (A, "leads", ("id", "email"), R, "select", H),
        ],
    )


def test_intersect_and_except() -> None:
    check(
        "SELECT id FROM customers INTERSECT SELECT customer_id FROM orders EXCEPT SELECT customer_id FROM refunds",
        [
            (A, "customers", ("id",), R, "select", H),
            (A, "orders", ("customer_id",), R, "select", H),
            (A, "refunds", ("customer_id",), R, "select", H),
        ],
    )


def test_window_functions_read_partition_and_order_columns() -> None:
    check(
        """
        SELECT id,
               row_number() OVER (PARTITION BY customer_id ORDER BY created_at DESC) AS rn,
               sum(total) OVER w
        FROM orders WINDOW w AS (PARTITION BY status)
        """,
        [(A, "orders", ("id", "customer_id", "created_at", "total", "status"), R, "select", H)],
    )


def test_every_join_kind() -> None:
    check(
        """
        SELECT o.id, c.name FROM orders o
        INNER JOIN customers c ON c.id = o.customer_id
        LEFT JOIN refunds r ON r.order_id = o.id
        RIGHT JOIN shipments s ON s.order_id = o.id
        FULL OUTER JOIN invoices i ON i.order_id = o.id
        CROSS JOIN settings st
        """,
        [
            (A, "orders", ("id", "customer_id"), R, "select", H),
            (A, "customers", ("name", "id"), R, "select", H),
            (A, "refunds", ("order_id",), R, "select", H),
            (A, "shipments", ("order_id",), R, "select", H),
            (A, "invoices", ("order_id",), R, "select", H),
            (A, "settings", (), R, "select", H),
        ],
    )


def test_natural_join_records_partners() -> None:
    result = check(
        "SELECT * FROM orders NATURAL JOIN customers",
        [
            (A, "orders", (), R, "select", H),
            (A, "customers", (), R, "select", H),
            (A, "orders", (), R, "select_star", H),
            (A, "customers", (), R, "select_star", H),
            (A, "orders", (), R, "natural_join", H),
            (A, "customers", (), R, "natural_join", H),
        ],
    )
    assert extra(find(result, "orders", "natural_join")) == {"partners": ["customers"]}
    assert extra(find(result, "customers", "natural_join")) == {"partners": ["orders"]}


def test_using_join_key_is_read_on_both_sides_and_not_ambiguous() -> None:
    result = check(
        "SELECT order_id, r.amount FROM orders JOIN refunds r USING (order_id)",
        [
            (A, "orders", ("order_id",), R, "select", H),
            (A, "refunds", ("order_id", "amount"), R, "select", H),
            (A, "orders", (), R, "using_join", H),
            (A, "refunds", (), R, "using_join", H),
        ],
    )
    assert extra(find(result, "refunds", "using_join")) == {"partners": ["orders"]}


def test_star_and_qualified_star() -> None:
    check(
        "SELECT o.*, c.email FROM orders o JOIN customers c ON c.id = o.customer_id",
        [
            (A, "orders", ("customer_id",), R, "select", H),
            (A, "orders", (), R, "select_star", H),
            (A, "customers", ("email", "id"), R, "select", H),
        ],
    )


def test_select_without_tables_observes_nothing() -> None:
    check("SELECT 1, now()", [], kind="select")


def test_select_has_no_flow() -> None:
    result = check("SELECT id FROM orders", [(A, "orders", ("id",), R, "select", H)])
    assert all(o.kind != FLOW for o in result.observations)


def test_group_by_column_that_is_not_selected() -> None:
    check("SELECT count(*) FROM orders GROUP BY region", [(A, "orders", ("region",), R, "select", H)])


def test_qualify_window_columns_are_read() -> None:
    check(
        "SELECT id FROM orders QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY ts) = 1",
        [(A, "orders", ("id", "customer_id", "ts"), R, "select", H)],
        dialect="snowflake",
    )


def test_natural_join_partners_are_the_tables_to_its_left() -> None:
    """A table joined after a NATURAL JOIN takes no part in its condition."""
    result = check(
        "SELECT * FROM customers NATURAL JOIN loyalty JOIN orders o ON o.customer_id = customers.id",
        [
            (A, "customers", ("id",), R, "select", H),
            (A, "loyalty", (), R, "select", H),
            (A, "orders", ("customer_id",), R, "select", H),
            (A, "customers", (), R, "select_star", H),
            (A, "loyalty", (), R, "select_star", H),
            (A, "orders", (), R, "select_star", H),
            (A, "customers", (), R, "natural_join", H),
            (A, "loyalty", (), R, "natural_join", H),
        ],
    )
    assert extra(find(result, "loyalty", "natural_join")) == {"partners": ["customers"]}
    assert extra(find(result, "customers", "natural_join")) == {"partners": ["loyalty"]}


def test_whole_row_references_read_every_column_like_a_star() -> None:
    schema = {"payments": {"id": "bigint", "amount": "numeric", "status": "text"}, "tag": {"id": "int", "tag": "text"}}
    # an alias, a function over the row, the table's own name: every column, a new one included
    for sql, name in (("SELECT p FROM payments p", "p"), ("SELECT row_to_json(p) FROM payments p WHERE p.amount > 0", "p"),
                      ("SELECT to_jsonb(payments) FROM payments", "payments")):
        star = find(one(sql, schema=schema), "payments", "select_star")
        assert (star.confidence, extra(star)) == (H, {"whole_row": name}), sql
    # a column named like its table is that column, when the schema says so
    check("SELECT tag FROM tag", [(A, "tag", ("tag",), R, "select", H)], schema=schema)
    # without a schema the row is the likelier reading, said with its reason
    star = find(one("SELECT p FROM payments p"), "payments", "select_star")
    assert star.confidence == "medium" and extra(star)["reason"].startswith("`p` taken for the row of payments")
