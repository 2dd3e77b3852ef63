"""`verify TABLE.COLUMN` on a warm index reads the stored rows of its table (as `impact` does), not
the whole index, and reports what a run without the cache reports; a run repeated with the same
seed reports the same statements, the ORM's INSERT included."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from depmap.verify.orm_statements import _fresh
from tests.e2e.conftest import REPO, depmap_command
from tests.index.test_query_index import copy

SAMPLES = REPO / "samples"
TIMED = frozenset({"seconds", "load_seconds", "held_ms", "select_waited_ms", "slowest_seconds", "estimated_seconds", "production_seconds"})


def untimed(value):
    """The report without the clock's readings (every other field must repeat exactly)."""
    if isinstance(value, dict):
        return {key: untimed(item) for key, item in value.items() if key not in TIMED}
    if isinstance(value, list):
        return [untimed(item) for item in value]
    return value


def verify(root: Path, *args: str) -> dict:
    done = subprocess.run([*depmap_command(), "verify", *args, "--engine", "sqlite", "--rows", "2000", "--format", "json", "-q"],
                          cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return untimed(json.loads(done.stdout))


@pytest.mark.parametrize(("sample", "proposal"), [
    ("sqlalchemy_service", ["accounts.vat_number", "--type", "text", "--not-null"]),
    ("warehouse", ["customers.loyalty_tier", "--type", "text"]),
    ("shop_sql", ["orders.discount_code", "--type", "text", "--not-null"]),
    ("django_shop", ["sales_order.status", "--drop"]),
])
def test_a_warm_verify_reports_what_a_run_without_the_cache_reports(sqlite_db, tmp_path: Path, sample: str, proposal: list[str]) -> None:
    root = copy(SAMPLES / sample, tmp_path / sample)
    first = verify(root, *proposal)  # links and stores the rows
    warm = verify(root, *proposal)
    assert not (root / ".depmap" / "index.pickle").exists()  # neither loaded the whole index
    assert warm == first == verify(root, *proposal, "--no-cache")
    assert warm["statements"] and warm["verdicts"]


def test_the_orm_inserts_fresh_values_are_the_same_on_every_run_and_held_by_no_row() -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT UNIQUE, code TEXT UNIQUE)")
    db.execute("INSERT INTO accounts (email, code) VALUES ('someone@example.com', 'A1')")
    email = _fresh(db, "sqlite", "accounts", "email", "someone@example.com")
    assert email == _fresh(db, "sqlite", "accounts", "email", "someone@example.com")
    assert len(email) == len("someone@example.com") and int(email, 16) and email != "someone@example.com"  # its length: a column's limit holds
    code = _fresh(db, "sqlite", "accounts", "code", "A1")
    assert code.startswith("A1") and len(code) == 8
    db.execute("INSERT INTO accounts (email, code) VALUES (?, ?)", (email, code))  # taken now: the next attempt's value
    again = _fresh(db, "sqlite", "accounts", "email", "someone@example.com")
    assert again not in (email, "someone@example.com") and len(again) == len(email)
    assert _fresh(db, "sqlite", "accounts", "code", "A1") not in (code, "A1")
    assert _fresh(db, "sqlite", "accounts", "id", 1) == 3  # a number: one past the highest


@pytest.mark.parametrize(("sample", "migrations"), [
    ("shop_sql", ["migrations/0004_customer_marketing.sql"]),
    ("django_shop", ["orders/migrations/0002_order_discount_code.py"]),
])
def test_a_warm_verify_of_migrations_reports_what_a_run_without_the_cache_reports(sqlite_db, tmp_path: Path, sample: str,
                                                                                  migrations: list[str]) -> None:
    root = copy(SAMPLES / sample, tmp_path / sample)
    options = [item for migration in migrations for item in ("--migration", migration)]
    first = verify(root, *options)  # links and stores the rows
    warm = verify(root, *options)
    assert not (root / ".depmap" / "index.pickle").exists()  # neither loaded the whole index
    assert warm == first == verify(root, *options, "--no-cache")
    assert warm["migrations"] == migrations


def test_the_catalog_before_the_migrations_is_built_once_per_index_and_paths() -> None:
    from depmap.impact.engine import before_change, catalog_before
    from depmap.index.build import build_index

    index = build_index(SAMPLES / "shop_sql", jobs=1)
    before = catalog_before(index, ["migrations/0004_customer_marketing.sql"])
    assert catalog_before(index, ("migrations/0004_customer_marketing.sql",)) is before
    assert before.to_json() == before_change(index.facts, ["migrations/0004_customer_marketing.sql"]).to_json()
    assert before.to_json() != index.catalog.to_json()
    assert catalog_before(index, []) is not before
