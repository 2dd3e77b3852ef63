"""A table's schema history: its operations in migration order, through renames, downgrades apart."""

from __future__ import annotations

from depmap.model import SCHEMA, SCHEMA_OP, SCHEMA_OPS, Fact, Location
from depmap.schema_history import direction, entry_json, history_of, settle_tables

from tests.test_catalog import catalog_of


def op(table: str, detail: str, line: int, columns: tuple[str, ...] = (), path: str = "db/V1.sql", **extra) -> Fact:
    return Fact(SCHEMA_OP, table, Location(path, line, line), columns, SCHEMA, detail, extra=extra)


def rows(facts: list[Fact]) -> list[tuple]:
    return [(f.location.path, f.location.line, f.table, f.detail, f.columns) for f in facts]


MIGRATIONS = {
    "db/migrations/V1__init.sql": (
        "CREATE TABLE customers (id bigint PRIMARY KEY, email text);\n"
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), paid boolean);\n"
        "CREATE INDEX ix_orders_paid ON orders (paid);\n"
    ),
    "db/migrations/V2__rename.sql": (
        "ALTER TABLE orders RENAME COLUMN paid TO is_paid;\n"
        "ALTER TABLE orders RENAME TO sales_orders;\n"
        "COMMENT ON COLUMN sales_orders.is_paid IS 'set by the payment webhook';\n"
        "DROP INDEX ix_orders_paid;\n"
    ),
    "db/migrations/V10__orders_again.sql": "CREATE TABLE orders (id bigint);\n",  # a new table of the old name
}


def test_a_table_through_its_renames() -> None:
    catalog = catalog_of(MIGRATIONS)
    history = catalog.history("sales_orders")
    assert rows(history.upgrades) == [
        ("db/migrations/V1__init.sql", 2, "orders", "create_table", ("id", "customer_id", "paid")),
        ("db/migrations/V1__init.sql", 3, "orders", "create_index", ("paid",)),
        ("db/migrations/V2__rename.sql", 1, "orders", "rename_column", ("paid",)),
        ("db/migrations/V2__rename.sql", 2, "orders", "rename_table", ()),
        ("db/migrations/V2__rename.sql", 3, "sales_orders", "comment", ("is_paid",)),
        # no table named: the index's, found by its name, renames followed, and its column
        ("db/migrations/V2__rename.sql", 4, "sales_orders", "drop_index", ("is_paid",)),
    ]
    assert history.names == ["orders"]
    assert {fact.detail for fact in catalog.ops} <= SCHEMA_OPS
    assert (history.upgrades[-1].extra["table_from"], history.upgrades[-1].extra["columns_from"]) == ("index", "name")
    # the later table named orders has its own history; the renamed one's stays with sales_orders
    assert rows(catalog.history("orders").upgrades) == [("db/migrations/V10__orders_again.sql", 1, "orders", "create_table", ("id",))]


def test_a_column_through_its_renames_and_the_foreign_keys_pointing_at_a_table() -> None:
    catalog = catalog_of(MIGRATIONS)
    assert rows(catalog.history("sales_orders", "is_paid").upgrades) == [
        ("db/migrations/V1__init.sql", 2, "orders", "create_table", ("id", "customer_id", "paid")),
        ("db/migrations/V1__init.sql", 3, "orders", "create_index", ("paid",)),
        ("db/migrations/V2__rename.sql", 1, "orders", "rename_column", ("paid",)),
        ("db/migrations/V2__rename.sql", 2, "orders", "rename_table", ()),
        ("db/migrations/V2__rename.sql", 3, "sales_orders", "comment", ("is_paid",)),
        ("db/migrations/V2__rename.sql", 4, "sales_orders", "drop_index", ("is_paid",)),
    ]
    # customers: its own creation, and the table whose foreign key points at it
    assert rows(catalog.history("customers").upgrades) == [
        ("db/migrations/V1__init.sql", 1, "customers", "create_table", ("id", "email")),
        ("db/migrations/V1__init.sql", 2, "orders", "create_table", ("id", "customer_id", "paid")),
    ]
    assert rows(catalog.history("customers", "email").upgrades) == [
        ("db/migrations/V1__init.sql", 1, "customers", "create_table", ("id", "email")),
    ]


def test_downgrades_are_listed_apart_in_their_migrations_order() -> None:
    up = op("orders", "create_index", 10, ("status",), "versions/b2.py", name="ix_status", migration_rank=1, revision="b2")
    down = op("orders", "drop_index", 14, (), "versions/b2.py", name="ix_status", migration_rank=1, revision="b2", direction="down")
    older_down = op("orders", "drop_column", 30, ("status",), "versions/a1.py", migration_rank=0, revision="a1", direction="down")
    plain = op("orders", "add_column", 1, ("status",), "schema.sql")
    history = history_of([plain, older_down, up, down], "orders")
    assert rows(history.upgrades) == [("schema.sql", 1, "orders", "add_column", ("status",)), ("versions/b2.py", 10, "orders", "create_index", ("status",))]
    assert rows(history.downgrades) == [("versions/a1.py", 30, "orders", "drop_column", ("status",)), ("versions/b2.py", 14, "orders", "drop_index", ())]
    assert history.last_migration is up
    assert [direction(f) for f in (plain, up, down)] == [None, "upgrade", "downgrade"]


def test_table_less_operations_find_their_table_by_name() -> None:
    first = op("orders", "create_index", 1, ("status",), name="ix_status")
    later = op("invoices", "create_index", 3, ("status",), name="ix_status")  # the name reused after a drop
    drop = op("", "drop_index", 4, name="ix_status")
    trigger = op("orders", "create_trigger", 5, name="orders_audit")
    trigger_drop = op("", "drop_trigger", 6, name="orders_audit")
    unknown = op("", "drop_index", 7, name="ix_nowhere")
    settled = settle_tables([first, op("", "drop_index", 2, name="ix_status"), later, drop, trigger, trigger_drop, unknown])
    assert [(f.location.line, f.table, f.columns, f.extra.get("table_from")) for f in settled] == [
        (1, "orders", ("status",), None), (2, "orders", ("status",), "index"), (3, "invoices", ("status",), None),
        (4, "invoices", ("status",), "index"), (5, "orders", (), None), (6, "orders", (), "trigger"), (7, "", (), None),
    ]


def test_entry_json() -> None:
    fact = Fact(SCHEMA_OP, "orders", Location("alembic/versions/c4_orders.py", 31, 37, symbol="c4_orders.upgrade"), ("customer_id",),
                SCHEMA, "create_index", "migration", snippet="op.create_index(...)",
                extra={"name": "ix_orders_open", "where": "status <> 'closed'", "operation": "op.create_index", "revision": "c4",
                       "migration": "c4", "migration_rank": 3})
    assert entry_json(fact) == {
        "op": "create_index", "table": "orders", "path": "alembic/versions/c4_orders.py", "line": 31, "end_line": 37,
        "columns": ["customer_id"], "direction": "upgrade", "migration": "c4", "via": "migration",
        "name": "ix_orders_open", "operation": "op.create_index", "where": "status <> 'closed'",
    }
