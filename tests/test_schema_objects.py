"""A table's indexes, constraints and triggers after the catalog replays its schema operations."""

from __future__ import annotations

from depmap.catalog import Catalog
from depmap.model import SCHEMA, SCHEMA_OP, TABLE_DEF, Fact, Location
from depmap.schema_objects import Definition, SchemaObject

from tests.test_catalog import catalog_of


def objects(catalog: Catalog, table: str) -> list[tuple]:
    return [(o.kind, o.name, o.columns) for o in catalog.tables[table].objects.items]


def test_each_kind_of_object_and_where_it_was_made() -> None:
    catalog = catalog_of({
        "db/V1__init.sql": (
            "CREATE TABLE customers (id bigint PRIMARY KEY, email text);\n"
            "CREATE TABLE orders (\n"
            "  id bigint, customer_id bigint REFERENCES customers (id), number text UNIQUE, total numeric,\n"
            "  PRIMARY KEY (id), CONSTRAINT ck_total CHECK (total >= 0)\n"
            ");\n"
            "CREATE UNIQUE INDEX uq_orders_number_open ON orders (number) WHERE total > 0;\n"
            "CREATE TRIGGER orders_audit AFTER INSERT OR DELETE ON orders FOR EACH ROW EXECUTE FUNCTION audit();\n"
        ),
    })
    orders = catalog.tables["orders"]
    assert [(i.name, i.columns, i.unique, i.where) for i in orders.indexes()] == [("uq_orders_number_open", ["number"], True, "total > 0")]
    assert [(c.kind, c.name, c.columns, c.references, c.check, c.declared) for c in orders.constraints()] == [
        ("primary_key", None, ["id"], None, None, True),
        ("foreign_key", None, ["customer_id"], {"table": "customers", "columns": ["id"]}, None, True),
        ("unique", None, ["number"], None, None, True),
        ("check", "ck_total", ["total"], None, "total >= 0", False),
    ]
    assert [(t.name, t.trigger) for t in orders.triggers()] == [
        ("orders_audit", {"timing": "AFTER", "events": ["INSERT", "DELETE"], "function": "audit"})
    ]
    assert [d.line for d in orders.indexes()[0].defined_at] == [6]
    assert [(table, item.columns) for table, item in catalog.referencing("customers")] == [("orders", ["customer_id"])]
    assert orders.triggers()[0].to_json() == {
        "name": "orders_audit", "timing": "AFTER", "events": ["INSERT", "DELETE"], "function": "audit",
        "defined_at": [{"path": "db/V1__init.sql", "line": 7, "via": "migration"}],
    }


def test_drops_renames_and_columns_that_go() -> None:
    catalog = catalog_of({
        "db/V1__init.sql": (
            "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
            "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), number text UNIQUE, "
            "status text, note text);\n"
            "CREATE INDEX ix_orders_status_note ON orders (status, note);\n"
            "CREATE INDEX ix_orders_number ON orders (number);\n"
        ),
        "db/V2__changes.sql": (
            "ALTER TABLE orders DROP CONSTRAINT orders_number_key;\n"  # PostgreSQL's own name for the UNIQUE
            "ALTER TABLE orders DROP COLUMN note;\n"  # takes the index on (status, note) along
            "DROP INDEX ix_orders_number;\n"  # no table named: found by the index's name
            "ALTER TABLE customers RENAME COLUMN id TO customer_id;\n"
            "ALTER TABLE customers RENAME TO buyers;\n"
        ),
    })
    assert objects(catalog, "orders") == [
        ("primary_key", None, ["id"]),
        ("foreign_key", None, ["customer_id"]),
    ]
    assert catalog.tables["orders"].constraints()[1].references == {"table": "buyers", "columns": ["customer_id"]}
    assert objects(catalog, "buyers") == [("primary_key", None, ["customer_id"])]


def test_a_dropped_table_takes_the_foreign_keys_pointing_at_it() -> None:
    catalog = catalog_of({
        "schema.sql": (
            "CREATE TABLE coupons (code text PRIMARY KEY);\n"
            "CREATE TABLE orders (id int PRIMARY KEY, coupon text REFERENCES coupons (code));\n"
            "DROP TABLE coupons CASCADE;\n"
        )
    })
    assert objects(catalog, "orders") == [("primary_key", None, ["id"])]


def test_downgrades_never_replay() -> None:
    where = Location("migrations/versions/a1_orders.py", 10, 10)
    table = Fact(TABLE_DEF, "orders", Location("schema.sql", 1, 1), ("id",), SCHEMA, "create_table")
    index = Fact(SCHEMA_OP, "orders", where, ("id",), SCHEMA, "create_index", "migration", extra={"name": "ix_up", "migration_rank": 0})
    undone = Fact(SCHEMA_OP, "orders", Location(where.path, 20, 20), (), SCHEMA, "drop_index", "migration",
                  extra={"name": "ix_up", "direction": "down", "migration_rank": 0})
    catalog = Catalog.from_facts([table, index, undone])
    assert objects(catalog, "orders") == [("index", "ix_up", ["id"])]
    assert [f.detail for f in catalog.history("orders").downgrades] == ["drop_index"]


def test_model_declarations_merge_with_what_migrations_made() -> None:
    migration = Location("orders/migrations/0001_initial.py", 12, 20)
    model = Location("orders/models.py", 8, 30)
    facts = [
        Fact(TABLE_DEF, "orders_order", migration, ("id", "number"), SCHEMA, "create_table", "migration", extra={"migration_rank": 0}),
        Fact(SCHEMA_OP, "orders_order", migration, ("id", "number"), SCHEMA, "create_table", "migration",
             extra={"migration_rank": 0, "column_constraints": [{"column": "id", "primary_key": True}]}),
        Fact(SCHEMA_OP, "orders_order", Location(migration.path, 30, 33), ("number",), SCHEMA, "create_index", "migration",
             extra={"migration_rank": 0, "name": "orders_number_idx"}),
        Fact(TABLE_DEF, "orders_order", model, ("id", "number"), SCHEMA, "model_definition", "orm"),
        # the model's Meta names the same index; it also declares one no migration made yet
        Fact(SCHEMA_OP, "orders_order", Location(model.path, 25, 25), ("number",), SCHEMA, "create_index", "orm",
             extra={"within": "model", "name": "orders_number_idx"}),
        Fact(SCHEMA_OP, "orders_order", Location(model.path, 26, 26), ("id", "number"), SCHEMA, "add_constraint", "orm",
             extra={"within": "model", "constraint": "unique", "option": "unique_together"}),
        Fact(SCHEMA_OP, "orders_order", model, ("id", "number"), SCHEMA, "create_table", "orm",
             extra={"within": "model", "column_constraints": [{"column": "id", "primary_key": True}]}),
    ]
    catalog = Catalog.from_facts(facts)
    items = catalog.tables["orders_order"].objects.items
    assert [(o.kind, o.name, [(d.path, d.line) for d in o.defined_at]) for o in items] == [
        ("primary_key", None, [(migration.path, 12), (model.path, 8)]),
        ("index", "orders_number_idx", [(migration.path, 30), (model.path, 25)]),
        ("unique", None, [(model.path, 26)]),
    ]


def test_object_json() -> None:
    where = Definition("alembic/versions/a1.py", 31, "migration")
    index = SchemaObject("index", "ix_orders_open", ["customer_id"], [where], where="status <> 'closed'")
    assert index.to_json() == {
        "name": "ix_orders_open", "columns": ["customer_id"], "unique": False, "where": "status <> 'closed'",
        "defined_at": [{"path": "alembic/versions/a1.py", "line": 31, "via": "migration"}],
    }
    key = SchemaObject("foreign_key", None, ["order_id"], [where], references={"table": "orders", "columns": ["id"]}, declared=True)
    assert key.to_json() == {
        "name": None, "kind": "foreign_key", "columns": ["order_id"], "references": {"table": "orders", "columns": ["id"]},
        "declared": True, "defined_at": [{"path": "alembic/versions/a1.py", "line": 31, "via": "migration"}],
    }
