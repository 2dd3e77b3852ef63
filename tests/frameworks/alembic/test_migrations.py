"""Alembic revision files: the revision header, and the schema operations of `upgrade()` only.

Fixtures are realistic revision files under `fixtures/alembic/versions/`; every fact is checked
by kind, line, table, columns and detail, and the column specs by value.
"""

from __future__ import annotations

from pathlib import Path

import ast

from depmap.catalog import Catalog
from depmap.model import ACCESS, COLUMN_DEF, SCHEMA_OP, SCHEMA_OPS, TABLE_DEF
from depmap.orm.symbols import MIGRATION
from depmap.frameworks.alembic.migrations import ALEMBIC_MIGRATIONS, revision_of, upgrade_functions, wants_alembic
from depmap.scan_context import ScanContext
from depmap.python.scanner import scan_python
from depmap.frameworks.sql_in_python.strings import SQL_STRINGS

from tests.frameworks.migration_facts import assert_facts, assert_ops, fixture_readers, op_row

source, at, scan = fixture_readers(Path(__file__).parent / "fixtures")

INITIAL = "alembic/versions/1975ea83b712_create_customers_and_orders.py"
PAYMENTS = "alembic/versions/ae1027a6acf_order_payments.py"
MERGE = "alembic/versions/3b1cf0d2e9aa_merge_heads.py"
MULTIDB = "alembic/versions/5c0d41e7a2b3_reporting_multidb.py"


def column(type_: str | None, nullable: bool | None, default: str | None = None, primary_key: bool = False, **more) -> dict:
    return {"type": type_, "nullable": nullable, "default": default, "primary_key": primary_key, **more}


def test_initial_revision_creates_tables_columns_and_index() -> None:
    facts = scan(INITIAL, (ALEMBIC_MIGRATIONS,)).facts
    f = INITIAL
    assert_facts(
        facts,
        [
            (MIGRATION, at(f, 'revision = "1975ea83b712"'), "", (), None,
             {"tool": "alembic", "revision": "1975ea83b712", "down_revision": None}),
            (TABLE_DEF, at(f, '"customers",') - 1, "customers", ("id", "email", "name"), "create_table", {}),
            (COLUMN_DEF, at(f, 'sa.Column("id", sa.Integer()'), "customers", ("id",), "create_table",
             column("Integer", False, primary_key=True)),  # sa.PrimaryKeyConstraint("id")
            (COLUMN_DEF, at(f, 'sa.Column("email"'), "customers", ("email",), "create_table",
             column("String(length=255)", False, unique=True)),  # sa.UniqueConstraint("email")
            (COLUMN_DEF, at(f, 'sa.Column("name"'), "customers", ("name",), "create_table",
             column("String(length=120)", True)),
            # "Orders" in schema "public": the default schema is dropped, the name folded
            (TABLE_DEF, at(f, '"Orders",') - 1, "orders", ("id", "customer_id", "status", "total", "created_at", "meta"),
             "create_table", {}),
            (COLUMN_DEF, at(f, 'sa.Column("id", sa.BigInteger'), "orders", ("id",), "create_table",
             column("BigInteger", False, primary_key=True)),
            (COLUMN_DEF, at(f, 'sa.Column("customer_id"'), "orders", ("customer_id",), "create_table",
             column("Integer", False, references="customers.id")),  # sa.ForeignKeyConstraint
            (COLUMN_DEF, at(f, 'sa.Column("status"'), "orders", ("status",), "create_table",
             column("String(20)", False, "'new'")),
            (COLUMN_DEF, at(f, 'sa.Column("total"'), "orders", ("total",), "create_table",
             column("Numeric(10, 2)", True, "0")),
            (COLUMN_DEF, at(f, 'sa.Column("created_at"'), "orders", ("created_at",), "create_table",
             column("DateTime(timezone=True)", False, "now()")),
            (COLUMN_DEF, at(f, 'sa.Column("meta"'), "orders", ("meta",), "create_table",
             column("JSONB(astext_type=Text)", True)),
            (ACCESS, at(f, "op.create_index"), "orders", ("status",), "create_index", {"index": "ix_orders_status"}),
        ],
    )
    definitions = [fact for fact in facts if fact.kind not in (MIGRATION, SCHEMA_OP)]
    assert {fact.extra["revision"] for fact in definitions} == {"1975ea83b712"}
    assert {(fact.via, fact.access, fact.location.symbol) for fact in definitions} == {
        ("migration", "schema", "alembic.versions.1975ea83b712_create_customers_and_orders.upgrade")
    }
    assert facts[0].via == "migration" and facts[0].location.symbol == "alembic.versions.1975ea83b712_create_customers_and_orders"


def test_later_revision_alters_renames_drops_and_batches() -> None:
    f = PAYMENTS
    facts = scan(f, (ALEMBIC_MIGRATIONS,)).facts
    loop = at(f, 'op.add_column(table, sa.Column("updated_at"')
    updated_at = column("DateTime", True, "CURRENT_TIMESTAMP")
    assert_facts(
        facts,
        [
            (MIGRATION, at(f, "revision: str ="), "", (), None,
             {"tool": "alembic", "revision": "ae1027a6acf", "down_revision": "1975ea83b712"}),
            (COLUMN_DEF, at(f, 'sa.Column("paid_at"'), "orders", ("paid_at",), "add_column", column("DateTime", True)),
            # a multi-line call sits at its first line
            (COLUMN_DEF, at(f, 'sa.Column("currency"') - 2, "orders", ("currency",), "add_column",
             column("CHAR(3)", False, "'EUR'")),
            # only a rename: no alter_column fact
            (COLUMN_DEF, at(f, 'new_column_name="full_name"'), "customers", ("name",), "rename_column",
             {"new_name": "full_name"}),
            (COLUMN_DEF, at(f, "type_=sa.String(32)") - 4, "orders", ("status",), "alter_column",
             {"type": "String(32)", "nullable": True, "default": None, "drop_default": True}),
            # with op.batch_alter_table("invoices") as batch_op: the same facts on that table
            (COLUMN_DEF, at(f, 'batch_op.add_column'), "invoices", ("order_id",), "add_column",
             column("Integer", True, references="orders.id")),
            (COLUMN_DEF, at(f, 'batch_op.alter_column("number"'), "invoices", ("number",), "alter_column", {"nullable": False}),
            (COLUMN_DEF, at(f, 'batch_op.drop_column("legacy_ref")'), "invoices", ("legacy_ref",), "drop_column", {}),
            (ACCESS, at(f, "batch_op.create_index"), "invoices", ("order_id",), "create_index",
             {"index": "ix_invoices_order_id", "unique": True}),
            (ACCESS, at(f, "op.create_foreign_key"), "billing.payments", ("order_id",), "ddl",
             {"action": "create_foreign_key", "referent": "orders", "remote_columns": ["id"]}),
            # for table in AUDITED_TABLES (a module constant): one fact per table
            (COLUMN_DEF, loop, "customers", ("updated_at",), "add_column", updated_at),
            (COLUMN_DEF, loop, "orders", ("updated_at",), "add_column", updated_at),
            (COLUMN_DEF, at(f, 'op.drop_column("orders", "coupon")'), "orders", ("coupon",), "drop_column", {}),
            (TABLE_DEF, at(f, 'op.rename_table("payment"'), "billing.payment", (), "rename_table",
             {"new_name": "billing.payments"}),
            (TABLE_DEF, at(f, "op.drop_table(LEGACY)"), "order_notes", (), "drop_table", {}),
            # op.execute(...) is the SQL-strings analysis' business; downgrade() is never replayed
        ],
    )
    rename = next(fact for fact in facts if fact.detail == "rename_column")
    assert rename.location.symbol == "alembic.versions.ae1027a6acf_order_payments.upgrade"
    assert rename.snippet.startswith('op.alter_column("customers", "name", new_column_name="full_name"')
    assert all(fact.extra["revision"] == "ae1027a6acf" for fact in facts)


def test_op_execute_is_left_to_the_sql_strings_analysis() -> None:
    f = PAYMENTS
    line = at(f, "op.execute(")
    facts = scan(f, (ALEMBIC_MIGRATIONS, SQL_STRINGS)).facts
    on_line = [fact for fact in facts if fact.location.line == line]
    assert {(fact.table, fact.detail, fact.via) for fact in on_line} == {("orders", "update", "sql")}
    assert len([fact for fact in facts if fact.via == "migration"]) == len(scan(f, (ALEMBIC_MIGRATIONS,)).facts)


def test_merge_revision_has_several_down_revisions_and_no_operations() -> None:
    facts = scan(MERGE, (ALEMBIC_MIGRATIONS,)).facts
    assert_facts(
        facts,
        [
            (MIGRATION, at(MERGE, 'revision = "3b1cf0d2e9aa"'), "", (), None,
             {"revision": "3b1cf0d2e9aa", "down_revision": ["ae1027a6acf", "5c0d41e7a2b3"], "depends_on": "d9f1e4c3b2a1"}),
        ],
    )


def test_multidb_upgrade_functions_and_their_helpers() -> None:
    f = MULTIDB
    facts = scan(f, (ALEMBIC_MIGRATIONS,)).facts
    assert_facts(
        facts,
        [
            (MIGRATION, at(f, 'revision = "5c0d41e7a2b3"'), "", (), None, {"down_revision": "1975ea83b712"}),
            # `*audit_columns()` returns the module's shared columns: spread into the table where it is called
            (TABLE_DEF, at(f, 'op.create_table('), "daily_sales", ("day", "amount", "loaded_at"), "create_table", {}),
            (COLUMN_DEF, at(f, 'sa.Column("day"'), "daily_sales", ("day",), "create_table",
             column("Date", False, primary_key=True)),
            (COLUMN_DEF, at(f, 'sa.Column("amount"'), "daily_sales", ("amount",), "create_table",
             column("Numeric(12, 2)", False, "'0'")),
            (COLUMN_DEF, at(f, '*audit_columns(),'), "daily_sales", ("loaded_at",), "create_table", column("DateTime", True)),
            # _add_region() is called by upgrade_reporting(); _drop_region() only by a downgrade
            (COLUMN_DEF, at(f, 'sa.Column("region"'), "daily_sales", ("region",), "add_column",
             column("String(8)", True)),
        ],
    )
    symbols = {fact.location.symbol.rsplit(".", 1)[-1] for fact in facts if fact.kind not in (MIGRATION, SCHEMA_OP)}
    assert symbols == {"upgrade_reporting", "_add_region"}


def test_op_from_another_module_is_not_alembic() -> None:
    path = "alembic/not_a_revision.py"
    assert wants_alembic(source(path))
    assert scan(path, (ALEMBIC_MIGRATIONS,)).facts == []


def test_prefilter_skips_files_without_operations_or_revisions() -> None:
    assert not wants_alembic("import sqlalchemy as sa\n\nengine = sa.create_engine(url)\n")
    assert wants_alembic("down_revision = None\n")
    assert wants_alembic("    op.add_column('t', c)\n")


def test_revision_of_and_upgrade_functions() -> None:
    tree = ast.parse(source(MULTIDB))
    assert revision_of(tree) == "5c0d41e7a2b3"
    assert [f.name for f in upgrade_functions(tree)] == ["upgrade", "upgrade_reporting", "audit_columns", "_add_region"]
    assert revision_of(ast.parse('revision = "x"\n')) is None  # no down_revision: not a revision file


def test_schema_named_tables_and_unknown_names() -> None:
    text = '''\
from alembic import op
import sqlalchemy as sa

revision = "b1"
down_revision = "a1"


def upgrade():
    op.add_column("events", sa.Column("kind", sa.Text(), nullable=False), schema="audit")
    op.drop_column(table_for("x"), "y")
    op.add_column("events", make_column())
    name = "archive_" + suffix
    op.drop_table(name)
    op.drop_table("old_events", schema=None)
    op.alter_column("events", "kind", server_default=sa.text("'click'"), schema="audit")
    op.create_index("ix_lower_email", "users", [sa.text("lower(email)"), "tenant_id"])
'''
    facts = scan_python("migrations/versions/b1_events.py", text, ScanContext(), analyses=(ALEMBIC_MIGRATIONS,)).facts
    assert_facts(
        facts,
        [
            (MIGRATION, 4, "", (), None, {"revision": "b1", "down_revision": "a1"}),
            (COLUMN_DEF, 9, "audit.events", ("kind",), "add_column", column("Text", False)),
            (TABLE_DEF, 14, "old_events", (), "drop_table", {}),
            (COLUMN_DEF, 15, "audit.events", ("kind",), "alter_column", {"default": "'click'"}),
            (ACCESS, 16, "users", ("tenant_id",), "create_index", {"expressions": True}),
        ],
    )


def test_sqlite_schema_main_is_the_default_schema() -> None:
    text = 'from alembic import op\n\n\ndef upgrade():\n    op.drop_table("t", schema="main")\n'
    facts = scan_python("versions/x.py", text, ScanContext(dialect="sqlite"), analyses=(ALEMBIC_MIGRATIONS,)).facts
    assert [(f.kind, f.table, f.detail, f.extra) for f in facts] == [
        (SCHEMA_OP, "t", "drop_table", {"operation": "op.drop_table", "revision": None}),
        (TABLE_DEF, "t", "drop_table", {"revision": None}),
    ]


def test_catalog_replays_the_revisions() -> None:
    """The facts have the shape the catalog replays: the schema after both revisions."""
    facts = scan(INITIAL, (ALEMBIC_MIGRATIONS,)).facts + scan(PAYMENTS, (ALEMBIC_MIGRATIONS,)).facts
    catalog = Catalog.from_facts(facts)
    orders = catalog.get("orders")
    assert orders is not None
    assert list(orders.columns) == ["id", "customer_id", "status", "total", "created_at", "meta", "paid_at", "currency", "updated_at"]
    status = orders.columns["status"]
    assert (status.type, status.nullable, status.default) == ("String(32)", True, None)
    currency = orders.columns["currency"]
    assert (currency.type, currency.nullable, currency.default) == ("CHAR(3)", False, "'EUR'")
    customers = catalog.get("customers")
    assert customers is not None and list(customers.columns) == ["id", "email", "full_name", "updated_at"]
    assert catalog.get("billing.payment") is None


def test_keyword_arguments_and_identity_columns() -> None:
    text = '''\
from alembic import op
import sqlalchemy as sa


def upgrade():
    op.create_index("ix_users_a", table_name="users", columns=["a"], unique=True)
    op.add_column(table_name="users", column=sa.Column("b", sa.Integer))
    op.alter_column(table_name="users", column_name="b", new_column_name="c", nullable=False)
    op.create_table("t", *shared_columns, sa.Column("y", sa.Integer, sa.Identity(), primary_key=True))
'''
    facts = scan_python("versions/kw.py", text, ScanContext(), analyses=(ALEMBIC_MIGRATIONS,)).facts
    assert_facts(
        facts,
        [
            (ACCESS, 6, "users", ("a",), "create_index", {"index": "ix_users_a", "unique": True}),
            (COLUMN_DEF, 7, "users", ("b",), "add_column", column("Integer", True)),
            # Alembic renames last: the change applies to the old name, then the rename
            (COLUMN_DEF, 8, "users", ("b",), "alter_column", {"nullable": False}),
            (COLUMN_DEF, 8, "users", ("b",), "rename_column", {"new_name": "c"}),
            (TABLE_DEF, 9, "t", ("y",), "create_table", {"dynamic": True}),
            (COLUMN_DEF, 9, "t", ("y",), "create_table", column("Integer", False, primary_key=True, identity=True)),
        ],
    )
    assert [fact.detail for fact in facts if fact.location.line == 8 and fact.kind == COLUMN_DEF] == ["alter_column", "rename_column"]


CONSTRAINTS = "alembic/versions/c4d5e6f7a8b9_order_indexes_and_constraints.py"


def test_every_operation_of_upgrade_and_downgrade_is_a_schema_operation() -> None:
    """Indexes, constraints and batch operations, up and down: each call at its first line."""
    f = CONSTRAINTS
    facts = scan(f, (ALEMBIC_MIGRATIONS,)).facts
    down = {"direction": "down"}
    create_table = at(f, "op.create_table(")
    open_index = at(f, "unique=False,") - 4
    assert_ops(
        facts,
        [
            (create_table, create_table + 9, "order_lines", "create_table", ("id", "order_id", "sku", "quantity"), {"column_constraints": [
                {"column": "id", "primary_key": True},  # sa.PrimaryKeyConstraint("id")
                {"column": "order_id", "references": {"table": "orders", "columns": ["id"]}},
                {"column": "sku", "index": True},
            ]}),
            # a table-level item of create_table is an operation of its own, at its own line
            (at(f, "sa.CheckConstraint("), at(f, "sa.CheckConstraint("), "order_lines", "add_constraint", (),
             {"name": "ck_order_lines_quantity", "constraint": "check", "check": "quantity > 0", "within": "create_table"}),
            (at(f, "sa.UniqueConstraint("), at(f, "sa.UniqueConstraint("), "order_lines", "add_constraint", ("order_id", "sku"),
             {"name": "uq_order_lines_order_sku", "constraint": "unique", "within": "create_table"}),
            # a multi-line call spans its lines, located at the first
            (open_index, open_index + 6, "orders", "create_index", ("customer_id", "created_at"),
             {"name": "ix_orders_open", "where": "status <> 'closed'"}),
            (at(f, " op.create_unique_constraint("), at(f, " op.create_unique_constraint("), "orders", "add_constraint", ("number",),
             {"name": "uq_orders_number", "constraint": "unique"}),
            (at(f, "op.create_check_constraint("), at(f, "op.create_check_constraint("), "orders", "add_constraint", (),
             {"name": "ck_orders_total", "constraint": "check", "check": "total >= 0"}),
            (at(f, 'op.drop_constraint("orders_coupon_fkey"'), at(f, 'op.drop_constraint("orders_coupon_fkey"'), "orders",
             "drop_constraint", (), {"name": "orders_coupon_fkey", "constraint": "foreign_key"}),
            # no table_name: the history finds the index's table by its name
            (at(f, 'op.drop_index("ix_orders_status")'), at(f, 'op.drop_index("ix_orders_status")'), "", "drop_index", (),
             {"name": "ix_orders_status"}),
            # batch_op.* apply to the batch's table
            (at(f, "batch_op.create_unique_constraint("), at(f, "batch_op.create_unique_constraint("), "invoices", "add_constraint",
             ("number",), {"name": "uq_invoices_number", "constraint": "unique"}),
            (at(f, "batch_op.create_foreign_key("), at(f, "batch_op.create_foreign_key("), "invoices", "add_constraint", ("order_id",),
             {"name": "fk_invoices_order", "constraint": "foreign_key", "references": {"table": "orders", "columns": ["id"]}}),
            (at(f, 'batch_op.drop_index("ix_invoices_order_id")'), at(f, 'batch_op.drop_index("ix_invoices_order_id")'), "invoices",
             "drop_index", (), {"name": "ix_invoices_order_id"}),
            # downgrade(): the same vocabulary, marked down
            (at(f, "batch_op.create_index("), at(f, "batch_op.create_index("), "invoices", "create_index", ("order_id",),
             {"name": "ix_invoices_order_id", "unique": True, **down}),
            (at(f, 'batch_op.drop_constraint("fk_invoices_order"'), at(f, 'batch_op.drop_constraint("fk_invoices_order"'), "invoices",
             "drop_constraint", (), {"name": "fk_invoices_order", "constraint": "foreign_key", **down}),
            (at(f, 'batch_op.drop_constraint("uq_invoices_number"'), at(f, 'batch_op.drop_constraint("uq_invoices_number"'), "invoices",
             "drop_constraint", (), {"name": "uq_invoices_number", "constraint": "unique", **down}),
            (at(f, 'op.create_index("ix_orders_status"'), at(f, 'op.create_index("ix_orders_status"'), "orders", "create_index",
             ("status",), {"name": "ix_orders_status", **down}),
            (at(f, 'op.create_foreign_key("orders_coupon_fkey"'), at(f, 'op.create_foreign_key("orders_coupon_fkey"'), "orders",
             "add_constraint", ("coupon",),
             {"name": "orders_coupon_fkey", "constraint": "foreign_key", "references": {"table": "coupons", "columns": ["code"]}, **down}),
            (at(f, 'op.drop_constraint("ck_orders_total"'), at(f, 'op.drop_constraint("ck_orders_total"'), "orders", "drop_constraint",
             (), {"name": "ck_orders_total", "constraint": "check", **down}),
            (at(f, 'op.drop_constraint(op.f("uq_orders_number")'), at(f, 'op.drop_constraint(op.f("uq_orders_number")'), "orders",
             "drop_constraint", (), {"name": "uq_orders_number", "constraint": "unique", **down}),
            (at(f, 'op.drop_index("ix_orders_open"'), at(f, 'op.drop_index("ix_orders_open"'), "orders", "drop_index", (),
             {"name": "ix_orders_open", **down}),
            (at(f, 'op.drop_table("order_lines")'), at(f, 'op.drop_table("order_lines")'), "order_lines", "drop_table", (), down),
        ],
    )
    ops = [fact for fact in facts if fact.kind == SCHEMA_OP]
    assert {fact.extra["revision"] for fact in ops} == {"c4d5e6f7a8b9"}
    assert {fact.detail for fact in ops} <= SCHEMA_OPS
    assert {fact.extra["operation"] for fact in ops if fact.location.line == at(f, "batch_op.create_foreign_key(")} == {
        "batch_op.create_foreign_key"
    }
    # the downgrade defines nothing: only upgrade() reaches the catalog's replay
    assert {fact.location.symbol.rsplit(".", 1)[-1] for fact in facts if fact.kind not in (MIGRATION, SCHEMA_OP)} == {"upgrade"}


def test_ddl_run_by_op_execute_is_a_schema_operation_too() -> None:
    f = CONSTRAINTS
    facts = [fact for fact in scan(f, (ALEMBIC_MIGRATIONS, SQL_STRINGS)).facts if fact.kind == SCHEMA_OP and fact.via == "sql"]
    trigger = at(f, "CREATE TRIGGER orders_touch")
    assert [(fact.location.line, fact.table, fact.detail, fact.extra.get("name"), fact.location.symbol.rsplit(".", 1)[-1]) for fact in facts] == [
        (trigger, "orders", "create_trigger", "orders_touch", "upgrade"),
        (at(f, "DROP TRIGGER orders_touch"), "orders", "drop_trigger", "orders_touch", "downgrade"),
    ]
    assert facts[0].extra["trigger"] == {"timing": "BEFORE", "events": ["UPDATE"], "function": "touch_updated_at"}


def test_downgrade_of_a_revision_that_altered_columns() -> None:
    f = PAYMENTS
    down = [row for row in (op_row(fact) for fact in scan(f, (ALEMBIC_MIGRATIONS,)).facts if fact.kind == SCHEMA_OP)
            if row[5].get("direction") == "down"]
    assert down == [
        (at(f, "op.create_table(LEGACY"), at(f, "op.create_table(LEGACY"), "order_notes", "create_table", ("id",),
         {"column_constraints": [{"column": "id", "primary_key": True}], "direction": "down"}),
        (at(f, 'op.rename_table("payments", "payment"'), at(f, 'op.rename_table("payments", "payment"'), "billing.payments",
         "rename_table", (), {"new_name": "billing.payment", "direction": "down"}),
        (at(f, 'sa.Column("coupon"'), at(f, 'sa.Column("coupon"'), "orders", "add_column", ("coupon",), {"direction": "down"}),
        (at(f, 'op.drop_column("orders", "currency")'), at(f, 'op.drop_column("orders", "currency")'), "orders", "drop_column",
         ("currency",), {"direction": "down"}),
        (at(f, 'op.drop_column("orders", "paid_at")'), at(f, 'op.drop_column("orders", "paid_at")'), "orders", "drop_column",
         ("paid_at",), {"direction": "down"}),
    ]


SHARED_COLUMNS = '''\
"""main tables"""
from typing import Tuple

import sqlalchemy as sa
from alembic import op
from sqlalchemy import func

revision = "fdf8821871d7"
down_revision = None

AUDIT = [sa.Column("created_by", sa.Text, nullable=True)]


def timestamps() -> Tuple[sa.Column, sa.Column]:
    """Every table has them."""
    return (
        sa.Column("created_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=func.now()),
        sa.Column("updated_at", sa.TIMESTAMP(timezone=True), nullable=False, server_default=func.now()),
    )


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        *timestamps(),
        *AUDIT,
    )
    op.create_table("tags", sa.Column("tag", sa.Text, primary_key=True), *columns_from_elsewhere())
'''


def test_columns_a_module_shares_between_tables_are_spread_into_each_table() -> None:
    facts = scan_python("migrations/versions/fdf8821871d7_main_tables.py", SHARED_COLUMNS, ScanContext(),
                        analyses=(ALEMBIC_MIGRATIONS,)).facts
    lines = SHARED_COLUMNS.splitlines()
    spread = lines.index("        *timestamps(),") + 1
    audit = lines.index("        *AUDIT,") + 1
    columns = [(f.columns[0], f.location.line, f.extra.get("default"), f.extra.get("nullable"))
               for f in facts if f.kind == COLUMN_DEF and f.table == "articles"]
    assert columns == [("id", spread - 2, None, False), ("title", spread - 1, None, False),
                       ("created_at", spread, "now()", False), ("updated_at", spread, "now()", False),
                       ("created_by", audit, None, True)]
    tables = {f.table: f for f in facts if f.kind == TABLE_DEF}
    assert tables["articles"].columns == ("id", "title", "created_at", "updated_at", "created_by")
    assert "dynamic" not in tables["articles"].extra
    assert tables["tags"].extra["dynamic"] is True  # a helper of another module: not guessed
