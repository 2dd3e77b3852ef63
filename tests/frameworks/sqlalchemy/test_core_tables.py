"""SQLAlchemy Core `Table(...)`: defined directly as table_def/column_def facts, and bound to the
name it is assigned to (TABLE_BINDING) so that `payments.insert()` elsewhere reaches the table."""

from __future__ import annotations

from depmap.catalog import Catalog
from depmap.model import COLUMN_DEF, TABLE_DEF
from depmap.orm.symbols import TABLE_BINDING

from .helpers import assert_same, of_kind, scan_fixture, scan_source


def table_rows(result) -> list[tuple]:
    return [
        (f.kind, f.table, f.location.line, f.location.symbol, f.columns, f.access, f.detail, f.via, f.extra)
        for f in result.facts
        if f.kind in (TABLE_DEF, COLUMN_DEF, TABLE_BINDING)
    ]


def test_core_tables_with_schema_defaults_and_reflection():
    result, at = scan_fixture("shop/tables.py")
    payments, audit = "shop.tables.payments", "shop.tables.audit_log"
    definition = ("schema", "model_definition", "orm")
    assert_same(
        table_rows(result),
        [
            (TABLE_BINDING, "billing.payments", at["payments"], payments, (), None, None, "orm", {"binding": payments}),
            (TABLE_DEF, "billing.payments", at["payments"], payments, ("id", "order_id", "amount", "state"), *definition, {}),
            (COLUMN_DEF, "billing.payments", at["payments.id"], payments, ("id",), *definition,
             {"type": "Integer", "nullable": False, "default": None, "primary_key": True}),
            (COLUMN_DEF, "billing.payments", at["payments.order_id"], payments, ("order_id",), *definition,
             {"type": "Integer", "nullable": False, "default": None, "references": "sales.orders.id"}),
            # `default=0` is client-side: the database has no default
            (COLUMN_DEF, "billing.payments", at["payments.amount"], payments, ("amount",), *definition,
             {"type": "sa.Numeric(10, 2)", "nullable": False, "default": None, "client_default": "0"}),
            # server_default=text("'pending'") is SQL text, used as written
            (COLUMN_DEF, "billing.payments", at["payments.state"], payments, ("state",), *definition,
             {"type": "String(16)", "nullable": True, "default": "'pending'"}),
            # schema="public" is PostgreSQL's default schema: the same table as "audit_log"
            (TABLE_BINDING, "audit_log", at["audit_log"], audit, (), None, None, "orm", {"binding": audit}),
            (TABLE_DEF, "audit_log", at["audit_log"], audit, ("id", "message"), *definition, {}),
            (COLUMN_DEF, "audit_log", at["audit_log.id"], audit, ("id",), *definition,
             {"type": "sa.BigInteger", "nullable": False, "default": None, "primary_key": True}),
            (COLUMN_DEF, "audit_log", at["audit_log.message"], audit, ("message",), *definition,
             {"type": "sa.Text", "nullable": True, "default": None}),
            # reflected from the live database: bound, but no columns to define
            (TABLE_BINDING, "legacy_accounts", at["legacy"], "shop.tables.legacy_accounts", (), None, None, "orm",
             {"binding": "shop.tables.legacy_accounts"}),
        ],
    )  # fmt: skip


def test_schema_is_kept_when_it_is_not_the_dialects_default():
    result, _ = scan_fixture("shop/tables.py", dialect="mysql")
    assert {f.table for f in of_kind(result, TABLE_DEF)} == {"billing.payments", "public.audit_log"}


def test_association_tables_in_model_modules():
    result, at = scan_fixture("shop/models.py")
    binding = "shop.models.order_tags"
    definition = ("schema", "model_definition", "orm")
    assert_same(
        table_rows(result),
        [
            (TABLE_BINDING, "order_tags", at["order_tags"], binding, (), None, None, "orm", {"binding": binding}),
            (TABLE_DEF, "order_tags", at["order_tags"], binding, ("order_id", "tag"), *definition, {}),
            (COLUMN_DEF, "order_tags", at["order_tags.order_id"], binding, ("order_id",), *definition,
             {"type": None, "nullable": False, "default": None, "primary_key": True, "references": "sales.orders.id"}),
            # a plain string server_default is a string literal to SQLAlchemy: quoted
            (COLUMN_DEF, "order_tags", at["order_tags.tag"], binding, ("tag",), *definition,
             {"type": "String(30)", "nullable": False, "default": "'misc'"}),
        ],
    )  # fmt: skip


def test_flask_db_table_has_no_metadata_argument():
    result, at = scan_fixture("blog/models.py")
    columns = [(f.columns, f.location.line, f.extra) for f in of_kind(result, COLUMN_DEF)]
    assert columns == [
        (("post_id",), at["post_tags.post_id"], {"type": "db.Integer", "nullable": False, "default": None, "primary_key": True, "references": "posts.id"}),
        (("tag_id",), at["post_tags.tag_id"], {"type": "db.Integer", "nullable": False, "default": None, "primary_key": True, "references": "tag.id"}),
    ]


def test_catalog_reads_core_definitions():
    result, _ = scan_fixture("shop/tables.py")
    catalog = Catalog.from_facts(result.facts)
    payments = catalog.get("billing.payments")
    assert payments is not None and list(payments.columns) == ["id", "order_id", "amount", "state"]
    state = payments.columns["state"]
    assert (state.type, state.nullable, state.default) == ("String(16)", True, "'pending'")
    assert catalog.get("legacy_accounts") is None


def test_tables_built_inside_functions_are_not_read():
    """A known gap, for speed: function bodies are not walked by the models analysis."""
    result = scan_source(
        """\
        import sqlalchemy as sa

        def make_staging(metadata):
            return sa.Table("staging_orders", metadata, sa.Column("id", sa.Integer), sa.Column("raw", sa.JSON))
        """
    )
    assert result.facts == []


def test_table_that_is_not_sqlalchemy():
    result = scan_source(
        """\
        from rich.table import Table

        report = Table("Orders", "Total")
        """
    )
    assert result.facts == []
