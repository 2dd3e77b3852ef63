"""What dropping and renaming a column costs per dialect and version."""

from __future__ import annotations

from depmap.dialects.capabilities import Dialect
from depmap.dialects.column_changes import drop_cost, missing_column_error, rename_cost

PG16, MYSQL8, MYSQL57, SQLITE = Dialect("postgres", (16,)), Dialect("mysql", (8, 0, 35)), Dialect("mysql", (5, 7)), Dialect("sqlite", (3, 45))


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
