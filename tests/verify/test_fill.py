"""Filling the throwaway database: exact counts, repeatable values, constraints the engine checks."""

from __future__ import annotations

import hashlib
import time

import pytest

from depmap.verify import fill as fill_module
from depmap.verify.engines import throwaway_sqlite
from depmap.verify.fill import fill
from depmap.verify.related_tables import related_tables
from depmap.verify.schema_sql import apply_schema, schema_statements
from depmap.verify.statistics import StatisticsError, TableStats, load_statistics

from tests.verify.data_fixtures import any_db, lite_db, pg_db, postgres_server, shop_index  # noqa: F401

NEIGHBOURS = {"customers": 500, "payments": 300, "order_items": 400, "shipments": 200}


def _shop_schema(db, index, table: str = "orders") -> None:
    plan = schema_statements(index.catalog, related_tables(index.catalog, table), db.engine)
    assert apply_schema(db, plan.statements) == []


def _query(db, sql: str) -> list[tuple]:
    connection = db.connect()
    try:
        return [tuple(row) for row in connection.execute(sql).fetchall()]
    finally:
        connection.close()


def _checksum(db, sql: str) -> str:
    return hashlib.sha256(repr(_query(db, sql)).encode()).hexdigest()


ORDER_VALUES = "SELECT id, customer_id, status, total_cents, currency FROM orders ORDER BY id"


def test_fill_loads_exactly_the_rows_asked_parents_first(shop_index, any_db):
    _shop_schema(any_db, shop_index)
    result = fill(any_db, shop_index.catalog, "orders", 5000, neighbours=NEIGHBOURS)
    expected = {"customers": 500, "orders": 5000, "order_items": 400, "payments": 300, "shipments": 200}
    assert (result.rows, result.failed, result.notes) == (expected, {}, [])
    assert list(result.rows) == list(expected)  # load order: customers before the orders pointing at them
    assert set(result.seconds) == set(expected)
    for table, rows in expected.items():
        assert _query(any_db, f"SELECT count(*) FROM {table}") == [(rows,)]


def test_values_obey_the_check_unique_and_foreign_keys(shop_index, any_db):
    _shop_schema(any_db, shop_index)
    fill(any_db, shop_index.catalog, "orders", 3000, neighbours=NEIGHBOURS)
    assert _query(any_db, "SELECT status FROM orders GROUP BY status ORDER BY status") == [
        ("cancelled",), ("delivered",), ("paid",), ("pending",), ("shipped",)]  # fmt: skip
    assert _query(any_db, "SELECT count(*) FROM (SELECT DISTINCT provider, provider_ref FROM payments) AS p") == [(300,)]
    assert _query(any_db, "SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT id FROM customers)") == [(0,)]
    assert _query(any_db, "SELECT min(customer_id) >= 1, max(customer_id) <= 500, count(DISTINCT customer_id) > 400 FROM orders") in (
        [(True, True, True)], [(1, 1, 1)])  # fmt: skip
    assert _query(any_db, "SELECT count(*) FROM order_items WHERE quantity <= 0") == [(0,)]


def test_a_seed_repeats_the_same_rows_and_another_seed_changes_them(shop_index, pg_db, lite_db):
    checksums = []
    for seed in (7, 7, 8):
        with throwaway_sqlite() as db:
            _shop_schema(db, shop_index)
            fill(db, shop_index.catalog, "orders", 2000, seed=seed, neighbours={"customers": 100})
            checksums.append(_checksum(db, ORDER_VALUES))
    assert checksums[0] == checksums[1] != checksums[2]
    _shop_schema(pg_db, shop_index)
    fill(pg_db, shop_index.catalog, "orders", 2000, seed=7, neighbours={"customers": 100})
    assert _checksum(pg_db, ORDER_VALUES) == checksums[0]  # the same values on PostgreSQL


STATS_CSV = """table_name,row_count,column_name,null_frac,n_distinct
orders,48213977,paid_at,0.25,-0.75
orders,48213977,total_cents,0,7
orders,48213977,id,0,-1
customers,2150000,email,0,-1
products,-1,,,
"""


def test_null_fractions_and_distinct_counts_come_from_a_statistics_file(shop_index, any_db, tmp_path):
    path = tmp_path / "depmap-stats.csv"
    path.write_text(STATS_CSV)
    stats = load_statistics(path)
    _shop_schema(any_db, shop_index)
    fill(any_db, shop_index.catalog, "orders", 1000, neighbours={"customers": 50}, statistics=stats)
    assert _query(any_db, "SELECT count(*) FROM orders WHERE paid_at IS NULL") == [(250,)]
    assert _query(any_db, "SELECT count(*) FROM orders WHERE updated_at IS NULL") == [(100,)]  # no statistics: 10 %
    assert _query(any_db, "SELECT count(*) FROM orders WHERE placed_at IS NULL") == [(0,)]  # NOT NULL
    assert _query(any_db, "SELECT count(DISTINCT total_cents) FROM orders") == [(7,)]


def test_load_statistics_reads_csv_and_json_alike(tmp_path):
    csv_path = tmp_path / "stats.csv"
    csv_path.write_text(STATS_CSV)
    json_path = tmp_path / "stats.json"
    json_path.write_text(
        '[{"table_name": "orders", "row_count": 48213977, "column_name": "paid_at", "null_frac": 0.25, "n_distinct": -0.75},'
        ' {"table_name": "orders", "row_count": 48213977, "column_name": "total_cents", "null_frac": 0, "n_distinct": 7},'
        ' {"table_name": "orders", "row_count": 48213977, "column_name": "id", "null_frac": 0, "n_distinct": -1},'
        ' {"table_name": "customers", "row_count": 2150000, "column_name": "email", "null_frac": 0, "n_distinct": -1},'
        ' {"table_name": "products", "row_count": -1, "column_name": null, "null_frac": null, "n_distinct": null}]'
    )
    stats = load_statistics(csv_path)
    assert stats == load_statistics(json_path)
    assert stats["orders"] == TableStats(48213977, {"paid_at": 0.25, "total_cents": 0.0, "id": 0.0},
                                         {"paid_at": -0.75, "total_cents": 7.0, "id": -1.0})  # fmt: skip
    assert stats["products"].rows is None  # never analysed
    assert stats["orders"].distinct("paid_at", 1000) == 750
    assert stats["orders"].distinct("total_cents", 1000) == 7
    assert stats["orders"].distinct("status", 1000) is None


def test_a_file_that_is_not_a_statistics_export_is_one_clear_error(tmp_path):
    path = tmp_path / "stats.csv"
    path.write_text("relname,reltuples\norders,10\n")
    with pytest.raises(StatisticsError, match=r"stats.csv: expected columns table_name, row_count, column_name"):
        load_statistics(path)
    path.write_text("table_name,row_count\norders,many\n")
    with pytest.raises(StatisticsError, match=r"stats.csv: row 2: 'many' is not a number"):
        load_statistics(path)


COUPONS = """CREATE TABLE coupons (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL CONSTRAINT coupons_code_check CHECK (code LIKE 'SUMMER-%'),
    percent INTEGER CONSTRAINT coupons_percent_check CHECK (percent % 5 = 0),
    starts_on DATE NOT NULL
)"""


def test_a_check_the_values_break_falls_back_to_null_or_to_a_constant_it_names(any_db):
    assert apply_schema(any_db, [COUPONS]) == []
    result = fill(any_db, None, "coupons", 400, neighbours={})
    assert (result.rows, result.failed) == ({"coupons": 400}, {})
    assert result.notes == [
        "coupons: CHECK coupons_code_check rejected generated values; code set to 'SUMMER-%'",
        "coupons: CHECK coupons_percent_check rejected generated values; percent left NULL",
    ]
    assert _query(any_db, "SELECT code, count(percent), count(*) FROM coupons GROUP BY code") == [("SUMMER-%", 0, 400)]


def test_an_empty_parent_outside_the_plan_is_filled_first(shop_index, any_db):
    _shop_schema(any_db, shop_index, "order_items")  # order_items, orders and products, linked
    result = fill(any_db, shop_index.catalog, "order_items", 500, neighbours={"orders": 100})
    assert result.notes == ["products: filled with 50 rows because order_items references it"]
    assert list(result.rows.items()) == [("orders", 100), ("products", 50), ("order_items", 500)]
    assert _query(any_db, "SELECT count(DISTINCT product_id) > 40, max(product_id) <= 50 FROM order_items") in (
        [(True, True)], [(1, 1)])  # fmt: skip


def test_a_table_the_engine_does_not_have_is_named_in_the_notes(shop_index, lite_db):
    result = fill(lite_db, shop_index.catalog, "orders", 10, neighbours={})
    assert (result.rows, result.notes) == ({}, ["orders: not in the database (its CREATE was rejected); not filled"])


def test_progress_reports_each_chunk(lite_db, monkeypatch):
    monkeypatch.setattr(fill_module, "CHUNK_ROWS", 400)
    assert apply_schema(lite_db, ["CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL)"]) == []
    calls = []
    fill(lite_db, None, "events", 1000, neighbours={}, progress=lambda *call: calls.append(call))
    assert calls == [("events", 0, 1000), ("events", 400, 1000), ("events", 800, 1000), ("events", 1000, 1000)]


EVENTS = """CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    note TEXT
)"""


def test_a_million_rows_of_six_columns_load_in_seconds_on_postgres(pg_db):
    assert apply_schema(pg_db, [EVENTS]) == []
    started = time.perf_counter()
    result = fill(pg_db, None, "events", 1_000_000, neighbours={})
    elapsed = time.perf_counter() - started
    assert result.rows == {"events": 1_000_000}
    assert _query(pg_db, "SELECT count(*), count(DISTINCT id), count(note) FROM events") == [(1_000_000, 1_000_000, 900_000)]
    assert elapsed < 15, f"1,000,000 rows took {elapsed:.1f} s"


def test_a_parent_loaded_before_is_sampled_from_its_key_range(shop_index, any_db):
    _shop_schema(any_db, shop_index)
    connection = any_db.connect()
    try:
        for number in range(101, 131):  # customers the database already holds: ids 101..130
            connection.execute(f"INSERT INTO customers (id, email, full_name) VALUES ({number}, 'c{number}@example.com', 'C {number}')")
        connection.commit()
    finally:
        connection.close()
    result = fill(any_db, shop_index.catalog, "orders", 600, neighbours={})
    assert (result.rows, result.failed, result.notes) == ({"orders": 600}, {}, [])
    assert _query(any_db, "SELECT min(customer_id), max(customer_id), count(DISTINCT customer_id) FROM orders") == [(101, 130, 30)]
