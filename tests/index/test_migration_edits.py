"""A SQL migration added, changed or removed: the relinked index and its stored rows (tables,
schema operations, the summary) are those of a scan from scratch, whatever the migration does to
the catalog (a table or a column added, dropped, renamed or altered, only an index, a view whose
`o.*` follows a later column) and however its order ties with another's."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from depmap.index.build import build_index
from tests.index.test_cache import age
from tests.index.test_incremental import same_index
from tests.index.test_row_update import assert_rows_as_from_scratch

SHOP_SQL = Path(__file__).resolve().parents[2] / "samples" / "shop_sql"
MIGRATIONS = "migrations"


def same_rows(root: Path, tmp_path: Path) -> None:
    """The stored rows, and the stored tables with what `impact` reads of the project, as a scan
    from scratch of `root` as it is now stores them."""
    work = tmp_path / "scratch"
    assert_rows_as_from_scratch(root, work)
    assert _tables(root) == _tables(work)


def _tables(root: Path) -> list:
    db = sqlite3.connect(root / ".depmap" / "cache.sqlite")
    try:
        return (db.execute("SELECT name, data FROM linked_tables ORDER BY name").fetchall()
                + db.execute("SELECT value FROM linked_meta WHERE name = 'impact'").fetchall())
    finally:
        db.close()


@pytest.fixture
def shop(tmp_path: Path, monkeypatch) -> Path:
    """shop_sql copied, its files aged (`age`), scanned once: the index a relink starts from."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))  # the signing key of the stored index
    root = Path(shutil.copytree(SHOP_SQL, tmp_path / "shop_sql", ignore=shutil.ignore_patterns(".depmap", "__pycache__")))
    age(root)
    return build_index(root, jobs=1, use_cache=True).root


def _write(root: Path, name: str, text: str) -> None:
    (root / MIGRATIONS / name).write_text(text)


EDITS = {
    "table_added": [("0006_gift_cards.sql", "CREATE TABLE gift_cards (\n    id bigserial PRIMARY KEY,\n    code text NOT NULL UNIQUE\n);\n")],
    "column_added": [("0006_gift_note.sql", "ALTER TABLE orders ADD COLUMN gift_note text;\n")],
    "column_dropped": [("0006_no_phone.sql", "ALTER TABLE customers DROP COLUMN phone;\n")],
    "column_renamed": [("0006_phone_number.sql", "ALTER TABLE customers RENAME COLUMN phone TO phone_number;\n")],
    "column_altered": [("0006_currency.sql", "ALTER TABLE orders ALTER COLUMN currency TYPE varchar(8);\nALTER TABLE orders ALTER COLUMN placed_at SET NOT NULL;\n")],
    "index_only": [("0006_placed_at.sql", "CREATE INDEX orders_placed_at_idx ON orders (placed_at);\n")],
    "table_renamed": [("0006_rename.sql", "ALTER TABLE customers RENAME TO shop_customers;\n")],
    "table_dropped": [("0006_drop.sql", "DROP VIEW order_totals;\n")],
    "two_in_one_edit": [("0006_a.sql", "ALTER TABLE orders ADD COLUMN gift_note text;\n"), ("0006_b.sql", "ALTER TABLE orders DROP COLUMN gift_note;\n")],
    # the view `order_totals` is `SELECT o.*` over orders: a column added to orders before it is one of its columns
    "column_before_the_star": [("0004_b_gift_note.sql", "ALTER TABLE orders ADD COLUMN gift_note text;\n")],
}


# what each edit makes of the catalog: (table, column, whether the table has the column)
SEEN = {
    "table_added": ("gift_cards", "code", True),
    "column_added": ("orders", "gift_note", True),
    "column_dropped": ("customers", "phone", False),
    "column_renamed": ("customers", "phone_number", True),
    "column_altered": ("orders", "currency", True),
    "index_only": ("orders", "placed_at", True),
    "table_renamed": ("shop_customers", "email", True),
    "table_dropped": ("order_totals", None, False),
    "two_in_one_edit": ("orders", "gift_note", False),
    "column_before_the_star": ("order_totals", "gift_note", True),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_migration_added_relinks_as_a_scan_from_scratch_stores(shop, tmp_path, edit):
    for name, text in EDITS[edit]:
        _write(shop, name, text)
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.relinked.startswith("local: "), index.relinked
    table, column, has = SEEN[edit]
    found = index.catalog.tables.get(table)
    assert (found is not None and (column is None or column in found.columns)) == has
    same_index(index, shop)
    same_rows(shop, tmp_path)


# (table, the migration's name, what the fast path decides at each of the three edits, the other files removed with it)
CHANGED_THEN_REMOVED = {
    "a_table_a_view_reads": ("orders", "0006_gift_note.sql", [False, False, False], ["0005_inventory_cleanup.sql"]),
    "a_table_nothing_couples": ("customers", "0006_gift_note.sql", [True, True, True], []),
}


@pytest.mark.parametrize("case", sorted(CHANGED_THEN_REMOVED))
def test_a_migration_changed_then_removed(shop, tmp_path, deltas, case):
    table, name, fast, also_removed = CHANGED_THEN_REMOVED[case]
    _write(shop, name, f"ALTER TABLE {table} ADD COLUMN gift_note text;\n")
    build_index(shop, jobs=1, use_cache=True)
    _write(shop, name, f"ALTER TABLE {table} ADD COLUMN gift_note varchar(200) NOT NULL DEFAULT '';\n")
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.catalog.tables[table].columns["gift_note"].type == "VARCHAR(200)"
    same_index(index, shop)
    same_rows(shop, tmp_path)
    for removed in [name, *also_removed]:
        (shop / MIGRATIONS / removed).unlink()
    index = build_index(shop, jobs=1, use_cache=True)
    assert "gift_note" not in index.catalog.tables[table].columns
    assert ("order_totals" in index.catalog.tables) == (not also_removed)
    assert deltas == fast
    same_index(index, shop)
    same_rows(shop, tmp_path)


def test_two_migrations_whose_order_ties_link_everything(shop, tmp_path):
    """`005_x.sql` and `0005_x.sql` replay in the order files are linked in: a full link keeps it."""
    _write(shop, "005_inventory_cleanup.sql", "ALTER TABLE products ADD COLUMN stock integer;\n")
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.relinked == ""
    same_index(index, shop)
    same_rows(shop, tmp_path)


def test_a_damaged_catalog_row_means_linking_everything(shop, tmp_path):
    db = sqlite3.connect(shop / ".depmap" / "cache.sqlite", isolation_level=None)
    try:
        # its line number made `true` (the row is `[kind, table, path, line, ...]`)
        row = db.execute("SELECT id, fact FROM linked_facts WHERE ordinal >= 0 ORDER BY id LIMIT 1").fetchone()
        fields = json.loads(row[1])
        db.execute("UPDATE linked_facts SET fact = ? WHERE id = ?", (json.dumps([*fields[:3], True, *fields[4:]]), row[0]))
    finally:
        db.close()
    _write(shop, "0006_gift_note.sql", "ALTER TABLE orders ADD COLUMN gift_note text;\n")
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.relinked == ""
    same_index(index, shop)
    same_rows(shop, tmp_path)


# The catalog's fast path (`depmap.index.catalog_delta`): the edits it takes, and those it must
# refuse (then the whole catalog is built again); either way every stored row is a scan from scratch's.
DELTA_EDITS = {
    "customer_column_added": ([("0006_loyalty.sql", "ALTER TABLE customers ADD COLUMN loyalty_tier text;\n")], True),
    "customer_column_dropped": ([("0006_no_phone.sql", "ALTER TABLE customers DROP COLUMN phone;\n")], True),
    "table_added": ([("0006_gift_cards.sql", "CREATE TABLE gift_cards (\n    id bigserial PRIMARY KEY,\n    code text NOT NULL UNIQUE\n);\n")], True),
    # gift_cards becomes the first table whose foreign keys point at customers (the impact summary's order)
    "table_with_a_foreign_key": ([("0006_gift_cards.sql", "CREATE TABLE gift_cards (\n    id bigserial PRIMARY KEY,\n"
                                   "    customer_id bigint NOT NULL REFERENCES customers (id)\n);\n")], True),
    # before 0001_initial: its table comes first, and customers is now made by its column (placed again)
    "table_and_column_before_every_other": ([("0001_a_early.sql", "CREATE TABLE early_flags (id bigserial PRIMARY KEY);\n"
                                              "ALTER TABLE customers ADD COLUMN early_flag text;\n")], True),
    "two_migrations_on_two_tables": ([("0006_a.sql", "ALTER TABLE customers ADD COLUMN nickname text;\n"),
                                      ("0006_b.sql", "CREATE TABLE coupons (id bigserial PRIMARY KEY, code text);\n")], True),
    "a_view_reads_the_table": ([("0006_gift_note.sql", "ALTER TABLE orders ADD COLUMN gift_note text;\n")], False),  # order_totals is `o.*`
    "a_named_index": ([("0006_email.sql", "CREATE INDEX customers_email_lower_idx ON customers (lower(email));\n")], False),
    "a_column_renamed": ([("0006_phone_number.sql", "ALTER TABLE customers RENAME COLUMN phone TO phone_number;\n")], False),
    "a_table_renamed": ([("0006_rename.sql", "ALTER TABLE customers RENAME TO shop_customers;\n")], False),
    "a_table_dropped": ([("0006_drop.sql", "DROP TABLE audit_log;\n")], False),
    # products has a column renamed: a foreign key to it follows renames the table alone does not replay
    "a_foreign_key_to_a_renamed_column": ([("0006_reviews.sql", "CREATE TABLE reviews (\n    id bigserial PRIMARY KEY,\n"
                                            "    product_id bigint REFERENCES products (id)\n);\n")], False),
}


@pytest.fixture
def deltas(monkeypatch) -> list:
    """Whether each relink's catalog took the fast path (a delta) or was built again (None)."""
    import depmap.index.incremental as incremental

    found: list = []
    monkeypatch.setattr(incremental, "catalog_delta", _recording(incremental.catalog_delta, found))
    return found


def _recording(taken, found: list):
    def recorded(*args):
        delta = taken(*args)
        found.append(delta is not None)
        return delta
    return recorded


@pytest.mark.parametrize("edit", sorted(DELTA_EDITS))
def test_the_catalog_replays_only_the_changed_tables_when_nothing_couples_them(shop, tmp_path, deltas, edit):
    files, fast = DELTA_EDITS[edit]
    for name, text in files:
        _write(shop, name, text)
    index = build_index(shop, jobs=1, use_cache=True)
    assert index.relinked.startswith("local: "), index.relinked
    assert deltas == [fast]
    same_index(index, shop)
    same_rows(shop, tmp_path)
