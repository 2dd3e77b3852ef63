"""The shop fixture end to end: dbt scanners, then `link_dbt`, exact facts."""

from __future__ import annotations

from tests.frameworks.dbt.helpers import linked, summary

STG_ORDERS = "models/staging/stg_orders.sql"
STG_CUSTOMERS = "models/staging/stg_customers.sql"
INT_TOTALS = "models/intermediate/int_order_totals.sql"
FCT = "models/marts/fct_orders.sql"
DIM = "models/marts/dim_customers.sql"
SOURCES = "models/staging/sources.yml"
SCHEMA_YML = "models/marts/schema.yml"


def test_tables_and_columns() -> None:
    facts = linked("shop")
    # the properties YAML entries documenting a model are definition sites too
    declared = sorted((f.table, f.location.path, f.location.line) for f in facts if f.kind == "table_def" and f.detail == "dbt_declared")
    assert declared == [("analytics.dim_customers", SCHEMA_YML, 4), ("analytics.orders_fact", SCHEMA_YML, 24)]
    facts = [f for f in facts if not (f.kind == "table_def" and f.detail == "dbt_declared")]
    assert summary(facts, "table_def") == [
        ("table_def", "analytics.dim_customers", ("customer_id", "email", "order_count", "total_amount"), "schema", "dbt_model", DIM, 1),
        ("table_def", "analytics.orders_fact", ("order_key",), "schema", "dbt_model", FCT, 8),
        ("table_def", "int_order_totals", ("customer_id", "order_count", "total_amount"), "schema", "dbt_model", INT_TOTALS, 3),
        ("table_def", "raw.customers", (), "schema", "dbt_source", SOURCES, 16),
        ("table_def", "raw.shop_orders", ("id", "customer_id", "status"), "schema", "dbt_source", SOURCES, 7),
        ("table_def", "stg_customers", ("customer_id", "name", "email"), "schema", "dbt_model", STG_CUSTOMERS, 1),
        # `select * from renamed`: the columns come from the CTE's column lineage
        ("table_def", "stg_orders", ("amount", "created_at", "customer_id", "order_id", "status"), "schema", "dbt_model", STG_ORDERS, 2),
    ]
    columns = {(f.table, f.columns[0]): (f.extra["type"], f.location.line) for f in facts if f.kind == "column_def" and f.detail != "dbt_declared"}
    assert columns[("raw.shop_orders", "status")] == ("text", 14)
    assert columns[("analytics.dim_customers", "order_count")] == ("bigint", 1)  # type from the contract
    # a column the model's properties YAML documents is also defined at its line there
    declared = sorted((f.columns[0], f.location.path, f.location.line) for f in facts if f.detail == "dbt_declared")
    assert declared == [
        ("customer_id", SCHEMA_YML, 9), ("email", SCHEMA_YML, 18), ("order_count", SCHEMA_YML, 20), ("total_amount", SCHEMA_YML, 22),
    ]  # fct_orders documents `status` and `customer_id`, which its SQL does not select: no definition
    assert columns[("stg_orders", "order_id")] == (None, 2)
    assert sorted(t for t, _ in columns) == sorted(
        ["raw.shop_orders"] * 3 + ["stg_customers"] * 3 + ["stg_orders"] * 5 + ["int_order_totals"] * 3
        + ["analytics.dim_customers"] * 4 + ["analytics.orders_fact"]
    )


def test_model_configs() -> None:
    defs = {f.table: f.extra for f in linked("shop") if f.kind == "table_def" and f.detail == "dbt_model"}
    assert defs["analytics.orders_fact"] == {
        "model": "fct_orders",
        "materialized": "incremental",  # config() beats the folder's +materialized: table
        "alias": "orders_fact",  # from schema.yml
        "schema": "analytics",  # from dbt_project.yml's marts folder
        "contract_enforced": False,
        "projection": ["stg_orders.*", "order_key"],
        "star_from": ["stg_orders"],
        "declared_columns": ["status", "customer_id"],
        "declared_at": {"path": SCHEMA_YML, "line": 24},
    }
    assert defs["analytics.dim_customers"]["contract_enforced"] is True
    assert defs["analytics.dim_customers"]["declared_columns"] == ["customer_id", "email", "order_count", "total_amount"]
    assert "star_from" not in defs["stg_orders"]  # its star is over a CTE of explicit columns
    assert defs["int_order_totals"]["materialized"] == "ephemeral"
    assert defs["stg_customers"]["materialized"] == "view"


def test_accesses() -> None:
    facts = linked("shop")
    reads = sorted(
        ((f.location.path, f.location.line, f.table, f.columns, f.detail, f.extra.get("is_incremental"))
         for f in facts if f.kind == "access" and f.detail not in ("dbt_test", "dbt_build", "dbt_python_ref")),  # below
        key=repr,
    )
    assert reads == sorted([
        (INT_TOTALS, 4, "stg_orders", ("customer_id", "amount"), "select", None),  # each read at its ref() line
        (INT_TOTALS, 4, "stg_orders", (), "select_star", None),
        (DIM, 7, "int_order_totals", ("order_count", "total_amount", "customer_id"), "select", None),
        (DIM, 6, "stg_customers", ("customer_id", "email"), "select", None),
        (FCT, 13, "analytics.orders_fact", ("created_at",), "select", True),  # {{ this }}
        (FCT, 9, "stg_orders", ("created_at",), "select", True),  # first called inside dbt_utils.star
        (FCT, 9, "stg_orders", ("order_id", "customer_id"), "select", None),
        (FCT, 9, "stg_orders", (), "select_star", None),
        (SCHEMA_YML, 39, "analytics.dim_customers", (), "dbt_exposure", None),
        (SCHEMA_YML, 39, "analytics.orders_fact", (), "dbt_exposure", None),
        (STG_CUSTOMERS, 5, "raw.customers", ("id", "name", "email"), "select", None),
        (STG_ORDERS, 4, "raw.shop_orders", ("id", "customer_id", "status", "amount_cents", "created_at"), "select", None),
        (STG_ORDERS, 4, "raw.shop_orders", (), "select_star", None),
    ], key=repr)
    assert all(f.via == "dbt" and "__dbt_" not in f.table + f.snippet for f in facts if f.kind != "dbt_project")
    fct = next(f for f in facts if f.kind == "access" and f.location.path == FCT)
    assert fct.location.end_line == 14
    assert "from stg_orders" in fct.snippet


def test_flows() -> None:
    flows = sorted(
        (f.table, f.extra["to"], f.detail, f.columns, f.extra.get("to_column"))
        for f in linked("shop")
        if f.kind == "flow"
    )
    assert [(a, b) for a, b, detail, *_ in flows if detail == "table"] == [
        ("int_order_totals", "analytics.dim_customers"),
        ("raw.customers", "stg_customers"),
        ("raw.shop_orders", "stg_orders"),
        ("stg_customers", "analytics.dim_customers"),
        ("stg_orders", "analytics.orders_fact"),
        ("stg_orders", "int_order_totals"),
    ]
    assert [f for f in flows if f[2] == "star"] == [("stg_orders", "analytics.orders_fact", "star", (), None)]
    columns = {(a, c, b, to) for a, b, detail, cols, to in flows if detail == "column" for c in cols}
    # source column -> staging -> intermediate -> mart
    assert ("raw.shop_orders", "amount_cents", "stg_orders", "amount") in columns
    assert ("stg_orders", "amount", "int_order_totals", "total_amount") in columns
    assert ("int_order_totals", "total_amount", "analytics.dim_customers", "total_amount") in columns
    assert ("stg_orders", "order_id", "analytics.orders_fact", "order_key") in columns


def test_symbolic_facts_are_consumed() -> None:
    kinds = {f.kind for f in linked("shop")}
    assert kinds == {"access", "column_def", "flow", "table_def", "dbt_project"}


def test_lineage_reaches_the_marts_in_the_graph() -> None:
    from depmap.graph import DependencyGraph

    hops = DependencyGraph(linked("shop")).downstream("raw.shop_orders")
    assert sorted({(h.source, h.target, h.depth) for h in hops}) == [
        ("int_order_totals", "analytics.dim_customers", 3),
        ("raw.shop_orders", "stg_orders", 1),
        ("stg_orders", "analytics.orders_fact", 2),
        ("stg_orders", "int_order_totals", 2),
    ]


def test_data_tests_read_what_they_test_at_their_lines() -> None:
    tests = sorted(
        (f.location.path, f.location.line, f.table, f.columns, f.snippet)
        for f in linked("shop") if f.kind == "access" and f.detail == "dbt_test"
    )
    assert tests == [
        # column tests written as bare names, each at its own line
        (SCHEMA_YML, 12, "analytics.dim_customers", ("customer_id",), "unique"),
        (SCHEMA_YML, 13, "analytics.dim_customers", ("customer_id",), "not_null"),
        # relationships (dbt 1.10 `arguments:`): the test's model, and the target at its `to:` line
        (SCHEMA_YML, 14, "analytics.dim_customers", ("customer_id",), "relationships"),
        (SCHEMA_YML, 16, "stg_customers", ("customer_id",), "relationships to: stg_customers"),
        # a model-level test comparing with another model
        (SCHEMA_YML, 28, "analytics.orders_fact", (), "dbt_utils.equal_rowcount"),
        (SCHEMA_YML, 29, "stg_orders", (), "dbt_utils.equal_rowcount compare_model: stg_orders"),
        (SCHEMA_YML, 33, "analytics.orders_fact", ("status",), "accepted_values"),
        # a flow list: both on its line, the relationships target named there too
        (SCHEMA_YML, 36, "analytics.dim_customers", ("customer_id",), "relationships to: dim_customers"),
        (SCHEMA_YML, 36, "analytics.orders_fact", ("customer_id",), "not_null"),
        (SCHEMA_YML, 36, "analytics.orders_fact", ("customer_id",), "relationships"),
        # a source table's column test reads the table the source names
        ("models/staging/sources.yml", 12, "raw.shop_orders", ("id",), "unique"),
    ]


def test_building_a_model_writes_its_relation_from_its_file() -> None:
    builds = sorted((f.location.path, f.location.line, f.table, f.access, f.extra["materialized"])
                    for f in linked("shop") if f.kind == "access" and f.detail == "dbt_build")
    assert builds == [
        ("models/marts/customer_scores.py", 1, "analytics.customer_scores", "write", "table"),  # a Python model
        (DIM, 1, "analytics.dim_customers", "write", "table"),
        (FCT, 1, "analytics.orders_fact", "write", "incremental"),
        (STG_CUSTOMERS, 1, "stg_customers", "write", "view"),
        (STG_ORDERS, 1, "stg_orders", "write", "view"),
    ]  # int_order_totals is ephemeral: inlined where it is used, never built


def test_a_python_model_reads_its_refs_and_sources_and_builds_its_relation() -> None:
    scores = "models/marts/customer_scores.py"
    facts = sorted((f.location.line, f.table, f.access, f.detail, f.snippet)
                   for f in linked("shop") if f.kind == "access" and f.location.path == scores)
    assert facts == [
        # named like a SQL model of its folder: marts get the `analytics` schema
        (1, "analytics.customer_scores", "write", "dbt_build", "materialized: table"),
        (7, "analytics.dim_customers", "read", "dbt_python_ref", 'dbt.ref("dim_customers")'),
        (8, "raw.shop_orders", "read", "dbt_python_ref", 'dbt.source("shop", "orders")'),
    ]
