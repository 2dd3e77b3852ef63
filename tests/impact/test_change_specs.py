"""`change_specs`: the columns a migration drops, renames or retypes, as `check` judges them."""

from __future__ import annotations

from pathlib import Path

from depmap.dialects.capabilities import Dialect
from depmap.impact.change_specs import change_specs
from depmap.impact.engine import before_change
from depmap.index.build import build_index
from tests.impact.helpers import write_files

DJANGO = {
    "shop/__init__.py": "",
    "shop/sales/__init__.py": "",
    "shop/sales/models.py": """
        from django.db import models


        class Order(models.Model):
            number = models.CharField(max_length=32)
            promo = models.CharField(max_length=10, null=True)
            note = models.TextField(null=True)

            class Meta:
                db_table = "orders"
    """,
    "shop/sales/migrations/__init__.py": "",
    "shop/sales/migrations/0001_initial.py": """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            initial = True
            operations = [
                migrations.CreateModel(
                    name="Order",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("number", models.CharField(max_length=16)),
                        ("code", models.CharField(max_length=10, null=True)),
                        ("legacy", models.CharField(max_length=10, null=True)),
                        ("note", models.TextField(null=True)),
                    ],
                    options={"db_table": "orders"},
                ),
            ]
    """,
    "shop/sales/migrations/0002_cleanup.py": """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            dependencies = [("sales", "0001_initial")]
            operations = [
                migrations.RemoveField(model_name="order", name="legacy"),
                migrations.RenameField(model_name="order", old_name="code", new_name="promo"),
                migrations.AlterField(model_name="order", name="number", field=models.CharField(max_length=32)),
                migrations.AlterField(model_name="order", name="note", field=models.TextField(null=True, help_text="free text")),
            ]
    """,
}

ALEMBIC = {
    "migrations/versions/a1_invoices.py": """
        from alembic import op
        import sqlalchemy as sa

        revision = "a1"
        down_revision = None


        def upgrade():
            op.create_table(
                "invoices",
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("memo", sa.String(20)),
                sa.Column("ref", sa.Text()),
                sa.Column("amount", sa.Integer(), nullable=False),
            )
    """,
    "migrations/versions/b2_tidy.py": """
        from alembic import op
        import sqlalchemy as sa

        revision = "b2"
        down_revision = "a1"


        def upgrade():
            op.drop_column("invoices", "memo")
            op.alter_column("invoices", "ref", new_column_name="reference")
            op.alter_column("invoices", "amount", existing_type=sa.Integer(), type_=sa.BigInteger())


        def downgrade():
            op.alter_column("invoices", "amount", existing_type=sa.BigInteger(), type_=sa.Integer())
            op.alter_column("invoices", "reference", new_column_name="ref")
            op.add_column("invoices", sa.Column("memo", sa.String(20)))
    """,
}


def _changes(root: Path, migration: str) -> list[tuple]:
    index = build_index(root)
    specs = change_specs(index, [migration], None, Dialect("postgres"), before_change(index.facts, [migration]))
    return [(s.table, s.column, s.change, s.new_name, s.old_type, s.type if s.change == "set_type" else None, s.framework,
             s.origin.line) for s in specs]


def test_django_remove_rename_and_alter_field(tmp_path: Path) -> None:
    root = write_files(tmp_path, DJANGO)
    assert _changes(root, "shop/sales/migrations/0002_cleanup.py") == [
        ("orders", "legacy", "drop", None, None, None, "django", 7),
        ("orders", "code", "rename", "promo", None, None, "django", 8),
        # max_length 16 -> 32, read from the field's previous definition in 0001
        ("orders", "number", "set_type", None, "VARCHAR(16)", "VARCHAR(32)", "django", 9),
        # help_text only: the column type stays, so no type change (line 10 is left out)
    ]


def test_alembic_drop_rename_and_retype_upgrade_only(tmp_path: Path) -> None:
    root = write_files(tmp_path, ALEMBIC)
    assert _changes(root, "migrations/versions/b2_tidy.py") == [
        ("invoices", "memo", "drop", None, None, None, "alembic", 9),
        ("invoices", "ref", "rename", "reference", None, None, "alembic", 10),
        ("invoices", "amount", "set_type", None, "INT", "BIGINT", "alembic", 11),
    ]


def test_sql_changes_and_a_nullability_alter_left_to_the_operation_rules(tmp_path: Path) -> None:
    root = write_files(tmp_path, {
        "db/migrations/0001_items.sql": "CREATE TABLE items (id bigserial PRIMARY KEY, name varchar(20), sku text, old text);\n",
        "db/migrations/0002_items.sql": """
            ALTER TABLE items ALTER COLUMN name TYPE varchar(40);
            ALTER TABLE items ALTER COLUMN sku SET NOT NULL;
            ALTER TABLE items DROP COLUMN old;
            ALTER TABLE items RENAME COLUMN name TO title;
        """,
    })
    assert _changes(root, "db/migrations/0002_items.sql") == [
        ("items", "name", "set_type", None, "VARCHAR(20)", "VARCHAR(40)", "sql", 1),
        ("items", "old", "drop", None, None, None, "sql", 3),
        ("items", "name", "rename", "title", None, None, "sql", 4),
    ]


def test_a_column_the_change_creates_is_not_judged(tmp_path: Path) -> None:
    root = write_files(tmp_path, {
        "db/migrations/0001_items.sql": "CREATE TABLE items (id bigserial PRIMARY KEY);\n",
        "db/migrations/0002_items.sql": "ALTER TABLE items ADD COLUMN tmp text;\nALTER TABLE items DROP COLUMN tmp;\n",
    })
    assert _changes(root, "db/migrations/0002_items.sql") == []
