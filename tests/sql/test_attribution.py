"""Which table owns each column: unqualified names, the schema, correlation, and table names.

Without a schema an unqualified column in a multi-table query goes to every candidate at low
confidence with the candidate list; with a schema it goes to the one table that has it, at high
confidence. Names fold the way the dialect compares them.
"""

from __future__ import annotations

from .helpers import A, H, L, R, W, check, extra, find

SCHEMA = {
    "orders": {"id", "total", "customer_id", "status"},
    "customers": {"id", "email", "name"},
    "refunds": {"id", "order_id", "amount"},
}
JOIN = "SELECT total, email FROM orders o JOIN customers c ON c.id = o.customer_id"


def test_unqualified_columns_without_schema_go_to_every_candidate_at_low() -> None:
    result = check(
        JOIN,
        [
            (A, "orders", ("customer_id",), R, "select", H),
            (A, "customers", ("id",), R, "select", H),
            (A, "orders", ("total", "email"), R, "select", L),
            (A, "customers", ("total", "email"), R, "select", L),
        ],
    )
    assert extra(find(result, "orders", columns=("total", "email"))) == {"candidates": ["customers", "orders"], "scope": ["customers", "orders"]}
    assert extra(find(result, "customers", columns=("total", "email"))) == {"candidates": ["customers", "orders"], "scope": ["customers", "orders"]}


def test_unqualified_columns_with_schema_go_to_the_owner_at_high() -> None:
    check(
        JOIN,
        [
            (A, "orders", ("total", "customer_id"), R, "select", H),
            (A, "customers", ("email", "id"), R, "select", H),
        ],
        schema=SCHEMA,
    )


def test_column_in_both_tables_stays_ambiguous_with_schema() -> None:
    result = check(
        "SELECT id FROM orders o JOIN customers c ON c.id = o.customer_id",
        [
            (A, "orders", ("customer_id",), R, "select", H),
            (A, "customers", ("id",), R, "select", H),
            (A, "orders", ("id",), R, "select", L),
            (A, "customers", ("id",), R, "select", L),
        ],
        schema=SCHEMA,
    )
    low = [o for o in result.observations if o.confidence == L]
    assert [extra(o) for o in low] == [{"candidates": ["customers", "orders"], "scope": ["customers", "orders"]}] * 2


def test_column_in_no_known_table_stays_low_with_schema() -> None:
    check(
        "SELECT nope FROM orders JOIN customers ON customers.id = orders.customer_id",
        [
            (A, "orders", ("customer_id",), R, "select", H),
            (A, "customers", ("id",), R, "select", H),
            (A, "orders", ("nope",), R, "select", L),
            (A, "customers", ("nope",), R, "select", L),
        ],
        schema=SCHEMA,
    )


def test_schema_resolves_correlated_column_to_the_outer_table() -> None:
    check(
        "SELECT o.id FROM orders o WHERE EXISTS (SELECT 1 FROM refunds r WHERE order_id = o.id AND status = 'x')",
        [
            (A, "orders", ("id", "status"), R, "select", H),
            (A, "refunds", ("order_id",), R, "select", H),
        ],
        schema=SCHEMA,
    )


def test_schema_sees_through_a_star_cte() -> None:
    check(
        "WITH c AS (SELECT * FROM customers) SELECT email, total FROM c JOIN orders ON orders.customer_id = c.id",
        [
            (A, "customers", ("email", "id"), R, "select", H),
            (A, "customers", (), R, "select_star", H),
            (A, "orders", ("total", "customer_id"), R, "select", H),
        ],
        schema=SCHEMA,
    )


def test_schema_attributes_unqualified_update_from_columns() -> None:
    check(
        "UPDATE orders SET total = amount FROM refunds WHERE order_id = orders.id",
        [
            (A, "orders", ("total",), W, "update", H),
            (A, "orders", ("id",), R, "update", H),
            (A, "refunds", ("amount", "order_id"), R, "update", H),
        ],
        schema=SCHEMA,
    )


def test_order_by_select_alias_is_not_a_column_even_in_a_join() -> None:
    check(
        "SELECT o.total AS t, c.email FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY t",
        [
            (A, "orders", ("total", "customer_id"), R, "select", H),
            (A, "customers", ("email", "id"), R, "select", H),
        ],
    )


def test_public_schema_is_dropped_on_postgres() -> None:
    check("SELECT id FROM public.orders", [(A, "orders", ("id",), R, "select", H)])


def test_other_schemas_stay_qualified() -> None:
    check(
        "SELECT a.id FROM analytics.orders a JOIN warehouse.raw.orders r ON r.id = a.id",
        [
            (A, "analytics.orders", ("id",), R, "select", H),
            (A, "warehouse.raw.orders", ("id",), R, "select", H),
        ],
    )


def test_quoted_names_keep_their_case_on_postgres() -> None:
    check(
        'SELECT o."Total", o.ID FROM "Orders" o JOIN orders p ON p.id = o.id',
        [
            (A, "Orders", ("Total", "id"), R, "select", H),
            (A, "orders", ("id",), R, "select", H),
        ],
    )


def test_unquoted_names_fold_to_lower_case() -> None:
    check("SELECT ID, Total FROM ORDERS", [(A, "orders", ("id", "total"), R, "select", H)])


def test_mysql_backticks_fold_like_unquoted_names() -> None:
    check(
        "SELECT `o`.`Total` FROM `shop`.`orders` `o` JOIN `Customers` c ON c.id = o.cid",
        [
            (A, "shop.orders", ("total", "cid"), R, "select", H),
            (A, "customers", ("id",), R, "select", H),
        ],
        dialect="mysql",
    )


def test_mysql_backticks_in_unparsed_sql_fold_too() -> None:
    check(
        "SELECT `Total` FROM `Orders` WHERE (",
        [("parse_error", "", (), None, "unparsed", L), (A, "orders", (), R, "unparsed", L)],
        dialect="mysql",
        kind="unparsed",
    )


def test_unqualified_column_keeps_its_scope_tables() -> None:
    """`scope` lists the tables a bare name could belong to (through a CTE's `*` too), and survives
    the catalog settling `candidates`: a later same-named column in one of them is a conflict."""
    result = check(
        "WITH r AS (SELECT * FROM orders) SELECT discount_code FROM r JOIN coupons k ON k.id = r.coupon_id",
        [
            (A, "orders", (), R, "select_star", H),
            (A, "orders", ("coupon_id",), R, "select", H),
            (A, "coupons", ("id",), R, "select", H),
            (A, "orders", ("discount_code",), R, "select", L),
            (A, "coupons", ("discount_code",), R, "select", L),
        ],
    )
    assert extra(find(result, "coupons", columns=("discount_code",)))["scope"] == ["coupons", "orders"]


def test_unqualified_column_of_a_lone_table_has_no_scope() -> None:
    result = check("SELECT discount_code FROM coupons", [(A, "coupons", ("discount_code",), R, "select", H)])
    assert extra(find(result, "coupons", columns=("discount_code",))) == {}
