"""The catalog replays DDL in migration order: numbers compare as numbers, statements by line."""

from __future__ import annotations

from depmap.catalog import Catalog
from depmap.scan_context import ScanContext
from depmap.frameworks.sql_files.scanner import scan_sql_file


def catalog_of(files: dict[str, str]) -> Catalog:
    facts = []
    for path, text in files.items():
        facts.extend(scan_sql_file(path, text, ScanContext()).facts)
    return Catalog.from_facts(facts)


def columns(catalog: Catalog, table: str) -> list[tuple]:
    return [(c.name, c.type, c.nullable, c.default) for c in catalog.tables[table].columns.values()]


MIGRATIONS = {
    # Listed out of order on purpose: 10 must replay after 2, not before.
    "db/migrations/0010_rename.sql": "ALTER TABLE orders RENAME COLUMN note TO remark;\n",
    "db/migrations/0001_initial.sql": (
        "-- initial schema\n"
        "CREATE TABLE orders (\n"
        "    id bigserial PRIMARY KEY,\n"
        "    status text NOT NULL DEFAULT 'new',\n"
        "    note text,\n"
        "    legacy int\n"
        ");\n"
        "CREATE TABLE customers (id int, email text, PRIMARY KEY (id));\n"
    ),
    "db/migrations/0002_more.sql": (
        "ALTER TABLE orders ADD COLUMN paid_at timestamptz;\n"
        "ALTER TABLE orders ALTER COLUMN note SET NOT NULL;\n"
        "ALTER TABLE orders DROP COLUMN legacy;\n"
        "ALTER TABLE orders ALTER COLUMN status DROP DEFAULT;\n"
    ),
    "db/migrations/0003_views.sql": "CREATE VIEW recent_orders AS SELECT id, status FROM orders;\n",
    "db/migrations/0004_old.sql": "CREATE TABLE tmp_import (a int);\nALTER TABLE tmp_import RENAME TO imports;\n",
    "db/migrations/0005_drop.sql": "CREATE TABLE scratch (x int);\nDROP TABLE scratch;\n",
}


def test_replay_in_natural_order_gives_the_final_schema():
    catalog = catalog_of(MIGRATIONS)
    assert sorted(catalog.tables) == ["customers", "imports", "orders", "recent_orders"]
    assert columns(catalog, "orders") == [
        ("id", "BIGSERIAL", False, None),
        ("status", "TEXT", False, None),
        ("remark", "TEXT", False, None),
        ("paid_at", "TIMESTAMPTZ", True, None),
    ]


def test_table_level_primary_key_makes_columns_not_null():
    catalog = catalog_of(MIGRATIONS)
    assert columns(catalog, "customers") == [("id", "INT", False, None), ("email", "TEXT", True, None)]


def test_where_each_column_was_defined_is_kept_in_order():
    catalog = catalog_of(MIGRATIONS)
    remark = catalog.tables["orders"].columns["remark"]
    assert [(d.path, d.line, d.via) for d in remark.defined_at] == [
        ("db/migrations/0001_initial.sql", 5, "migration"),  # the column's own line in CREATE TABLE
        ("db/migrations/0002_more.sql", 2, "migration"),
        ("db/migrations/0010_rename.sql", 1, "migration"),
    ]
    assert [(d.path, d.line) for d in catalog.tables["orders"].defined_at] == [("db/migrations/0001_initial.sql", 2)]


def test_views_are_tables_marked_as_views_with_their_projection():
    catalog = catalog_of(MIGRATIONS)
    view = catalog.tables["recent_orders"]
    assert view.view is True
    assert list(view.columns) == ["id", "status"]


def test_json_matches_the_documented_shape():
    catalog = catalog_of({"schema.sql": "CREATE TABLE t (a int NOT NULL DEFAULT 0);"})
    assert catalog.to_json() == {
        "schema_version": 2,
        "tables": [
            {
                "name": "t",
                "view": False,
                "defined_at": [{"path": "schema.sql", "line": 1, "via": "sql"}],
                "columns": [
                    {
                        "name": "a",
                        "type": "INT",
                        "nullable": False,
                        "default": "0",
                        "defined_at": [{"path": "schema.sql", "line": 1, "via": "sql"}],
                    }
                ],
                "indexes": [],
                "constraints": [],
                "triggers": [],
                "referenced_by": [],
                "history": [
                    {"op": "create_table", "table": "t", "path": "schema.sql", "line": 1, "end_line": 1, "columns": ["a"],
                     "direction": None, "migration": None, "via": "sql"},
                ],
            }
        ],
    }


def test_a_star_view_freezes_the_columns_its_tables_had_when_it_was_created():
    catalog = catalog_of(
        {
            "m/0001.sql": "CREATE TABLE orders (id int, status text);\nCREATE TABLE items (order_id int, qty int);\n",
            "m/0002.sql": "CREATE VIEW order_lines AS\nSELECT o.*, i.qty AS quantity\nFROM orders o JOIN items i ON i.order_id = o.id;\n",
            "m/0003.sql": "ALTER TABLE orders ADD COLUMN discount_code text;\n",
        }
    )
    view = catalog.tables["order_lines"]
    assert [(c.name, c.type) for c in view.columns.values()] == [("id", "INT"), ("status", "TEXT"), ("quantity", None)]
    assert "discount_code" in catalog.tables["orders"].columns


def test_a_file_of_jinja_macros_is_not_sql():
    from depmap.frameworks.sql_files.scanner import scan_sql_file

    macros = "{% macro cents_to_dollars(column) %}\n    ({{ column }} / 100)::numeric(16, 2)\n{% endmacro %}\n"
    assert scan_sql_file("macros/cents_to_dollars.sql", macros, ScanContext()).facts == []
    assert scan_sql_file("q.sql", "SELECT id FROM orders;\n", ScanContext()).facts != []


def test_test_code_never_drops_or_alters_the_applications_tables():
    catalog = catalog_of(
        {
            "app/storage/schema.sql": (
                "CREATE TABLE objects (\n"
                "    id TEXT NOT NULL,\n"
                "    data JSONB NOT NULL DEFAULT '{}'::JSONB,\n"
                "    deleted BOOLEAN NOT NULL\n"
                ");\n"
            ),
            # a tearDown that leaves the test database empty, and a test's own scratch table
            "tests/storage/teardown.sql": "DROP TABLE IF EXISTS objects CASCADE;\nALTER TABLE objects DROP COLUMN deleted;\n",
            "tests/fixtures/scratch.sql": "CREATE TABLE scratch (id int, note text);\nDROP TABLE objects;\n",
        }
    )
    assert columns(catalog, "objects") == [
        ("id", "TEXT", False, None),
        ("data", "JSONB", False, "CAST('{}' AS JSONB)"),  # braces in a literal are not a template hole
        ("deleted", "BOOLEAN", False, None),
    ]
    assert columns(catalog, "scratch") == [("id", "INT", True, None), ("note", "TEXT", True, None)]
    # the history still lists test code's operations: they are operations on the table, never replayed
    assert [(op.location.path, op.detail) for op in catalog.history("objects").upgrades] == [
        ("app/storage/schema.sql", "create_table"), ("tests/fixtures/scratch.sql", "drop_table"),
        ("tests/storage/teardown.sql", "drop_table"), ("tests/storage/teardown.sql", "drop_column")]


def test_a_catalog_pickles_to_an_equal_catalog():
    import pickle

    sql = "CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL DEFAULT 'new');\nALTER TABLE orders ADD COLUMN paid_at timestamptz;\n"
    catalog = Catalog.from_facts(scan_sql_file("db/001_orders.sql", sql, ScanContext()).facts)
    copy = pickle.loads(pickle.dumps(catalog, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy.to_json() == catalog.to_json()
    assert [(c.name, c.type, c.nullable, c.default, c.defined_at) for c in copy.tables["orders"].columns.values()] == [
        (c.name, c.type, c.nullable, c.default, c.defined_at) for c in catalog.tables["orders"].columns.values()]
    assert [d.line for c in copy.tables["orders"].columns.values() for d in c.defined_at] == [1, 1, 2]
