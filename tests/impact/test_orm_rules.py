"""The ORM and write rules, message by message: what a user reads for each finding.

The case folders (tests/impact/cases/<rule>/) pin where findings point; these tests pin what
they say, and the framework semantics that decide whether a writer fails.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from depmap.impact.finding import BREAKING, ERROR, WARNING
from depmap.impact.rules import (
    column_exists,
    exposes_all_fields,
    name_shadows_attribute,
    not_null_without_default,
    orm_model_missing_field,
)
from depmap.model import Location
from depmap.index.build import build_index
from tests.impact.helpers import check_context, context_for, findings_of, write_files

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

DJANGO_APP = {
    "orders/__init__.py": "",
    "orders/apps.py": """
        from django.apps import AppConfig


        class OrdersConfig(AppConfig):
            name = "orders"
        """,
    "orders/migrations/__init__.py": "",
    "orders/migrations/0001_initial.py": """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            initial = True
            dependencies = []
            operations = [
                migrations.CreateModel(
                    name="Order",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True)),
                        ("number", models.CharField(max_length=20)),
                    ],
                ),
            ]
        """,
    "orders/models.py": """
        from django.db import models


        class Order(models.Model):
            number = models.CharField(max_length=20)
            priority = models.IntegerField()
        """,
    "orders/services.py": """
        from orders.models import Order


        def place(number):
            return Order.objects.create(number=number)


        def place_all(payload):
            return Order.objects.create(**payload)
        """,
}


# -- not-null-without-default ------------------------------------------------------------------


def test_sql_insert_message_names_the_site_and_the_database_error(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "schema.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL);\n",
        "app/repo.py": """
            def create(cur, customer_id):
                cur.execute("INSERT INTO orders (customer_id) VALUES (%s)", (customer_id,))
            """,
    })
    ctx = context_for(tmp_path, "orders.discount_code", type="text", not_null=True, server_version="16")
    ddl, insert = findings_of(not_null_without_default, ctx)  # sorted by path: the new migration has none
    assert (insert.rule, insert.severity, insert.location.path, insert.location.line) == (
        "not-null-without-default", BREAKING, "app/repo.py", 2)
    assert insert.message == (
        "INSERT into orders at app/repo.py:2 lists no discount_code; once the column is NOT NULL without a default it "
        'fails with: null value in column "discount_code" of relation "orders" violates not-null constraint.'
    )
    assert insert.fix == (
        "Either list the column and a value here (`INSERT INTO orders (customer_id, discount_code) ...`) and deploy that "
        "before the column becomes NOT NULL, or give the column a database default. A safer approach: add "
        "orders.discount_code as nullable, deploy writers that set it, backfill existing rows in batches, then add the "
        "NOT NULL constraint."
    )
    assert (ddl.location.path, ddl.location.symbol) == ("", "the new migration")
    assert [(r.location.path, r.location.line, r.note) for r in ddl.related] == [("schema.sql", 1, "the table is defined here")]
    assert ddl.message == (
        "Adding orders.discount_code as NOT NULL without a default: it fails on any table that has rows: "
        'column "discount_code" of relation "orders" contains null values.'
    )
    assert "`ALTER TABLE orders ADD COLUMN discount_code TEXT NOT NULL DEFAULT <value>`" in ddl.fix


def test_dialects_answer_differently(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "schema.sql": "CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL);\n",
        "app/repo.py": """
            def create(cur, customer_id):
                cur.execute("INSERT INTO orders (customer_id) VALUES (%s)", (customer_id,))
            """,
    })
    mysql = findings_of(not_null_without_default, context_for(tmp_path, "orders.code", type="text", not_null=True, dialect="mysql"))
    assert [f.location.path for f in mysql] == ["app/repo.py"]  # MySQL fills existing rows: the DDL succeeds
    assert mysql[0].message.endswith("fails with: Field 'code' doesn't have a default value (strict mode, the default).")
    sqlite = findings_of(not_null_without_default, context_for(tmp_path, "orders.code", type="text", not_null=True, dialect="sqlite"))
    assert sqlite[1].message.endswith("fails with: NOT NULL constraint failed: orders.code.")
    assert "Cannot add a NOT NULL column with default value NULL" in sqlite[0].message  # the new migration, sorted first


def test_nothing_when_the_column_has_a_default_or_is_nullable(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "schema.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL);\n",
        "app/repo.py": 'def create(cur):\n    cur.execute("INSERT INTO orders (customer_id) VALUES (1)")\n',
    })
    assert findings_of(not_null_without_default, context_for(tmp_path, "orders.code", type="text", not_null=True, default="'web'")) == []
    assert findings_of(not_null_without_default, context_for(tmp_path, "orders.code", type="text")) == []
    generated = context_for(tmp_path, "orders.code", type="text", not_null=True, generated="stored")
    assert findings_of(not_null_without_default, generated) == []


def test_django_create_of_a_model_without_the_field_fails(tmp_path: Path) -> None:
    ctx = context_for(SAMPLES / "django_shop", "sales_order.gift_note", type="text", not_null=True)
    creates = [f for f in findings_of(not_null_without_default, ctx) if f.location.path == "orders/services.py"]
    assert [f.location.line for f in creates] == [39]  # not 116, `reorder` calling place_order: fixed at 39
    assert creates[0].message.startswith(
        "`Order.objects.create(...)` at orders/services.py:39 (creates an Order) does not set gift_note; once the column"
    )
    assert "pass gift_note=... when creating the Order" in creates[0].fix


def test_django_field_without_default_in_the_change_still_fails(tmp_path: Path) -> None:
    """Django sends NULL for an unset IntegerField without default; `**payload` may set it: not reported."""
    write_files(tmp_path, DJANGO_APP)
    ctx = context_for(tmp_path, "orders_order.priority", type="integer", not_null=True,
                      changed_paths=("orders/models.py",), origin=Location("orders/migrations/0002_priority.py", 12))
    found = findings_of(not_null_without_default, ctx)
    assert [(f.location.path, f.location.line) for f in found] == [
        ("orders/migrations/0002_priority.py", 12), ("orders/services.py", 5)]


def test_old_code_failing_is_said_once_at_the_migration() -> None:
    folder = Path(__file__).parent / "cases/not_null_without_default/django_add_field_default"
    changed = ("orders/migrations/0002_order_discount_code.py", "orders/models.py")
    ctx = context_for(folder, "orders_order.discount_code", type="varchar(32)", not_null=True, changed_paths=changed,
                      add_default="''", client_default='""', framework="django")
    ddl = findings_of(not_null_without_default, ctx)[0]
    assert ddl.message == (
        "Django's AddField fills the existing rows with '' and then drops the default, so the database gives later rows "
        "nothing. The code deployed today creates orders_order rows without discount_code (orders/services.py:18, "
        "orders/services.py:22): from the moment the migration runs until the new code is deployed, those creates fail "
        'with: null value in column "discount_code" of relation "orders_order" violates not-null constraint.'
    )
    assert ddl.fix.startswith('Let the database fill it: replace `default=` by `db_default=""` on Order.discount_code')
    assert [r.location.line for r in ddl.related] == [18, 22]


def test_writers_are_reported_when_no_schema_is_in_the_repository(tmp_path: Path) -> None:
    write_files(tmp_path, {"app/repo.py": 'def create(cur):\n    cur.execute("INSERT INTO orders (customer_id) VALUES (1)")\n'})
    ctx = context_for(tmp_path, "orders.code", type="text", not_null=True)
    found = findings_of(not_null_without_default, ctx)
    assert [(f.location.path, f.location.line) for f in found] == [("", 0), ("app/repo.py", 2)]  # the new migration's DDL, the writer
    assert [(r.location.path, r.location.line) for r in found[0].related] == [("app/repo.py", 2)]  # the table's first use, as context


def test_table_created_in_the_change_is_safe(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "schema.sql": "CREATE TABLE orders (id bigserial PRIMARY KEY);\n",
        "app/repo.py": 'def create(cur):\n    cur.execute("INSERT INTO orders (id) VALUES (1)")\n',
    })
    ctx = context_for(tmp_path, "orders.code", type="text", not_null=True, notes=("table created in this change",))
    assert findings_of(not_null_without_default, ctx) == []


# -- orm-model-missing-field -------------------------------------------------------------------


def _readers_step(ctx) -> str:
    from depmap.impact.plan import build_plan

    step = next(step for step in build_plan(ctx, []) if step.name == "deploy-readers")
    return step.description


def test_a_proposal_declares_the_field_in_its_plan_not_in_a_finding() -> None:
    ctx = context_for(SAMPLES / "django_shop", "sales_order.gift_note", type="varchar(200)")
    assert findings_of(orm_model_missing_field, ctx) == []  # nothing is missing yet: the change is not written
    assert _readers_step(ctx).endswith(
        "Declare the field on Order (orders/models.py:28): `gift_note = models.CharField(max_length=200, null=True, blank=True)`."
    )


def test_missing_field_message_and_field_line_for_a_migration(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "django_shop"
    shutil.copytree(SAMPLES / "django_shop", root, ignore=shutil.ignore_patterns(".depmap"))
    migration = root / "orders" / "migrations" / "0009_gift_note.py"
    migration.write_text(
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
        "    dependencies = []\n"
        '    operations = [migrations.RunSQL("ALTER TABLE sales_order ADD COLUMN gift_note varchar(200)")]\n'
    )
    ctx = check_context(root, "orders/migrations/0009_gift_note.py", "sales_order.gift_note")
    (finding,) = findings_of(orm_model_missing_field, ctx)
    assert (finding.severity, finding.location.path, finding.location.line) == (WARNING, "orders/models.py", 28)
    assert finding.message == (
        "Model Order (orders/models.py:28) maps sales_order but declares no gift_note field: Django lists the model's "
        "fields in every query, so ORM code will neither read nor write the new column."
    )
    assert finding.fix == (
        "Declare the field on Order in the same change: "
        "`gift_note = models.CharField(max_length=200, null=True, blank=True)`."
    )


def test_missing_field_in_sqlalchemy_syntax() -> None:
    ctx = context_for(SAMPLES / "sqlalchemy_service", "accounts.vat_number", type="text")
    assert _readers_step(ctx).endswith("`vat_number: Mapped[str | None] = mapped_column(Text)`.")
    ctx = context_for(SAMPLES / "sqlalchemy_service", "accounts.credit_cents", type="bigint", not_null=True, default="0")
    assert "`credit_cents: Mapped[int] = mapped_column(BigInteger, server_default=text('0'))`" in _readers_step(ctx)


# -- exposes-all-fields ------------------------------------------------------------------------


def test_all_fields_serializer_message() -> None:
    ctx = context_for(SAMPLES / "django_shop", "sales_order.gift_note", type="text")
    found = {f.location.path: f for f in findings_of(exposes_all_fields, ctx)}
    serializer = found["orders/serializers.py"]
    assert (serializer.severity, serializer.location.line) == (WARNING, 15)
    assert serializer.message == (
        "OrderSerializer at orders/serializers.py:15 exposes every field of Order, so gift_note appears in API responses "
        "and is accepted in request data as soon as the model declares it."
    )
    assert serializer.fix.startswith('List the fields explicitly so new columns are opt-in: `fields = ["id", "created_at",')
    assert set(found) == {"orders/serializers.py", "orders/admin.py"}


def test_sensitive_names_are_breaking_and_configurable() -> None:
    ctx = context_for(SAMPLES / "django_shop", "customers_customer.password_hash", type="text")
    (finding,) = findings_of(exposes_all_fields, ctx)
    assert finding.severity == BREAKING
    assert "so this leaks the value to everyone who can see it" in finding.message
    assert finding.fix.endswith("; keep password_hash out of it.")
    ctx.config = replace(ctx.config, sensitive_columns=("*_pin",))
    assert [f.severity for f in findings_of(exposes_all_fields, ctx)] == [WARNING]


def test_excluded_by_name_is_not_exposed() -> None:
    """CustomerSerializer excludes marketing_opt_in by name: a column of that name stays out of it."""
    ctx = context_for(SAMPLES / "django_shop", "customers_customer.marketing_opt_in", type="boolean")
    assert findings_of(exposes_all_fields, ctx) == []


# -- name-shadows-attribute --------------------------------------------------------------------


def test_property_clash_message() -> None:
    ctx = context_for(SAMPLES / "django_shop", "sales_order.is_paid", type="boolean")
    (finding,) = findings_of(name_shadows_attribute, ctx)
    assert (finding.rule, finding.severity, finding.location.path, finding.location.line) == (
        "name-shadows-attribute", WARNING, "orders/models.py", 62)
    assert finding.message == (
        "Order.is_paid is already a method, property or attribute (orders/models.py:62); a field for the new column "
        "sales_order.is_paid needs the same name: the field's descriptor replaces it on the class, so code that uses "
        "it silently gets the column instead."
    )
    assert finding.fix == (
        "Pick another column name, or map the column to another attribute of Order: "
        '`is_paid_value = models.Field(db_column="is_paid")` (with the field class for its type).'
    )


def test_field_name_mapping_another_column_and_reserved_names() -> None:
    ctx = context_for(SAMPLES / "django_shop", "sales_order.total", type="numeric(12,2)")
    (finding,) = findings_of(name_shadows_attribute, ctx)
    assert finding.message.startswith("Order.total is already the field Order.total, which maps the column total_amount")
    ctx = context_for(SAMPLES / "sqlalchemy_service", "accounts.metadata", type="jsonb")
    (finding,) = findings_of(name_shadows_attribute, ctx)
    assert finding.message.endswith("the declarative API raises an error when the class is defined, so the application does not start.")


def test_reverse_relation_clash_points_at_the_relation() -> None:
    ctx = context_for(SAMPLES / "django_shop", "customers_customer.orders", type="integer")
    (finding,) = findings_of(name_shadows_attribute, ctx)
    assert (finding.location.path, finding.location.line) == ("orders/models.py", 36)
    assert "fields.E302/E303" in finding.message


# -- column-exists -----------------------------------------------------------------------------


def test_column_exists_message_and_fix() -> None:
    ctx = context_for(SAMPLES / "django_shop", "sales_order.discount_code", type="text")
    (finding,) = findings_of(column_exists, ctx)
    assert (finding.severity, finding.location.path, finding.location.line) == (
        ERROR, "orders/migrations/0002_order_discount_code.py", 13)
    assert finding.message == (
        "sales_order.discount_code already exists as CharField, defined at "
        "orders/migrations/0002_order_discount_code.py:13 (migration), orders/models.py:47 (ORM model); adding it "
        'again fails with: column "discount_code" of relation "sales_order" already exists.'
    )
    assert finding.fix.startswith("Pick another name: sales_order.discount_code is already there (check the live schema: "
                                  "SELECT column_name FROM information_schema.columns WHERE table_name = 'sales_order'")


def test_orm_only_definition_counts_for_a_proposal_not_for_a_check(tmp_path: Path) -> None:
    write_files(tmp_path, DJANGO_APP)
    proposal = context_for(tmp_path, "orders_order.priority", type="integer")
    (finding,) = findings_of(column_exists, proposal)
    assert "defined at orders/models.py:6 (ORM model)" in finding.message
    check = context_for(tmp_path, "orders_order.priority", type="integer",
                        changed_paths=("orders/migrations/0002_priority.py",), origin=Location("orders/migrations/0002_priority.py", 9))
    assert findings_of(column_exists, check) == []


# -- scanners: where attributes are defined ----------------------------------------------------


def test_models_record_attribute_lines() -> None:
    facts = build_index(SAMPLES / "django_shop").facts
    order = next(f for f in facts if f.kind == "model" and f.extra["model"] == "orders.models.Order")
    assert order.extra["attribute_lines"] == {"Status": 29, "objects": 53, "__str__": 58, "is_paid": 62,
                                              "mark_paid": 65, "cancel": 70, "recalculate_total": 74}
    facts = build_index(SAMPLES / "sqlalchemy_service").facts
    account = next(f for f in facts if f.kind == "model" and f.extra["model"] == "billing.models.account.Account")
    assert account.extra["attribute_lines"] == {"display_name": 32}
