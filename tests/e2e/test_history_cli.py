"""`depmap history` and the history in `depmap tables --format json`, as a user runs them on a
small Alembic project (two revisions with batch operations, DDL run by op.execute, downgrades)."""

from __future__ import annotations

from pathlib import Path

from depmap.model import SCHEMA_OPS

PROJECT = Path(__file__).parent / "fixtures" / "alembic_history"
FIRST = "migrations/versions/1a2b3c4d5e6f_create_orders.py"
SECOND = "migrations/versions/7f8e9d0c1b2a_order_number.py"


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def test_history_of_a_table_in_migration_order_downgrades_apart(depmap) -> None:
    run = depmap("history", "orders", "--path", str(PROJECT), "--no-cache")
    assert (run.code, run.err) == (0, "")
    assert lines(run.out) == [
        f"Schema history of orders: 6 operations; last migration 7f8e9d0c1b2a ({SECOND}:18)",
        f"  {FIRST}:14  create_table    1a2b3c4d5e6f  (id, status, customer_id)",
        f"  {FIRST}:20  create_index    1a2b3c4d5e6f  ix_orders_status (status)",
        f"  {SECOND}:15   add_column      7f8e9d0c1b2a  (number)",
        f"  {SECOND}:16   add_constraint  7f8e9d0c1b2a  uq_orders_number (number) unique",
        f"  {SECOND}:17   drop_index      7f8e9d0c1b2a  ix_orders_status (status)",  # its columns found by its name
        f"  {SECOND}:18   create_trigger  7f8e9d0c1b2a  orders_touch BEFORE UPDATE",  # op.execute's DDL
        "",
        "Downgrades (6, run only when migrating down; never replayed):",
        f"  {FIRST}:24  drop_index       1a2b3c4d5e6f  ix_orders_status (status)",
        f"  {FIRST}:25  drop_table       1a2b3c4d5e6f",
        f"  {SECOND}:22   drop_trigger     7f8e9d0c1b2a  orders_touch",
        f"  {SECOND}:23   create_index     7f8e9d0c1b2a  ix_orders_status (status)",
        f"  {SECOND}:25   drop_constraint  7f8e9d0c1b2a  uq_orders_number (number) unique",
        f"  {SECOND}:26   drop_column      7f8e9d0c1b2a  (number)",
    ]


def test_history_of_a_column_as_json(depmap) -> None:
    run = depmap("history", "orders.number", "--path", str(PROJECT), "--format", "json", "--no-cache")
    assert run.code == 0, run.err
    document = run.json()
    added = {"op": "add_column", "table": "orders", "path": SECOND, "line": 15, "end_line": 15, "columns": ["number"],
             "direction": "upgrade", "migration": "7f8e9d0c1b2a", "via": "migration", "operation": "batch_op.add_column"}
    unique = {"op": "add_constraint", "table": "orders", "path": SECOND, "line": 16, "end_line": 16, "columns": ["number"],
              "direction": "upgrade", "migration": "7f8e9d0c1b2a", "via": "migration", "constraint": "unique",
              "name": "uq_orders_number", "operation": "batch_op.create_unique_constraint"}
    assert document == {
        "schema_version": 2,
        "query": {"table": "orders", "column": "number"},
        "names": [],
        "history": [added, unique],
        "downgrades": [
            {"op": "drop_table", "table": "orders", "path": FIRST, "line": 25, "end_line": 25, "columns": [], "direction": "downgrade",
             "migration": "1a2b3c4d5e6f", "via": "migration", "operation": "op.drop_table"},
            {"op": "drop_constraint", "table": "orders", "path": SECOND, "line": 25, "end_line": 25, "columns": ["number"],
             "direction": "downgrade", "migration": "7f8e9d0c1b2a", "via": "migration", "columns_from": "name", "constraint": "unique",
             "name": "uq_orders_number", "operation": "batch_op.drop_constraint"},
            {"op": "drop_column", "table": "orders", "path": SECOND, "line": 26, "end_line": 26, "columns": ["number"],
             "direction": "downgrade", "migration": "7f8e9d0c1b2a", "via": "migration", "operation": "batch_op.drop_column"},
        ],
        "last_migration": unique,
    }


def test_a_table_referenced_by_another_and_known_only_to_plain_ddl(depmap) -> None:
    run = depmap("history", "customers", "--path", str(PROJECT), "--no-cache")
    assert lines(run.out) == [
        f"Schema history of customers: 2 operations; last migration 1a2b3c4d5e6f ({FIRST}:14)",
        "  schema.sql:1                                          create_table                (id, email)",
        f"  {FIRST}:14  create_table  1a2b3c4d5e6f  (id, status, customer_id) on orders: customer_id -> id",
    ]


def test_unknown_tables_and_columns_are_usage_errors(depmap) -> None:
    run = depmap("history", "ordrs", "--path", str(PROJECT), "--no-cache")
    assert (run.code, run.out, run.err) == (2, "", "depmap: unknown table 'ordrs'; did you mean orders? (2 tables known; `depmap tables` lists them)\n")
    run = depmap("history", "orders.numbr", "--path", str(PROJECT), "--no-cache")
    assert (run.code, run.out, run.err) == (2, "", "depmap: table 'orders' has no column 'numbr'; did you mean number?\n")


def test_tables_json_lists_history_indexes_constraints_and_triggers(depmap) -> None:
    run = depmap("tables", str(PROJECT), "--format", "json", "--no-cache")
    assert run.code == 0, run.err
    tables = {table["name"]: table for table in run.json()["tables"]}
    orders = tables["orders"]
    assert [(h["op"], h["line"], h["direction"], h["migration"]) for h in orders["history"]] == [
        ("create_table", 14, "upgrade", "1a2b3c4d5e6f"), ("create_index", 20, "upgrade", "1a2b3c4d5e6f"),
        ("add_column", 15, "upgrade", "7f8e9d0c1b2a"), ("add_constraint", 16, "upgrade", "7f8e9d0c1b2a"),
        ("drop_index", 17, "upgrade", "7f8e9d0c1b2a"), ("create_trigger", 18, "upgrade", "7f8e9d0c1b2a"),
        ("drop_index", 24, "downgrade", "1a2b3c4d5e6f"), ("drop_table", 25, "downgrade", "1a2b3c4d5e6f"),
        ("drop_trigger", 22, "downgrade", "7f8e9d0c1b2a"), ("create_index", 23, "downgrade", "7f8e9d0c1b2a"),
        ("drop_constraint", 25, "downgrade", "7f8e9d0c1b2a"), ("drop_column", 26, "downgrade", "7f8e9d0c1b2a"),
    ]
    assert orders["indexes"] == []  # ix_orders_status was dropped by the second revision
    assert [(c["kind"], c["name"], c["columns"]) for c in orders["constraints"]] == [
        ("primary_key", None, ["id"]), ("foreign_key", None, ["customer_id"]), ("unique", "uq_orders_number", ["number"]),
    ]
    assert orders["triggers"] == [{"name": "orders_touch", "timing": "BEFORE", "events": ["UPDATE"], "function": "touch",
                                   "defined_at": [{"path": SECOND, "line": 18, "via": "migration"}]}]
    assert [(r["table"], r["columns"]) for r in tables["customers"]["referenced_by"]] == [("orders", ["customer_id"])]
    # the keys that were there before stay as they were
    assert list(orders)[:4] == ["name", "view", "defined_at", "columns"]
    assert {h["op"] for table in tables.values() for h in table["history"]} <= SCHEMA_OPS


def test_text_tables_show_the_counts(depmap) -> None:
    run = depmap("tables", str(PROJECT), "--no-cache")
    assert lines(run.out)[:2] == [
        "customers  (table, 2 columns; schema.sql:1)",
        "  1 constraint; 2 schema operations (`depmap history customers`)",
    ]
    assert "  3 constraints, 1 trigger; 12 schema operations (`depmap history orders`)" in lines(run.out)
