"""`depmap history` in words: each operation's details on one line, and the JSON document."""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from depmap.model import SCHEMA, SCHEMA_OP, Fact, Location
from depmap.render.history import history_document, print_history
from depmap.schema_history import History


def op(detail: str, line: int, columns: tuple[str, ...] = (), table: str = "orders", **extra) -> Fact:
    return Fact(SCHEMA_OP, table, Location("orders/migrations/0004_x.py", line, line), columns, SCHEMA, detail, "migration", extra=extra)


def printed(history: History) -> list[str]:
    buffer = StringIO()
    print_history(Console(file=buffer, width=200, no_color=True), history.table, [history])
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


def test_each_kind_of_operation_in_words() -> None:
    migration = {"migration": "sales.0004_x", "migration_rank": 3}
    history = History("orders", upgrades=[
        op("add_constraint", 10, ("customer_id",), name="fk_orders_customer", constraint="foreign_key",
           references={"table": "customers", "columns": ["id"]}, **migration),
        op("add_constraint", 11, ("total",), name="ck_total", constraint="check", check="total >= 0", **migration),
        op("create_index", 12, ("status",), name="ix_open", unique=True, where="status <> 'closed'", **migration),
        op("alter_unique_together", 13, ("customer_id", "number"), together=[["customer_id", "number"]], **migration),
        op("alter_index_together", 14, (), together=[], **migration),
        op("create_trigger", 15, name="orders_audit", trigger={"timing": "AFTER", "events": ["INSERT", "UPDATE"]}, **migration),
        op("alter_column", 16, ("status",), change="set not null", **migration),
        op("create_table", 17, ("id", "order_id"), table="refunds",
           column_constraints=[{"column": "order_id", "references": {"table": "orders", "columns": ["id"]}}], **migration),
        op("create_index", 18, ("number",), name="orders_number_idx", within="model"),
    ], downgrades=[op("drop_index", 20, ("status",), name="ix_open", direction="down", **migration)])
    path = "orders/migrations/0004_x.py"
    assert printed(history) == [
        f"Schema history of orders: 9 operations; last migration sales.0004_x ({path}:17)",
        f"  {path}:10  add_constraint         sales.0004_x  fk_orders_customer (customer_id) foreign key references customers(id)",
        f"  {path}:11  add_constraint         sales.0004_x  ck_total (total) check total >= 0",
        f"  {path}:12  create_index           sales.0004_x  ix_open (status) unique where status <> 'closed'",
        f"  {path}:13  alter_unique_together  sales.0004_x  (customer_id, number) now (customer_id, number)",
        f"  {path}:14  alter_index_together   sales.0004_x  now none",
        f"  {path}:15  create_trigger         sales.0004_x  orders_audit AFTER INSERT OR UPDATE",
        f"  {path}:16  alter_column           sales.0004_x  (status) set not null",
        f"  {path}:17  create_table           sales.0004_x  (id, order_id) on refunds: order_id -> id",
        f"  {path}:18  create_index                         orders_number_idx (number) [model]",
        "",
        "Downgrades (1, run only when migrating down; never replayed):",
        f"  {path}:20  drop_index  sales.0004_x  ix_open (status)",
    ]


def test_nothing_known() -> None:
    assert printed(History("orders")) == [
        "Schema history of orders: 0 operations",
        "No schema operation found: no migration, DDL or model declaration touches it.",
    ]


def test_document() -> None:
    up = op("add_column", 3, ("paid_at",), migration="sales.0002_paid", migration_rank=1)
    history = History("orders", "paid_at", upgrades=[up], names=["order"])
    document = history_document({"table": "orders", "column": "paid_at"}, [history])
    entry = {"op": "add_column", "table": "orders", "path": "orders/migrations/0004_x.py", "line": 3, "end_line": 3,
             "columns": ["paid_at"], "direction": "upgrade", "migration": "sales.0002_paid", "via": "migration"}
    assert document == {"schema_version": 2, "query": {"table": "orders", "column": "paid_at"}, "names": ["order"],
                        "history": [entry], "downgrades": [], "last_migration": entry}
