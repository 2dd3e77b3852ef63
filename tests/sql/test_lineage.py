"""Column lineage: which source columns feed which target column, by position, by name, through `*`."""

from __future__ import annotations

from depmap.sql import analyze_sql


def flows(sql: str) -> list[tuple]:
    (result,) = analyze_sql(sql)
    return sorted(
        (o.table, o.columns, o.detail, o.extra["to"], o.extra.get("to_column"))
        for o in result.observations
        if o.kind == "flow" and o.detail != "table"
    )


def test_insert_maps_by_position_to_the_column_list():
    assert flows("INSERT INTO t (a, b) SELECT s.x, s.y + s.z FROM src s") == [
        ("src", ("x",), "column", "t", "a"),
        ("src", ("y", "z"), "column", "t", "b"),
    ]


def test_create_table_as_and_views_map_by_output_name():
    assert flows("CREATE VIEW v AS SELECT o.id AS order_id, c.email FROM orders o JOIN customers c ON c.id = o.cid") == [
        ("customers", ("email",), "column", "v", "email"),
        ("orders", ("id",), "column", "v", "order_id"),
    ]


def test_a_star_carries_every_column_and_a_cte_star_resolves_to_its_base_table():
    assert flows("CREATE VIEW v AS SELECT c.*, o.total FROM customers c JOIN orders o ON o.cid = c.id") == [
        ("customers", (), "star", "v", None),
        ("orders", ("total",), "column", "v", "total"),
    ]
    assert flows("INSERT INTO arch WITH x AS (SELECT * FROM orders) SELECT * FROM x") == [("orders", (), "star", "arch", None)]


def test_explicit_cte_columns_flow_by_name_and_set_operations_by_position():
    assert flows("WITH x AS (SELECT id, status FROM orders) INSERT INTO arch SELECT * FROM x") == [
        ("orders", ("id",), "column", "arch", "id"),
        ("orders", ("status",), "column", "arch", "status"),
    ]
    assert flows("INSERT INTO all_ids (id) SELECT id FROM a UNION ALL SELECT b_id FROM b") == [
        ("a", ("id",), "column", "all_ids", "id"),
        ("b", ("b_id",), "column", "all_ids", "id"),
    ]


def test_a_scalar_subquery_in_the_projection_is_not_its_own_column():
    assert flows("CREATE TABLE t AS SELECT o.id, (SELECT max(p.amount) FROM payments p) AS top FROM orders o") == [
        ("orders", ("id",), "column", "t", "id"),
    ]


def test_a_contained_star_is_no_star_flow():
    """A `*` narrowed by its parent (a derived table, a CTE, an EXISTS) carries nothing downstream:
    only the columns the outer query names flow, so a column added tomorrow stays behind."""
    assert flows("CREATE VIEW v AS SELECT id FROM (SELECT * FROM orders) s") == [("orders", ("id",), "column", "v", "id")]
    assert flows("CREATE VIEW v AS WITH r AS (SELECT * FROM orders) SELECT r.id, r.total FROM r") == [
        ("orders", ("id",), "column", "v", "id"),
        ("orders", ("total",), "column", "v", "total"),
    ]
    assert flows("INSERT INTO ids (id) SELECT c.id FROM customers c WHERE EXISTS (SELECT * FROM orders o WHERE o.cid = c.id)") == [
        ("customers", ("id",), "column", "ids", "id"),
    ]
