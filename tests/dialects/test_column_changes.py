"""What dropping, renaming and retyping a column costs per dialect and version, and which type
changes narrow, widen or convert."""

from __future__ import annotations

import pytest

from depmap.dialects.capabilities import Dialect
from depmap.dialects.column_changes import (CONVERSION, NARROWING, SAME, WIDENING, SqlType, drop_cost, missing_column_error,
                                            rename_cost, type_change_cost, type_direction)

PG16, MYSQL8, MYSQL57, SQLITE = Dialect("postgres", (16,)), Dialect("mysql", (8, 0, 35)), Dialect("mysql", (5, 7)), Dialect("sqlite", (3, 45))


@pytest.mark.parametrize(("old", "new", "direction"), [
    ("varchar(32)", "varchar(64)", WIDENING),
    ("VARCHAR(64)", "varchar(32)", NARROWING),
    ("varchar(32)", "text", WIDENING),
    ("text", "varchar(64)", NARROWING),
    ("integer", "bigint", WIDENING),
    ("bigint", "int", NARROWING),
    ("text", "integer", CONVERSION),
    ("integer", "text", CONVERSION),
    ("numeric(10,2)", "numeric(12,2)", WIDENING),
    ("numeric(12,2)", "numeric(12,4)", NARROWING),
    ("timestamp", "timestamptz", CONVERSION),
    ("TEXT", "text", SAME),
])
def test_type_direction(old: str, new: str, direction: str) -> None:
    assert type_direction(SqlType.of(old), SqlType.of(new)) == direction


@pytest.mark.parametrize(("dialect", "old", "new", "rewrites"), [
    (PG16, "varchar(32)", "varchar(64)", False),  # binary-compatible widening: catalog only
    (PG16, "varchar(32)", "text", False),
    (PG16, "numeric(10,2)", "numeric(12,2)", False),
    (PG16, "varchar(64)", "varchar(32)", True),  # narrowing: every row is checked and rewritten
    (PG16, "integer", "bigint", True),
    (PG16, "text", "integer", True),
    (MYSQL8, "varchar(20)", "varchar(60)", False),  # 80 and 240 bytes: one-byte length prefix either way
    (MYSQL8, "varchar(60)", "varchar(100)", True),  # 240 to 400 bytes: the prefix grows, the table is copied
    (MYSQL8, "varchar(255)", "varchar(320)", False),
    (MYSQL8, "int", "bigint", True),
    (SQLITE, "varchar(20)", "varchar(60)", True),  # no ALTER COLUMN: rebuilt
])
def test_type_change_rewrites(dialect: Dialect, old: str, new: str, rewrites: bool) -> None:
    assert type_change_cost(dialect, "t", "c", SqlType.of(old), SqlType.of(new)).rewrites is rewrites


def test_sqlite_has_no_alter_column() -> None:
    assert type_change_cost(SQLITE, "t", "c", SqlType.of("text"), SqlType.of("integer")).unsupported


def test_drop_cost_per_version() -> None:
    assert (drop_cost(PG16, "orders").rewrites, drop_cost(PG16, "orders").lock) == (False, "ACCESS EXCLUSIVE")
    assert drop_cost(MYSQL8, "orders").rewrites is False  # ALGORITHM=INSTANT from 8.0.29
    assert drop_cost(MYSQL57, "orders").rewrites is True
    assert drop_cost(Dialect("sqlite", (3, 34)), "orders").unsupported is True
    assert drop_cost(Dialect("sqlite", (3, 35)), "orders").unsupported is False


def test_rename_cost_per_version() -> None:
    assert rename_cost(Dialect("sqlite", (3, 24)), "orders").unsupported is True
    assert rename_cost(Dialect("sqlite", (3, 25)), "orders").unsupported is False
    assert "ALGORITHM=INSTANT" in rename_cost(MYSQL8, "orders").reasons[0]
    assert "instant from 8.0.28" in rename_cost(MYSQL57, "orders").reasons[0]


def test_missing_column_errors() -> None:
    assert missing_column_error(PG16, "orders", "currency") == 'column "currency" does not exist'
    assert missing_column_error(MYSQL8, "orders", "currency") == "Unknown column 'currency' in 'field list'"
    assert missing_column_error(SQLITE, "orders", "currency") == "no such column: currency"
