"""A migration's added column is verified on a schema without it, though the ORM model (which
states the schema after every migration) defines it: the migration's own ADD COLUMN runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from depmap.catalog import Catalog
from depmap.impact.spec import ColumnSpec
from depmap.model import COLUMN_DEF, SCHEMA_OP, TABLE_DEF, Fact, Location
from depmap.verify.before_models import without_model_only_additions
from tests.e2e.conftest import depmap_command
from tests.index.test_query_index import copy
from tests.verify.test_verify_warm import SAMPLES, verify


def _catalog() -> Catalog:
    model = Location("shop/models.py", 10, 30)
    initial = "shop/migrations/0001_initial.py"
    return Catalog.from_facts([
        Fact(SCHEMA_OP, "orders", Location(initial, 12, 20), ("id", "total", "note"), detail="create_table", via="migration"),
        Fact(TABLE_DEF, "orders", Location(initial, 12, 20), ("id", "total", "note"), detail="create_table", via="migration"),
        *[Fact(COLUMN_DEF, "orders", Location(initial, line, line), (column,), detail="create_table", via="migration")
          for line, column in ((14, "id"), (15, "total"), (16, "note"))],
        Fact(TABLE_DEF, "orders", model, ("id", "total", "note", "coupon"), detail="model_definition", via="orm"),
        *[Fact(COLUMN_DEF, "orders", Location("shop/models.py", line, line), (column,), detail="model_definition", via="orm")
          for line, column in ((12, "total"), (13, "note"), (14, "coupon"))],
    ])


def test_a_column_only_the_model_defines_is_left_out_and_one_a_migration_defines_stays() -> None:
    catalog = _catalog()
    assert list(catalog.get("orders").columns) == ["id", "total", "note", "coupon"]
    specs = [ColumnSpec("orders", "coupon", "varchar(20)"), ColumnSpec("orders", "note", "text"), ColumnSpec("payments", "ref", "text")]
    before = without_model_only_additions(catalog, specs)
    assert list(before.get("orders").columns) == ["id", "total", "note"]  # adding `note` again is the engine's error to report
    assert list(catalog.get("orders").columns) == ["id", "total", "note", "coupon"]  # the shared catalog is unchanged
    assert without_model_only_additions(catalog, specs[1:]) is catalog


def test_a_django_migration_adding_a_field_runs_its_own_add_column(sqlite_db, tmp_path: Path) -> None:
    root = copy(SAMPLES / "django_shop", tmp_path / "django_shop")
    report = verify(root, "--migration", "orders/migrations/0002_order_discount_code.py", "--no-cache")
    [column] = report["columns"]
    assert column["proposal"]["statement"] == "ALTER TABLE sales_order ADD COLUMN discount_code VARCHAR(32) DEFAULT '' NOT NULL"
    assert column["proposal"]["error"] is None
    assert report["problems"] == []


ALEMBIC_TWO_TABLES = "migrations/versions/3f2c9a11d8e4_add_invoice_due_date.py"  # accounts + billing.invoices


def test_a_schema_qualified_table_on_sqlite_is_refused_by_name(sqlite_db, tmp_path: Path) -> None:
    root = copy(SAMPLES / "sqlalchemy_service", tmp_path / "sqlalchemy_service")
    done = subprocess.run([*depmap_command(), "verify", "--migration", ALEMBIC_TWO_TABLES, "--engine", "sqlite", "--rows", "500",
                           "-q", "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.strip() == ("depmap: cannot build billing.invoices on SQLite, which has no schemas; "
                                   "verify it on PostgreSQL (--engine postgres)")


def test_an_alembic_migration_adding_model_columns_to_two_tables_runs_on_postgres(pg_database, tmp_path: Path) -> None:
    root = copy(SAMPLES / "sqlalchemy_service", tmp_path / "sqlalchemy_service")
    done = subprocess.run([*depmap_command(), "verify", "--migration", ALEMBIC_TWO_TABLES, "--dsn", pg_database.dsn, "--rows", "500",
                           "--format", "json", "-q", "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    proposals = {column["target"]: column["proposal"] for column in report["columns"]}
    assert {target: proposal["error"] for target, proposal in proposals.items()} == {
        "accounts.payment_terms_days": None, "billing.invoices.due_date": None,
        # the migration's index on the column it adds, run where the column exists
        "op.create_index() (index ix_billing_invoices_due_date on billing.invoices (due_date))": None}
    assert proposals["accounts.payment_terms_days"]["statement"] == (
        "ALTER TABLE accounts ADD COLUMN payment_terms_days INT DEFAULT 30 NOT NULL")
