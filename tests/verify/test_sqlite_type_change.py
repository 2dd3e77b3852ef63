"""A type change on SQLite, which has no ALTER COLUMN: impact's plan prints the rebuild of the
table (SQLite's documented procedure), and verify runs it, re-runs the code's statements after it,
and says what type affinity did to the values."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from depmap.impact.sqlite_rebuild import affinity, script
from depmap.verify.column_change import kept_as_they_were
from tests.e2e.conftest import depmap_command
from tests.impact.helpers import write_files
from tests.verify.test_column_change import verify

INVENTORY = {
    "pyproject.toml": '[tool.depmap]\ndialect = "sqlite"\n',
    "migrations/0001_initial.sql": """\
        CREATE TABLE products (
            id INTEGER PRIMARY KEY,
            sku VARCHAR(40) NOT NULL,
            stock TEXT,
            price_cents INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX products_sku_idx ON products (sku);
        CREATE VIEW product_skus AS SELECT id, sku FROM products;
    """,
    "inventory/products.py": '''\
        """Products of the inventory service, read and written with sqlite3."""

        FIND = "SELECT id, sku, stock FROM products WHERE sku = ?"


        def find(conn, sku):
            return conn.execute(FIND, (sku,)).fetchone()


        def add(conn, sku, stock, price_cents):
            conn.execute("INSERT INTO products (sku, stock, price_cents) VALUES (?, ?, ?)", (sku, stock, price_cents))


        def low_stock(conn):
            return conn.execute("SELECT id, sku FROM products WHERE stock < '5'").fetchall()
    ''',
}
REBUILD = [
    "PRAGMA foreign_keys = OFF",
    "BEGIN",
    "DROP VIEW IF EXISTS product_skus",  # a view over the table would make the RENAME fail
    "CREATE TABLE products_new (\n    id INTEGER PRIMARY KEY,\n    sku TEXT(40) NOT NULL,\n    stock INTEGER,\n"
    "    price_cents INTEGER NOT NULL DEFAULT 0\n)",
    "INSERT INTO products_new (id, sku, stock, price_cents) SELECT id, sku, stock, price_cents FROM products",
    "DROP TABLE products",
    "ALTER TABLE products_new RENAME TO products",
    "CREATE INDEX products_sku_idx ON products (sku)",
    "CREATE VIEW product_skus AS\nSELECT\n  id,\n  sku\nFROM products",
    "PRAGMA foreign_key_check",
    "COMMIT",
    "PRAGMA foreign_keys = ON",
]


def test_the_plan_of_a_sqlite_type_change_is_the_rebuild_of_the_table(tmp_path: Path) -> None:
    root = write_files(tmp_path, INVENTORY)
    done = subprocess.run([*depmap_command(), "impact", "products.stock", "--set-type", "integer", "--format", "json",
                           "--no-cache", "-q"], cwd=root, capture_output=True, text=True, timeout=120)
    plan = json.loads(done.stdout)["plan"]
    assert [(step["name"], step["title"]) for step in plan] == [
        ("check-data", "Check that every value fits the new type"), ("rebuild", "Rebuild the table with the new type"),
        ("deploy-code", "Deploy the code for the new type")]
    assert plan[1]["sql"] == [script(REBUILD)]
    assert "SQLite converts a copied value to the new type's affinity only when that is lossless" in plan[1]["description"]


def test_verify_runs_the_rebuild_and_the_values_that_do_not_convert_stay_text(sqlite_db, tmp_path: Path) -> None:
    root = write_files(tmp_path, INVENTORY)
    document = verify(root, "products.stock", "--set-type", "integer")
    proposal = document["proposal"]
    assert (proposal["statement"], proposal["error"], proposal["rewrote"]) == (script(REBUILD), None, True)
    found = [(v["rule"], v["path"], v["line"], v["status"], re.sub(r"[\d.,]+ ms", "N ms", v["observed"]))
             for v in document["verdicts"]]
    assert found == [
        ("column-type-rewrite", None, None, "confirmed", "rewrote the table in N ms"),
        # the generated stock values are words: not one converts, and no error says so
        ("type-change-breaks", None, None, "confirmed",
         "SQLite rebuilt the table without an error (rewrote the table in N ms) and checks no length: 2,700 of 2,700 values "
         "did not convert and were kept as text (type affinity), which readers still get"),
        ("type-change-breaks", "inventory/products.py", 3, "not reproduced", "the statement ran the same before and after the change"),
        ("type-change-breaks", "inventory/products.py", 11, "not reproduced", "the statement ran the same before and after the change"),
        ("type-change-breaks", "inventory/products.py", 15, "not reproduced", "the statement ran the same before and after the change"),
    ]
    assert [(s["line"], s["status"]) for s in document["statements"]] == [(3, "unaffected"), (11, "unaffected"), (15, "unaffected")]
    [rebuilt] = [m for step in document["plan"] for m in step["statements"]]  # the plan's own rebuild, kept
    assert (rebuilt["statement"], rebuilt["error"], rebuilt["rewrote"]) == (script(REBUILD), None, True)


def test_the_static_rule_says_sqlite_refuses_nothing(tmp_path: Path) -> None:
    root = write_files(tmp_path, INVENTORY)

    def findings(column: str, new_type: str) -> list[tuple]:
        done = subprocess.run([*depmap_command(), "impact", column, "--set-type", new_type, "--format", "json", "--no-cache", "-q"],
                              cwd=root, capture_output=True, text=True, timeout=120)
        return [(f["severity"], f["path"], f["line"], f["message"]) for f in json.loads(done.stdout)["findings"]
                if f["rule"] == "type-change-breaks"]

    converted = findings("products.stock", "integer")
    assert converted[0] == (
        "warning", None, None, "Changing products.stock from TEXT to INTEGER is a conversion: SQLite's rebuild fails on no row: "
        "a value that does not convert to INTEGER losslessly is kept as it was (type affinity: 'n/a' stays text in an INTEGER "
        "column), so readers get both kinds.")
    assert ("warning", "inventory/products.py", 11, "Writes products.stock at inventory/products.py:11: values that fit TEXT "
            "but not INTEGER are stored as they are once the type changes (SQLite's type affinity refuses nothing).") in converted
    assert findings("products.sku", "varchar(5)") == []  # one affinity: SQLite stores the same, checks no length


def test_type_affinity_converts_only_what_converts_losslessly(sqlite_db) -> None:
    with sqlite_db.connect(autocommit=True) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        conn.executemany("INSERT INTO t (v) VALUES (?)", [("42",), ("n/a",), ("7.5",), (None,), (" 8",)])
    rebuild = [script(["BEGIN", f"CREATE TABLE t_new (id INTEGER PRIMARY KEY, v {kind})", "INSERT INTO t_new SELECT id, v FROM t",
                       "DROP TABLE t", "ALTER TABLE t_new RENAME TO t", "COMMIT"]) for kind in ("INTEGER", "TEXT")]
    # '42' and ' 8' become integers, '7.5' a real (INTEGER affinity keeps what is not a whole number), 'n/a' stays text
    assert kept_as_they_were(sqlite_db, "t", "v", rebuild[:1], rebuild[1:], "INTEGER") == (2, 4, "real, text")
    with sqlite_db.connect(autocommit=True) as conn:  # and the rebuild back restored the column as TEXT
        assert conn.execute("SELECT typeof(v), v FROM t ORDER BY id").fetchall() == [
            ("text", "42"), ("text", "n/a"), ("text", "7.5"), ("null", None), ("text", "8")]
    assert [affinity(t) for t in ("BIGINT", "VARCHAR(40)", "DOUBLE", "DECIMAL(10,2)", "BLOB", "")] == [
        "INTEGER", "TEXT", "REAL", "NUMERIC", "BLOB", "BLOB"]
