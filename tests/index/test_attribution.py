"""Unqualified columns with several candidate tables are settled by the catalog, or stay unsure."""

from __future__ import annotations

from depmap.index.attribution import settle_candidates
from depmap.scan_context import ScanContext
from depmap.frameworks.sql_files.scanner import scan_sql_file

QUERY = "SELECT created_at, email\nFROM orders o\nJOIN customers c ON c.id = o.customer_id;\n"


def reads(facts):
    return sorted((f.table, f.columns, f.confidence, tuple(f.extra.get("candidates", ()))) for f in facts)


def test_without_a_catalog_every_candidate_is_a_low_confidence_guess():
    facts = scan_sql_file("report.sql", QUERY, ScanContext()).facts
    assert reads(facts) == [
        ("customers", ("created_at", "email"), "low", ("customers", "orders")),
        ("customers", ("id",), "high", ()),
        ("orders", ("created_at", "email"), "low", ("customers", "orders")),
        ("orders", ("customer_id",), "high", ()),
    ]


def test_the_catalog_gives_a_column_to_the_only_table_that_has_it():
    facts = scan_sql_file("report.sql", QUERY, ScanContext()).facts
    schema = {"orders": frozenset({"id", "customer_id", "created_at"}), "customers": frozenset({"id", "email"})}
    assert reads(settle_candidates(facts, schema)) == [
        ("customers", ("email",), "high", ()),
        ("customers", ("id",), "high", ()),
        ("orders", ("created_at",), "high", ()),
        ("orders", ("customer_id",), "high", ()),
    ]


def test_a_column_both_tables_have_stays_ambiguous_and_says_so():
    facts = scan_sql_file("report.sql", QUERY, ScanContext()).facts
    schema = {"orders": frozenset({"id", "created_at"}), "customers": frozenset({"id", "email", "created_at"})}
    assert reads(settle_candidates(facts, schema)) == [
        ("customers", ("created_at",), "low", ("customers", "orders")),
        ("customers", ("email",), "high", ()),
        ("customers", ("id",), "high", ()),
        ("orders", ("created_at",), "low", ("customers", "orders")),
        ("orders", ("customer_id",), "high", ()),
    ]


def test_an_unknown_table_keeps_its_guess_when_the_known_one_lacks_the_column():
    facts = scan_sql_file("report.sql", QUERY, ScanContext()).facts
    schema = {"orders": frozenset({"id", "customer_id"})}  # customers unknown
    assert reads(settle_candidates(facts, schema)) == [
        ("customers", ("created_at",), "low", ("customers", "orders")),
        ("customers", ("email",), "low", ("customers", "orders")),
        ("customers", ("id",), "high", ()),
        ("orders", ("customer_id",), "high", ()),
    ]


def test_a_cast_to_a_type_no_table_has_is_no_read() -> None:
    sql = "SELECT status::payment_state, (r::payments).amount FROM raw_rows r;\n"
    facts = scan_sql_file("casts.sql", sql, ScanContext()).facts
    schema = {"payments": frozenset({"id", "amount"}), "raw_rows": frozenset({"status"})}
    kept = sorted((f.table, f.detail) for f in settle_candidates(facts, schema) if "row_type" in f.extra)
    assert kept == [("payments", "select_star")]  # payment_state is an enum: dropped
