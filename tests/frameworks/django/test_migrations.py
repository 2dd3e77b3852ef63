"""Django migration files: the migration's place in the dependency graph, and its operations.

Fixtures are realistic migration files of two apps under `fixtures/shop/`; each operation is one
DJANGO_MIGRATION_OP fact at its line, its `extra` compared whole.
"""

from __future__ import annotations

from pathlib import Path

from depmap.orm.symbols import DJANGO_MIGRATION_OP, MIGRATION
from depmap.scan_context import ScanContext
from depmap.frameworks.django.migrations import DJANGO_MIGRATIONS, app_and_name, wants_django_migrations
from depmap.python.scanner import scan_python
from depmap.frameworks.sql_in_python.strings import SQL_STRINGS

from tests.frameworks.migration_facts import assert_facts, fixture_readers

source, at, scan = fixture_readers(Path(__file__).parent / "fixtures")

INITIAL = "shop/orders/migrations/0001_initial.py"
PAID_AT = "shop/orders/migrations/0002_order_paid_at.py"
CLEANUP = "shop/orders/migrations/0003_rename_and_cleanup.py"
BILLING = "shop/billing/migrations/0001_initial.py"
OP = DJANGO_MIGRATION_OP


def field(name: str, line: int, type_: str, **overrides) -> dict:
    """A field dict in the MODEL format, with Django's defaults."""
    spec = {
        "name": name, "line": line, "kind": "column", "db_column": None, "type": type_, "nullable": False,
        "default": None, "db_default": None, "primary_key": False, "unique": False,
        "related_model": None, "related_name": None, "through": None,
    }  # fmt: skip
    spec.update(overrides)
    return spec


def test_initial_migration_creates_models() -> None:
    f = INITIAL
    facts = scan(f, (DJANGO_MIGRATIONS,)).facts
    bigauto = 'models.BigAutoField(auto_created=True'
    id_lines = [n for n, text in enumerate(source(f).splitlines(), 1) if bigauto in text]
    order_fields = [
        field("id", id_lines[0], "BigAutoField", primary_key=True),
        field("number", at(f, '("number"'), "CharField", unique=True, size={"max_length": "20"}),
        field("status", at(f, '("status"'), "CharField", default='"new"', size={"max_length": "20"}),
        field("note", at(f, '("note"'), "TextField", nullable=True),
        # a field written over several lines: the line of its name
        field("customer", at(f, '"customer",'), "ForeignKey", kind="foreign_key",
              related_model="customers.customer", related_name="orders"),
        field("created_by", at(f, '"created_by",'), "ForeignKey", kind="foreign_key", nullable=True,
              db_column="creator_id", related_model="settings.AUTH_USER_MODEL"),
    ]
    line_fields = [
        field("id", id_lines[1], "BigAutoField", primary_key=True),
        field("quantity", at(f, '("quantity"'), "PositiveIntegerField", db_default="1"),
        field("order", at(f, '("order"'), "ForeignKey", kind="foreign_key", related_model="orders.order",
              related_name="lines"),
    ]
    assert_facts(
        facts,
        [
            (MIGRATION, at(f, "class Migration"), "", (), None, {
                "tool": "django", "app": "orders", "name": "0001_initial",
                "dependencies": [["customers", "0003_customer_email"], ["__swappable__", "AUTH_USER_MODEL"]],
            }),
            (OP, at(f, 'name="Order",') - 1, "", (), None, {
                "app": "orders", "op": "CreateModel", "model_name": "order", "fields": order_fields,
                "table": "shop_orders", "abstract": False, "proxy": False,
            }),
            (OP, at(f, 'name="OrderLine",') - 1, "", (), None, {
                "app": "orders", "op": "CreateModel", "model_name": "orderline", "fields": line_fields,
                "table": None, "abstract": False, "proxy": False,
            }),
            (OP, at(f, 'name="OpenOrder",') - 1, "", (), None, {
                "app": "orders", "op": "CreateModel", "model_name": "openorder", "fields": [],
                "table": None, "abstract": False, "proxy": True, "bases": ["orders.order"],
            }),
        ],
    )
    for fact in facts:
        assert fact.via == "migration"
        assert fact.location.symbol == "shop.orders.migrations.0001_initial.Migration"
    assert facts[1].extra.keys() == {"app", "op", "model_name", "fields", "table", "abstract", "proxy"}


def test_add_and_alter_field_with_defaults() -> None:
    f = PAID_AT
    facts = scan(f, (DJANGO_MIGRATIONS,)).facts
    assert_facts(
        facts,
        [
            (MIGRATION, at(f, "class Migration"), "", (), None, {
                "tool": "django", "app": "orders", "name": "0002_order_paid_at", "dependencies": [["orders", "0001_initial"]],
            }),
            # preserve_default=False: the default only fills the rows that exist, then is dropped
            (OP, at(f, 'name="paid_at",') - 2, "", (), None, {
                "app": "orders", "op": "AddField", "model_name": "order", "name": "paid_at",
                "fields": [field("paid_at", at(f, "models.DateTimeField"), "DateTimeField",
                                 default="django.utils.timezone.now", preserve_default=False)],
            }),
            (OP, at(f, 'name="currency",') - 2, "", (), None, {
                "app": "orders", "op": "AddField", "model_name": "order", "name": "currency",
                "fields": [field("currency", at(f, 'default="EUR"'), "CharField", default='"EUR"', size={"max_length": "3"})],
            }),
            (OP, at(f, "migrations.AlterField("), "", (), None, {
                "app": "orders", "op": "AlterField", "model_name": "order", "name": "status",
                "fields": [field("status", at(f, "max_length=32"), "CharField", nullable=True, default='"new"', db_index=True, size={"max_length": "32"})],
            }),
            # RunSQL and RunPython make no operation fact
        ],
    )
    assert "preserve_default" not in facts[2].extra["fields"][0]


def test_run_sql_is_analysed_once_by_the_sql_strings_analysis() -> None:
    f = PAID_AT
    line = at(f, "CREATE INDEX CONCURRENTLY")
    facts = scan(f, (DJANGO_MIGRATIONS, SQL_STRINGS)).facts
    sql = [fact for fact in facts if fact.kind not in (MIGRATION, OP)]
    assert [(x.location.line, x.kind, x.table, x.columns, x.detail) for x in sql] == [
        (line, "access", "shop_orders", ("paid_at",), "create_index"),
        (line, "schema_op", "shop_orders", ("paid_at",), "create_index"),
        # reverse_sql: the history finds the index's table by its name
        (line + 1, "schema_op", "", (), "drop_index"),
    ]
    assert len([fact for fact in facts if fact.kind == OP]) == 3


def test_renames_removals_and_separate_database_and_state() -> None:
    f = CLEANUP
    facts = scan(f, (DJANGO_MIGRATIONS,)).facts
    archived = field("archived", at(f, '"archived"'), "BooleanField", default="False")
    assert_facts(
        facts,
        [
            (MIGRATION, at(f, "class Migration"), "", (), None, {
                "app": "orders", "name": "0003_rename_and_cleanup",
                "dependencies": [["orders", "0002_order_paid_at"], ["billing", "0001_initial"]],
            }),
            (OP, at(f, "migrations.RenameField("), "", (), None, {
                "app": "orders", "op": "RenameField", "model_name": "order", "old_name": "note", "new_name": "customer_note",
            }),
            (OP, at(f, "migrations.RemoveField("), "", (), None, {
                "app": "orders", "op": "RemoveField", "model_name": "order", "name": "created_by",
            }),
            (OP, at(f, "migrations.RenameModel("), "", (), None, {
                "app": "orders", "op": "RenameModel", "model_name": "orderline", "old_name": "orderline", "new_name": "orderitem",
            }),
            (OP, at(f, "migrations.AlterModelTable("), "", (), None, {
                "app": "orders", "op": "AlterModelTable", "model_name": "orderitem", "table": "shop_order_items",
            }),
            # SeparateDatabaseAndState: the state-only DeleteModel says so; the database AddField
            # (positional arguments) is an ordinary operation
            (OP, at(f, "migrations.DeleteModel("), "", (), None, {
                "app": "orders", "op": "DeleteModel", "model_name": "openorder", "state_only": True,
            }),
            (OP, at(f, 'migrations.AddField("order"'), "", (), None, {
                "app": "orders", "op": "AddField", "model_name": "order", "name": "archived", "fields": [archived],
            }),
            (OP, at(f, "migrations.AddIndex("), "", (), None, {
                "app": "orders", "op": "AddIndex", "model_name": "order", "index": {
                    "kind": "index", "name": "orders_status_paid_idx", "fields": ["status", "paid_at"], "expressions": False,
                    "condition": None, "line": at(f, "index=models.Index("), "end_line": at(f, "index=models.Index("),
                },
            }),
        ],
    )
    add = next(fact for fact in facts if fact.extra.get("op") == "AddField")
    assert "state_only" not in add.extra


def test_unmanaged_model_and_many_to_many_through() -> None:
    f = BILLING
    facts = scan(f, (DJANGO_MIGRATIONS,)).facts
    assert_facts(
        facts,
        [
            (MIGRATION, at(f, "class Migration"), "", (), None, {"app": "billing", "name": "0001_initial", "dependencies": []}),
            (OP, at(f, "migrations.CreateModel("), "", (), None, {
                "op": "CreateModel", "model_name": "invoice", "table": "legacy_invoices", "managed": False,
                "fields": [
                    field("id", at(f, '("id"'), "AutoField", primary_key=True),
                    field("amount", at(f, '("amount"'), "DecimalField", size={"max_digits": "10", "decimal_places": "2"}),
                    field("tags", at(f, '("tags"'), "ManyToManyField", kind="many_to_many",
                          related_model="catalog.Tag", through="billing.InvoiceTag", related_name="+"),
                ],
            }),
        ],
    )


def test_files_that_are_not_migrations() -> None:
    assert scan("shop/orders/migrations/__init__.py", (DJANGO_MIGRATIONS,)).facts == []
    helper = "shop/billing/migrations/utils.py"
    assert wants_django_migrations(source(helper))
    assert scan(helper, (DJANGO_MIGRATIONS,)).facts == []


def test_app_and_name_from_the_path() -> None:
    assert app_and_name("shop/orders/migrations/0002_order_paid_at.py") == ("orders", "0002_order_paid_at")
    assert app_and_name("src/blog/migrations/0001_initial.py") == ("blog", "0001_initial")
    assert app_and_name("shop/orders/migrations/__init__.py") == ("", None)
    # MIGRATION_MODULES = {"orders": "shop.db_migrations.orders"}
    assert app_and_name("shop/db_migrations/orders/0001_initial.py") == ("orders", "0001_initial")


def test_prefilter() -> None:
    assert wants_django_migrations("from django.db import migrations, models\n")
    assert wants_django_migrations("class Migration(migrations.Migration):\n")
    assert not wants_django_migrations("from django.db import models\n\nclass Order(models.Model):\n    pass\n")


def test_swappable_tuple_dependency_and_imported_operations() -> None:
    text = '''\
from django.conf import settings
from django.db.migrations import Migration as Base, AddField
from django.db import models


class Migration(Base):
    dependencies = [(settings.AUTH_USER_MODEL, "__first__"), ("orders", "__latest__")]
    replaces = [("orders", "0004_a"), ("orders", "0005_b")]
    operations = [
        AddField("order", "tracking", models.CharField(max_length=40, null=True, blank=True)),
        AddField("order", name, build_field()),
    ]
'''
    facts = scan_python("orders/migrations/0006_squashed.py", text, ScanContext(), analyses=(DJANGO_MIGRATIONS,)).facts
    assert_facts(
        facts,
        [
            (MIGRATION, 6, "", (), None, {
                "dependencies": [["__swappable__", "AUTH_USER_MODEL"], ["orders", "__latest__"]],
                "replaces": [["orders", "0004_a"], ["orders", "0005_b"]],
            }),
            (OP, 10, "", (), None, {
                "op": "AddField", "model_name": "order", "name": "tracking",
                "fields": [field("tracking", 10, "CharField", nullable=True, size={"max_length": "40"})],
            }),
            # a field name or field that is not a literal is not guessed
        ],
    )
