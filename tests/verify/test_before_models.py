"""A migration's added column is verified on a schema without it, though the ORM model (which
states the schema after every migration) defines it: the migration's own ADD COLUMN runs."""

from __future__ import annotations

from pathlib import Path

from depmap.catalog import Catalog
from depmap.impact.spec import ColumnSpec
from depmap.model import COLUMN_DEF, SCHEMA_OP, TABLE_DEF, Fact, Location
from depmap.verify.before_models import without_model_only_additions
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
