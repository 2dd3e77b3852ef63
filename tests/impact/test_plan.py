"""The rollout plan per dialect and version, checked against golden JSON files.

Each golden file is the plan for one proposed column on a small realistic project written into
tmp_path: a Django shop (PostgreSQL 16, PostgreSQL 10, SQLite, and a trivial nullable column)
and a SQLAlchemy + Alembic service (MySQL 8.0.35 and 5.7). `pytest --update-golden` rewrites them;
read the diff before committing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from depmap.impact.plan import build_plan
from tests.impact.helpers import context_for, write_files

GOLDEN = Path(__file__).parent / "golden" / "plan"

DJANGO_SHOP = {
    "shop/orders/__init__.py": "",
    "shop/orders/apps.py": '''
        from django.apps import AppConfig


        class OrdersConfig(AppConfig):
            name = "shop.orders"
            label = "orders"
        ''',
    "shop/orders/models.py": '''
        from django.db import models


        class Order(models.Model):
            customer_email = models.EmailField()
            status = models.CharField(max_length=16, default="pending")
            total_cents = models.IntegerField(default=0)
            created_at = models.DateTimeField(auto_now_add=True)

            class Meta:
                db_table = "orders"
        ''',
    "shop/orders/migrations/__init__.py": "",
    "shop/orders/migrations/0001_initial.py": '''
        from django.db import migrations, models


        class Migration(migrations.Migration):
            initial = True

            dependencies = []

            operations = [
                migrations.CreateModel(
                    name="Order",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("customer_email", models.EmailField(max_length=254)),
                        ("status", models.CharField(default="pending", max_length=16)),
                        ("total_cents", models.IntegerField(default=0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={"db_table": "orders"},
                ),
            ]
        ''',
    "shop/orders/views.py": '''
        from django.db import connection
        from django.http import JsonResponse

        from shop.orders.models import Order


        def place_order(request):
            order = Order.objects.create(
                customer_email=request.POST["email"],
                total_cents=int(request.POST["total_cents"]),
            )
            return JsonResponse({"id": order.id})


        def import_legacy(rows):
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO orders (customer_email, status, total_cents, created_at) VALUES (%s, %s, %s, now())",
                    rows,
                )


        def pending_orders(request):
            orders = Order.objects.filter(status="pending").order_by("-created_at")
            return JsonResponse({"orders": [o.id for o in orders]})
        ''',
    "shop/orders/serializers.py": '''
        from rest_framework import serializers

        from shop.orders.models import Order


        class OrderSerializer(serializers.ModelSerializer):
            class Meta:
                model = Order
                fields = "__all__"
        ''',
    "shop/reports/daily.py": '''
        from django.db import connection


        def revenue_by_day():
            sql = """
                SELECT date_trunc('day', o.created_at) AS day, sum(o.total_cents)
                FROM orders AS o
                WHERE o.status <> 'cancelled'
                GROUP BY 1
                ORDER BY 1
            """
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall()
        ''',
}

ALEMBIC_SERVICE = {
    "billing/models.py": '''
        from sqlalchemy import BigInteger, Integer, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class Order(Base):
            __tablename__ = "orders"

            id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
            customer_email: Mapped[str] = mapped_column(String(254))
            total_cents: Mapped[int] = mapped_column(Integer, default=0)
        ''',
    "billing/service.py": '''
        from sqlalchemy import select, text
        from sqlalchemy.orm import Session

        from billing.models import Order


        def place_order(session: Session, email: str, total_cents: int) -> Order:
            order = Order(customer_email=email, total_cents=total_cents)
            session.add(order)
            session.commit()
            return order


        def import_batch(session: Session, rows: list[dict]) -> None:
            session.execute(
                text("INSERT INTO orders (customer_email, total_cents) VALUES (:customer_email, :total_cents)"),
                rows,
            )


        def orders_of(session: Session, email: str) -> list[Order]:
            return list(session.scalars(select(Order).where(Order.customer_email == email)))
        ''',
    "migrations/versions/0c1d2e3f4a5b_create_orders.py": '''
        """create orders

        Revision ID: 0c1d2e3f4a5b
        Revises:
        """
        from alembic import op
        import sqlalchemy as sa

        revision = "0c1d2e3f4a5b"
        down_revision = None


        def upgrade():
            op.create_table(
                "orders",
                sa.Column("id", sa.BigInteger(), primary_key=True),
                sa.Column("customer_email", sa.String(254), nullable=False),
                sa.Column("total_cents", sa.Integer(), nullable=False, server_default="0"),
            )


        def downgrade():
            op.drop_table("orders")
        ''',
}

CASES: dict[str, tuple[dict[str, str], dict[str, Any]]] = {
    "postgres_16": (DJANGO_SHOP, dict(target="orders.tracking_id", type="uuid", not_null=True,
                                      default="gen_random_uuid()", dialect="postgres", server_version="16",
                                      unique=True)),
    "postgres_10": (DJANGO_SHOP, dict(target="orders.currency", type="char(3)", not_null=True, default="'EUR'",
                                      dialect="postgres", server_version="10.23")),
    "mysql_8_0_35": (ALEMBIC_SERVICE, dict(target="orders.discount_code", type="varchar(32)", not_null=True,
                                           dialect="mysql", server_version="8.0.35")),
    "mysql_5_7": (ALEMBIC_SERVICE, dict(target="orders.discount_code", type="varchar(32)", not_null=True,
                                        dialect="mysql", server_version="5.7.44")),
    "sqlite": (DJANGO_SHOP, dict(target="orders.coupon_code", type="varchar(32)", not_null=True, dialect="sqlite")),
    "trivial_nullable": (DJANGO_SHOP, dict(target="orders.gift_message", type="text", dialect="postgres",
                                           server_version="16")),
}


def plan_document(tmp_path: Path, case: str) -> dict[str, Any]:
    files, options = CASES[case]
    options = dict(options)
    root = write_files(tmp_path / case, files)
    ctx = context_for(root, options.pop("target"), **options)
    return {
        "column": f"{ctx.spec.table}.{ctx.spec.column}",
        "dialect": ctx.dialect.label,
        "plan": [step.to_json() for step in build_plan(ctx, [])],
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_plan_matches_golden(tmp_path: Path, case: str, update_golden: bool) -> None:
    document = plan_document(tmp_path, case)
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    golden = GOLDEN / f"{case}.json"
    if update_golden or not golden.exists():
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def _steps(tmp_path: Path, case: str) -> dict[str, dict[str, Any]]:
    return {step["name"]: step for step in plan_document(tmp_path, case)["plan"]}


def test_numbering_is_consecutive_and_empty_steps_are_left_out(tmp_path: Path) -> None:
    plan = plan_document(tmp_path, "trivial_nullable")["plan"]
    assert [(s["step"], s["name"]) for s in plan] == [(1, "expand"), (2, "deploy-writers"), (3, "deploy-readers")]
    assert plan[0]["sql"] == ["SET lock_timeout = '5s'", "ALTER TABLE orders ADD COLUMN gift_message TEXT"]


def test_writers_are_the_inserts_that_do_not_set_the_column(tmp_path: Path) -> None:
    steps = _steps(tmp_path, "sqlite")
    sites = [(s["path"], s["line"]) for s in steps["deploy-writers"]["sites"]]
    assert sites == [("shop/orders/views.py", 8), ("shop/orders/views.py", 18)]


def test_postgres_16_volatile_default_is_set_after_the_add_and_backfilled(tmp_path: Path) -> None:
    steps = _steps(tmp_path, "postgres_16")
    assert steps["expand"]["sql"] == [
        "SET lock_timeout = '5s'",
        "ALTER TABLE orders ADD COLUMN tracking_id UUID",
        "ALTER TABLE orders ALTER COLUMN tracking_id SET DEFAULT gen_random_uuid()",
    ]
    assert steps["backfill"]["sql"] == [
        "SELECT max(id) FROM (SELECT id FROM orders WHERE id > :last_id ORDER BY id LIMIT 5000) AS batch",
        "UPDATE orders SET tracking_id = gen_random_uuid() WHERE id > :last_id AND id <= :batch_end AND tracking_id IS NULL",
    ]
    assert "CREATE UNIQUE INDEX CONCURRENTLY orders_tracking_id_key ON orders (tracking_id)" in steps["constrain"]["sql"]
    assert "atomic = False" in steps["constrain"]["migration_code"]["django"]
    assert "deploy-writers" not in steps  # the default fills the column for old code


def test_postgres_10_keeps_the_validated_check_instead_of_set_not_null(tmp_path: Path) -> None:
    constrain = _steps(tmp_path, "postgres_10")["constrain"]
    assert not any("SET NOT NULL" in sql for sql in constrain["sql"])
    assert "PostgreSQL 10.23 cannot use it for SET NOT NULL" in constrain["description"]


def test_mysql_backfill_walks_the_key_without_selecting_from_the_updated_table(tmp_path: Path) -> None:
    steps = _steps(tmp_path, "mysql_8_0_35")  # MySQL refuses an UPDATE whose subquery reads the same table
    assert steps["backfill"]["sql"] == [
        "SELECT max(id) FROM (SELECT id FROM orders WHERE id > :last_id ORDER BY id LIMIT 5000) AS batch",
        "UPDATE orders SET discount_code = <value> WHERE id > :last_id AND id <= :batch_end AND discount_code IS NULL",
    ]
    python = steps["backfill"]["migration_code"]["python"]
    assert "cur.execute('SELECT max(id) FROM (SELECT id FROM orders WHERE id > %s ORDER BY id LIMIT 5000) AS batch', (last_id,))" in python
    assert ("cur.execute('UPDATE orders SET discount_code = <value> WHERE id > %s AND id <= %s AND discount_code IS NULL', "
            "(last_id, batch_end))") in python
    assert steps["constrain"]["sql"][-1] == (
        "ALTER TABLE orders MODIFY COLUMN discount_code VARCHAR(32) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE"
    )
    assert "op.execute(" in steps["expand"]["migration_code"]["alembic"]


def test_sqlite_constrain_step_explains_the_rebuild(tmp_path: Path) -> None:
    constrain = _steps(tmp_path, "sqlite")["constrain"]
    assert constrain["sql"] == []
    assert "https://www.sqlite.org/lang_altertable.html#otheralter" in constrain["description"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_migration_code_is_valid_python(tmp_path: Path, case: str) -> None:
    for step in plan_document(tmp_path, case)["plan"]:
        for framework, code in step["migration_code"].items():
            compile(code, f"<{case} step {step['step']} {framework}>", "exec")


def test_the_python_backfill_fills_every_row_of_a_sqlite_table_with_gaps_in_its_key(tmp_path: Path) -> None:
    import sqlite3

    backfill = _steps(tmp_path, "sqlite")["backfill"]
    code = backfill["migration_code"]["python"].replace("<value>", "id * 10").replace("time.sleep(0.5)", "pass")
    namespace: dict[str, Any] = {}
    exec(compile(code, "<sqlite backfill>", "exec"), namespace)  # depmap's own generated code, not scanned code
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, coupon_code TEXT)")
    keys = [n * 3 for n in range(1, 12_001)] + [50_000, 50_001]  # gaps, and a key past every batch
    conn.executemany("INSERT INTO orders (id, coupon_code) VALUES (?, NULL)", [(k,) for k in keys])
    conn.execute("UPDATE orders SET coupon_code = 'kept' WHERE id = 9")  # a row a writer already set
    conn.commit()
    executed: list[str] = []
    conn.set_trace_callback(executed.append)
    namespace["backfill"](conn)
    assert conn.execute("SELECT count(*) FROM orders WHERE coupon_code IS NULL").fetchone()[0] == 0
    assert conn.execute("SELECT coupon_code FROM orders WHERE id = 9").fetchone()[0] == "kept"
    assert conn.execute("SELECT coupon_code FROM orders WHERE id = 50001").fetchone()[0] == "500010"
    updates = [sql for sql in executed if sql.startswith("UPDATE")]
    assert len(updates) == 3  # 12,002 rows in batches of 5,000
    assert updates[0] == "UPDATE orders SET coupon_code = id * 10 WHERE id > 0 AND id <= 15000 AND coupon_code IS NULL"
