"""Indexes and constraints SQLAlchemy declares: `__table_args__`, Core `Table(...)` items,
`index=True`, `unique=True` and `ForeignKey` on columns, as schema operations of the model."""

from __future__ import annotations

import ast

from depmap.frameworks.sqlalchemy.table_items import table_item
from depmap.model import SCHEMA_OP
from depmap.orm.link import link_orm
from depmap.python.tree import SourceText

from .helpers import scan_fixture

MODEL = {"within": "model"}


def ops(facts) -> list[tuple]:
    return [(f.location.line, f.table, f.detail, f.columns, {k: v for k, v in f.extra.items() if k != "model"})
            for f in facts if f.kind == SCHEMA_OP]


def test_declared_indexes_and_constraints_of_models_and_core_tables() -> None:
    result, at = scan_fixture("ledger/models.py")
    # a Core table is known where it is written: its operations come from the scan itself
    assert ops(result.facts) == [
        (at["balances"], "balances", "create_table", ("account_id", "day", "cents"), {**MODEL, "operation": "Table", "column_constraints": [
            {"column": "account_id", "primary_key": True, "references": {"table": "accounts", "columns": ["id"]}},
            {"column": "day", "primary_key": True},
        ]}),
        (at["ix_balances_day"], "balances", "create_index", ("day",), {"name": "ix_balances_day", **MODEL, "operation": "Table"}),
        (at["ck_balances_cents"], "balances", "add_constraint", (),
         {"name": "ck_balances_cents", "constraint": "check", "check": "cents >= 0", **MODEL, "operation": "Table"}),
    ]
    # a model's, once the linker knows its table and columns
    linked = [f for f in link_orm(result.facts) if f.kind == SCHEMA_OP and f.location.line != at["balances"] and f.table != "balances"]
    assert ops(linked) == [
        (at["Account"], "accounts", "create_table", ("id", "email", "region"), {**MODEL, "column_constraints": [
            {"column": "id", "primary_key": True},
            {"column": "email", "unique": True},
            {"column": "region", "index": True},  # index=True; SQLAlchemy indexes nothing on its own
        ]}),
        (at["Entry"], "ledger_entries", "create_table", ("id", "account_id", "reference", "amount_cents", "booked_at", "settled_at"),
         {**MODEL, "column_constraints": [
             {"column": "id", "primary_key": True},
             {"column": "account_id", "references": {"table": "accounts", "columns": ["id"]}},
         ]}),
        (at["ix_entries_account_booked"], "ledger_entries", "create_index", ("account_id", "booked_at"),
         {"name": "ix_entries_account_booked", **MODEL}),
        (at["ix_entries_open"], "ledger_entries", "create_index", ("account_id",),
         {"name": "ix_entries_open", "where": "settled_at IS NULL", **MODEL}),
        (at["uq_entries_reference"], "ledger_entries", "add_constraint", ("account_id", "reference"),
         {"name": "uq_entries_reference", "constraint": "unique", **MODEL}),
        (at["ck_entries_amount"], "ledger_entries", "add_constraint", (),
         {"name": "ck_entries_amount", "constraint": "check", "check": "amount_cents <> 0", **MODEL}),
    ]


def item(code: str) -> dict | None:
    node = ast.parse(code, mode="eval").body
    found = table_item(node, SourceText(code))
    return {k: v for k, v in found.items() if k not in ("line", "end_line")} if found else None


def test_the_forms_of_table_items() -> None:
    assert item('sa.Index("ix_orders_lower_email", sa.func.lower(Order.email), Order.tenant_id, unique=True)') == {
        "kind": "index", "name": "ix_orders_lower_email", "fields": ["tenant_id"], "expressions": True,
        "condition": None, "check": None, "unique": True,
    }
    assert item('ForeignKeyConstraint(["order_id", "line_no"], ["sales.order_lines.order_id", "sales.order_lines.line_no"], name="fk_x")') == {
        "kind": "foreign_key", "name": "fk_x", "fields": ["order_id", "line_no"], "expressions": False, "condition": None,
        "check": None, "references": {"table": "sales.order_lines", "columns": ["order_id", "line_no"]},
    }
    assert item('PrimaryKeyConstraint("account_id", "day")') == {
        "kind": "primary_key", "name": None, "fields": ["account_id", "day"], "expressions": False, "condition": None, "check": None,
    }
    assert item('UniqueConstraint(orders.c.number, column("tenant_id"))')["fields"] == ["number", "tenant_id"]
    assert item('sa.Column("id", sa.Integer)') is None
